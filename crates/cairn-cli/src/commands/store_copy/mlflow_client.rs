//! A small synchronous client of an MLflow tracking server's REST API (`/api/2.0/mlflow/...`
//! and the `mlflow-artifacts` proxy), with the credentials the mlflow client reads:
//! `MLFLOW_TRACKING_TOKEN` (bearer) or `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD`
//! (basic). Every error names the server (never its credentials) and the entity concerned.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, anyhow};
use base64::Engine as _;
use serde_json::Value;

/// Longest wait for one request, the upload of a large artifact included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Largest answer read (a long metric history comes whole).
const MAX_ANSWER_BYTES: u64 = 1 << 30;

/// An MLflow server's answer that was not a success.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// MLflow's `error_code` (`RESOURCE_DOES_NOT_EXIST`, ...), empty when the answer had none.
    pub code: String,
    /// MLflow's `message`, or the answer's text.
    pub message: String,
}

/// A failed call: an answer that said no, or no usable answer at all.
#[derive(Debug)]
pub enum CallError {
    /// The server answered with an error.
    Api(ApiError),
    /// The server could not be reached, or its answer could not be read.
    Other(anyhow::Error),
}

impl CallError {
    /// Whether the server said the entity does not exist.
    pub fn is_missing(&self) -> bool {
        matches!(self, CallError::Api(error) if error.code == "RESOURCE_DOES_NOT_EXIST" || error.status == 404)
    }

    /// Whether the server said the entity exists already.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, CallError::Api(error) if error.code == "RESOURCE_ALREADY_EXISTS")
    }
}

/// The client of one server.
pub struct MlflowClient {
    agent: ureq::Agent,
    /// `scheme://host[:port][/prefix]`, without credentials or a trailing slash.
    base: String,
    authorization: Option<String>,
}

impl MlflowClient {
    /// A client of the server at `url`; credentials from the environment, or from the URL's
    /// `user:password@` part.
    pub fn new(url: &str) -> anyhow::Result<MlflowClient> {
        let (scheme, rest) = url
            .split_once("://")
            .filter(|(scheme, _)| *scheme == "http" || *scheme == "https")
            .ok_or_else(|| anyhow!("'{}' is not an http:// or https:// URL", redact(url)))?;
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((userinfo, host)) => (Some(userinfo), host),
            None => (None, authority),
        };
        anyhow::ensure!(!host.is_empty(), "'{}' names no host", redact(url));
        let path = path.trim_end_matches('/');
        let base = if path.is_empty() {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}/{path}")
        };
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let authorization = if let Some(token) = env("MLFLOW_TRACKING_TOKEN") {
            Some(format!("Bearer {token}"))
        } else if let Some(user) = env("MLFLOW_TRACKING_USERNAME") {
            let password = env("MLFLOW_TRACKING_PASSWORD").unwrap_or_default();
            Some(basic(&user, &password))
        } else {
            userinfo.map(|userinfo| {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                basic(user, password)
            })
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .user_agent(concat!("cairn/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(MlflowClient {
            agent,
            base,
            authorization,
        })
    }

    /// The server, as errors and reports name it.
    pub fn server(&self) -> &str {
        &self.base
    }

    /// `POST /api/2.0/mlflow/{endpoint}` with a JSON body; errors name `entity`.
    pub fn post(&self, endpoint: &str, body: &Value, entity: &str) -> anyhow::Result<Value> {
        self.try_post(endpoint, body)
            .map_err(|error| self.explain(error, "POST", endpoint, entity))
    }

    /// `GET /api/2.0/mlflow/{endpoint}?query`; errors name `entity`.
    pub fn get(
        &self,
        endpoint: &str,
        query: &[(&str, &str)],
        entity: &str,
    ) -> anyhow::Result<Value> {
        self.try_get(endpoint, query)
            .map_err(|error| self.explain(error, "GET", endpoint, entity))
    }

    /// [`MlflowClient::post`], the error left for the caller to look at.
    pub fn try_post(&self, endpoint: &str, body: &Value) -> Result<Value, CallError> {
        let mut request = self
            .agent
            .post(format!("{}/api/2.0/mlflow/{endpoint}", self.base));
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        answer(request.send_json(body))
    }

    /// [`MlflowClient::get`], the error left for the caller to look at.
    pub fn try_get(&self, endpoint: &str, query: &[(&str, &str)]) -> Result<Value, CallError> {
        let mut request = self
            .agent
            .get(format!("{}/api/2.0/mlflow/{endpoint}", self.base));
        for (key, value) in query {
            request = request.query(*key, *value);
        }
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        answer(request.call())
    }

    /// Uploads the file at `file` to `path` through the server's artifact proxy
    /// (`PUT /api/2.0/mlflow-artifacts/artifacts/<path>`), streamed from disk.
    pub fn put_artifact(&self, path: &str, file: &Path, entity: &str) -> anyhow::Result<()> {
        let opened =
            File::open(file).with_context(|| format!("opening {} ({entity})", file.display()))?;
        let url = format!(
            "{}/api/2.0/mlflow-artifacts/artifacts/{}",
            self.base,
            encode_path(path)
        );
        let mut request = self
            .agent
            .put(url)
            .header("Content-Type", "application/octet-stream");
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        answer(request.send(opened)).map(|_| ()).map_err(|error| {
            self.explain(
                error,
                "PUT",
                &format!("mlflow-artifacts/artifacts/{path}"),
                entity,
            )
        })
    }

    fn explain(
        &self,
        error: CallError,
        method: &str,
        endpoint: &str,
        entity: &str,
    ) -> anyhow::Error {
        let server = &self.base;
        match error {
            CallError::Api(api) => anyhow!(
                "{server}: {entity}: {method} {endpoint} answered {} {}: {}",
                api.status,
                api.code,
                api.message
            ),
            CallError::Other(error) => {
                anyhow!("{server}: {entity}: {method} {endpoint} failed: {error:#}")
            }
        }
    }
}

/// The JSON of a successful answer, or what went wrong.
fn answer(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Value, CallError> {
    let mut response = result.map_err(|error| CallError::Other(error.into()))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_string()
        .map_err(|error| CallError::Other(anyhow!("reading the answer: {error}")))?;
    if (200..300).contains(&status) {
        if text.trim().is_empty() {
            return Ok(Value::Object(serde_json::Map::new()));
        }
        return serde_json::from_str(&text)
            .map_err(|error| CallError::Other(anyhow!("the answer is not JSON: {error}")));
    }
    let parsed: Option<Value> = serde_json::from_str(&text).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|value| value.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let message = field("message").unwrap_or_else(|| {
        let mut short: String = text.trim().chars().take(300).collect();
        if short.is_empty() {
            short = "(no message)".to_owned();
        }
        short
    });
    Err(CallError::Api(ApiError {
        status,
        code: field("error_code").unwrap_or_default(),
        message,
    }))
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

/// `url` with any `user:password@` part replaced by `***@`.
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
}

/// Each `/`-separated part of `path` percent-encoded (all but RFC 3986's unreserved bytes).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{encode_path, redact};

    #[test]
    fn credentials_never_show_and_paths_are_encoded() {
        assert_eq!(
            redact("https://me:secret@host:5000/x"),
            "https://***@host:5000/x"
        );
        assert_eq!(redact("http://host:5000"), "http://host:5000");
        assert_eq!(
            encode_path("1/abc/artifacts/a b/ü.txt"),
            "1/abc/artifacts/a%20b/%C3%BC.txt"
        );
    }
}
