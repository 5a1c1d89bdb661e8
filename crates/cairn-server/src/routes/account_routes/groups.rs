//! Cairn's group routes: groups are sets of users that permissions can be given to.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::change;
use crate::Shared;
use crate::args::Args;
use crate::error::ApiResult;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/groups/list", get(list))
        .route("/groups/create", post(create))
        .route("/groups/delete", post(delete).delete(delete))
        .route("/groups/add-member", post(add_member))
        .route("/groups/remove-member", post(remove_member))
}

async fn list(State(state): State<crate::Shared>) -> ApiResult {
    let groups = state.call(|store| store.list_groups()).await?;
    let groups: Vec<_> = groups
        .iter()
        .map(|group| json!({"name": group.name, "members": group.members}))
        .collect();
    Ok(Json(json!({"groups": groups})))
}

async fn create(State(state): State<Shared>, args: Args) -> ApiResult {
    let name = args.req_str("name")?;
    change(&state, move |store| store.create_group(&name)).await?;
    Ok(Json(json!({})))
}

async fn delete(State(state): State<Shared>, args: Args) -> ApiResult {
    let name = args.req_str("name")?;
    change(&state, move |store| store.delete_group(&name)).await?;
    Ok(Json(json!({})))
}

async fn add_member(State(state): State<Shared>, args: Args) -> ApiResult {
    let group = args.req_str("group")?;
    let username = args.req_str("username")?;
    change(&state, move |store| {
        store.add_group_member(&group, &username)
    })
    .await?;
    Ok(Json(json!({})))
}

async fn remove_member(State(state): State<Shared>, args: Args) -> ApiResult {
    let group = args.req_str("group")?;
    let username = args.req_str("username")?;
    change(&state, move |store| {
        store.remove_group_member(&group, &username)
    })
    .await?;
    Ok(Json(json!({})))
}
