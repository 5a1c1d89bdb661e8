//! Metric histories: compressed chunks plus a short uncompressed tail for points logged one at
//! a time. See ARCHITECTURE.md, "Metric storage", for why, and
//! docs/PERFORMANCE.md for the measurements.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{StoreError, StoreResult};
use crate::metric_codec;
use crate::model::{LoggingOrder, MetricColumnSet, MetricColumns, MetricPoint};
use crate::store::MetricHistoryRange;

use super::row::find_run;
use crate::store::repeats::{Repeats, may_repeat_stored, without_repeats};

/// Most points in one chunk.
pub(super) const CHUNK_POINTS: usize = 4096;
/// A write of at least this many points to one series goes straight into chunks.
const DIRECT_CHUNK_MIN_POINTS: usize = 64;
/// The tail is compacted into a chunk once it holds this many points.
const TAIL_FLUSH_POINTS: usize = 256;

struct Series {
    id: i64,
    latest: MetricPoint,
    point_count: usize,
    tail_count: usize,
    order: LoggingOrder,
}

/// Appends `points` (in logging order) to the series `key` of run `run_pk`; with
/// [`Repeats::Dropped`], those that repeat a point exactly are left out.
pub(super) fn append(
    transaction: &Transaction<'_>,
    run_pk: i64,
    key: &str,
    points: &[MetricPoint],
    repeats: Repeats,
) -> StoreResult<()> {
    let found = find_series(transaction, run_pk, key)?;
    let kept;
    let points = match repeats {
        Repeats::Kept => points,
        Repeats::Dropped => {
            let recent = match &found {
                Some(series) if may_repeat_stored(&series.order, points) => {
                    recent_points(transaction, series.id)?
                }
                _ => Vec::new(),
            };
            kept = without_repeats(points, &recent);
            &kept[..]
        }
    };
    let Some(first) = points.first() else {
        return Ok(());
    };
    let mut series = match found {
        Some(series) => series,
        None => create_series(transaction, run_pk, key, first)?,
    };
    for point in points {
        if point.is_later_than(&series.latest) {
            series.latest = *point;
        }
    }
    series.order.follow(points);
    let first_seq = series.point_count - series.tail_count;
    if series.tail_count + points.len() >= TAIL_FLUSH_POINTS
        || points.len() >= DIRECT_CHUNK_MIN_POINTS
    {
        let mut pending = read_tail(transaction, series.id)?;
        pending.extend_from_slice(points);
        delete_tail(transaction, series.id)?;
        write_chunks(transaction, series.id, first_seq, &pending)?;
        series.tail_count = 0;
    } else {
        let mut insert = transaction.prepare_cached(
            "INSERT INTO metric_tail (series_id, seq, step, timestamp_ms, value_bits)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (offset, point) in points.iter().enumerate() {
            insert.execute(params![
                series.id,
                (series.point_count + offset) as i64,
                point.step,
                point.timestamp_ms,
                point.value.to_bits() as i64
            ])?;
        }
        series.tail_count += points.len();
    }
    series.point_count += points.len();
    save_series(transaction, &series)
}

/// Moves every tail of a run into chunks; called when the run ends.
pub(super) fn compact_run(transaction: &Transaction<'_>, run_pk: i64) -> StoreResult<()> {
    let mut statement = transaction.prepare_cached(
        "SELECT id, point_count, tail_count FROM metric_series
         WHERE run_id = ?1 AND tail_count > 0",
    )?;
    let tails: Vec<(i64, i64, i64)> = statement
        .query_map([run_pk], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (series_id, point_count, tail_count) in tails {
        let pending = read_tail(transaction, series_id)?;
        delete_tail(transaction, series_id)?;
        write_chunks(
            transaction,
            series_id,
            (point_count - tail_count) as usize,
            &pending,
        )?;
        transaction
            .prepare_cached("UPDATE metric_series SET tail_count = 0 WHERE id = ?1")?
            .execute([series_id])?;
    }
    Ok(())
}

/// The whole history of one metric of a run, in logging order.
pub(super) fn history(
    connection: &Connection,
    run_id: &str,
    key: &str,
) -> StoreResult<Vec<MetricPoint>> {
    let mut points = Vec::new();
    read_series(connection, run_id, key, |series_id, point_count| {
        points.reserve_exact(point_count);
        for_each_chunk(connection, run_id, key, series_id, |data| {
            metric_codec::decode(data, &mut points)
        })?;
        points.extend(read_tail(connection, series_id)?);
        Ok(())
    })?;
    Ok(points)
}

/// Streams the history of one metric of a run to `visit` as columns, one stored chunk at a
/// time and then the tail, in logging order. The columns are reused between calls.
pub(super) fn visit_history(
    connection: &Connection,
    run_id: &str,
    key: &str,
    set: MetricColumnSet,
    visit: &mut dyn FnMut(&MetricColumns),
) -> StoreResult<()> {
    read_series(connection, run_id, key, |series_id, _| {
        let mut columns = MetricColumns::default();
        for_each_chunk(connection, run_id, key, series_id, |data| {
            columns.clear();
            metric_codec::decode_columns(data, set, &mut columns)?;
            visit(&columns);
            Ok(())
        })?;
        columns.clear();
        for point in read_tail(connection, series_id)? {
            columns.push_columns(&point, set);
        }
        if !columns.is_empty() {
            visit(&columns);
        }
        Ok(())
    })
}

/// Runs `read` with the id and point count of the series `key` of `run_id`, inside one read
/// transaction so that chunks and tail come from the same snapshot (a writer may compact the
/// tail meanwhile). A run without the metric is not an error: `read` is not called.
fn read_series(
    connection: &Connection,
    run_id: &str,
    key: &str,
    read: impl FnOnce(i64, usize) -> StoreResult<()>,
) -> StoreResult<()> {
    let snapshot = connection.unchecked_transaction()?;
    let (run_pk, _) = find_run(connection, run_id)?;
    if let Some(series) = find_series(connection, run_pk, key)? {
        read(series.id, series.point_count)?;
    }
    snapshot.commit()?;
    Ok(())
}

/// Hands each stored chunk of a series to `decode`, in order; a decoding error names the run
/// and key.
fn for_each_chunk(
    connection: &Connection,
    run_id: &str,
    key: &str,
    series_id: i64,
    mut decode: impl FnMut(&[u8]) -> Result<(), metric_codec::CodecError>,
) -> StoreResult<()> {
    let corrupt = |reason: String| StoreError::CorruptMetric {
        run_id: run_id.to_string(),
        key: key.to_string(),
        reason,
    };
    let mut statement = connection
        .prepare_cached("SELECT data FROM metric_chunks WHERE series_id = ?1 ORDER BY seq")?;
    let mut rows = statement.query([series_id])?;
    while let Some(row) = rows.next()? {
        let data = row
            .get_ref(0)?
            .as_blob()
            .map_err(|error| corrupt(error.to_string()))?;
        decode(data).map_err(|error| corrupt(error.to_string()))?;
    }
    Ok(())
}

/// Points `offset..offset + limit` of one metric's history, decoding only the chunks that hold
/// them: a chunk's `seq` is the index of its first point, a tail row's `seq` its own index.
pub(super) fn history_range(
    connection: &Connection,
    run_id: &str,
    key: &str,
    offset: usize,
    limit: usize,
) -> StoreResult<MetricHistoryRange> {
    let (run_pk, _) = find_run(connection, run_id)?;
    let Some(series) = find_series(connection, run_pk, key)? else {
        return Ok(MetricHistoryRange {
            points: Vec::new(),
            total_points: 0,
            in_mlflow_order: Some(true),
        });
    };
    let end = offset.saturating_add(limit).min(series.point_count);
    let mut points = Vec::with_capacity(end.saturating_sub(offset));
    if offset >= end {
        return Ok(MetricHistoryRange {
            points,
            total_points: series.point_count,
            in_mlflow_order: series.order.in_mlflow_order,
        });
    }
    // SQLite integers are i64; a history never holds i64::MAX points.
    let (first, last) = (to_seq(offset), to_seq(end));
    let mut statement = connection.prepare_cached(
        "SELECT seq, data FROM metric_chunks
         WHERE series_id = ?1 AND seq < ?3 AND seq + point_count > ?2 ORDER BY seq",
    )?;
    let mut rows = statement.query(params![series.id, first, last])?;
    let mut decoded = Vec::with_capacity(CHUNK_POINTS);
    while let Some(row) = rows.next()? {
        let corrupt = |reason: String| StoreError::CorruptMetric {
            run_id: run_id.to_string(),
            key: key.to_string(),
            reason,
        };
        let seq: i64 = row.get(0)?;
        let data = row
            .get_ref(1)?
            .as_blob()
            .map_err(|error| corrupt(error.to_string()))?;
        decoded.clear();
        metric_codec::decode(data, &mut decoded).map_err(|error| corrupt(error.to_string()))?;
        // The part of this chunk inside [first, last), as indexes into the chunk.
        let from = usize::try_from(first.saturating_sub(seq)).unwrap_or(0);
        let to = usize::try_from(last.saturating_sub(seq))
            .unwrap_or(0)
            .min(decoded.len());
        points.extend_from_slice(decoded.get(from..to).unwrap_or_default());
    }
    if series.tail_count > 0 && end > series.point_count - series.tail_count {
        let mut statement = connection.prepare_cached(
            "SELECT step, timestamp_ms, value_bits FROM metric_tail
             WHERE series_id = ?1 AND seq >= ?2 AND seq < ?3 ORDER BY seq",
        )?;
        let tail = statement.query_map(params![series.id, first, last], |row| {
            Ok(MetricPoint {
                step: row.get(0)?,
                timestamp_ms: row.get(1)?,
                value: f64::from_bits(row.get::<_, i64>(2)? as u64),
            })
        })?;
        for point in tail {
            points.push(point?);
        }
    }
    Ok(MetricHistoryRange {
        points,
        total_points: series.point_count,
        in_mlflow_order: series.order.in_mlflow_order,
    })
}

fn to_seq(index: usize) -> i64 {
    i64::try_from(index).unwrap_or(i64::MAX)
}

fn find_series(connection: &Connection, run_pk: i64, key: &str) -> StoreResult<Option<Series>> {
    let series = connection
        .prepare_cached(
            "SELECT id, latest_value, latest_is_nan, latest_step, latest_timestamp_ms,
                    point_count, tail_count, in_mlflow_order, last_step, last_timestamp_ms,
                    last_value_bits
             FROM metric_series WHERE run_id = ?1 AND key = ?2",
        )?
        .query_row(params![run_pk, key], |row| {
            let is_nan: bool = row.get(2)?;
            let value = match row.get::<_, Option<f64>>(1)? {
                Some(value) if !is_nan => value,
                _ => f64::NAN,
            };
            Ok(Series {
                id: row.get(0)?,
                latest: MetricPoint {
                    step: row.get(3)?,
                    timestamp_ms: row.get(4)?,
                    value,
                },
                point_count: row.get::<_, i64>(5)? as usize,
                tail_count: row.get::<_, i64>(6)? as usize,
                order: LoggingOrder {
                    in_mlflow_order: row.get(7)?,
                    last: match (row.get(8)?, row.get(9)?, row.get::<_, Option<i64>>(10)?) {
                        (Some(step), Some(timestamp_ms), Some(bits)) => Some(MetricPoint {
                            step,
                            timestamp_ms,
                            value: f64::from_bits(bits as u64),
                        }),
                        _ => None,
                    },
                },
            })
        })
        .optional()?;
    Ok(series)
}

fn create_series(
    transaction: &Transaction<'_>,
    run_pk: i64,
    key: &str,
    first: &MetricPoint,
) -> StoreResult<Series> {
    transaction
        .prepare_cached(
            "INSERT INTO metric_series (run_id, key, latest_step, latest_timestamp_ms)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![run_pk, key, first.step, first.timestamp_ms])?;
    Ok(Series {
        id: transaction.last_insert_rowid(),
        latest: *first,
        point_count: 0,
        tail_count: 0,
        order: LoggingOrder::EMPTY,
    })
}

fn save_series(transaction: &Transaction<'_>, series: &Series) -> StoreResult<()> {
    let value = series.latest.value;
    transaction
        .prepare_cached(
            "UPDATE metric_series
             SET latest_value = ?2, latest_is_nan = ?3, latest_step = ?4,
                 latest_timestamp_ms = ?5, point_count = ?6, tail_count = ?7,
                 in_mlflow_order = ?8, last_step = ?9, last_timestamp_ms = ?10,
                 last_value_bits = ?11
             WHERE id = ?1",
        )?
        .execute(params![
            series.id,
            (!value.is_nan()).then_some(value),
            value.is_nan(),
            series.latest.step,
            series.latest.timestamp_ms,
            series.point_count as i64,
            series.tail_count as i64,
            series.order.in_mlflow_order,
            series.order.last.map(|last| last.step),
            series.order.last.map(|last| last.timestamp_ms),
            series.order.last.map(|last| last.value.to_bits() as i64),
        ])?;
    Ok(())
}

/// The series' last chunk and its tail, in logging order: where a repeat is looked for.
fn recent_points(connection: &Connection, series_id: i64) -> StoreResult<Vec<MetricPoint>> {
    let mut points = Vec::new();
    let last: Option<Vec<u8>> = connection
        .prepare_cached(
            "SELECT data FROM metric_chunks WHERE series_id = ?1 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([series_id], |row| row.get(0))
        .optional()?;
    if let Some(data) = last {
        metric_codec::decode(&data, &mut points).map_err(|error| StoreError::Backend {
            message: format!("a stored metric chunk cannot be read: {error}"),
        })?;
    }
    points.extend(read_tail(connection, series_id)?);
    Ok(points)
}

fn read_tail(connection: &Connection, series_id: i64) -> StoreResult<Vec<MetricPoint>> {
    let mut statement = connection.prepare_cached(
        "SELECT step, timestamp_ms, value_bits FROM metric_tail WHERE series_id = ?1 ORDER BY seq",
    )?;
    let points = statement
        .query_map([series_id], |row| {
            Ok(MetricPoint {
                step: row.get(0)?,
                timestamp_ms: row.get(1)?,
                value: f64::from_bits(row.get::<_, i64>(2)? as u64),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(points)
}

fn delete_tail(transaction: &Transaction<'_>, series_id: i64) -> StoreResult<()> {
    transaction
        .prepare_cached("DELETE FROM metric_tail WHERE series_id = ?1")?
        .execute([series_id])?;
    Ok(())
}

fn write_chunks(
    transaction: &Transaction<'_>,
    series_id: i64,
    first_seq: usize,
    points: &[MetricPoint],
) -> StoreResult<()> {
    let mut insert = transaction.prepare_cached(
        "INSERT INTO metric_chunks (series_id, seq, point_count, min_step, max_step, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut buffer = Vec::new();
    for (index, chunk) in points.chunks(CHUNK_POINTS).enumerate() {
        buffer.clear();
        metric_codec::encode(chunk, &mut buffer);
        let min_step = chunk.iter().map(|point| point.step).min().unwrap_or(0);
        let max_step = chunk.iter().map(|point| point.step).max().unwrap_or(0);
        insert.execute(params![
            series_id,
            (first_seq + index * CHUNK_POINTS) as i64,
            chunk.len() as i64,
            min_step,
            max_step,
            buffer,
        ])?;
    }
    Ok(())
}
