//! `logged-models/*` (MLflow 3): what `mlflow.<flavor>.log_model` creates.

use axum::extract::{Path, State};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use cairn_core::model::{LoggedModelStatus, NewLoggedModel};
use cairn_core::search::entities::DatasetScope;
use cairn_core::search::{Entity, entities};
use serde_json::{Value, json};

use super::experiments::experiment_id;
use crate::args::{Args, encode_page_token};
use crate::error::{ApiError, ApiResult};
use crate::messages;
use crate::schema::{Kind, optional, required};
use crate::{Shared, search_args, wire};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/logged-models", post(create))
        .route("/logged-models/search", post(search))
        .route(
            "/logged-models/{model_id}",
            get(get_model).patch(finalize).delete(delete_model),
        )
        .route("/logged-models/{model_id}/params", post(log_params))
        .route(
            "/logged-models/{model_id}/tags",
            axum::routing::patch(set_tags),
        )
        .route("/logged-models/{model_id}/tags/{key}", delete(delete_tag))
}

async fn create(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("experiment_id", Kind::Str),
        optional("name", Kind::Str),
        optional("model_type", Kind::Str),
        optional("source_run_id", Kind::Str),
        optional("params", Kind::List),
        optional("tags", Kind::List),
    ])?;
    let new = NewLoggedModel {
        experiment_id: experiment_id(&args.req_str("experiment_id")?)?,
        name: args.str("name").unwrap_or_default(),
        model_type: args.str("model_type").unwrap_or_default(),
        source_run_id: args.str("source_run_id").filter(|id| !id.is_empty()),
        params: args.params("params")?,
        tags: args.tags("tags")?,
    };
    let model = state
        .call(move |store| store.create_logged_model(&new))
        .await?;
    Ok(Json(json!({"model": wire::logged_model(&model)})))
}

async fn get_model(State(state): State<Shared>, Path(model_id): Path<String>) -> ApiResult {
    let model = state
        .call(move |store| store.get_logged_model(&model_id))
        .await?;
    Ok(Json(json!({"model": wire::logged_model(&model)})))
}

async fn finalize(
    State(state): State<Shared>,
    Path(model_id): Path<String>,
    args: Args,
) -> ApiResult {
    let text = args.req_str("status")?;
    let status = LoggedModelStatus::parse(&text)
        .ok_or_else(|| ApiError::invalid(format!("invalid logged model status '{text}'")))?;
    let model = state
        .call(move |store| store.set_logged_model_status(&model_id, status))
        .await?;
    Ok(Json(json!({"model": wire::logged_model(&model)})))
}

async fn delete_model(State(state): State<Shared>, Path(model_id): Path<String>) -> ApiResult {
    state
        .call(move |store| store.delete_logged_model(&model_id))
        .await?;
    Ok(Json(json!({})))
}

async fn log_params(
    State(state): State<Shared>,
    Path(model_id): Path<String>,
    args: Args,
) -> ApiResult {
    args.check(&[optional("params", Kind::List)])?;
    let params = args.params("params")?;
    state
        .call(move |store| store.log_logged_model_params(&model_id, &params))
        .await?;
    Ok(Json(json!({})))
}

async fn set_tags(
    State(state): State<Shared>,
    Path(model_id): Path<String>,
    args: Args,
) -> ApiResult {
    let tags = args.tags("tags")?;
    state
        .call(move |store| store.set_logged_model_tags(&model_id, &tags))
        .await?;
    Ok(Json(json!({})))
}

async fn delete_tag(
    State(state): State<Shared>,
    Path((model_id, key)): Path<(String, String)>,
) -> ApiResult {
    state
        .call(move |store| store.delete_logged_model_tag(&model_id, &key))
        .await?;
    Ok(Json(json!({})))
}

async fn search(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        optional("experiment_ids", Kind::StrList),
        optional("filter", Kind::Str),
        optional("datasets", Kind::List),
        optional("max_results", Kind::Int),
        optional("order_by", Kind::List),
        optional("page_token", Kind::Str),
    ])?;
    let experiment_ids = args
        .str_list("experiment_ids")
        .iter()
        .map(|id| experiment_id(id))
        .collect::<Result<Vec<_>, _>>()?;
    let filter =
        search_args::entity_filter(Entity::LoggedModel, &args.str("filter").unwrap_or_default())?;
    let order_by = search_args::logged_model_order(&args.list("order_by"))?;
    let datasets = args
        .list("datasets")
        .iter()
        .map(|item| {
            let dataset = Args::object(item);
            let name = dataset.str("dataset_name").filter(|name| !name.is_empty());
            Ok(DatasetScope {
                name: name.ok_or_else(messages::dataset_name_required)?,
                digest: dataset
                    .str("dataset_digest")
                    .filter(|digest| !digest.is_empty()),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let max_results = args.i64("max_results")?.unwrap_or(100).max(1) as usize;
    let offset = args.page_offset()?;
    let mut models: Vec<_> = state
        .call(move |store| store.list_logged_models(&experiment_ids))
        .await?
        .into_iter()
        .filter(|model| {
            filter.as_ref().is_none_or(|filter| {
                if datasets.is_empty() {
                    entities::matches(filter, model)
                } else {
                    // Metric comparisons read only the metrics of the datasets asked for.
                    entities::matches(filter, &entities::scope_metrics(model, &datasets))
                }
            })
        })
        .collect();
    entities::sort_logged_models(&mut models, &order_by);
    let end = offset.saturating_add(max_results).min(models.len());
    let page: Vec<Value> = models
        .get(offset.min(models.len())..end)
        .unwrap_or_default()
        .iter()
        .map(wire::logged_model)
        .collect();
    let mut out = json!({"models": page});
    if end < models.len() {
        out["next_page_token"] = json!(encode_page_token(end));
    }
    Ok(Json(out))
}
