//! Logging params, tags and metrics to runs.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction, params};

use crate::error::{StoreError, StoreResult};
use crate::model::{LogBatch, MetricPoint, Param, Tag};
use crate::validate;

use super::metrics;
use super::row::writable_run;
use super::runs::RUN_NAME_TAG;
use crate::store::repeats::Repeats;

/// Logs one validated batch to one run.
pub(super) fn log_batch(
    transaction: &Transaction<'_>,
    run_id: &str,
    batch: &LogBatch,
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    for param in &batch.params {
        insert_param(transaction, run_pk, run_id, param)?;
    }
    for tag in &batch.tags {
        upsert_tag(transaction, run_pk, tag)?;
    }
    let mut by_key: Vec<(&str, Vec<MetricPoint>)> = Vec::new();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for metric in &batch.metrics {
        let index = *index_of.entry(metric.key.as_str()).or_insert_with(|| {
            by_key.push((metric.key.as_str(), Vec::new()));
            by_key.len() - 1
        });
        by_key[index].1.push(metric.point);
    }
    for (key, points) in &by_key {
        metrics::append(transaction, run_pk, key, points, Repeats::Dropped)?;
    }
    Ok(())
}

/// Logs a whole metric history (or a large part of one) to a run, without the batch limits of
/// the REST API; importers use this.
pub(super) fn append_metric(
    transaction: &Transaction<'_>,
    run_id: &str,
    key: &str,
    points: &[MetricPoint],
) -> StoreResult<()> {
    validate::check_metric_points(key, points)?;
    let run_pk = writable_run(transaction, run_id)?;
    metrics::append(transaction, run_pk, key, points, Repeats::Kept)
}

/// Params are immutable: the same value again is fine, a different one is an error.
fn insert_param(
    transaction: &Transaction<'_>,
    run_pk: i64,
    run_id: &str,
    param: &Param,
) -> StoreResult<()> {
    let inserted = transaction
        .prepare_cached(
            "INSERT INTO params (run_id, key, value, seq)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM params WHERE run_id = ?1))
             ON CONFLICT (run_id, key) DO NOTHING",
        )?
        .execute(params![run_pk, param.key, param.value])?;
    if inserted == 0 {
        let old_value: String = transaction
            .prepare_cached("SELECT value FROM params WHERE run_id = ?1 AND key = ?2")?
            .query_row(params![run_pk, param.key], |row| row.get(0))?;
        if old_value != param.value {
            return Err(StoreError::ParamConflict {
                run_id: run_id.to_string(),
                key: param.key.clone(),
                old_value,
                new_value: param.value.clone(),
            });
        }
    }
    Ok(())
}

/// Sets a tag; `mlflow.runName` also renames the run, as in MLflow.
pub(super) fn upsert_tag(transaction: &Transaction<'_>, run_pk: i64, tag: &Tag) -> StoreResult<()> {
    transaction
        .prepare_cached(
            "INSERT INTO tags (run_id, key, value, seq)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tags WHERE run_id = ?1))
             ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
        )?
        .execute(params![run_pk, tag.key, tag.value])?;
    if tag.key == RUN_NAME_TAG {
        transaction
            .prepare_cached("UPDATE runs SET name = ?2 WHERE id = ?1")?
            .execute(params![run_pk, tag.value])?;
    }
    Ok(())
}

pub(super) fn delete_tag(
    transaction: &Transaction<'_>,
    run_id: &str,
    key: &str,
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    let existed = transaction
        .prepare_cached("DELETE FROM tags WHERE run_id = ?1 AND key = ?2 RETURNING 1")?
        .query_row(params![run_pk, key], |_| Ok(()))
        .optional()?;
    if existed.is_none() {
        return Err(StoreError::TagNotFound {
            owner: "run",
            id: run_id.to_string(),
            key: key.to_string(),
        });
    }
    Ok(())
}
