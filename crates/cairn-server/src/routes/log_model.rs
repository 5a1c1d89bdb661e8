//! `runs/log-model`: what `mlflow.<flavor>.log_model` reports about the model it logged, kept as
//! MLflow keeps it — appended to the run's `mlflow.log-model.history` tag (the model's
//! `run_id`, `artifact_path`, `utc_time_created`, `model_uuid` and flavors, without their
//! `config`), which MLflow's UI and scripts read to find a run's models.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use cairn_core::model::{LogBatch, Tag};
use serde_json::{Map, Value, json};

use crate::Shared;
use crate::args::Args;
use crate::error::{ApiError, ApiResult};
use crate::python_json;
use crate::schema::{Kind, required};

/// MLflow's tag holding the models logged to a run.
const HISTORY_TAG: &str = "mlflow.log-model.history";

/// The fields a model's JSON must carry.
const MANDATORY: [&str; 4] = ["artifact_path", "flavors", "run_id", "utc_time_created"];

pub fn routes() -> Router<Shared> {
    Router::new().route("/runs/log-model", post(log_model))
}

async fn log_model(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        required("model_json", Kind::Str),
    ])?;
    let run_id = args.run_id()?;
    let model_json = args.req_str("model_json")?;
    let entry = history_entry(&model_json)?;
    state
        .call(move |store| {
            let run = store.get_run(&run_id)?;
            let mut history: Vec<Value> = run
                .tags
                .iter()
                .find(|tag| tag.key == HISTORY_TAG)
                .and_then(|tag| serde_json::from_str(&tag.value).ok())
                .unwrap_or_default();
            history.push(entry);
            let value = python_json::dumps_spaced(&Value::Array(history));
            let batch = LogBatch {
                tags: vec![Tag::new(HISTORY_TAG, value)],
                ..LogBatch::default()
            };
            store.log_batch(&run_id, &batch)
        })
        .await?;
    Ok(Json(json!({})))
}

/// The part of a model's JSON that goes into the history, or MLflow's refusal.
fn history_entry(model_json: &str) -> Result<Value, ApiError> {
    let model: Map<String, Value> = match serde_json::from_str(model_json) {
        Ok(Value::Object(model)) => model,
        _ => {
            return Err(ApiError::invalid(format!(
                "Malformed model info. \n {model_json} \n is not a valid JSON."
            )));
        }
    };
    let missing: Vec<String> = MANDATORY
        .iter()
        .filter(|field| !model.contains_key(**field))
        .map(|field| format!("'{field}'"))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::invalid(format!(
            "Model json is missing mandatory fields: {{{}}}",
            missing.join(", ")
        )));
    }
    let mut entry = Map::new();
    for key in ["run_id", "utc_time_created", "artifact_path", "model_uuid"] {
        if let Some(value) = model.get(key) {
            entry.insert(key.to_string(), value.clone());
        }
    }
    let flavors = match model.get("flavors") {
        Some(Value::Object(flavors)) => flavors
            .iter()
            .map(|(name, config)| {
                let config = match config {
                    Value::Object(fields) => Value::Object(
                        fields
                            .iter()
                            .filter(|(key, _)| key.as_str() != "config")
                            .map(|(key, value)| (key.clone(), value.clone()))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                (name.clone(), config)
            })
            .collect(),
        _ => Map::new(),
    };
    entry.insert("flavors".into(), Value::Object(flavors));
    Ok(Value::Object(entry))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::history_entry;

    #[test]
    fn the_history_keeps_what_mlflow_keeps_and_refuses_what_it_refuses() {
        let model = json!({
            "run_id": "r", "artifact_path": "model", "utc_time_created": "2026-12-05 10:00:00.000000",
            "model_uuid": "u", "signature": {"inputs": "[]"}, "mlflow_version": "3.17.2",
            "flavors": {"python_function": {"loader_module": "m", "config": {"x": 1}}}
        });
        assert_eq!(
            history_entry(&model.to_string()).unwrap(),
            json!({
                "run_id": "r", "artifact_path": "model", "utc_time_created": "2026-12-05 10:00:00.000000",
                "model_uuid": "u", "flavors": {"python_function": {"loader_module": "m"}}
            })
        );
        let missing = history_entry(r#"{"run_id": "r", "artifact_path": "m"}"#).unwrap_err();
        assert_eq!(
            missing.message,
            "Model json is missing mandatory fields: {'flavors', 'utc_time_created'}"
        );
        let malformed = history_entry("{nope").unwrap_err();
        assert!(malformed.message.starts_with("Malformed model info."));
    }
}
