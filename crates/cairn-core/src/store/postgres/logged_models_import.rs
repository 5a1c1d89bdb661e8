//! Importing MLflow 3 LoggedModels with their params, tags and metrics (the indexer).

use postgres::Transaction;

use super::experiments::last_per_key;
use super::sql::{args, execute};
use crate::error::StoreResult;
use crate::model::{ImportedLoggedModel, Tag};

/// Creates or replaces one LoggedModel with everything attached.
pub(crate) fn import(tx: &mut Transaction<'_>, model: &ImportedLoggedModel) -> StoreResult<()> {
    let status = match model.status.as_str() {
        "LOGGED_MODEL_PENDING" | "LOGGED_MODEL_READY" | "LOGGED_MODEL_UPLOAD_FAILED" => {
            model.status.as_str()
        }
        _ => "LOGGED_MODEL_PENDING",
    };
    // Children go with the row (cascade), then the row is written again.
    execute(
        tx,
        "DELETE FROM logged_models WHERE model_id = $1",
        args![model.model_id],
    )?;
    execute(
        tx,
        "INSERT INTO logged_models
           (model_id, experiment_id, name, artifact_location, creation_time_ms,
            last_updated_time_ms, status, status_message, model_type, source_run_uuid,
            lifecycle_stage)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        args![
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
        ],
    )?;
    if !model.params.is_empty() {
        let as_tags: Vec<Tag> = model
            .params
            .iter()
            .map(|param| Tag::new(param.key.clone(), param.value.clone()))
            .collect();
        let (keys, values) = last_per_key(&as_tags);
        execute(
            tx,
            "INSERT INTO logged_model_params (model_id, key, value)
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[])",
            args![model.model_id, keys, values],
        )?;
    }
    if !model.tags.is_empty() {
        let (keys, values) = last_per_key(&model.tags);
        execute(
            tx,
            "INSERT INTO logged_model_tags (model_id, key, value)
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[])",
            args![model.model_id, keys, values],
        )?;
    }
    if !model.metrics.is_empty() {
        let metrics = &model.metrics;
        let keys: Vec<&str> = metrics.iter().map(|m| m.key.as_str()).collect();
        let bits: Vec<i64> = metrics
            .iter()
            .map(|m| m.point.value.to_bits() as i64)
            .collect();
        let steps: Vec<i64> = metrics.iter().map(|m| m.point.step).collect();
        let times: Vec<i64> = metrics.iter().map(|m| m.point.timestamp_ms).collect();
        let run_ids: Vec<Option<&str>> = metrics.iter().map(|m| m.run_id.as_deref()).collect();
        let names: Vec<Option<&str>> = metrics.iter().map(|m| m.dataset_name.as_deref()).collect();
        let digests: Vec<Option<&str>> = metrics
            .iter()
            .map(|m| m.dataset_digest.as_deref())
            .collect();
        execute(
            tx,
            "INSERT INTO logged_model_metrics
               (model_id, key, value_bits, step, timestamp_ms, run_uuid, dataset_name,
                dataset_digest)
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[],
                                      $6::TEXT[], $7::TEXT[], $8::TEXT[])
             ON CONFLICT DO NOTHING",
            args![
                model.model_id,
                keys,
                bits,
                steps,
                times,
                run_ids,
                names,
                digests
            ],
        )?;
    }
    Ok(())
}
