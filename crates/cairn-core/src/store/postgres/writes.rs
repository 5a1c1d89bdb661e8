//! Logging params, tags and metrics to runs: each kind in one set-based statement per batch.

use postgres::Transaction;

use super::experiments::last_per_key;
use super::metrics::{self, RunRef};
use super::row::writable_run;
use super::runs::RUN_NAME_TAG;
use super::sql::{args, execute, query};
use crate::error::{StoreError, StoreResult};
use crate::model::{LogBatch, MetricPoint, Param, Tag};
use crate::store::repeats::Repeats;
use crate::validate;

/// Logs one validated batch to one run.
pub(crate) fn log_batch(
    tx: &mut Transaction<'_>,
    run_id: &str,
    batch: &LogBatch,
) -> StoreResult<()> {
    let mut by_key: Vec<(&str, Vec<MetricPoint>)> = Vec::new();
    let mut index_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for metric in &batch.metrics {
        let index = *index_of.entry(metric.key.as_str()).or_insert_with(|| {
            by_key.push((metric.key.as_str(), Vec::new()));
            by_key.len() - 1
        });
        by_key[index].1.push(metric.point);
    }
    if batch.params.is_empty() && batch.tags.is_empty() {
        // Metrics only (what a training loop sends): the run is checked while its series
        // are locked.
        return metrics::append(tx, RunRef::Writable(run_id), by_key, Repeats::Dropped);
    }
    let run_pk = writable_run(tx, run_id)?;
    insert_params(tx, run_pk, run_id, &batch.params)?;
    upsert_tags(tx, run_pk, &batch.tags)?;
    metrics::append(tx, RunRef::Key(run_pk), by_key, Repeats::Dropped)
}

/// Logs a whole metric history (or a large part of one) to a run, without the batch limits of
/// the REST API; importers use this.
pub(crate) fn append_metric(
    tx: &mut Transaction<'_>,
    run_id: &str,
    key: &str,
    points: &[MetricPoint],
) -> StoreResult<()> {
    validate::check_metric_points(key, points)?;
    metrics::append(
        tx,
        RunRef::Writable(run_id),
        vec![(key, points.to_vec())],
        Repeats::Kept,
    )
}

/// Params are immutable: the same value again is fine, a different one is an error. The
/// insert waits for a concurrent writer of the same key, so the check after it sees the value
/// that won.
fn insert_params(
    tx: &mut Transaction<'_>,
    run_pk: i64,
    run_id: &str,
    params: &[Param],
) -> StoreResult<()> {
    if params.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = params.iter().map(|param| param.key.as_str()).collect();
    let values: Vec<&str> = params.iter().map(|param| param.value.as_str()).collect();
    let inserted = execute(
        tx,
        "INSERT INTO params (run_id, key, value)
         SELECT $1, key, value FROM UNNEST($2::TEXT[], $3::TEXT[]) WITH ORDINALITY AS p (key, value, n)
         ORDER BY n
         ON CONFLICT (run_id, key) DO NOTHING",
        args![run_pk, keys, values],
    )?;
    if inserted == keys.len() as u64 {
        return Ok(());
    }
    let conflicts = query(
        tx,
        "SELECT p.key, p.value, given.value
         FROM UNNEST($2::TEXT[], $3::TEXT[]) WITH ORDINALITY AS given (key, value, n)
         JOIN params p ON p.run_id = $1 AND p.key = given.key
         WHERE p.value <> given.value
         ORDER BY given.n LIMIT 1",
        args![run_pk, keys, values],
    )?;
    if let Some(row) = conflicts.first() {
        return Err(StoreError::ParamConflict {
            run_id: run_id.to_string(),
            key: row.try_get(0)?,
            old_value: row.try_get(1)?,
            new_value: row.try_get(2)?,
        });
    }
    Ok(())
}

/// Sets tags (the last value of a key in `tags` wins); `mlflow.runName` also renames the run,
/// as in MLflow.
pub(crate) fn upsert_tags(tx: &mut Transaction<'_>, run_pk: i64, tags: &[Tag]) -> StoreResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let (keys, values) = last_per_key(tags);
    execute(
        tx,
        "INSERT INTO tags (run_id, key, value)
         SELECT $1, key, value FROM UNNEST($2::TEXT[], $3::TEXT[]) WITH ORDINALITY AS t (key, value, n)
         ORDER BY n
         ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
        args![run_pk, keys, values],
    )?;
    if let Some(index) = keys.iter().position(|key| *key == RUN_NAME_TAG) {
        execute(
            tx,
            "UPDATE runs SET name = $2 WHERE id = $1 AND name <> $2",
            args![run_pk, values[index]],
        )?;
    }
    Ok(())
}

pub(crate) fn delete_tag(tx: &mut Transaction<'_>, run_id: &str, key: &str) -> StoreResult<()> {
    let run_pk = writable_run(tx, run_id)?;
    let deleted = execute(
        tx,
        "DELETE FROM tags WHERE run_id = $1 AND key = $2",
        args![run_pk, key],
    )?;
    if deleted == 0 {
        return Err(StoreError::TagNotFound {
            owner: "run",
            id: run_id.to_string(),
            key: key.to_string(),
        });
    }
    Ok(())
}
