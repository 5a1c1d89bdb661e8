//! Who a request comes from on a server with accounts: `Authorization: Basic` (a user name and
//! password, as `MLFLOW_TRACKING_USERNAME`/`PASSWORD` send it), `Authorization: Bearer` (a
//! personal access token, `MLFLOW_TRACKING_TOKEN`), or the browser's session cookie. Wrong
//! credentials are refused (401, one message whatever was wrong); none at all make an
//! anonymous caller, whom the policy lets reach only the open routes.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{Accounts, Caller, Refusal, SESSION_COOKIE};
use crate::connections::ClientAddress;
use crate::error::ApiError;
use crate::security::credentials;

/// The refusal of wrong credentials; for Basic, with the challenge browsers answer.
pub fn wrong_credentials(basic: bool) -> Response {
    let mut response =
        ApiError::new("UNAUTHENTICATED", "wrong user name, password or token").into_response();
    if basic {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"cairn\""),
        );
    }
    response
}

/// The refusal of an attempt made too soon after failed ones.
pub fn throttled(wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs().max(1);
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        axum::Json(serde_json::json!({
            "error_code": "REQUEST_LIMIT_EXCEEDED",
            "message": format!("too many failed sign-ins: try again in {seconds} s"),
        })),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// A refusal as a reply.
pub fn refusal(refused: Refusal, basic: bool) -> Response {
    match refused {
        Refusal::Wrong => wrong_credentials(basic),
        Refusal::Throttled(wait) => throttled(wait),
        Refusal::Failed(error) => error.into_response(),
    }
}

/// The value of a cookie of the request.
pub fn cookie<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The address a request came from.
pub fn address(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ClientAddress>()
        .map(|address| address.0)
}

/// Whether a cookie-authenticated request that changes something came from another site's
/// page (its `Origin` names another host than the one it was sent to).
fn cross_site(request: &Request) -> bool {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return false;
    }
    let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    !origin_host.eq_ignore_ascii_case(host)
}

/// Signs the request's caller in and hands the request on with its [`Caller`].
pub async fn guard(accounts: &Arc<Accounts>, mut request: Request, next: Next) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let user = if let Some(authorization) = authorization {
        if let Some(token) = credentials(&authorization, "Bearer") {
            match accounts.token_user(token).await {
                Ok(Some(user)) => user,
                Ok(None) => return wrong_credentials(false),
                Err(error) => return error.into_response(),
            }
        } else if let Some(encoded) = credentials(&authorization, "Basic") {
            let decoded = BASE64
                .decode(encoded)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let Some((username, password)) =
                decoded.as_deref().and_then(|text| text.split_once(':'))
            else {
                return wrong_credentials(true);
            };
            match accounts
                .sign_in(username, password, address(&request))
                .await
            {
                Ok(user) => user,
                Err(refused) => return refusal(refused, true),
            }
        } else {
            return wrong_credentials(false);
        }
    } else if let Some(session) = cookie(&request, SESSION_COOKIE).map(str::to_owned) {
        match accounts.token_user(&session).await {
            Ok(Some(user)) if cross_site(&request) => {
                let _ = user;
                return ApiError::new(
                    "PERMISSION_DENIED",
                    "a change sent from another site's page was refused",
                )
                .into_response();
            }
            Ok(Some(user)) => user,
            // An ended session is no one: the UI shows its sign-in page.
            Ok(None) => return pass(request, Caller::Anonymous, next).await,
            Err(error) => return error.into_response(),
        }
    } else {
        return pass(request, Caller::Anonymous, next).await;
    };
    let caller = match accounts.caller(user).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    request.extensions_mut().insert(caller);
    next.run(request).await
}

async fn pass(mut request: Request, caller: Caller, next: Next) -> Response {
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// The address a request came from, as a handler argument.
#[derive(Debug, Clone, Copy)]
pub struct Address(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Address, Self::Rejection> {
        Ok(Address(
            parts
                .extensions
                .get::<ClientAddress>()
                .map(|address| address.0),
        ))
    }
}
