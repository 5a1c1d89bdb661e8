//! Writing metric histories: compressed chunks (`metric_chunks`, Cairn's metric codec) plus a
//! short uncompressed tail (`metric_tail`) for points logged a few at a time, folded into a
//! chunk once it is long enough or the run ends. A batch locks its series rows (`FOR UPDATE`,
//! in id order) so concurrent writers of one series take turns, and writes each table with one
//! set-based statement whatever the number of keys.

use std::collections::HashMap;

use postgres::{Row, Transaction};

use super::row::writable_run;
use super::sql::{args, big, execute, query};
use crate::error::{StoreError, StoreResult};
use crate::metric_codec;
use crate::model::{LifecycleStage, LoggingOrder, MetricPoint};
use crate::store::repeats::{Repeats, may_repeat_stored, without_repeats};

/// Most points in one chunk.
pub(crate) const CHUNK_POINTS: usize = 4096;
/// A write of at least this many points to one series goes straight into chunks.
const DIRECT_CHUNK_MIN_POINTS: usize = 64;
/// The tail is folded into a chunk once it holds this many points.
const TAIL_FLUSH_POINTS: usize = 256;
/// Chunks sent in one statement (a few MB at most).
const CHUNKS_PER_STATEMENT: usize = 256;

/// A series row as locked for writing.
struct Series {
    id: i64,
    key: String,
    latest: Option<MetricPoint>,
    point_count: usize,
    tail_count: usize,
    order: LoggingOrder,
}

/// Where a batch's points of one series go.
#[derive(Clone, Copy)]
enum Placement {
    /// Into the tail, the first as point `first_seq` of the series.
    Tail { first_seq: usize },
    /// Into chunks from point `first_point` on, after the tail's points when `with_tail`.
    Chunks { first_point: usize, with_tail: bool },
}

impl Series {
    /// A series no point was logged to yet (its id is given when it is inserted).
    fn empty(key: &str) -> Series {
        Series {
            id: 0,
            key: key.to_owned(),
            latest: None,
            point_count: 0,
            tail_count: 0,
            order: LoggingOrder::EMPTY,
        }
    }

    /// Moves the series past `points`, logged in this order, and says where they go.
    fn advance(&mut self, points: &[MetricPoint]) -> Placement {
        for point in points {
            if self
                .latest
                .is_none_or(|latest| point.is_later_than(&latest))
            {
                self.latest = Some(*point);
            }
        }
        self.order.follow(points);
        let placement = if self.tail_count + points.len() >= TAIL_FLUSH_POINTS
            || points.len() >= DIRECT_CHUNK_MIN_POINTS
        {
            let placement = Placement::Chunks {
                first_point: self.point_count - self.tail_count,
                with_tail: self.tail_count > 0,
            };
            self.tail_count = 0;
            placement
        } else {
            let placement = Placement::Tail {
                first_seq: self.point_count,
            };
            self.tail_count += points.len();
            placement
        };
        self.point_count += points.len();
        placement
    }
}

const SERIES_COLUMNS: &str = "id, key, latest_value, latest_is_nan, latest_step, \
     latest_timestamp_ms, point_count, tail_count, in_mlflow_order, last_step, \
     last_timestamp_ms, last_value_bits";

/// How many columns [`SERIES_COLUMNS`] names.
const SERIES_COLUMN_COUNT: usize = 12;

fn series_row(row: &Row) -> StoreResult<Series> {
    let point_count = usize::try_from(row.try_get::<_, i64>(6)?).unwrap_or(0);
    let latest = if point_count == 0 {
        None
    } else {
        let is_nan: bool = row.try_get(3)?;
        Some(MetricPoint {
            step: row.try_get(4)?,
            timestamp_ms: row.try_get(5)?,
            value: match row.try_get::<_, Option<f64>>(2)? {
                Some(value) if !is_nan => value,
                _ => f64::NAN,
            },
        })
    };
    Ok(Series {
        id: row.try_get(0)?,
        key: row.try_get(1)?,
        latest,
        point_count,
        tail_count: usize::try_from(row.try_get::<_, i32>(7)?).unwrap_or(0),
        order: LoggingOrder {
            in_mlflow_order: row.try_get(8)?,
            last: match (
                row.try_get::<_, Option<i64>>(9)?,
                row.try_get::<_, Option<i64>>(10)?,
                row.try_get::<_, Option<i64>>(11)?,
            ) {
                (Some(step), Some(timestamp_ms), Some(bits)) => Some(MetricPoint {
                    step,
                    timestamp_ms,
                    value: f64::from_bits(bits as u64),
                }),
                _ => None,
            },
        },
    })
}

/// The run a write goes to: its surrogate key when already checked, or its id, checked to be
/// writable by the same statement that locks its series (one round trip less).
#[derive(Clone, Copy)]
pub(crate) enum RunRef<'a> {
    /// A run already checked to be writable.
    Key(i64),
    /// A run to check: it must exist and not be deleted.
    Writable(&'a str),
}

/// The series of `run_pk` named by `keys` that exist, locked, by key; the run held in place
/// first (see [`lock_series`]).
fn lock_existing(
    tx: &mut Transaction<'_>,
    run_pk: i64,
    keys: &[&str],
) -> StoreResult<HashMap<String, Series>> {
    let mut found = HashMap::with_capacity(keys.len());
    for row in query(
        tx,
        &format!(
            "WITH r AS MATERIALIZED (
                 SELECT id FROM runs
                 WHERE id = $1
                   AND pg_advisory_xact_lock_shared({held}) IS NOT NULL
             )
             SELECT s.* FROM r JOIN LATERAL (
                 SELECT {SERIES_COLUMNS} FROM metric_series
                 WHERE run_id = r.id AND key = ANY($2) ORDER BY id FOR UPDATE
             ) s ON true",
            held = run_lock("run_uuid"),
        ),
        args![run_pk, keys.to_vec()],
    )? {
        let series = series_row(&row)?;
        found.insert(series.key.clone(), series);
    }
    Ok(found)
}

/// The class of the advisory lock that holds a run in its experiment (the key within it is
/// `hashtext` of the run's id): held, shared, by every batch that logs metrics to the run, from
/// the statement that locks its series until it commits, and taken alone by a move of the run
/// (`runs::move_to`). A batch starting series thus reads the experiment its run stays in until
/// it commits, and a move waits for the batches holding the run; PostgreSQL queues advisory
/// locks in order, so batches arriving meanwhile wait behind the move instead of starving it.
const RUN_LOCK_CLASS: i32 = 1_836_021_353;

/// The arguments of the advisory lock ([`RUN_LOCK_CLASS`]) of the run whose id is the SQL text
/// expression `run_uuid`: one key for the batches holding the run and the move taking it.
pub(crate) fn run_lock(run_uuid: &str) -> String {
    format!("{RUN_LOCK_CLASS}, hashtext({run_uuid})")
}

/// Locks the existing series `keys` of a run; by key, with the run's key. The run is held in
/// place first ([`RUN_LOCK_CLASS`]: the run's row is read with the lock taken, and its series
/// through that row, so never before it).
fn lock_series(
    tx: &mut Transaction<'_>,
    run: RunRef<'_>,
    keys: &[&str],
) -> StoreResult<(i64, HashMap<String, Series>)> {
    match run {
        RunRef::Key(run_pk) => Ok((run_pk, lock_existing(tx, run_pk, keys)?)),
        RunRef::Writable(run_id) => {
            let rows = query(
                tx,
                &format!(
                    "WITH r AS MATERIALIZED (
                         SELECT id, lifecycle_stage FROM runs
                         WHERE run_uuid = $1
                           AND pg_advisory_xact_lock_shared({held}) IS NOT NULL
                     )
                     SELECT s.*, r.id, r.lifecycle_stage FROM r
                     LEFT JOIN LATERAL (
                         SELECT {SERIES_COLUMNS} FROM metric_series
                         WHERE run_id = r.id AND key = ANY($2) ORDER BY id FOR UPDATE
                     ) s ON true",
                    held = run_lock("$1"),
                ),
                args![run_id, keys.to_vec()],
            )?;
            let Some(first) = rows.first() else {
                return Err(StoreError::RunNotFound {
                    run_id: run_id.to_string(),
                });
            };
            if first.try_get::<_, &str>(SERIES_COLUMN_COUNT + 1)?
                == LifecycleStage::Deleted.as_str()
            {
                return Err(StoreError::Deleted {
                    entity: "run",
                    id: run_id.to_string(),
                });
            }
            let mut found = HashMap::with_capacity(keys.len());
            for row in &rows {
                if row.try_get::<_, Option<i64>>(0)?.is_some() {
                    let series = series_row(row)?;
                    found.insert(series.key.clone(), series);
                }
            }
            Ok((first.try_get(SERIES_COLUMN_COUNT)?, found))
        }
    }
}

/// Inserts the series a batch starts, each already in the state the batch leaves it in, and
/// gives each its id; answers the keys another writer created first (left without an id).
///
/// A new series is written once: inserted empty and then updated, it would leave a dead row and
/// its index entries behind until vacuum, which the searches' index walks and probes then step
/// over (a third of `metric_series` after 100,000 runs were made through REST).
fn create_series(
    tx: &mut Transaction<'_>,
    run_pk: i64,
    fresh: &mut [Series],
) -> StoreResult<Vec<String>> {
    fresh.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    let mut columns = SeriesColumns::default();
    for series in fresh.iter() {
        columns.push(series);
    }
    // In key order, so that writers starting the same keys lock them in one order.
    let rows = query(
        tx,
        "INSERT INTO metric_series (run_id, experiment_id, key, latest_value, latest_is_nan,
                                    latest_step, latest_timestamp_ms, point_count, tail_count,
                                    in_mlflow_order, last_step, last_timestamp_ms,
                                    last_value_bits)
         SELECT $1, (SELECT experiment_id FROM runs WHERE id = $1), *
         FROM UNNEST($2::TEXT[], $3::DOUBLE PRECISION[], $4::BOOLEAN[], $5::BIGINT[],
                     $6::BIGINT[], $7::BIGINT[], $8::INTEGER[], $9::BOOLEAN[], $10::BIGINT[],
                     $11::BIGINT[], $12::BIGINT[])
              AS u (key, value, is_nan, step, timestamp_ms, point_count, tail_count,
                    in_mlflow_order, last_step, last_timestamp_ms, last_value_bits)
         ORDER BY u.key
         ON CONFLICT (run_id, key) DO NOTHING
         RETURNING id, key",
        args![
            run_pk,
            columns.keys,
            columns.values,
            columns.is_nan,
            columns.steps,
            columns.timestamps_ms,
            columns.point_counts,
            columns.tail_counts,
            columns.in_mlflow_order,
            columns.last_steps,
            columns.last_timestamps_ms,
            columns.last_value_bits
        ],
    )?;
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(rows.len());
    for row in &rows {
        ids.insert(row.try_get(1)?, row.try_get(0)?);
    }
    let mut raced = Vec::new();
    for series in fresh.iter_mut() {
        match ids.get(&series.key) {
            Some(&id) => series.id = id,
            None => raced.push(series.key.clone()),
        }
    }
    Ok(raced)
}

/// Rows for `metric_chunks`, as columns.
#[derive(Default)]
struct ChunkRows {
    series_ids: Vec<i64>,
    first_points: Vec<i64>,
    point_counts: Vec<i32>,
    min_steps: Vec<i64>,
    max_steps: Vec<i64>,
    data: Vec<Vec<u8>>,
}

impl ChunkRows {
    /// Encodes `points`, the history of `series_id` from point `first_point` on.
    fn add(&mut self, series_id: i64, first_point: usize, points: &[MetricPoint]) {
        for (index, chunk) in points.chunks(CHUNK_POINTS).enumerate() {
            let mut buffer = Vec::new();
            metric_codec::encode(chunk, &mut buffer);
            self.series_ids.push(series_id);
            self.first_points
                .push(big(first_point + index * CHUNK_POINTS));
            self.point_counts
                .push(i32::try_from(chunk.len()).unwrap_or(i32::MAX));
            self.min_steps
                .push(chunk.iter().map(|point| point.step).min().unwrap_or(0));
            self.max_steps
                .push(chunk.iter().map(|point| point.step).max().unwrap_or(0));
            self.data.push(buffer);
        }
    }

    /// Writes all chunks, a statement's share at a time.
    fn write(self, tx: &mut Transaction<'_>) -> StoreResult<()> {
        let last = self.write_all_but_last(tx)?;
        last.insert(tx)
    }

    /// Writes every statement's share of chunks but the last, and returns that one (for a
    /// statement that writes more than chunks).
    fn write_all_but_last(mut self, tx: &mut Transaction<'_>) -> StoreResult<ChunkRows> {
        while self.series_ids.len() > CHUNKS_PER_STATEMENT {
            let rest = self.split_off(CHUNKS_PER_STATEMENT);
            self.insert(tx)?;
            self = rest;
        }
        Ok(self)
    }

    fn split_off(&mut self, at: usize) -> ChunkRows {
        ChunkRows {
            series_ids: self.series_ids.split_off(at),
            first_points: self.first_points.split_off(at),
            point_counts: self.point_counts.split_off(at),
            min_steps: self.min_steps.split_off(at),
            max_steps: self.max_steps.split_off(at),
            data: self.data.split_off(at),
        }
    }

    fn insert(self, tx: &mut Transaction<'_>) -> StoreResult<()> {
        if self.series_ids.is_empty() {
            return Ok(());
        }
        execute(
            tx,
            "INSERT INTO metric_chunks (series_id, first_point, point_count, min_step,
                                        max_step, data)
             SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::INTEGER[], $4::BIGINT[],
                                  $5::BIGINT[], $6::BYTEA[])",
            args![
                self.series_ids,
                self.first_points,
                self.point_counts,
                self.min_steps,
                self.max_steps,
                self.data,
            ],
        )?;
        Ok(())
    }
}

/// Rows for `metric_tail`, as columns.
#[derive(Default)]
struct TailRows {
    series_ids: Vec<i64>,
    seqs: Vec<i64>,
    steps: Vec<i64>,
    timestamps_ms: Vec<i64>,
    value_bits: Vec<i64>,
}

/// Series' keys, ids, latest points and counts, as columns.
#[derive(Default)]
struct SeriesColumns {
    keys: Vec<String>,
    ids: Vec<i64>,
    values: Vec<Option<f64>>,
    is_nan: Vec<bool>,
    steps: Vec<i64>,
    timestamps_ms: Vec<i64>,
    point_counts: Vec<i64>,
    tail_counts: Vec<i32>,
    in_mlflow_order: Vec<Option<bool>>,
    last_steps: Vec<i64>,
    last_timestamps_ms: Vec<i64>,
    last_value_bits: Vec<i64>,
}

impl SeriesColumns {
    /// Adds `series` unless no point was logged to it.
    fn push(&mut self, series: &Series) {
        let Some(latest) = series.latest else {
            return;
        };
        self.keys.push(series.key.clone());
        self.ids.push(series.id);
        self.values
            .push((!latest.value.is_nan()).then_some(latest.value));
        self.is_nan.push(latest.value.is_nan());
        self.steps.push(latest.step);
        self.timestamps_ms.push(latest.timestamp_ms);
        self.point_counts.push(big(series.point_count));
        self.tail_counts
            .push(i32::try_from(series.tail_count).unwrap_or(i32::MAX));
        // A series with a latest point has a last one too.
        let last = series.order.last.unwrap_or(latest);
        self.in_mlflow_order.push(series.order.in_mlflow_order);
        self.last_steps.push(last.step);
        self.last_timestamps_ms.push(last.timestamp_ms);
        self.last_value_bits.push(last.value.to_bits() as i64);
    }
}

/// Removes the tails of `series_ids` and returns their points by series, in logging order.
fn take_tails(
    tx: &mut Transaction<'_>,
    series_ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<MetricPoint>>> {
    let mut tails: HashMap<i64, Vec<(i64, MetricPoint)>> = HashMap::new();
    if series_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = query(
        tx,
        "DELETE FROM metric_tail WHERE series_id = ANY($1)
         RETURNING series_id, seq, step, timestamp_ms, value_bits",
        args![series_ids.to_vec()],
    )?;
    for row in &rows {
        tails
            .entry(row.try_get(0)?)
            .or_default()
            .push((row.try_get(1)?, tail_point(row, 2)?));
    }
    Ok(tails
        .into_iter()
        .map(|(series_id, mut points)| {
            points.sort_unstable_by_key(|(seq, _)| *seq);
            (
                series_id,
                points.into_iter().map(|(_, point)| point).collect(),
            )
        })
        .collect())
}

/// The last chunk and the tail of each of `series_ids`, in no particular order: where a repeat
/// is looked for.
fn recent_points(
    tx: &mut Transaction<'_>,
    series_ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<MetricPoint>>> {
    let mut recent: HashMap<i64, Vec<MetricPoint>> = HashMap::new();
    if series_ids.is_empty() {
        return Ok(recent);
    }
    let chunks = query(
        tx,
        "SELECT DISTINCT ON (series_id) series_id, data FROM metric_chunks
         WHERE series_id = ANY($1) ORDER BY series_id, first_point DESC",
        args![series_ids.to_vec()],
    )?;
    for row in &chunks {
        let data: Vec<u8> = row.try_get(1)?;
        let points = recent.entry(row.try_get(0)?).or_default();
        metric_codec::decode(&data, points).map_err(|error| StoreError::Backend {
            message: format!("a stored metric chunk cannot be read: {error}"),
        })?;
    }
    let tails = query(
        tx,
        "SELECT series_id, step, timestamp_ms, value_bits FROM metric_tail
         WHERE series_id = ANY($1)",
        args![series_ids.to_vec()],
    )?;
    for row in &tails {
        recent
            .entry(row.try_get(0)?)
            .or_default()
            .push(tail_point(row, 1)?);
    }
    Ok(recent)
}

/// The point of a `metric_tail` row whose `step, timestamp_ms, value_bits` start at `first`.
fn tail_point(row: &Row, first: usize) -> StoreResult<MetricPoint> {
    Ok(MetricPoint {
        step: row.try_get(first)?,
        timestamp_ms: row.try_get(first + 1)?,
        value: f64::from_bits(row.try_get::<_, i64>(first + 2)? as u64),
    })
}

/// Appends points (each key's in logging order) to the series of `run`; with
/// [`Repeats::Dropped`], those that repeat a point exactly are left out.
pub(crate) fn append(
    tx: &mut Transaction<'_>,
    run: RunRef<'_>,
    by_key: Vec<(&str, Vec<MetricPoint>)>,
    repeats: Repeats,
) -> StoreResult<()> {
    // One entry per key (a caller may name a key twice), in logging order.
    let mut writes: Vec<(&str, Vec<MetricPoint>)> = Vec::with_capacity(by_key.len());
    let mut index_of: HashMap<&str, usize> = HashMap::with_capacity(by_key.len());
    for (key, points) in by_key {
        if points.is_empty() {
            continue;
        }
        match index_of.get(key) {
            Some(&index) => writes[index].1.extend(points),
            None => {
                index_of.insert(key, writes.len());
                writes.push((key, points));
            }
        }
    }
    if writes.is_empty() {
        if let RunRef::Writable(run_id) = run {
            writable_run(tx, run_id)?;
        }
        return Ok(());
    }
    let keys: Vec<&str> = writes.iter().map(|(key, _)| *key).collect();
    let (run_pk, mut existing) = lock_series(tx, run, &keys)?;
    if repeats == Repeats::Dropped {
        let looked: Vec<i64> = writes
            .iter()
            .filter_map(|(key, points)| {
                existing
                    .get(*key)
                    .filter(|series| may_repeat_stored(&series.order, points))
                    .map(|series| series.id)
            })
            .collect();
        let recent = recent_points(tx, &looked)?;
        for (key, points) in &mut writes {
            let stored = existing
                .get(*key)
                .and_then(|series| recent.get(&series.id))
                .map_or(&[][..], Vec::as_slice);
            *points = without_repeats(points, stored);
        }
        writes.retain(|(_, points)| !points.is_empty());
        if writes.is_empty() {
            return Ok(());
        }
    }

    // Where each key's points go, and the series they go to: those the batch starts are
    // inserted in their final state, those that exist are updated after.
    let mut placements: HashMap<&str, Placement> = HashMap::with_capacity(writes.len());
    let mut fresh: Vec<Series> = Vec::new();
    for (key, points) in &writes {
        if !existing.contains_key(*key) {
            let mut series = Series::empty(key);
            placements.insert(key, series.advance(points));
            fresh.push(series);
        }
    }
    if !fresh.is_empty() {
        let raced = create_series(tx, run_pk, &mut fresh)?;
        if !raced.is_empty() {
            // Keys another writer started meanwhile: locked now, and appended to as theirs.
            fresh.retain(|series| !raced.contains(&series.key));
            let raced: Vec<&str> = raced.iter().map(String::as_str).collect();
            existing.extend(lock_existing(tx, run_pk, &raced)?);
        }
    }
    for (key, points) in &writes {
        if let Some(series) = existing.get_mut(*key) {
            placements.insert(key, series.advance(points));
        }
    }
    let ids: HashMap<&str, i64> = existing
        .values()
        .chain(&fresh)
        .map(|series| (series.key.as_str(), series.id))
        .collect();

    let mut tail_rows = TailRows::default();
    let mut flushes: Vec<(i64, usize, &[MetricPoint])> = Vec::new();
    // Series whose tail is folded into the chunks written now.
    let mut with_tail: Vec<i64> = Vec::new();
    for (key, points) in &writes {
        let (Some(&id), Some(placement)) = (ids.get(key), placements.get(key)) else {
            continue;
        };
        match *placement {
            Placement::Chunks {
                first_point,
                with_tail: folds_tail,
            } => {
                if folds_tail {
                    with_tail.push(id);
                }
                flushes.push((id, first_point, points));
            }
            Placement::Tail { first_seq } => {
                for (offset, point) in points.iter().enumerate() {
                    tail_rows.series_ids.push(id);
                    tail_rows.seqs.push(big(first_seq + offset));
                    tail_rows.steps.push(point.step);
                    tail_rows.timestamps_ms.push(point.timestamp_ms);
                    tail_rows.value_bits.push(point.value.to_bits() as i64);
                }
            }
        }
    }

    let mut chunks = ChunkRows::default();
    if !flushes.is_empty() {
        let mut tails = take_tails(tx, &with_tail)?;
        for (series_id, first_point, points) in flushes {
            match tails.remove(&series_id) {
                Some(mut pending) => {
                    pending.extend_from_slice(points);
                    chunks.add(series_id, first_point, &pending);
                }
                None => chunks.add(series_id, first_point, points),
            }
        }
    }
    save_series(tx, chunks, &tail_rows, existing.values())
}

/// Writes `chunks`, adds `tail_rows` to the tails and writes the latest points and counts of
/// the existing `series` back: one statement (more only for chunks beyond one statement's share).
fn save_series<'a>(
    tx: &mut Transaction<'_>,
    chunks: ChunkRows,
    tail_rows: &TailRows,
    series: impl Iterator<Item = &'a Series>,
) -> StoreResult<()> {
    let chunks = chunks.write_all_but_last(tx)?;
    let mut columns = SeriesColumns::default();
    for series in series {
        columns.push(series);
    }
    execute(
        tx,
        "WITH chunks AS (
             INSERT INTO metric_chunks (series_id, first_point, point_count, min_step,
                                        max_step, data)
             SELECT * FROM UNNEST($13::BIGINT[], $14::BIGINT[], $15::INTEGER[], $16::BIGINT[],
                                  $17::BIGINT[], $18::BYTEA[])
         ),
         tail AS (
             INSERT INTO metric_tail (series_id, seq, step, timestamp_ms, value_bits)
             SELECT * FROM UNNEST($8::BIGINT[], $9::BIGINT[], $10::BIGINT[], $11::BIGINT[],
                                  $12::BIGINT[])
         )
         UPDATE metric_series s
         SET latest_value = u.value, latest_is_nan = u.is_nan, latest_step = u.step,
             latest_timestamp_ms = u.timestamp_ms, point_count = u.point_count,
             tail_count = u.tail_count, in_mlflow_order = u.in_mlflow_order,
             last_step = u.last_step, last_timestamp_ms = u.last_timestamp_ms,
             last_value_bits = u.last_value_bits
         FROM UNNEST($1::BIGINT[], $2::DOUBLE PRECISION[], $3::BOOLEAN[], $4::BIGINT[],
                     $5::BIGINT[], $6::BIGINT[], $7::INTEGER[], $19::BOOLEAN[], $20::BIGINT[],
                     $21::BIGINT[], $22::BIGINT[])
              AS u (id, value, is_nan, step, timestamp_ms, point_count, tail_count,
                    in_mlflow_order, last_step, last_timestamp_ms, last_value_bits)
         WHERE s.id = u.id",
        args![
            columns.ids,
            columns.values,
            columns.is_nan,
            columns.steps,
            columns.timestamps_ms,
            columns.point_counts,
            columns.tail_counts,
            tail_rows.series_ids,
            tail_rows.seqs,
            tail_rows.steps,
            tail_rows.timestamps_ms,
            tail_rows.value_bits,
            chunks.series_ids,
            chunks.first_points,
            chunks.point_counts,
            chunks.min_steps,
            chunks.max_steps,
            chunks.data,
            columns.in_mlflow_order,
            columns.last_steps,
            columns.last_timestamps_ms,
            columns.last_value_bits
        ],
    )?;
    Ok(())
}

/// Folds every tail of a run into chunks; called when the run ends.
pub(crate) fn compact_run(tx: &mut Transaction<'_>, run_pk: i64) -> StoreResult<()> {
    let rows = query(
        tx,
        "SELECT id, point_count - tail_count FROM metric_series
         WHERE run_id = $1 AND tail_count > 0 ORDER BY id FOR UPDATE",
        args![run_pk],
    )?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut starts = Vec::with_capacity(rows.len());
    for row in &rows {
        starts.push((
            row.try_get::<_, i64>(0)?,
            usize::try_from(row.try_get::<_, i64>(1)?).unwrap_or(0),
        ));
    }
    let ids: Vec<i64> = starts.iter().map(|(id, _)| *id).collect();
    let mut tails = take_tails(tx, &ids)?;
    let mut chunks = ChunkRows::default();
    for (series_id, first_point) in starts {
        if let Some(points) = tails.remove(&series_id) {
            chunks.add(series_id, first_point, &points);
        }
    }
    chunks.write(tx)?;
    execute(
        tx,
        "UPDATE metric_series SET tail_count = 0 WHERE id = ANY($1)",
        args![ids],
    )?;
    Ok(())
}
