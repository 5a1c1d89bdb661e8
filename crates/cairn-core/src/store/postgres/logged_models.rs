//! LoggedModels (MLflow 3's `logged-models`) in PostgreSQL: create, read, status, params, tags,
//! metrics, delete, list. Params, tags and metrics are written in one statement per call
//! (`unnest` arrays); a list reads its models' details in three statements whatever its length.

use std::collections::HashMap;

use postgres::{Row, Transaction};

use crate::error::{ExperimentLookup, StoreError, StoreResult};
use crate::model::{
    ExperimentId, LoggedModel, LoggedModelMetric, LoggedModelStatus, MetricPoint, NewLoggedModel,
    Param, Tag,
};
use crate::time::now_millis;
use crate::validate;

use super::key_values::last_value_per_key;
use super::sql::{args, execute, query, query_one, query_opt};

const COLUMNS: &str = "model_id, experiment_id, name, artifact_location, creation_time_ms, \
     last_updated_time_ms, status, status_message, model_type, source_run_uuid";

pub(super) fn create(tx: &mut Transaction<'_>, new: &NewLoggedModel) -> StoreResult<LoggedModel> {
    let experiment = query_opt(
        tx,
        "SELECT COALESCE(artifact_location, ''), lifecycle_stage FROM experiments
             WHERE experiment_id = $1",
        args![new.experiment_id.0],
    )?
    .ok_or(StoreError::ExperimentNotFound {
        experiment: ExperimentLookup::Id(new.experiment_id.0),
    })?;
    let experiment_location: String = experiment.get(0);
    if experiment.get::<_, String>(1) == "deleted" {
        return Err(StoreError::Deleted {
            entity: "experiment",
            id: new.experiment_id.to_string(),
        });
    }
    new.params.iter().try_for_each(validate::check_param)?;
    new.tags.iter().try_for_each(validate::check_tag)?;
    let model_id = format!("m-{}", uuid::Uuid::new_v4().simple());
    // A model logged without a name gets one, as a run does.
    let name = if new.name.is_empty() {
        crate::names::random_run_name()
    } else {
        new.name.clone()
    };
    let artifact_location = format!(
        "{}/models/{model_id}/artifacts",
        experiment_location.trim_end_matches('/')
    );
    execute(
        tx,
        "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location,
                                    creation_time_ms, last_updated_time_ms, model_type,
                                    source_run_uuid)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
        args![
            model_id,
            new.experiment_id.0,
            name,
            artifact_location,
            now_millis(),
            new.model_type,
            new.source_run_id
        ],
    )?;
    upsert_params(tx, &model_id, &new.params)?;
    upsert_tags(tx, &model_id, &new.tags)?;
    get(tx, &model_id)
}

/// A LoggedModel that is not deleted, with its params, tags and metrics.
pub(super) fn get(db: &mut Transaction<'_>, model_id: &str) -> StoreResult<LoggedModel> {
    let row = query_opt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM logged_models WHERE model_id = $1 AND lifecycle_stage = 'active'"
        ),
        args![model_id],
    )?;
    let Some(row) = row else {
        return Err(not_found(model_id));
    };
    let mut models = vec![model_row(&row)];
    attach_details(db, &mut models)?;
    models.pop().ok_or_else(|| not_found(model_id))
}

/// Fails with [`StoreError::LoggedModelNotFound`] unless the model exists and is not deleted;
/// locks its row, so writes to one model take turns.
fn require_active(tx: &mut Transaction<'_>, model_id: &str) -> StoreResult<()> {
    let found = query_opt(
        tx,
        "SELECT 1 FROM logged_models WHERE model_id = $1 AND lifecycle_stage = 'active'
         FOR UPDATE",
        args![model_id],
    )?;
    match found {
        Some(_) => Ok(()),
        None => Err(not_found(model_id)),
    }
}

fn not_found(model_id: &str) -> StoreError {
    StoreError::LoggedModelNotFound {
        model_id: model_id.to_string(),
    }
}

/// Links metric points to a LoggedModel; exact duplicates are ignored, as in MLflow.
pub(super) fn log_metrics(
    tx: &mut Transaction<'_>,
    model_id: &str,
    metrics: &[LoggedModelMetric],
) -> StoreResult<()> {
    require_active(tx, model_id)?;
    metrics
        .iter()
        .try_for_each(|metric| validate::check_key("metric", &metric.key))?;
    let keys: Vec<&str> = metrics.iter().map(|metric| metric.key.as_str()).collect();
    // The value's bits, so NaN payloads and ±inf round-trip and take part in the key.
    let bits: Vec<i64> = metrics
        .iter()
        .map(|metric| metric.point.value.to_bits() as i64)
        .collect();
    let steps: Vec<i64> = metrics.iter().map(|metric| metric.point.step).collect();
    let times: Vec<i64> = metrics
        .iter()
        .map(|metric| metric.point.timestamp_ms)
        .collect();
    let runs: Vec<Option<&str>> = metrics
        .iter()
        .map(|metric| metric.run_id.as_deref())
        .collect();
    let names: Vec<Option<&str>> = metrics
        .iter()
        .map(|metric| metric.dataset_name.as_deref())
        .collect();
    let digests: Vec<Option<&str>> = metrics
        .iter()
        .map(|metric| metric.dataset_digest.as_deref())
        .collect();
    execute(
        tx,
        "INSERT INTO logged_model_metrics
           (model_id, key, value_bits, step, timestamp_ms, run_uuid, dataset_name, dataset_digest)
         SELECT $1, key, value_bits, step, timestamp_ms, run_uuid, dataset_name, dataset_digest
         FROM unnest($2::text[], $3::int8[], $4::int8[], $5::int8[], $6::text[], $7::text[],
                     $8::text[])
              AS m (key, value_bits, step, timestamp_ms, run_uuid, dataset_name, dataset_digest)
         ON CONFLICT DO NOTHING",
        args![model_id, keys, bits, steps, times, runs, names, digests],
    )?;
    Ok(())
}

pub(super) fn set_status(
    tx: &mut Transaction<'_>,
    model_id: &str,
    status: LoggedModelStatus,
) -> StoreResult<LoggedModel> {
    let updated = execute(
        tx,
        "UPDATE logged_models SET status = $2, last_updated_time_ms = $3
         WHERE model_id = $1 AND lifecycle_stage = 'active'",
        args![model_id, status.as_str(), now_millis()],
    )?;
    if updated == 0 {
        return Err(not_found(model_id));
    }
    get(tx, model_id)
}

pub(super) fn log_params(
    tx: &mut Transaction<'_>,
    model_id: &str,
    params: &[Param],
) -> StoreResult<()> {
    require_active(tx, model_id)?;
    params.iter().try_for_each(validate::check_param)?;
    upsert_params(tx, model_id, params)
}

pub(super) fn set_tags(tx: &mut Transaction<'_>, model_id: &str, tags: &[Tag]) -> StoreResult<()> {
    require_active(tx, model_id)?;
    tags.iter().try_for_each(validate::check_tag)?;
    upsert_tags(tx, model_id, tags)
}

pub(super) fn delete_tag(tx: &mut Transaction<'_>, model_id: &str, key: &str) -> StoreResult<()> {
    require_active(tx, model_id)?;
    let deleted = execute(
        tx,
        "DELETE FROM logged_model_tags WHERE model_id = $1 AND key = $2",
        args![model_id, key],
    )?;
    if deleted == 0 {
        return Err(StoreError::TagNotFound {
            owner: "logged model",
            id: model_id.to_string(),
            key: key.to_string(),
        });
    }
    Ok(())
}

pub(super) fn delete(tx: &mut Transaction<'_>, model_id: &str) -> StoreResult<()> {
    let deleted = execute(
        tx,
        "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_time_ms = $2
         WHERE model_id = $1 AND lifecycle_stage = 'active'",
        args![model_id, now_millis()],
    )?;
    if deleted == 0 {
        return Err(not_found(model_id));
    }
    Ok(())
}

/// Active LoggedModels of the given experiments (all when empty), newest first.
pub(super) fn list(
    db: &mut Transaction<'_>,
    experiment_ids: &[ExperimentId],
) -> StoreResult<Vec<LoggedModel>> {
    let ids: Vec<i64> = experiment_ids.iter().map(|id| id.0).collect();
    let rows = query(
        db,
        &format!(
            "SELECT {COLUMNS} FROM logged_models
             WHERE lifecycle_stage = 'active'
               AND (cardinality($1::int8[]) = 0 OR experiment_id = ANY($1))
             ORDER BY creation_time_ms DESC, model_id COLLATE \"C\""
        ),
        args![ids],
    )?;
    let mut models: Vec<LoggedModel> = rows.iter().map(model_row).collect();
    attach_details(db, &mut models)?;
    Ok(models)
}

/// How many LoggedModels the store holds (deleted ones too).
pub(super) fn count(db: &mut Transaction<'_>) -> StoreResult<u64> {
    let count: i64 = query_one(db, "SELECT count(*) FROM logged_models", args![])?.try_get(0)?;
    Ok(count.unsigned_abs())
}

/// Fills the params and tags (by key) and metrics (by key, step, time) of `models`.
fn attach_details(db: &mut Transaction<'_>, models: &mut [LoggedModel]) -> StoreResult<()> {
    if models.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = models.iter().map(|model| model.model_id.clone()).collect();
    let position: HashMap<String, usize> = ids
        .iter()
        .enumerate()
        .map(|(index, id)| (id.clone(), index))
        .collect();
    let index_of = |row: &Row| position.get(row.get::<_, &str>(0)).copied();
    for row in query(
        db,
        "SELECT model_id, key, value FROM logged_model_params WHERE model_id = ANY($1)",
        args![ids],
    )? {
        if let Some(index) = index_of(&row) {
            models[index].params.push(Param {
                key: row.get(1),
                value: row.get(2),
            });
        }
    }
    for row in query(
        db,
        "SELECT model_id, key, value FROM logged_model_tags WHERE model_id = ANY($1)",
        args![ids],
    )? {
        if let Some(index) = index_of(&row) {
            models[index]
                .tags
                .push(Tag::new(row.get::<_, String>(1), row.get::<_, String>(2)));
        }
    }
    for row in query(
        db,
        "SELECT model_id, key, value_bits, step, timestamp_ms, run_uuid, dataset_name,
                dataset_digest
         FROM logged_model_metrics WHERE model_id = ANY($1)",
        args![ids],
    )? {
        if let Some(index) = index_of(&row) {
            models[index].metrics.push(LoggedModelMetric {
                key: row.get(1),
                point: MetricPoint {
                    value: f64::from_bits(row.get::<_, i64>(2) as u64),
                    step: row.get(3),
                    timestamp_ms: row.get(4),
                },
                run_id: row.get(5),
                dataset_name: row.get(6),
                dataset_digest: row.get(7),
            });
        }
    }
    // Sorted here, in bytes' order, whatever the database's collation.
    for model in models.iter_mut() {
        model.params.sort_by(|a, b| a.key.cmp(&b.key));
        model.tags.sort_by(|a, b| a.key.cmp(&b.key));
        model.metrics.sort_by(|a, b| {
            (&a.key, a.point.step, a.point.timestamp_ms).cmp(&(
                &b.key,
                b.point.step,
                b.point.timestamp_ms,
            ))
        });
    }
    Ok(())
}

fn upsert_params(tx: &mut Transaction<'_>, model_id: &str, params: &[Param]) -> StoreResult<()> {
    let (keys, values) = last_value_per_key(params.iter().map(|param| (&param.key, &param.value)));
    execute(
        tx,
        "INSERT INTO logged_model_params (model_id, key, value)
         SELECT $1, key, value FROM unnest($2::text[], $3::text[]) AS p (key, value)
         ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
        args![model_id, keys, values],
    )?;
    Ok(())
}

fn upsert_tags(tx: &mut Transaction<'_>, model_id: &str, tags: &[Tag]) -> StoreResult<()> {
    let (keys, values) = last_value_per_key(tags.iter().map(|tag| (&tag.key, &tag.value)));
    execute(
        tx,
        "INSERT INTO logged_model_tags (model_id, key, value)
         SELECT $1, key, value FROM unnest($2::text[], $3::text[]) AS t (key, value)
         ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
        args![model_id, keys, values],
    )?;
    Ok(())
}

fn model_row(row: &Row) -> LoggedModel {
    let status: String = row.get(6);
    LoggedModel {
        model_id: row.get(0),
        experiment_id: ExperimentId(row.get(1)),
        name: row.get(2),
        artifact_location: row.get(3),
        creation_time_ms: row.get(4),
        last_updated_time_ms: row.get(5),
        status: LoggedModelStatus::parse(&status).unwrap_or(LoggedModelStatus::Pending),
        status_message: row.get(7),
        model_type: row.get(8),
        source_run_id: row.get(9),
        params: Vec::new(),
        tags: Vec::new(),
        metrics: Vec::new(),
    }
}
