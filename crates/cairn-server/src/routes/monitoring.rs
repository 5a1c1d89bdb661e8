//! Monitoring a registered model version in production, under `/api/2.0/cairn/monitoring`:
//!
//! - `POST reference?name=&version=|alias=` with the training data (CSV or Parquet bytes) sets
//!   the version's reference and how batches are judged (`test`, `threshold`, `share`,
//!   `label_column`, `prediction_column`, `task`, repeated `alert=accuracy>=0.8`);
//!   `GET reference` describes it.
//! - `POST batches` judges a production batch against it and stores the outcome: CSV or Parquet
//!   bytes with `name`, `version` or `alias`, `label`, `label_column`, `prediction_column` in the
//!   query; or JSON with those fields and the rows in MLflow's scoring formats
//!   (`dataframe_split`, `dataframe_records`, or `columns`).
//! - `GET batches?name=&version=` lists a version's batches (oldest first, the last
//!   `max_results`); `GET batches/get?name=&version=&id=` one batch with its full report.
//!
//! Data arrives as bytes only: nothing here reads a path on the server's disk. Sending data
//! needs EDIT on the registered model, reading needs READ.

use axum::extract::{FromRequest, Request, State};
use axum::http::header;
use axum::routing::{get, post};
use axum::{Json, Router};
use cairn_core::model::{MonitoringBatch, MonitoringReferenceSummary};
use cairn_core::time::now_millis;
use cairn_monitor::{
    Alert, BatchOptions, ModelRef, MonitorError, MonitorSettings, log_batch, records_to_csv,
    resolve_version, set_reference,
};
use serde_json::{Map, Value, json};

use crate::Shared;
use crate::args::{Args, body_error};
use crate::error::{ApiError, ApiResult};

/// The largest reference or batch sent as bytes.
pub const MAX_MONITORING_BODY_BYTES: usize = 256 * 1024 * 1024;

/// Batches listed when `max_results` is not given, and the most that may be asked for.
const DEFAULT_BATCHES: usize = 500;
const MAX_BATCHES: usize = 10_000;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/monitoring/reference",
            post(post_reference).get(get_reference),
        )
        .route("/monitoring/batches", post(post_batch).get(list_batches))
        .route("/monitoring/batches/get", get(get_batch))
}

impl From<MonitorError> for ApiError {
    fn from(error: MonitorError) -> ApiError {
        match error {
            MonitorError::Store(error) => ApiError::from(error),
            MonitorError::Invalid(message) => ApiError::invalid(message),
            MonitorError::NotFound(message) => ApiError::not_found(message),
            missing @ MonitorError::NoReference { .. } => ApiError::not_found(missing.to_string()),
        }
    }
}

/// The version the arguments name: `name` with `version` or `alias`.
fn model_ref(args: &Args) -> Result<ModelRef, ApiError> {
    let name = args.req_str("name")?;
    Ok(ModelRef::from_parts(
        &name,
        args.str("version").as_deref(),
        args.str("alias").as_deref(),
    )?)
}

/// The arguments and, for a body that is not JSON, its bytes.
async fn arguments_and_bytes(request: Request) -> Result<(Args, Option<Vec<u8>>), ApiError> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/json"));
    if is_json {
        return Ok((Args::from_request(request, &()).await?, None));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(request.uri().query().unwrap_or(""))
            .map_err(|error| ApiError::invalid(format!("malformed query string: {error}")))?;
    let bytes = axum::body::to_bytes(request.into_body(), MAX_MONITORING_BODY_BYTES)
        .await
        .map_err(|error| body_error(&error, MAX_MONITORING_BODY_BYTES as u64))?;
    Ok((Args::from_query_pairs(pairs), Some(bytes.to_vec())))
}

/// The rows of a JSON body as CSV.
fn json_rows(args: &Args) -> Result<Vec<u8>, ApiError> {
    let mut body = Map::new();
    for field in ["dataframe_split", "dataframe_records", "columns"] {
        if let Some(value) = args.get(field) {
            body.insert(field.to_owned(), value.clone());
        }
    }
    Ok(records_to_csv(&Value::Object(body))?)
}

fn settings(args: &Args) -> Result<MonitorSettings, ApiError> {
    let defaults = MonitorSettings::default();
    let alerts = args
        .str_list("alert")
        .iter()
        .map(|text| Alert::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    let settings = MonitorSettings {
        test: args.str("test").filter(|test| !test.is_empty()),
        threshold: args.f64("threshold")?,
        share: args.f64("share")?.unwrap_or(defaults.share),
        label_column: args.str("label_column").filter(|name| !name.is_empty()),
        prediction_column: args
            .str("prediction_column")
            .filter(|name| !name.is_empty()),
        task: args.str("task").filter(|task| !task.is_empty()),
        alerts,
    };
    settings.check()?;
    Ok(settings)
}

fn reference_json(reference: &MonitoringReferenceSummary) -> Value {
    let settings: Value = serde_json::from_str(&reference.settings).unwrap_or(Value::Null);
    json!({
        "name": reference.name,
        "version": reference.version.to_string(),
        "source": reference.source,
        "rows": reference.rows,
        "sample_bytes": reference.sample_bytes,
        "settings": settings,
        "created_ms": reference.created_ms,
    })
}

async fn post_reference(State(state): State<Shared>, request: Request) -> ApiResult {
    let (args, bytes) = arguments_and_bytes(request).await?;
    let model = model_ref(&args)?;
    let settings = settings(&args)?;
    let data = match bytes {
        Some(bytes) => bytes,
        None => json_rows(&args)?,
    };
    let source = args
        .str("source")
        .filter(|source| !source.is_empty())
        .unwrap_or_else(|| "uploaded data".to_owned());
    let summary = state
        .call_with(move |store| -> Result<_, MonitorError> {
            set_reference(store, &model, &source, data, &settings, now_millis())
        })
        .await?;
    Ok(Json(json!({"reference": reference_json(&summary)})))
}

async fn get_reference(State(state): State<Shared>, args: Args) -> ApiResult {
    let model = model_ref(&args)?;
    let summary = state
        .call_with(move |store| -> Result<_, MonitorError> {
            let version = resolve_version(store, &model)?;
            Ok(store.monitoring_reference_summary(model.name(), version)?)
        })
        .await?;
    Ok(Json(match summary {
        Some(summary) => json!({"reference": reference_json(&summary)}),
        None => json!({}),
    }))
}

fn batch_json(batch: &MonitoringBatch) -> Value {
    let stored = &batch.batch;
    let metrics: Map<String, Value> = stored
        .metrics
        .iter()
        .map(|(name, value)| (name.clone(), json!(value)))
        .collect();
    let columns: Vec<Value> = stored
        .scores
        .iter()
        .map(|score| {
            json!({
                "column": score.column,
                "test": score.test,
                "score": score.score.is_finite().then_some(score.score),
                "drifted": score.drifted,
            })
        })
        .collect();
    json!({
        "id": batch.id.to_string(),
        "name": stored.name,
        "version": stored.version.to_string(),
        "received_ms": stored.received_ms,
        "label": stored.label,
        "rows": stored.rows,
        "drift_share": stored.drift_share,
        "dataset_drift": stored.dataset_drift,
        "drifted_columns": stored.scores.iter().filter(|score| score.drifted).count(),
        "columns": columns,
        "metrics": metrics,
    })
}

async fn post_batch(State(state): State<Shared>, request: Request) -> ApiResult {
    let (args, bytes) = arguments_and_bytes(request).await?;
    let model = model_ref(&args)?;
    let data = match bytes {
        Some(bytes) => bytes,
        None => json_rows(&args)?,
    };
    let options = BatchOptions {
        label: args.str("label").unwrap_or_default(),
        label_column: args.str("label_column").filter(|name| !name.is_empty()),
        prediction_column: args
            .str("prediction_column")
            .filter(|name| !name.is_empty()),
    };
    let report = state
        .call_with(move |store| -> Result<_, MonitorError> {
            log_batch(store, &model, data, &options, now_millis())
        })
        .await?;
    let performance = report
        .performance
        .as_ref()
        .map(|performance| serde_json::to_value(performance).unwrap_or(Value::Null));
    Ok(Json(json!({
        "batch": batch_json(&report.batch),
        "alerts": report.alerts,
        "performance": performance,
    })))
}

async fn list_batches(State(state): State<Shared>, args: Args) -> ApiResult {
    let model = model_ref(&args)?;
    let limit = match args.i64("max_results")? {
        None => DEFAULT_BATCHES,
        Some(limit) if (1..=MAX_BATCHES as i64).contains(&limit) => limit as usize,
        Some(limit) => {
            return Err(ApiError::invalid(format!(
                "max_results must be between 1 and {MAX_BATCHES}, not {limit}"
            )));
        }
    };
    let batches = state
        .call_with(move |store| -> Result<_, MonitorError> {
            let version = resolve_version(store, &model)?;
            Ok(store.list_monitoring_batches(model.name(), version, limit)?)
        })
        .await?;
    let batches: Vec<Value> = batches.iter().map(batch_json).collect();
    Ok(Json(json!({"batches": batches})))
}

async fn get_batch(State(state): State<Shared>, args: Args) -> ApiResult {
    let model = model_ref(&args)?;
    let id = args.req_i64("id")?;
    let batch = state
        .call_with(move |store| -> Result<_, MonitorError> {
            let version = resolve_version(store, &model)?;
            let batch = store
                .monitoring_batch(id)?
                .filter(|batch| batch.batch.name == model.name() && batch.batch.version == version);
            batch.ok_or_else(|| {
                MonitorError::NotFound(format!(
                    "version {version} of registered model '{}' has no monitoring batch {id}",
                    model.name()
                ))
            })
        })
        .await?;
    let report: Value = serde_json::from_str(&batch.batch.report).unwrap_or(Value::Null);
    let mut body = batch_json(&batch);
    if let Value::Object(fields) = &mut body {
        fields.insert("report".into(), report);
    }
    Ok(Json(json!({"batch": body})))
}
