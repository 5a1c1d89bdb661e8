//! The UI's sign-in: a password makes a browser session (an HttpOnly, SameSite=Strict cookie
//! holding a session token; only its hash is stored), signing out ends it, and the session
//! route tells the UI who is signed in.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use cairn_core::model::{NewAccessToken, TokenKind};
use serde_json::json;

use super::{accounts, user_json};
use crate::Shared;
use crate::accounts::sign_in::{Address, cookie, refusal};
use crate::accounts::{Caller, SESSION_COOKIE, SESSION_LENGTH, secrets};
use crate::args::Args;
use crate::error::{ApiError, ApiResult};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/app/auth/session", get(session))
        .route("/app/auth/login", post(login))
        .route("/app/auth/logout", post(logout))
}

async fn session(Extension(caller): Extension<Caller>) -> ApiResult {
    let user = caller.user().map(|signed_in| user_json(&signed_in.user));
    Ok(Json(json!({"mode": "users", "user": user})))
}

fn set_cookie(response: &mut Response, value: &str, max_age: u64) {
    let cookie =
        format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

async fn login(State(state): State<Shared>, Address(address): Address, args: Args) -> Response {
    let attempt = async {
        let username = args.req_str("username")?;
        let password = args.str("password").unwrap_or_default();
        let accounts = accounts(&state)?;
        let user = match accounts.sign_in(&username, &password, address).await {
            Ok(user) => user,
            Err(refused) => return Ok(Err(refusal(refused, false))),
        };
        let (secret, secret_hash) =
            secrets::new_token().map_err(|error| ApiError::new("INTERNAL_ERROR", error))?;
        let length_ms = i64::try_from(SESSION_LENGTH.as_millis()).unwrap_or(i64::MAX);
        let new = NewAccessToken {
            user_id: user.id,
            kind: TokenKind::Session,
            name: "browser session".to_owned(),
            secret_hash,
            expires_ms: Some(cairn_core::time::now_millis().saturating_add(length_ms)),
        };
        state.call(move |store| store.create_token(&new)).await?;
        Ok::<_, ApiError>(Ok((user, secret)))
    };
    match attempt.await {
        Ok(Ok((user, secret))) => {
            let mut response = Json(json!({"user": user_json(&user)})).into_response();
            set_cookie(&mut response, &secret, SESSION_LENGTH.as_secs());
            response
        }
        Ok(Err(refused)) => refused,
        Err(error) => error.into_response(),
    }
}

async fn logout(State(state): State<Shared>, request: Request) -> Response {
    if let Some(secret) = cookie(&request, SESSION_COOKIE).map(str::to_owned) {
        let hash = secrets::token_hash(&secret);
        let now = cairn_core::time::now_millis();
        let ended = state
            .call(move |store| {
                if let Some((user, token)) = store.user_for_token(&hash, now)?
                    && token.kind == TokenKind::Session
                {
                    store.revoke_token(user.id, token.id)?;
                }
                Ok(())
            })
            .await;
        if let Some(accounts) = &state.accounts {
            accounts.changed();
        }
        if let Err(error) = ended {
            return error.into_response();
        }
    }
    let mut response = Json(json!({})).into_response();
    set_cookie(&mut response, "", 0);
    response
}
