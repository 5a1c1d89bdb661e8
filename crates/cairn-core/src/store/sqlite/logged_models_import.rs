//! Importing MLflow 3 LoggedModels with their params, tags and metrics (the indexer).

use rusqlite::{Transaction, params};

use crate::error::StoreResult;
use crate::model::ImportedLoggedModel;

/// Creates or replaces one LoggedModel with everything attached.
pub(super) fn import(
    transaction: &Transaction<'_>,
    model: &ImportedLoggedModel,
) -> StoreResult<()> {
    let status = match model.status.as_str() {
        "LOGGED_MODEL_PENDING" | "LOGGED_MODEL_READY" | "LOGGED_MODEL_UPLOAD_FAILED" => {
            model.status.as_str()
        }
        _ => "LOGGED_MODEL_PENDING",
    };
    // Children go first (cascade), then the row is rewritten.
    transaction
        .prepare_cached("DELETE FROM logged_models WHERE model_id = ?1")?
        .execute([&model.model_id])?;
    transaction
        .prepare_cached(
            "INSERT INTO logged_models
               (model_id, experiment_id, name, artifact_location, creation_time_ms,
                last_updated_time_ms, status, status_message, model_type, source_run_uuid,
                lifecycle_stage)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            model.model_id,
            model.experiment_id.0,
            model.name,
            model.artifact_location,
            model.creation_time_ms,
            model.last_updated_time_ms,
            status,
            model.status_message,
            model.model_type,
            model.source_run_id,
            model.lifecycle_stage.as_str(),
        ])?;
    let mut insert_param = transaction.prepare_cached(
        "INSERT OR REPLACE INTO logged_model_params (model_id, key, value) VALUES (?1, ?2, ?3)",
    )?;
    for param in &model.params {
        insert_param.execute(params![model.model_id, param.key, param.value])?;
    }
    let mut insert_tag = transaction.prepare_cached(
        "INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?1, ?2, ?3)",
    )?;
    for tag in &model.tags {
        insert_tag.execute(params![model.model_id, tag.key, tag.value])?;
    }
    let mut insert_metric = transaction.prepare_cached(
        "INSERT OR IGNORE INTO logged_model_metrics
           (model_id, key, value_bits, step, timestamp_ms, run_uuid, dataset_name, dataset_digest)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for metric in &model.metrics {
        insert_metric.execute(params![
            model.model_id,
            metric.key,
            metric.point.value.to_bits() as i64,
            metric.point.step,
            metric.point.timestamp_ms,
            metric.run_id,
            metric.dataset_name,
            metric.dataset_digest,
        ])?;
    }
    Ok(())
}

/// How many LoggedModels the store holds.
pub(super) fn count(connection: &rusqlite::Connection) -> StoreResult<u64> {
    let count: i64 =
        connection.query_row("SELECT count(*) FROM logged_models", [], |row| row.get(0))?;
    Ok(count as u64)
}
