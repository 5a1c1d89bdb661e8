//! Reading metric histories: whole, a range of points (only the chunks that hold it), or
//! streamed as columns a chunk at a time. The series, its chunks and its tail are read by one
//! statement, so they come from one snapshot and a read is one round trip.

use postgres::GenericClient;

use super::metrics::CHUNK_POINTS;
use super::sql::{args, big, for_each_row};
use crate::error::{StoreError, StoreResult};
use crate::metric_codec;
use crate::model::{MetricColumnSet, MetricColumns, MetricPoint};
use crate::store::MetricHistoryRange;

/// One stored piece of a history: a compressed chunk starting at a point index, or one tail
/// point.
enum Piece<'a> {
    Chunk { first_point: i64, data: &'a [u8] },
    Point(MetricPoint),
}

/// What a history's series row says of the whole history.
struct SeriesHead {
    total_points: usize,
    in_mlflow_order: Option<bool>,
}

/// Hands the pieces holding points `first..last` of the series `key` of `run_id` to `each`, in
/// logging order (chunks first: the tail always follows them), and returns the history's
/// length and order; `None` when the run has no such metric. One statement: the series, its
/// chunks and its tail come from one snapshot without a transaction around them.
fn for_each_piece(
    client: &mut impl GenericClient,
    run_id: &str,
    key: &str,
    first: i64,
    last: i64,
    mut each: impl FnMut(Piece<'_>) -> StoreResult<()>,
) -> StoreResult<Option<SeriesHead>> {
    // A chunk holds at most CHUNK_POINTS points: one starting at or before this cannot reach
    // `first`, which bounds the primary-key scan from below.
    let lowest_chunk_start = first.saturating_sub(big(CHUNK_POINTS));
    let mut run_found = false;
    let mut head = None;
    for_each_row(
        client,
        "WITH s AS (
             SELECT m.id, m.point_count, m.in_mlflow_order FROM runs r
             LEFT JOIN metric_series m ON m.run_id = r.id AND m.key = $2
             WHERE r.run_uuid = $1
         )
         SELECT -1 AS part, s.point_count AS seq, NULL::BYTEA AS data, s.id AS step,
                s.in_mlflow_order::INT::BIGINT AS timestamp_ms, NULL::BIGINT AS value_bits
         FROM s
         UNION ALL
         SELECT 0, c.first_point, c.data, NULL, NULL, NULL FROM s
         JOIN metric_chunks c ON c.series_id = s.id
         WHERE c.first_point < $4 AND c.first_point > $5 AND c.first_point + c.point_count > $3
         UNION ALL
         SELECT 1, t.seq, NULL, t.step, t.timestamp_ms, t.value_bits FROM s
         JOIN metric_tail t ON t.series_id = s.id
         WHERE t.seq >= $3 AND t.seq < $4
         ORDER BY 1, 2",
        args![run_id, key, first, last, lowest_chunk_start],
        |row| {
            let part: i32 = row.try_get(0)?;
            match part {
                -1 => {
                    run_found = true;
                    if row.try_get::<_, Option<i64>>(3)?.is_some() {
                        let count: i64 = row.try_get(1)?;
                        head = Some(SeriesHead {
                            total_points: usize::try_from(count).unwrap_or(0),
                            in_mlflow_order: row
                                .try_get::<_, Option<i64>>(4)?
                                .map(|flag| flag == 1),
                        });
                    }
                    Ok(())
                }
                0 => each(Piece::Chunk {
                    first_point: row.try_get(1)?,
                    data: row.try_get(2)?,
                }),
                _ => each(Piece::Point(MetricPoint {
                    step: row.try_get(3)?,
                    timestamp_ms: row.try_get(4)?,
                    value: f64::from_bits(row.try_get::<_, i64>(5)? as u64),
                })),
            }
        },
    )?;
    if !run_found {
        return Err(StoreError::RunNotFound {
            run_id: run_id.to_string(),
        });
    }
    Ok(head)
}

fn corrupt(run_id: &str, key: &str, error: metric_codec::CodecError) -> StoreError {
    StoreError::CorruptMetric {
        run_id: run_id.to_string(),
        key: key.to_string(),
        reason: error.to_string(),
    }
}

/// The whole history of one metric of a run, in logging order.
pub(crate) fn history(
    client: &mut impl GenericClient,
    run_id: &str,
    key: &str,
) -> StoreResult<Vec<MetricPoint>> {
    Ok(history_range(client, run_id, key, 0, usize::MAX)?.points)
}

/// Points `offset..offset + limit` of one metric's history, decoding only the chunks that hold
/// them.
pub(crate) fn history_range(
    client: &mut impl GenericClient,
    run_id: &str,
    key: &str,
    offset: usize,
    limit: usize,
) -> StoreResult<MetricHistoryRange> {
    let (first, last) = (big(offset), big(offset.saturating_add(limit)));
    let mut points = Vec::new();
    let mut decoded = Vec::with_capacity(CHUNK_POINTS);
    let head = for_each_piece(client, run_id, key, first, last, |piece| {
        match piece {
            Piece::Chunk { first_point, data } => {
                decoded.clear();
                metric_codec::decode(data, &mut decoded)
                    .map_err(|error| corrupt(run_id, key, error))?;
                // The part of this chunk inside [first, last), as indexes into the chunk.
                let from = usize::try_from(first.saturating_sub(first_point)).unwrap_or(0);
                let to = usize::try_from(last.saturating_sub(first_point))
                    .unwrap_or(0)
                    .min(decoded.len());
                points.extend_from_slice(decoded.get(from..to).unwrap_or_default());
            }
            Piece::Point(point) => points.push(point),
        }
        Ok(())
    })?;
    Ok(match head {
        Some(head) => MetricHistoryRange {
            points,
            total_points: head.total_points,
            in_mlflow_order: head.in_mlflow_order,
        },
        None => MetricHistoryRange {
            points,
            total_points: 0,
            in_mlflow_order: Some(true),
        },
    })
}

/// Streams the history of one metric of a run to `visit` as columns, one stored chunk at a
/// time and then the tail, in logging order.
pub(crate) fn visit_history(
    client: &mut impl GenericClient,
    run_id: &str,
    key: &str,
    set: MetricColumnSet,
    visit: &mut dyn FnMut(&MetricColumns),
) -> StoreResult<()> {
    let mut columns = MetricColumns::default();
    let mut in_tail = false;
    for_each_piece(client, run_id, key, 0, i64::MAX, |piece| {
        match piece {
            Piece::Chunk { data, .. } => {
                columns.clear();
                metric_codec::decode_columns(data, set, &mut columns)
                    .map_err(|error| corrupt(run_id, key, error))?;
                visit(&columns);
            }
            Piece::Point(point) => {
                if !in_tail {
                    columns.clear();
                    in_tail = true;
                }
                columns.push_columns(&point, set);
            }
        }
        Ok(())
    })?;
    if in_tail && !columns.is_empty() {
        visit(&columns);
    }
    Ok(())
}
