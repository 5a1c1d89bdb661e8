//! Cairn's token routes: a user's personal access tokens, made (the secret shown once),
//! listed and revoked.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use cairn_core::model::{AccessToken, NewAccessToken, TokenKind};
use serde_json::{Value, json};

use super::{change, signed_in};
use crate::Shared;
use crate::accounts::{Caller, secrets};
use crate::args::Args;
use crate::error::{ApiError, ApiResult};

/// Longest life a token may be given, in days.
const MAX_DAYS: i64 = 3650;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/tokens/create", post(create))
        .route("/tokens/list", get(list))
        .route("/tokens/revoke", post(revoke))
}

fn token_json(token: &AccessToken) -> Value {
    json!({
        "id": token.id,
        "name": token.name,
        "created_ms": token.created_ms,
        "expires_ms": token.expires_ms,
    })
}

async fn create(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
) -> ApiResult {
    let user_id = signed_in(&caller)?.user.id;
    let name = args.str("name").unwrap_or_default();
    let expires_ms = match args.i64("expires_in_days")? {
        None | Some(0) => None,
        Some(days) if (1..=MAX_DAYS).contains(&days) => {
            Some(cairn_core::time::now_millis() + days * 24 * 3600 * 1000)
        }
        Some(days) => {
            return Err(ApiError::invalid(format!(
                "invalid expires_in_days {days}: between 1 and {MAX_DAYS}, or 0 for never"
            )));
        }
    };
    let (secret, secret_hash) =
        secrets::new_token().map_err(|error| ApiError::new("INTERNAL_ERROR", error))?;
    let new = NewAccessToken {
        user_id,
        kind: TokenKind::Personal,
        name,
        secret_hash,
        expires_ms,
    };
    let token = change(&state, move |store| store.create_token(&new)).await?;
    Ok(Json(json!({"token": token_json(&token), "secret": secret})))
}

async fn list(State(state): State<Shared>, Extension(caller): Extension<Caller>) -> ApiResult {
    let user_id = signed_in(&caller)?.user.id;
    let tokens = state.call(move |store| store.list_tokens(user_id)).await?;
    Ok(Json(
        json!({"tokens": tokens.iter().map(token_json).collect::<Vec<_>>()}),
    ))
}

async fn revoke(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
) -> ApiResult {
    let user_id = signed_in(&caller)?.user.id;
    let id = args.req_i64("id")?;
    change(&state, move |store| store.revoke_token(user_id, id)).await?;
    Ok(Json(json!({})))
}
