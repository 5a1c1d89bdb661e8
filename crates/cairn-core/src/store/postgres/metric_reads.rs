//! Reading metric histories: whole, a range of points (only the chunks that hold it), or
//! streamed as columns a chunk at a time. Chunks and tail are read by one statement, so both
//! come from the same snapshot.

use postgres::Transaction;

use super::metrics::CHUNK_POINTS;
use super::sql::{args, big, for_each_row, query_opt};
use crate::error::{StoreError, StoreResult};
use crate::metric_codec;
use crate::model::{MetricColumnSet, MetricColumns, MetricPoint};
use crate::store::MetricHistoryRange;

/// The series `key` of `run_id` as (id, point count); `None` when the run has no such metric.
fn find_series(
    tx: &mut Transaction<'_>,
    run_id: &str,
    key: &str,
) -> StoreResult<Option<(i64, usize)>> {
    let row = query_opt(
        tx,
        "SELECT s.id, s.point_count FROM runs r
         LEFT JOIN metric_series s ON s.run_id = r.id AND s.key = $2
         WHERE r.run_uuid = $1",
        args![run_id, key],
    )?;
    let Some(row) = row else {
        return Err(StoreError::RunNotFound {
            run_id: run_id.to_string(),
        });
    };
    let id: Option<i64> = row.try_get(0)?;
    let count: Option<i64> = row.try_get(1)?;
    Ok(id.map(|id| (id, usize::try_from(count.unwrap_or(0)).unwrap_or(0))))
}

/// One stored piece of a history: a compressed chunk starting at a point index, or one tail
/// point at its index.
enum Piece<'a> {
    Chunk { first_point: i64, data: &'a [u8] },
    Point(MetricPoint),
}

/// Hands the pieces of points `first..last` of a series to `each`, in logging order (chunks
/// first: the tail always follows them).
fn for_each_piece(
    tx: &mut Transaction<'_>,
    series_id: i64,
    first: i64,
    last: i64,
    mut each: impl FnMut(Piece<'_>) -> StoreResult<()>,
) -> StoreResult<()> {
    let lowest_chunk_start = first.saturating_sub(big(CHUNK_POINTS));
    for_each_row(
        tx,
        "SELECT * FROM (
             SELECT 0 AS part, first_point AS seq, data, NULL::BIGINT AS step,
                    NULL::BIGINT AS timestamp_ms, NULL::BIGINT AS value_bits
             FROM metric_chunks
             WHERE series_id = $1 AND first_point < $3 AND first_point > $4
               AND first_point + point_count > $2
             UNION ALL
             SELECT 1, seq, NULL, step, timestamp_ms, value_bits FROM metric_tail
             WHERE series_id = $1 AND seq >= $2 AND seq < $3
         ) pieces ORDER BY part, seq",
        args![series_id, first, last, lowest_chunk_start],
        |row| {
            let part: i32 = row.try_get(0)?;
            if part == 0 {
                each(Piece::Chunk {
                    first_point: row.try_get(1)?,
                    data: row.try_get(2)?,
                })
            } else {
                each(Piece::Point(MetricPoint {
                    step: row.try_get(3)?,
                    timestamp_ms: row.try_get(4)?,
                    value: f64::from_bits(row.try_get::<_, i64>(5)? as u64),
                }))
            }
        },
    )?;
    Ok(())
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
    tx: &mut Transaction<'_>,
    run_id: &str,
    key: &str,
) -> StoreResult<Vec<MetricPoint>> {
    Ok(history_range(tx, run_id, key, 0, usize::MAX)?.points)
}

/// Points `offset..offset + limit` of one metric's history, decoding only the chunks that hold
/// them.
pub(crate) fn history_range(
    tx: &mut Transaction<'_>,
    run_id: &str,
    key: &str,
    offset: usize,
    limit: usize,
) -> StoreResult<MetricHistoryRange> {
    let Some((series_id, total_points)) = find_series(tx, run_id, key)? else {
        return Ok(MetricHistoryRange {
            points: Vec::new(),
            total_points: 0,
        });
    };
    let end = offset.saturating_add(limit).min(total_points);
    let mut points = Vec::with_capacity(end.saturating_sub(offset));
    if offset >= end {
        return Ok(MetricHistoryRange {
            points,
            total_points,
        });
    }
    let (first, last) = (big(offset), big(end));
    let mut decoded = Vec::with_capacity(CHUNK_POINTS);
    for_each_piece(tx, series_id, first, last, |piece| {
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
    Ok(MetricHistoryRange {
        points,
        total_points,
    })
}

/// Streams the history of one metric of a run to `visit` as columns, one stored chunk at a
/// time and then the tail, in logging order.
pub(crate) fn visit_history(
    tx: &mut Transaction<'_>,
    run_id: &str,
    key: &str,
    set: MetricColumnSet,
    visit: &mut dyn FnMut(&MetricColumns),
) -> StoreResult<()> {
    let Some((series_id, total_points)) = find_series(tx, run_id, key)? else {
        return Ok(());
    };
    let mut columns = MetricColumns::default();
    let mut in_tail = false;
    for_each_piece(tx, series_id, 0, big(total_points), |piece| {
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
