//! `runs/*` and `metrics/*`: creating, reading, searching and logging to runs.

use std::collections::HashSet;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use cairn_core::model::{
    Dataset, DatasetInput, LifecycleStage, LogBatch, LoggedModelMetric, MetricPoint, ModelInput,
    ModelOutput, NamedMetricPoint, NewRun, Param, Run, RunIo, RunStatus, RunUpdate, SourceKind,
    Tag, ViewType,
};
use cairn_core::search::{parse_filter, parse_order_by_list};
use cairn_core::time::now_millis;
use cairn_core::{RunSearch, Store, StoreError, StoreResult};
use serde_json::{Value, json};

use super::experiments::experiment_id;
use crate::accounts::Actor;
use crate::args::{Args, double, encode_page_token};
use crate::error::{ApiError, ApiResult};
use crate::json_body::{JsonAnswer, JsonArrayBody};
use crate::messages;
use crate::schema::{Kind, optional, required};
use crate::{Shared, wire};

/// The tag MLflow keeps a run's user in.
const USER_TAG: &str = "mlflow.user";

/// Runs loaded at a time while a search page is written: a page of 10,000 runs (what
/// `mlflow.search_runs` asks for) never sits in memory whole.
const SEARCH_SLICE_RUNS: usize = 500;

/// MLflow's tag naming a nested run's parent.
const PARENT_RUN_TAG: &str = "mlflow.parentRunId";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/runs/create", post(create))
        .route("/runs/update", post(update))
        .route("/runs/get", get(get_run))
        .route("/runs/delete", post(delete))
        .route("/runs/restore", post(restore))
        .route("/runs/search", post(search).get(search))
        .route("/runs/log-metric", post(log_metric))
        .route("/runs/log-parameter", post(log_parameter))
        .route("/runs/set-tag", post(set_tag))
        .route("/runs/delete-tag", post(delete_tag))
        .route("/runs/log-batch", post(log_batch))
        .route("/runs/log-inputs", post(log_inputs))
        .route("/runs/outputs", post(log_outputs))
        .route("/metrics/get-history", get(get_history))
}

fn run_with_io(store: &dyn Store, run_id: &str) -> StoreResult<(Run, RunIo)> {
    Ok((store.get_run(run_id)?, store.run_io(run_id)?))
}

async fn create(State(state): State<Shared>, Actor(actor): Actor, args: Args) -> ApiResult {
    args.check(&[
        optional("experiment_id", Kind::Str),
        optional("start_time", Kind::Int),
        optional("run_name", Kind::Str),
        optional("tags", Kind::List),
    ])?;
    let experiment = experiment_id(&args.str("experiment_id").unwrap_or_else(|| "0".into()))?;
    let tags = args.tags("tags")?;
    let mut new = NewRun::new(experiment, SourceKind::MlflowApi);
    new.run_name = args.str("run_name").unwrap_or_default();
    new.user_id = args.str("user_id").unwrap_or_default();
    new.start_time_ms = args.i64("start_time")?;
    new.parent_run_id = tags
        .iter()
        .find(|tag| tag.key == PARENT_RUN_TAG)
        .map(|tag| tag.value.clone());
    new.tags = tags;
    if let Some(actor) = actor {
        // With accounts, a run records who signed in, not what the client says it is.
        new.user_id.clone_from(&actor);
        new.tags.retain(|tag| tag.key != USER_TAG);
        new.tags.push(Tag {
            key: USER_TAG.to_owned(),
            value: actor,
        });
    }
    let creator = state.run_creator.clone();
    let (run, io) = state
        .call(move |store| {
            let run = match creator {
                Some(creator) => creator.create_run(store, new)?,
                None => store.create_run(&new)?,
            };
            let io = store.run_io(&run.info.run_id)?;
            Ok((run, io))
        })
        .await?;
    Ok(Json(json!({"run": wire::run(&run, &io)})))
}

async fn update(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        optional("end_time", Kind::Int),
        optional("status", Kind::Str),
        optional("run_name", Kind::Str),
    ])?;
    let run_id = args.run_id()?;
    let status = match args.str("status") {
        None => None,
        Some(text) => {
            Some(RunStatus::parse(&text).ok_or_else(|| messages::invalid_run_status(&text))?)
        }
    };
    let update = RunUpdate {
        status,
        end_time_ms: args.i64("end_time")?,
        run_name: args.str("run_name"),
    };
    let info = state
        .call(move |store| store.update_run(&run_id, &update))
        .await?;
    Ok(Json(json!({"run_info": wire::run_info(&info)})))
}

async fn get_run(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("run_id", Kind::Str)])?;
    let run_id = args.run_id()?;
    let (run, io) = state.call(move |store| run_with_io(store, &run_id)).await?;
    Ok(Json(json!({"run": wire::run(&run, &io)})))
}

async fn delete(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("run_id", Kind::Str)])?;
    let run_id = args.run_id()?;
    state
        .call(move |store| store.set_run_lifecycle(&run_id, LifecycleStage::Deleted))
        .await?;
    Ok(Json(json!({})))
}

async fn restore(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("run_id", Kind::Str)])?;
    let run_id = args.run_id()?;
    state
        .call(move |store| store.set_run_lifecycle(&run_id, LifecycleStage::Active))
        .await?;
    Ok(Json(json!({})))
}

async fn search(State(state): State<Shared>, args: Args) -> ApiResult<JsonAnswer> {
    args.check(&[
        optional("experiment_ids", Kind::List),
        optional("filter", Kind::Str),
        optional("max_results", Kind::Int),
        optional("order_by", Kind::StrList),
        optional("page_token", Kind::Str),
    ])?;
    let experiment_ids = args
        .str_list("experiment_ids")
        .iter()
        .map(|id| experiment_id(id))
        .collect::<Result<Vec<_>, _>>()?;
    let view = match args.str("run_view_type") {
        None => ViewType::ActiveOnly,
        Some(text) => ViewType::parse(&text)
            .ok_or_else(|| ApiError::invalid(format!("invalid run_view_type '{text}'")))?,
    };
    let max_results = args.max_results(1000, 50_000)?;
    let filter = parse_filter(&args.str("filter").unwrap_or_default()).map_err(StoreError::from)?;
    let order_by_text: Vec<String> = args
        .str_list("order_by")
        .into_iter()
        .filter(|clause| !clause.trim().is_empty())
        .collect();
    let order_by = parse_order_by_list(&order_by_text).map_err(StoreError::from)?;
    let search = RunSearch {
        experiment_ids,
        filter,
        order_by,
        view,
        max_results,
        offset: args.page_offset()?,
        count_total: false,
    };
    state
        .call(move |store| {
            let mut body = match JsonArrayBody::new("runs") {
                Ok(body) => body,
                Err(error) => return Ok(Err(error)),
            };
            let mut failed = None;
            let page = store.search_runs_in_slices(&search, SEARCH_SLICE_RUNS, &mut |runs, ios| {
                for (run, io) in runs.iter().zip(&ios) {
                    if let Err(error) = body.push(&wire::RunJson { run, io }) {
                        failed = Some(error);
                        return Err(StoreError::invalid("runs/search answer", "unwritable"));
                    }
                }
                Ok(())
            });
            if let Some(error) = failed {
                return Ok(Err(error));
            }
            let token = page?.next_offset.map(encode_page_token);
            Ok(body.finish(token.as_deref()))
        })
        .await?
}

/// The LoggedModel (and dataset) a metric is logged for, when the client says so.
#[derive(Debug, Clone)]
struct ModelLink {
    model_id: String,
    dataset_name: Option<String>,
    dataset_digest: Option<String>,
}

/// A metric from `{key, value, timestamp, step, model_id, dataset_name, dataset_digest}`.
fn metric_from(args: &Args) -> Result<(NamedMetricPoint, Option<ModelLink>), ApiError> {
    let key = args.req_str("key")?;
    let value = match args.get("value") {
        Some(Value::Bool(_)) => {
            return Err(ApiError::invalid(format!(
                "metric '{key}' has a boolean value"
            )));
        }
        Some(value) => double(value, "value")?,
        None => {
            return Err(messages::missing_parameter("value"));
        }
    };
    let timestamp_ms = args.i64("timestamp")?.unwrap_or_else(now_millis);
    let step = args.i64("step")?.unwrap_or(0);
    let link = args
        .str("model_id")
        .filter(|id| !id.is_empty())
        .map(|model_id| ModelLink {
            model_id,
            dataset_name: args.str("dataset_name").filter(|name| !name.is_empty()),
            dataset_digest: args
                .str("dataset_digest")
                .filter(|digest| !digest.is_empty()),
        });
    Ok((
        NamedMetricPoint {
            key,
            point: MetricPoint {
                step,
                timestamp_ms,
                value,
            },
        },
        link,
    ))
}

/// Logs a batch and links model metrics to their LoggedModels. Metrics re-sent for a model are
/// skipped in the run's history when the run has that exact point already (MLflow's metric
/// table ignores exact duplicates; Cairn's histories would repeat them).
fn log_deduplicated(
    store: &dyn Store,
    run_id: &str,
    mut batch: LogBatch,
    links: &[Option<ModelLink>],
) -> StoreResult<()> {
    let mut model_metrics: Vec<(String, Vec<LoggedModelMetric>)> = Vec::new();
    if links.iter().any(Option::is_some) {
        let mut seen: Vec<(String, Vec<MetricPoint>)> = Vec::new();
        let mut keep = Vec::with_capacity(batch.metrics.len());
        for (metric, link) in batch.metrics.into_iter().zip(links) {
            if let Some(link) = link {
                let linked = LoggedModelMetric {
                    key: metric.key.clone(),
                    point: metric.point,
                    run_id: Some(run_id.to_string()),
                    dataset_name: link.dataset_name.clone(),
                    dataset_digest: link.dataset_digest.clone(),
                };
                match model_metrics
                    .iter_mut()
                    .find(|(id, _)| *id == link.model_id)
                {
                    Some((_, metrics)) => metrics.push(linked),
                    None => model_metrics.push((link.model_id.clone(), vec![linked])),
                }
                let index = match seen.iter().position(|(key, _)| *key == metric.key) {
                    Some(index) => index,
                    None => {
                        seen.push((
                            metric.key.clone(),
                            store.metric_history(run_id, &metric.key)?,
                        ));
                        seen.len() - 1
                    }
                };
                if seen[index]
                    .1
                    .iter()
                    .any(|point| point.same_bits(&metric.point))
                {
                    continue;
                }
            }
            keep.push(metric);
        }
        batch.metrics = keep;
    }
    store.log_batch(run_id, &batch)?;
    for (model_id, metrics) in &model_metrics {
        match store.log_logged_model_metrics(model_id, metrics) {
            // A metric may name a model this server never saw (logged elsewhere); the run
            // still gets the metric, as in MLflow.
            Err(StoreError::LoggedModelNotFound { .. }) => {}
            other => other?,
        }
    }
    Ok(())
}

async fn log_metric(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        required("key", Kind::Str),
        required("value", Kind::Float),
        required("timestamp", Kind::Int),
        optional("step", Kind::Int),
        optional("model_id", Kind::Str),
        optional("dataset_name", Kind::Str),
        optional("dataset_digest", Kind::Str),
    ])?;
    let run_id = args.run_id()?;
    let (metric, link) = metric_from(&args)?;
    let batch = LogBatch {
        metrics: vec![metric],
        ..LogBatch::default()
    };
    state
        .call(move |store| log_deduplicated(store, &run_id, batch, &[link]))
        .await?;
    state.telemetry.points_ingested(1);
    Ok(Json(json!({})))
}

async fn log_parameter(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        required("key", Kind::Str),
        optional("value", Kind::Str),
    ])?;
    let run_id = args.run_id()?;
    let param = Param {
        key: args.req_str("key")?,
        value: args.str("value").unwrap_or_default(),
    };
    let batch = LogBatch {
        params: vec![param],
        ..LogBatch::default()
    };
    state
        .call(move |store| store.log_batch(&run_id, &batch))
        .await?;
    Ok(Json(json!({})))
}

async fn set_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        required("key", Kind::Str),
        optional("value", Kind::Str),
    ])?;
    let run_id = args.run_id()?;
    let tag = Tag::new(args.req_str("key")?, args.str("value").unwrap_or_default());
    let batch = LogBatch {
        tags: vec![tag],
        ..LogBatch::default()
    };
    state
        .call(move |store| store.log_batch(&run_id, &batch))
        .await?;
    Ok(Json(json!({})))
}

async fn delete_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("run_id", Kind::Str), required("key", Kind::Str)])?;
    let run_id = args.run_id()?;
    let key = args.req_str("key")?;
    state
        .call(move |store| store.delete_tag(&run_id, &key))
        .await?;
    Ok(Json(json!({})))
}

async fn log_batch(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        optional("metrics", Kind::List),
        optional("params", Kind::List),
        optional("tags", Kind::List),
    ])?;
    args.check_entries("metrics", &["key", "value", "timestamp"])?;
    args.check_entries("params", &["key"])?;
    args.check_entries("tags", &["key"])?;
    let run_id = args.run_id()?;
    let mut metrics = Vec::new();
    let mut links = Vec::new();
    for item in args.list("metrics") {
        let (metric, link) = metric_from(&Args::object(&item))?;
        metrics.push(metric);
        links.push(link);
    }
    let params = args.params("params")?;
    let mut keys = HashSet::new();
    for param in &params {
        if !keys.insert(param.key.as_str()) {
            return Err(messages::duplicate_param_keys(&param.key));
        }
    }
    let batch = LogBatch {
        metrics,
        params,
        tags: args.tags("tags")?,
    };
    let points = batch.metrics.len();
    state
        .call(move |store| log_deduplicated(store, &run_id, batch, &links))
        .await?;
    state.telemetry.points_ingested(points);
    Ok(Json(json!({})))
}

async fn log_inputs(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        optional("datasets", Kind::List),
        optional("models", Kind::List),
    ])?;
    let run_id = args.run_id()?;
    let mut inputs = Vec::new();
    for item in args.list("datasets") {
        let input = Args::object(&item);
        let dataset = Args::object(input.get("dataset").unwrap_or(&Value::Null));
        inputs.push(DatasetInput {
            dataset: Dataset {
                name: dataset.req_str("name")?,
                digest: dataset.req_str("digest")?,
                source_type: dataset.str("source_type").unwrap_or_default(),
                source: dataset.str("source").unwrap_or_default(),
                schema: dataset.str("schema"),
                profile: dataset.str("profile"),
            },
            tags: input.tags("tags")?,
        });
    }
    let models = args
        .list("models")
        .iter()
        .map(|item| {
            Ok(ModelInput {
                model_id: Args::object(item).req_str("model_id")?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    state
        .call(move |store| {
            store.log_run_inputs(&run_id, &inputs)?;
            store.log_run_model_inputs(&run_id, &models)
        })
        .await?;
    Ok(Json(json!({})))
}

async fn log_outputs(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("run_id", Kind::Str),
        required("models", Kind::List),
    ])?;
    let run_id = args.run_id()?;
    let outputs = args
        .list("models")
        .iter()
        .map(|item| {
            let model = Args::object(item);
            Ok(ModelOutput {
                model_id: model.req_str("model_id")?,
                step: model.i64("step")?.unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    state
        .call(move |store| store.log_run_outputs(&run_id, &outputs))
        .await?;
    Ok(Json(json!({})))
}

async fn get_history(State(state): State<Shared>, args: Args) -> ApiResult<JsonAnswer> {
    args.check(&[
        required("run_id", Kind::Str),
        required("metric_key", Kind::Str),
        optional("page_token", Kind::Str),
        optional("max_results", Kind::Int),
    ])?;
    let run_id = args.run_id()?;
    let key = args.req_str("metric_key")?;
    let max_results = args.i64("max_results")?.map(|n| n.max(1) as usize);
    let offset = args.page_offset()?;
    state
        .call(move |store| {
            let page = crate::history_order::page(store, &run_id, &key, offset, max_results)?;
            let token = (page.end < page.total).then(|| encode_page_token(page.end));
            Ok(metrics_answer(
                &key,
                &[(None, page.points)],
                token.as_deref(),
            ))
        })
        .await?
}

/// `{"metrics": [...], "next_page_token"?}`: points of one key, each series under its run when
/// it names one.
fn metrics_answer(
    key: &str,
    series: &[(Option<String>, Vec<MetricPoint>)],
    next_page_token: Option<&str>,
) -> ApiResult<JsonAnswer> {
    let mut body = JsonArrayBody::new("metrics")?;
    for (run_id, points) in series {
        for point in points {
            body.push(&wire::MetricJson {
                key,
                point,
                run_id: run_id.as_deref(),
            })?;
        }
    }
    body.finish(next_page_token)
}
