//! Cairn's sharing routes, for the UI's share dialog: every grant on an experiment or model
//! (users and groups), setting and removing one, and the permission history.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use cairn_core::model::{Grant, Principal};
use serde_json::{Value, json};

use super::grants::resource_of;
use super::{accounts, change, permission_arg, signed_in};
use crate::Shared;
use crate::accounts::Caller;
use crate::args::Args;
use crate::error::{ApiError, ApiResult};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/permissions/list", get(list))
        .route("/permissions/history", get(history))
        .route("/permissions/set", post(set))
        .route("/permissions/remove", post(remove))
}

fn principal_of(args: &Args) -> Result<Principal, ApiError> {
    let kind = args.req_str("principal_type")?;
    let name = args.req_str("principal")?;
    Principal::parse(&kind, &name).ok_or_else(|| {
        ApiError::invalid(format!(
            "invalid principal_type '{kind}': 'user' or 'group'"
        ))
    })
}

async fn list(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
) -> ApiResult {
    let resource = resource_of(&args)?;
    let yours = caller.permission(&resource);
    let grants = state.call(move |store| store.grants_on(&resource)).await?;
    let grants: Vec<Value> = grants
        .iter()
        .map(|grant| {
            json!({
                "principal_type": grant.principal.kind(),
                "principal": grant.principal.name(),
                "permission": grant.permission.as_str(),
            })
        })
        .collect();
    Ok(Json(json!({
        "grants": grants,
        "default_permission": accounts(&state)?.default_permission().as_str(),
        "your_permission": yours.as_str(),
    })))
}

async fn history(State(state): State<Shared>, args: Args) -> ApiResult {
    let resource = resource_of(&args)?;
    let entries = state
        .call(move |store| store.permission_history(&resource))
        .await?;
    let entries: Vec<Value> = entries
        .iter()
        .map(|entry| {
            json!({
                "time_ms": entry.time_ms,
                "actor": entry.actor,
                "principal_type": entry.principal.kind(),
                "principal": entry.principal.name(),
                "old_permission": entry.old.map(|permission| permission.as_str()),
                "new_permission": entry.new.map(|permission| permission.as_str()),
            })
        })
        .collect();
    Ok(Json(json!({"entries": entries})))
}

async fn set(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
) -> ApiResult {
    let grant = Grant {
        resource: resource_of(&args)?,
        principal: principal_of(&args)?,
        permission: permission_arg(&args.req_str("permission")?, "permission")?,
    };
    let actor = signed_in(&caller)?.user.username.clone();
    let now = cairn_core::time::now_millis();
    change(&state, move |store| store.set_grant(&grant, &actor, now)).await?;
    Ok(Json(json!({})))
}

async fn remove(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
) -> ApiResult {
    let resource = resource_of(&args)?;
    let principal = principal_of(&args)?;
    let actor = signed_in(&caller)?.user.username.clone();
    let now = cairn_core::time::now_millis();
    change(&state, move |store| {
        store.remove_grant(&resource, &principal, &actor, now)
    })
    .await?;
    Ok(Json(json!({})))
}
