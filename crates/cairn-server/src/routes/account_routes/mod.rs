//! The routes of a server with accounts (`--auth users`): MLflow's auth API for users and
//! grants, Cairn's sharing, groups and tokens, and the UI's sign-in. What each requires is in
//! the access policy's table; the handlers here add only what depends on who is asking about
//! whom (a user may read and change their own account).

mod grants;
mod groups;
mod session;
mod sharing;
mod tokens;
mod users;

use std::sync::Arc;

use axum::Router;
use cairn_core::model::{Permission, User};
use serde_json::{Value, json};

use crate::Shared;
use crate::accounts::{Accounts, Caller, SignedIn};
use crate::error::ApiError;

pub fn routes() -> Router<Shared> {
    let api = users::routes()
        .merge(sharing::routes())
        .merge(groups::routes())
        .merge(tokens::routes());
    Router::new()
        .nest(
            "/api/2.0/mlflow",
            users::mlflow_routes().merge(grants::mlflow_routes()),
        )
        .nest(
            "/ajax-api/2.0/mlflow",
            users::mlflow_routes().merge(grants::mlflow_routes()),
        )
        .nest("/api/3.0/mlflow", grants::mlflow3_routes())
        .nest("/ajax-api/3.0/mlflow", grants::mlflow3_routes())
        .nest("/api/2.0/cairn", api.clone())
        .nest("/ajax-api/2.0/cairn", api)
        .merge(session::routes())
}

/// The server's accounts (these routes exist only when it has them).
fn accounts(state: &Shared) -> Result<&Arc<Accounts>, ApiError> {
    state
        .accounts
        .as_ref()
        .ok_or_else(|| ApiError::new("ENDPOINT_NOT_FOUND", "this server has no user accounts"))
}

/// The signed-in caller (the policy let only signed-in callers through).
fn signed_in(caller: &Caller) -> Result<&SignedIn, ApiError> {
    caller.user().ok_or_else(|| {
        ApiError::new(
            "UNAUTHENTICATED",
            "sign in first: this server has user accounts",
        )
    })
}

/// A user as MLflow's auth API shows one.
fn user_json(user: &User) -> Value {
    json!({"id": user.id, "username": user.username, "is_admin": user.is_admin})
}

/// A permission argument, by MLflow's names.
fn permission_arg(text: &str, field: &str) -> Result<Permission, ApiError> {
    Permission::parse(text).ok_or_else(|| {
        ApiError::invalid(format!(
            "invalid {field} '{text}': one of READ, EDIT, MANAGE, NO_PERMISSIONS"
        ))
    })
}

/// Runs a change to accounts on the blocking pool and forgets what was cached about them.
async fn change<T: Send + 'static>(
    state: &Shared,
    work: impl FnOnce(&dyn cairn_core::Store) -> cairn_core::StoreResult<T> + Send + 'static,
) -> Result<T, ApiError> {
    let result = state.call(work).await;
    if let Some(accounts) = &state.accounts {
        accounts.changed();
    }
    result
}
