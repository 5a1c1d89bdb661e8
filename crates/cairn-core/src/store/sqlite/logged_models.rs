//! LoggedModels (MLflow 3's `logged-models`): create, read, status, params, tags, delete, list.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{StoreError, StoreResult};
use crate::model::{
    ExperimentId, LifecycleStage, LoggedModel, LoggedModelMetric, LoggedModelStatus, MetricPoint,
    NewLoggedModel, Param, Tag,
};
use crate::time::now_millis;
use crate::validate;

use super::experiments;

const COLUMNS: &str = "model_id, experiment_id, name, artifact_location, creation_time_ms, \
     last_updated_time_ms, status, status_message, model_type, source_run_uuid";

pub(super) fn create(
    transaction: &Transaction<'_>,
    new: &NewLoggedModel,
) -> StoreResult<LoggedModel> {
    let experiment = experiments::get(transaction, new.experiment_id)?;
    if experiment.lifecycle_stage == LifecycleStage::Deleted {
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
        experiment.artifact_location.trim_end_matches('/')
    );
    let now = now_millis();
    transaction.execute(
        "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location,
                                    creation_time_ms, last_updated_time_ms, model_type,
                                    source_run_uuid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)",
        params![
            model_id,
            new.experiment_id.0,
            name,
            artifact_location,
            now,
            new.model_type,
            new.source_run_id
        ],
    )?;
    insert_params(transaction, &model_id, &new.params)?;
    insert_tags(transaction, &model_id, &new.tags)?;
    get(transaction, &model_id)
}

pub(super) fn get(connection: &Connection, model_id: &str) -> StoreResult<LoggedModel> {
    let found = connection
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM logged_models WHERE model_id = ?1 AND lifecycle_stage = 'active'"
        ))?
        .query_row([model_id], model_row)
        .optional()?;
    let mut model = found.ok_or_else(|| StoreError::LoggedModelNotFound {
        model_id: model_id.to_string(),
    })?;
    model.params = connection
        .prepare_cached(
            "SELECT key, value FROM logged_model_params WHERE model_id = ?1 ORDER BY key",
        )?
        .query_map([model_id], |row| {
            Ok(Param {
                key: row.get(0)?,
                value: row.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    model.tags = connection
        .prepare_cached(
            "SELECT key, value FROM logged_model_tags WHERE model_id = ?1 ORDER BY key",
        )?
        .query_map([model_id], |row| {
            Ok(Tag::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?
        .collect::<Result<_, _>>()?;
    model.metrics = connection
        .prepare_cached(
            "SELECT key, value_bits, step, timestamp_ms, run_uuid, dataset_name, dataset_digest
             FROM logged_model_metrics WHERE model_id = ?1 ORDER BY key, step, timestamp_ms",
        )?
        .query_map([model_id], |row| {
            Ok(LoggedModelMetric {
                key: row.get(0)?,
                point: MetricPoint {
                    value: f64::from_bits(row.get::<_, i64>(1)? as u64),
                    step: row.get(2)?,
                    timestamp_ms: row.get(3)?,
                },
                run_id: row.get(4)?,
                dataset_name: row.get(5)?,
                dataset_digest: row.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(model)
}

/// Links metric points to a LoggedModel; exact duplicates are ignored, as in MLflow.
pub(super) fn log_metrics(
    transaction: &Transaction<'_>,
    model_id: &str,
    metrics: &[LoggedModelMetric],
) -> StoreResult<()> {
    get(transaction, model_id)?;
    for metric in metrics {
        validate::check_key("metric", &metric.key)?;
        transaction
            .prepare_cached(
                "INSERT INTO logged_model_metrics
                   (model_id, key, value_bits, step, timestamp_ms, run_uuid, dataset_name,
                    dataset_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                model_id,
                metric.key,
                metric.point.value.to_bits() as i64,
                metric.point.step,
                metric.point.timestamp_ms,
                metric.run_id,
                metric.dataset_name,
                metric.dataset_digest
            ])?;
    }
    Ok(())
}

pub(super) fn set_status(
    transaction: &Transaction<'_>,
    model_id: &str,
    status: LoggedModelStatus,
) -> StoreResult<LoggedModel> {
    get(transaction, model_id)?;
    transaction.execute(
        "UPDATE logged_models SET status = ?2, last_updated_time_ms = ?3 WHERE model_id = ?1",
        params![model_id, status.as_str(), now_millis()],
    )?;
    get(transaction, model_id)
}

pub(super) fn log_params(
    transaction: &Transaction<'_>,
    model_id: &str,
    model_params: &[Param],
) -> StoreResult<()> {
    get(transaction, model_id)?;
    model_params.iter().try_for_each(validate::check_param)?;
    insert_params(transaction, model_id, model_params)
}

pub(super) fn set_tags(
    transaction: &Transaction<'_>,
    model_id: &str,
    tags: &[Tag],
) -> StoreResult<()> {
    get(transaction, model_id)?;
    tags.iter().try_for_each(validate::check_tag)?;
    insert_tags(transaction, model_id, tags)
}

pub(super) fn delete_tag(
    transaction: &Transaction<'_>,
    model_id: &str,
    key: &str,
) -> StoreResult<()> {
    get(transaction, model_id)?;
    let deleted = transaction.execute(
        "DELETE FROM logged_model_tags WHERE model_id = ?1 AND key = ?2",
        params![model_id, key],
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

pub(super) fn delete(transaction: &Transaction<'_>, model_id: &str) -> StoreResult<()> {
    get(transaction, model_id)?;
    transaction.execute(
        "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_time_ms = ?2
         WHERE model_id = ?1",
        params![model_id, now_millis()],
    )?;
    Ok(())
}

/// Active LoggedModels of the given experiments (all when empty), newest first.
pub(super) fn list(
    connection: &Connection,
    experiment_ids: &[ExperimentId],
) -> StoreResult<Vec<LoggedModel>> {
    let ids: Vec<String> = connection
        .prepare_cached(
            "SELECT model_id, experiment_id FROM logged_models WHERE lifecycle_stage = 'active'
             ORDER BY creation_time_ms DESC, model_id",
        )?
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?
        .filter_map(|row| match row {
            Ok((id, experiment)) => (experiment_ids.is_empty()
                || experiment_ids.contains(&ExperimentId(experiment)))
            .then_some(Ok(id)),
            Err(error) => Some(Err(error)),
        })
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| get(connection, id)).collect()
}

fn insert_params(
    transaction: &Transaction<'_>,
    model_id: &str,
    items: &[Param],
) -> StoreResult<()> {
    for param in items {
        transaction
            .prepare_cached(
                "INSERT INTO logged_model_params (model_id, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![model_id, param.key, param.value])?;
    }
    Ok(())
}

fn insert_tags(transaction: &Transaction<'_>, model_id: &str, tags: &[Tag]) -> StoreResult<()> {
    for tag in tags {
        transaction
            .prepare_cached(
                "INSERT INTO logged_model_tags (model_id, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![model_id, tag.key, tag.value])?;
    }
    Ok(())
}

fn model_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<LoggedModel> {
    let status: String = row.get(6)?;
    Ok(LoggedModel {
        model_id: row.get(0)?,
        experiment_id: ExperimentId(row.get(1)?),
        name: row.get(2)?,
        artifact_location: row.get(3)?,
        creation_time_ms: row.get(4)?,
        last_updated_time_ms: row.get(5)?,
        status: LoggedModelStatus::parse(&status).unwrap_or(LoggedModelStatus::Pending),
        status_message: row.get(7)?,
        model_type: row.get(8)?,
        source_run_id: row.get(9)?,
        params: Vec::new(),
        tags: Vec::new(),
        metrics: Vec::new(),
    })
}
