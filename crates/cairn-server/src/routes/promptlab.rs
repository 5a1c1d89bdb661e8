//! `runs/create-promptlab-run`: a finished run recording one prompt-engineering trial of
//! MLflow's UI — the model's parameters, route and template as params, its evaluation table and
//! promptlab model as artifacts — answered as `{"run": ...}`.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use cairn_core::model::{
    ArtifactFile, LogBatch, NewRun, Param, RunStatus, RunUpdate, SourceKind, Tag,
};
use cairn_core::time::{civil_from_days, now_millis};
use cairn_core::{Store, StoreResult};
use serde_json::{Value, json};

use super::experiments::experiment_id;
use super::promptlab_files::{EVAL_TABLE, Promptlab, TextParam};
use crate::args::Args;
use crate::error::{ApiError, ApiResult};
use crate::messages;
use crate::{Shared, wire};

/// The scheme of artifact roots inside the store's artifact folder.
const STORE_ARTIFACTS: &str = "mlflow-artifacts:";

/// MLflow serves it under `/ajax-api` only.
pub fn routes() -> Router<Shared> {
    Router::new().route("/runs/create-promptlab-run", post(create_promptlab_run))
}

/// A field MLflow requires to be truthy (not absent, null, empty, zero or false).
fn required<'a>(args: &'a Args, name: &str) -> Result<&'a Value, ApiError> {
    let value = args.get(name).filter(|value| match value {
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
        Value::Number(number) => number.as_f64() != Some(0.0),
        Value::Bool(flag) => *flag,
        Value::Null => false,
    });
    value.ok_or_else(|| messages::promptlab_missing(name))
}

/// A value as Python's `str()` writes it.
fn python_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// `[{key, value}]` with values as text.
fn text_params(args: &Args, name: &str) -> Result<Vec<TextParam>, ApiError> {
    args.list(name)
        .iter()
        .map(|item| {
            let param = Args::object(item);
            let key = param
                .str("key")
                .ok_or_else(|| ApiError::invalid(format!("an entry of '{name}' has no key")))?;
            let value = python_str(param.get("value").unwrap_or(&Value::Null));
            Ok(TextParam { key, value })
        })
        .collect()
}

/// `%Y-%m-%d %H:%M:%S.%f` of an epoch time in microseconds, UTC.
fn utc_time_text(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60,
        micros.rem_euclid(1_000_000)
    )
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

async fn create_promptlab_run(State(state): State<Shared>, args: Args) -> ApiResult {
    let experiment = experiment_id(&python_str(required(&args, "experiment_id")?))?;
    let run_name = args.str("run_name");
    let tags = args.tags("tags")?;
    let prompt_template = python_str(required(&args, "prompt_template")?);
    required(&args, "prompt_parameters")?;
    let prompt_parameters = text_params(&args, "prompt_parameters")?;
    let model_route = python_str(required(&args, "model_route")?);
    let model_parameters = text_params(&args, "model_parameters")?;
    let model_input = python_str(required(&args, "model_input")?);
    let model_output = args.get("model_output").map(python_str);
    let model_output_parameters = text_params(&args, "model_output_parameters")?;
    let mlflow_version = python_str(required(&args, "mlflow_version")?);
    let mut new = NewRun::new(experiment, SourceKind::MlflowApi);
    new.user_id = args.str("user_id").unwrap_or_else(|| "unknown".into());
    new.start_time_ms = Some(args.i64("start_time")?.unwrap_or_else(now_millis));
    new.run_name = run_name.clone().unwrap_or_default();
    new.tags = tags;
    let (run, lab, logged) = state
        .call(move |store| {
            let run = store.create_run(&new)?;
            let run_id = run.info.run_id.clone();
            let lab = Promptlab {
                run_id: run_id.clone(),
                prompt_template,
                prompt_parameters,
                model_route,
                model_parameters,
                model_input,
                model_output,
                model_output_parameters,
                mlflow_version,
                utc_time_created: utc_time_text(now_micros()),
                model_uuid: uuid::Uuid::new_v4().simple().to_string(),
            };
            let logged = log_params(store, &lab).is_ok();
            Ok((run, lab, logged))
        })
        .await?;
    // As in MLflow, a failure after the run exists ends it FAILED instead of failing the
    // request.
    let written = match logged {
        true => write_files(&state, &run.info.artifact_uri, &lab).await.ok(),
        false => None,
    };
    let run_id = run.info.run_id.clone();
    let (run, io) = state
        .call(move |store| {
            let status = match written {
                Some(files) => {
                    for file in &files {
                        store.record_artifact(&run_id, file)?;
                    }
                    RunStatus::Finished
                }
                None => RunStatus::Failed,
            };
            let update = RunUpdate {
                status: Some(status),
                end_time_ms: Some(now_millis()),
                run_name,
            };
            store.update_run(&run_id, &update)?;
            Ok((store.get_run(&run_id)?, store.run_io(&run_id)?))
        })
        .await?;
    Ok(Json(json!({"run": wire::run(&run, &io)})))
}

/// Logs the params and tags of a prompt-engineering run.
fn log_params(store: &dyn Store, lab: &Promptlab) -> StoreResult<()> {
    let mut params: Vec<Param> = lab
        .model_parameters
        .iter()
        .map(|param| Param {
            key: param.key.clone(),
            value: param.value.clone(),
        })
        .collect();
    params.push(Param {
        key: "model_route".into(),
        value: lab.model_route.clone(),
    });
    params.push(Param {
        key: "prompt_template".into(),
        value: lab.prompt_template.clone(),
    });
    let tags = vec![
        Tag::new(
            "mlflow.loggedArtifacts",
            format!("[{{\"path\": \"{EVAL_TABLE}\", \"type\": \"table\"}}]"),
        ),
        Tag::new("mlflow.runSourceType", "PROMPT_ENGINEERING"),
        Tag::new("mlflow.log-model.history", lab.log_model_history()),
    ];
    let batch = LogBatch {
        params,
        tags,
        ..LogBatch::default()
    };
    store.log_batch(&lab.run_id, &batch)
}

/// Writes a prompt-engineering run's files into the server's artifact store; answers them as the
/// store's index records them.
async fn write_files(
    state: &Shared,
    artifact_uri: &str,
    lab: &Promptlab,
) -> Result<Vec<ArtifactFile>, ApiError> {
    let Some(relative_root) = artifact_uri.strip_prefix(STORE_ARTIFACTS) else {
        return Err(ApiError::invalid(format!(
            "artifact location '{artifact_uri}' is not in the server's artifact store"
        )));
    };
    let relative_root = relative_root.trim_matches('/');
    let mut written = Vec::new();
    for (relative, content) in lab.files() {
        let key = format!("{relative_root}/{relative}");
        let mut writer = state.artifacts.writer(&key).await?;
        writer.write(content.clone().into_bytes().into()).await?;
        writer.finish().await?;
        written.push(ArtifactFile {
            path: relative,
            size_bytes: content.len() as u64,
            blake3: None,
            location: None,
            modified_ms: Some(now_millis()),
        });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::utc_time_text;

    #[test]
    fn creation_times_are_written_as_pythons_strftime_writes_them() {
        assert_eq!(utc_time_text(0), "1970-01-01 00:00:00.000000");
        assert_eq!(
            utc_time_text(1_767_323_045_000_006),
            "2026-01-02 03:04:05.000006"
        );
    }
}
