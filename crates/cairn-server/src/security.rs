//! Who may call the server and from where: bearer-token or basic authentication (compared in
//! constant time), and Host-header checks against DNS rebinding.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::Shared;
use crate::error::ApiError;

/// How clients authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// Anyone who can connect (loopback only).
    None,
    /// `Authorization: Bearer <token>` (MLflow's `MLFLOW_TRACKING_TOKEN`).
    Token(String),
    /// `Authorization: Basic` with this `user:pass` (`MLFLOW_TRACKING_USERNAME`/`PASSWORD`).
    Basic(String),
    /// User accounts kept in the store (`--auth users`): each user signs in with a password, a
    /// personal token or a browser session, and may do what their permissions allow; users
    /// without a grant on something get `default_permission`.
    Users {
        /// The permission of users on what nobody granted them anything on.
        default_permission: cairn_core::model::Permission,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::None => "Auth::None",
            Auth::Token(_) => "Auth::Token(..)",
            Auth::Basic(_) => "Auth::Basic(..)",
            Auth::Users { .. } => "Auth::Users",
        })
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    let mut difference = left.len() ^ right.len();
    for (index, byte) in left.iter().enumerate() {
        let other = right.get(index % right.len().max(1)).copied().unwrap_or(0);
        difference |= usize::from(byte ^ other);
    }
    difference == 0
}

impl Auth {
    fn accepts(&self, authorization: Option<&str>) -> bool {
        match self {
            Auth::None | Auth::Users { .. } => true,
            Auth::Token(token) => authorization
                .and_then(|value| credentials(value, "Bearer"))
                .is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())),
            Auth::Basic(user_pass) => authorization
                .and_then(|value| credentials(value, "Basic"))
                .and_then(|encoded| BASE64.decode(encoded).ok())
                .is_some_and(|given| constant_time_eq(&given, user_pass.as_bytes())),
        }
    }
}

/// The credentials of an `Authorization` value in `scheme`, which is matched without regard to
/// case (RFC 7235: `bearer`, `BEARER` and `Bearer` are one scheme).
pub fn credentials<'a>(authorization: &'a str, scheme: &str) -> Option<&'a str> {
    let (given_scheme, rest) = authorization.trim_start().split_once([' ', '\t'])?;
    given_scheme
        .eq_ignore_ascii_case(scheme)
        .then(|| rest.trim())
        .filter(|credentials| !credentials.is_empty())
}

/// The Host header values a server bound to `bound` accepts: its address, loopback names, and the
/// `extra` names the operator listed (a name without a port is accepted with the bound port or
/// none); `None` (any) when it listens on every interface, where authentication is required
/// anyway.
pub fn allowed_hosts(bound: SocketAddr, extra: &[String]) -> Option<Vec<String>> {
    if bound.ip().is_unspecified() {
        return None;
    }
    let port = bound.port();
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "[::1]".to_string(),
    ];
    names.push(match bound {
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    });
    let mut hosts = Vec::new();
    for extra_name in extra {
        let extra_name = extra_name.trim().to_ascii_lowercase();
        if has_port(&extra_name) {
            hosts.push(extra_name);
        } else {
            names.push(extra_name);
        }
    }
    for name in names {
        hosts.push(format!("{name}:{port}"));
        hosts.push(name);
    }
    hosts.sort();
    hosts.dedup();
    Some(hosts)
}

/// Whether a Host value ends in `:PORT` (an IPv6 literal's colons are inside brackets).
fn has_port(host: &str) -> bool {
    host.rsplit_once(':').is_some_and(|(name, port)| {
        !port.is_empty()
            && port.bytes().all(|byte| byte.is_ascii_digit())
            && (!name.contains(':') || name.ends_with(']'))
    })
}

/// Rejects requests with a foreign Host header (403) or without valid credentials (401).
pub async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if let Some(allowed) = &state.allowed_hosts {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .map(str::to_ascii_lowercase);
        let ok = host
            .as_deref()
            .is_some_and(|host| allowed.iter().any(|a| a == host));
        if !ok {
            return ApiError::new(
                "PERMISSION_DENIED",
                format!(
                    "the Host header {} is not this server's address (DNS rebinding protection)",
                    host.unwrap_or_else(|| "(none)".into())
                ),
            )
            .into_response();
        }
    }
    if let Some(accounts) = state.accounts.clone() {
        return crate::accounts::sign_in::guard(&accounts, request, next).await;
    }
    let mut request = request;
    request
        .extensions_mut()
        .insert(crate::accounts::Caller::Operator);
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if request.uri().path() != "/health" && !state.auth.accepts(authorization) {
        let mut response =
            ApiError::new("UNAUTHENTICATED", "missing or wrong credentials").into_response();
        if matches!(state.auth, Auth::Basic(_)) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Basic realm=\"cairn\""),
            );
        }
        return response;
    }
    next.run(request).await
}
