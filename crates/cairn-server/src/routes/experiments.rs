//! `experiments/*`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use cairn_core::model::{ExperimentId, LifecycleStage, NewExperiment, Tag, ViewType};
use cairn_core::search::{Entity, entities};
use serde_json::{Value, json};

use crate::accounts::Caller;
use crate::args::{Args, encode_page_token};
use crate::error::{ApiError, ApiResult};
use crate::messages;
use crate::schema::{Kind, optional, required};
use crate::{Shared, search_args, wire};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/experiments/create", post(create))
        .route("/experiments/get", get(get_experiment))
        .route("/experiments/get-by-name", get(get_by_name))
        .route("/experiments/search", post(search).get(search))
        .route("/experiments/delete", post(delete))
        .route("/experiments/restore", post(restore))
        .route("/experiments/update", post(update))
        .route("/experiments/set-experiment-tag", post(set_tag))
        .route("/experiments/delete-experiment-tag", post(delete_tag))
}

/// Parses an experiment id as MLflow sends it (a decimal string).
pub fn experiment_id(text: &str) -> Result<ExperimentId, ApiError> {
    text.trim()
        .parse()
        .map(ExperimentId)
        .map_err(|_| messages::invalid_experiment_id(text))
}

async fn create(
    State(state): State<Shared>,
    caller: Option<axum::Extension<Caller>>,
    args: Args,
) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        optional("artifact_location", Kind::Str),
        optional("tags", Kind::List),
    ])?;
    let name = args.req_str("name")?;
    let new = NewExperiment {
        name,
        artifact_location: args
            .str("artifact_location")
            .filter(|location| !location.is_empty())
            .map(|location| absolute_location(&location)),
        tags: args.tags("tags")?,
        experiment_id: None,
    };
    let id = state
        .call(move |store| store.create_experiment(&new))
        .await?;
    if let (Some(accounts), Some(axum::Extension(caller))) = (&state.accounts, caller) {
        accounts
            .grant_creator(&caller, cairn_core::model::Resource::Experiment(id))
            .await?;
    }
    Ok(Json(json!({"experiment_id": id.to_string()})))
}

/// A relative local `artifact_location` made absolute against the server's working directory,
/// as MLflow's server does; URIs (`s3://`, `file:///`...) and absolute paths are kept.
fn absolute_location(location: &str) -> String {
    let has_scheme = location
        .split_once(':')
        .is_some_and(|(scheme, _)| scheme.len() > 1 && !scheme.contains('/'));
    let path = std::path::Path::new(location);
    if has_scheme || path.is_absolute() {
        return location.to_string();
    }
    match std::env::current_dir() {
        Ok(cwd) => path
            .components()
            .filter(|part| *part != std::path::Component::CurDir)
            .fold(cwd, |joined, part| joined.join(part))
            .to_string_lossy()
            .into_owned(),
        Err(_) => location.to_string(),
    }
}

async fn get_experiment(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("experiment_id", Kind::Str)])?;
    let id = experiment_id(&args.req_str("experiment_id")?)?;
    let experiment = state.call(move |store| store.get_experiment(id)).await?;
    Ok(Json(json!({"experiment": wire::experiment(&experiment)})))
}

async fn get_by_name(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("experiment_name", Kind::Str)])?;
    let name = args.req_str("experiment_name")?;
    let experiment = state
        .call(move |store| store.get_experiment_by_name(&name))
        .await?;
    Ok(Json(json!({"experiment": wire::experiment(&experiment)})))
}

async fn search(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        optional("max_results", Kind::Int),
        optional("order_by", Kind::List),
        optional("filter", Kind::Str),
        optional("page_token", Kind::Str),
    ])?;
    let view = match args.str("view_type") {
        None => ViewType::ActiveOnly,
        Some(text) => ViewType::parse(&text)
            .ok_or_else(|| ApiError::invalid(format!("invalid view_type '{text}'")))?,
    };
    let max_results = args.max_results(1000, 50_000)?;
    let filter =
        search_args::entity_filter(Entity::Experiment, &args.str("filter").unwrap_or_default())?;
    let offset = args.page_offset()?;
    let order_by = args.str_list("order_by");
    let mut experiments: Vec<_> = state
        .call(move |store| store.list_experiments(view))
        .await?
        .into_iter()
        .map(|summary| summary.experiment)
        .filter(|experiment| {
            filter
                .as_ref()
                .is_none_or(|filter| entities::matches(filter, experiment))
        })
        .collect();
    entities::sort_experiments(&mut experiments, &order_by);
    let total = experiments.len();
    let end = offset.saturating_add(max_results).min(total);
    let page: Vec<Value> = experiments
        .get(offset.min(total)..end)
        .unwrap_or_default()
        .iter()
        .map(wire::experiment)
        .collect();
    let mut out = json!({"experiments": page});
    if end < total {
        out["next_page_token"] = json!(encode_page_token(end));
    }
    Ok(Json(out))
}

async fn delete(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("experiment_id", Kind::Str)])?;
    let id = experiment_id(&args.req_str("experiment_id")?)?;
    state
        .call(move |store| store.set_experiment_lifecycle(id, LifecycleStage::Deleted))
        .await?;
    Ok(Json(json!({})))
}

async fn restore(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("experiment_id", Kind::Str)])?;
    let id = experiment_id(&args.req_str("experiment_id")?)?;
    state
        .call(move |store| store.set_experiment_lifecycle(id, LifecycleStage::Active))
        .await?;
    Ok(Json(json!({})))
}

async fn update(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("experiment_id", Kind::Str),
        required("new_name", Kind::Str),
    ])?;
    let id = experiment_id(&args.req_str("experiment_id")?)?;
    if let Some(new_name) = args.str("new_name") {
        state
            .call(move |store| store.rename_experiment(id, &new_name))
            .await?;
    }
    Ok(Json(json!({})))
}

async fn set_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("experiment_id", Kind::Str),
        required("key", Kind::Str),
        optional("value", Kind::Str),
    ])?;
    let id = experiment_id(&args.req_str("experiment_id")?)?;
    let tag = Tag::new(args.req_str("key")?, args.str("value").unwrap_or_default());
    state
        .call(move |store| store.set_experiment_tag(id, &tag))
        .await?;
    Ok(Json(json!({})))
}

async fn delete_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("experiment_id", Kind::Str),
        required("key", Kind::Str),
    ])?;
    let id = experiment_id(&args.req_str("experiment_id")?)?;
    let key = args.req_str("key")?;
    state
        .call(move |store| store.delete_experiment_tag(id, &key))
        .await?;
    Ok(Json(json!({})))
}
