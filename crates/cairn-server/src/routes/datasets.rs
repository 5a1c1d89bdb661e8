//! `experiments/search-datasets`: the datasets runs of some experiments used, once per context,
//! as MLflow's UI lists them in the runs table's dataset filter.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use cairn_core::model::DatasetSummary;
use serde_json::{Map, Value, json};

use super::experiments::experiment_id;
use crate::Shared;
use crate::args::Args;
use crate::error::ApiResult;
use crate::messages;

/// Most experiments one request may name (MLflow's `MAX_EXPERIMENT_IDS_PER_REQUEST`).
const MAX_EXPERIMENTS: usize = 20;
/// Most summaries answered (MLflow's `MAX_DATASET_SUMMARIES_RESULTS`).
const MAX_SUMMARIES: usize = 1000;

/// MLflow serves it under `/ajax-api` only.
pub fn routes() -> Router<Shared> {
    Router::new().route("/experiments/search-datasets", post(search_datasets))
}

/// `POST experiments/search-datasets {experiment_ids}` → `{"dataset_summaries": [{experiment_id,
/// name, digest, context?}]}`, the field left out when there are none (MLflow's protobuf JSON).
async fn search_datasets(State(state): State<Shared>, args: Args) -> ApiResult {
    let ids = args.str_list("experiment_ids");
    if ids.is_empty() {
        return Err(messages::datasets_without_experiments());
    }
    if ids.len() > MAX_EXPERIMENTS {
        return Err(messages::datasets_too_many_experiments(
            MAX_EXPERIMENTS,
            ids.len(),
        ));
    }
    let experiment_ids = ids
        .iter()
        .map(|id| experiment_id(id))
        .collect::<Result<Vec<_>, _>>()?;
    let summaries = state
        .call(move |store| store.dataset_summaries(&experiment_ids, MAX_SUMMARIES))
        .await?;
    let mut answer = Map::new();
    if !summaries.is_empty() {
        let items = summaries.iter().map(summary_json).collect();
        answer.insert("dataset_summaries".into(), Value::Array(items));
    }
    Ok(Json(Value::Object(answer)))
}

/// One summary as MLflow writes it; `context` only when the use had one.
fn summary_json(summary: &DatasetSummary) -> Value {
    let mut item = json!({
        "experiment_id": summary.experiment_id.0.to_string(),
        "name": summary.name,
        "digest": summary.digest,
    });
    if let (Some(context), Value::Object(fields)) = (&summary.context, &mut item) {
        fields.insert("context".into(), json!(context));
    }
    item
}
