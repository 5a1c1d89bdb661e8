//! MLflow's user routes: create, get, list, the current user, password and admin changes,
//! delete. A user may get themself and change their own password (giving the current one).

use axum::extract::State;
use axum::routing::{delete, get, patch, post};
use axum::{Extension, Json, Router};
use serde_json::json;

use super::{accounts, change, signed_in, user_json};
use crate::Shared;
use crate::accounts::{Caller, Refusal, secrets};
use crate::args::Args;
use crate::error::{ApiError, ApiResult};

pub fn mlflow_routes() -> Router<Shared> {
    Router::new()
        .route("/users/create", post(create))
        .route("/users/get", get(get_user))
        .route("/users/current", get(current))
        .route("/users/list", get(list))
        .route(
            "/users/update-password",
            patch(update_password).post(update_password),
        )
        .route(
            "/users/update-admin",
            patch(update_admin).post(update_admin),
        )
        .route("/users/delete", delete(delete_user).post(delete_user))
}

pub fn routes() -> Router<Shared> {
    Router::new().route("/users/names", get(names))
}

/// Hashes a new password on the blocking pool, after checking it.
pub async fn hashed(password: String) -> Result<String, ApiError> {
    secrets::check_new_password(&password).map_err(ApiError::invalid)?;
    tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|error| ApiError::new("INTERNAL_ERROR", error.to_string()))?
        .map_err(|error| ApiError::new("INTERNAL_ERROR", error))
}

async fn create(State(state): State<Shared>, args: Args) -> ApiResult {
    let username = args.req_str("username")?;
    let hash = hashed(args.req_str("password")?).await?;
    let user = change(&state, move |store| {
        store.create_user(&username, &hash, false)
    })
    .await?;
    Ok(Json(json!({"user": user_json(&user)})))
}

async fn get_user(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
) -> ApiResult {
    let username = args.req_str("username")?;
    let me = signed_in(&caller)?;
    if !caller.is_admin() && me.user.username != username {
        return Err(ApiError::new(
            "PERMISSION_DENIED",
            "permission denied: only an admin may read another user",
        ));
    }
    let (user, grants) = state
        .call(move |store| {
            let user = store.get_user(&username)?;
            let grants = store.user_grants(user.id)?;
            Ok((user, grants))
        })
        .await?;
    let mut experiments = Vec::new();
    let mut models = Vec::new();
    for (resource, permission) in grants.own {
        match resource {
            cairn_core::model::Resource::Experiment(id) => experiments.push(json!({
                "experiment_id": id.0.to_string(), "user_id": user.id, "permission": permission.as_str(),
            })),
            cairn_core::model::Resource::RegisteredModel(name) => models.push(json!({
                "name": name, "user_id": user.id, "permission": permission.as_str(),
            })),
        }
    }
    let mut body = user_json(&user);
    body["experiment_permissions"] = json!(experiments);
    body["registered_model_permissions"] = json!(models);
    Ok(Json(json!({"user": body})))
}

async fn current(Extension(caller): Extension<Caller>) -> ApiResult {
    Ok(Json(json!({"user": user_json(&signed_in(&caller)?.user)})))
}

async fn list(State(state): State<Shared>) -> ApiResult {
    let users = state.call(|store| store.list_users()).await?;
    Ok(Json(
        json!({"users": users.iter().map(user_json).collect::<Vec<_>>()}),
    ))
}

async fn names(State(state): State<Shared>) -> ApiResult {
    let users = state.call(|store| store.list_users()).await?;
    Ok(Json(
        json!({"users": users.into_iter().map(|user| user.username).collect::<Vec<_>>()}),
    ))
}

async fn update_password(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    crate::accounts::sign_in::Address(address): crate::accounts::sign_in::Address,
    args: Args,
) -> ApiResult {
    let username = args.req_str("username")?;
    let password = args.req_str("password")?;
    let me = signed_in(&caller)?;
    if me.user.username == username && !caller.is_admin() {
        // Changing one's own password takes the current one, so that a session left open
        // cannot take the account over.
        let current = args.str("current_password").unwrap_or_default();
        match accounts(&state)?
            .sign_in(&username, &current, address)
            .await
        {
            Ok(_) => {}
            Err(Refusal::Failed(error)) => return Err(error),
            Err(Refusal::Throttled(wait)) => {
                return Err(ApiError::new(
                    "REQUEST_LIMIT_EXCEEDED",
                    format!(
                        "too many failed sign-ins: the current password cannot be checked for \
                         {} s (current_password)",
                        wait.as_secs().max(1)
                    ),
                )
                .with_status(axum::http::StatusCode::TOO_MANY_REQUESTS));
            }
            Err(Refusal::Wrong) => {
                return Err(ApiError::new(
                    "PERMISSION_DENIED",
                    "the current password is wrong or missing (current_password)",
                ));
            }
        }
    } else if !caller.is_admin() {
        return Err(ApiError::new(
            "PERMISSION_DENIED",
            "permission denied: only an admin may change another user's password",
        ));
    }
    let hash = hashed(password).await?;
    change(&state, move |store| {
        store.set_password_hash(&username, &hash)
    })
    .await?;
    Ok(Json(json!({})))
}

/// Refuses to take away the last admin.
fn keep_an_admin(store: &dyn cairn_core::Store, username: &str) -> cairn_core::StoreResult<()> {
    let users = store.list_users()?;
    let others = users
        .iter()
        .filter(|user| user.is_admin && user.username != username)
        .count();
    let is_admin = users
        .iter()
        .any(|user| user.is_admin && user.username == username);
    if is_admin && others == 0 {
        return Err(cairn_core::StoreError::invalid(
            "username",
            format!("'{username}' is the last admin; make another user an admin first"),
        ));
    }
    Ok(())
}

async fn update_admin(State(state): State<Shared>, args: Args) -> ApiResult {
    let username = args.req_str("username")?;
    let is_admin = args
        .bool("is_admin")?
        .ok_or_else(|| crate::messages::missing_parameter("is_admin"))?;
    change(&state, move |store| {
        if !is_admin {
            keep_an_admin(store, &username)?;
        }
        store.set_admin(&username, is_admin)
    })
    .await?;
    Ok(Json(json!({})))
}

async fn delete_user(State(state): State<Shared>, args: Args) -> ApiResult {
    let username = args.req_str("username")?;
    change(&state, move |store| {
        keep_an_admin(store, &username)?;
        store.delete_user(&username)
    })
    .await?;
    Ok(Json(json!({})))
}
