//! [`MlflowClient`]: the one HTTP client (`ureq`, synchronous) of an MLflow tracking server's
//! REST API (`/api/2.0/mlflow/...` and the `mlflow-artifacts` proxy), used by `cairn push`,
//! `cairn store copy` and the desktop app's "Push to team". Every error names the server (never
//! its credentials) and the entity concerned.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use anyhow::anyhow;
use serde_json::Value;

use crate::api::{ApiError, CallError, Credentials, MlflowApi};

/// Longest wait for one request, the upload of a large artifact included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Longest wait to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Largest answer read (a long metric history comes whole).
const MAX_ANSWER_BYTES: u64 = 1 << 30;

/// The client of one server. Cheap to share between threads.
pub struct MlflowClient {
    agent: ureq::Agent,
    /// `scheme://host[:port][/prefix]`, without credentials or a trailing slash.
    base: String,
    credentials: Credentials,
}

impl MlflowClient {
    /// A client of the server at `url`, sending `credentials`; when `None`, those of the
    /// environment ([`Credentials::from_env`]), else the URL's `user:password@` part.
    pub fn new(url: &str, credentials: Option<Credentials>) -> anyhow::Result<MlflowClient> {
        let (base, userinfo) = split_url(url)?;
        let credentials = credentials
            .or_else(Credentials::from_env)
            .or_else(|| {
                userinfo.map(|userinfo| {
                    let (user, password) = userinfo.split_once(':').unwrap_or((&userinfo, ""));
                    Credentials::basic(user, password)
                })
            })
            .unwrap_or_default();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls_config(&|name| std::env::var(name).ok())?)
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .user_agent(concat!("cairn/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(MlflowClient {
            agent,
            base,
            credentials,
        })
    }

    /// The URL of `endpoint`: under `/api/2.0/mlflow/`, or, starting with `/`, a path of the
    /// server's own (a Cairn route).
    fn url(&self, endpoint: &str) -> String {
        match endpoint.strip_prefix('/') {
            Some(path) => format!("{}/{path}", self.base),
            None => format!("{}/api/2.0/mlflow/{endpoint}", self.base),
        }
    }

    fn authorize<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match self.credentials.authorization() {
            Some(value) => request.header("Authorization", value),
            None => request,
        }
    }
}

/// The certificates an `https://` server is checked against, as the mlflow client takes them:
/// the PEM file in `MLFLOW_TRACKING_SERVER_CERT_PATH` (else `REQUESTS_CA_BUNDLE`, else
/// `SSL_CERT_FILE`) for a server whose certificate an authority of the team's own signed, else
/// the public authorities; `MLFLOW_TRACKING_INSECURE_TLS=true` checks nothing.
fn tls_config(env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<ureq::tls::TlsConfig> {
    let builder = ureq::tls::TlsConfig::builder();
    if env("MLFLOW_TRACKING_INSECURE_TLS").is_some_and(|value| value.eq_ignore_ascii_case("true")) {
        return Ok(builder.disable_verification(true).build());
    }
    let bundle = [
        "MLFLOW_TRACKING_SERVER_CERT_PATH",
        "REQUESTS_CA_BUNDLE",
        "SSL_CERT_FILE",
    ]
    .into_iter()
    .find_map(|name| {
        env(name)
            .filter(|path| !path.is_empty())
            .map(|path| (name, path))
    });
    let Some((name, path)) = bundle else {
        return Ok(builder.build());
    };
    let pem = std::fs::read(&path)
        .map_err(|error| anyhow!("{name}: reading certificates from {path}: {error}"))?;
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(certificate)) => certificates.push(certificate),
            Ok(_) => {}
            Err(error) => return Err(anyhow!("{name}: {path} is not PEM: {error}")),
        }
    }
    anyhow::ensure!(
        !certificates.is_empty(),
        "{name}: {path} holds no PEM certificate"
    );
    Ok(builder
        .root_certs(ureq::tls::RootCerts::new_with_certs(&certificates))
        .build())
}

/// A [`MlflowClient`] as the trait object shells hand around.
pub fn connect(url: &str, credentials: Option<Credentials>) -> anyhow::Result<Box<dyn MlflowApi>> {
    Ok(Box::new(MlflowClient::new(url, credentials)?))
}

impl MlflowApi for MlflowClient {
    fn server(&self) -> &str {
        &self.base
    }

    fn try_post(&self, endpoint: &str, body: &Value) -> Result<Value, CallError> {
        let request = self.agent.post(self.url(endpoint));
        answer(self.authorize(request).send_json(body))
    }

    fn try_patch(&self, endpoint: &str, body: &Value) -> Result<Value, CallError> {
        let request = self
            .agent
            .patch(format!("{}/api/2.0/mlflow/{endpoint}", self.base));
        answer(self.authorize(request).send_json(body))
    }

    fn try_get(&self, endpoint: &str, query: &[(&str, &str)]) -> Result<Value, CallError> {
        let mut request = self.agent.get(self.url(endpoint));
        for (key, value) in query {
            request = request.query(*key, *value);
        }
        answer(self.authorize(request).call())
    }

    fn try_put_file(&self, path: &str, file: &Path) -> Result<(), CallError> {
        let opened = File::open(file)
            .map_err(|error| CallError::Other(anyhow!("opening {}: {error}", file.display())))?;
        let url = format!(
            "{}/api/2.0/mlflow-artifacts/artifacts/{}",
            self.base,
            crate::wire::encode_path(path)
        );
        let request = self
            .agent
            .put(url)
            .header("Content-Type", "application/octet-stream");
        answer(self.authorize(request).send(opened)).map(|_| ())
    }
}

/// `url` as `scheme://host[:port][/prefix]` (no trailing slash), and its `user:password` part.
pub fn split_url(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let (scheme, rest) = url
        .split_once("://")
        .filter(|(scheme, _)| *scheme == "http" || *scheme == "https")
        .ok_or_else(|| anyhow!("'{}' is not an http:// or https:// URL", redact(url)))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (Some(userinfo.to_owned()), host),
        None => (None, authority),
    };
    anyhow::ensure!(!host.is_empty(), "'{}' names no host", redact(url));
    let path = path.trim_end_matches('/');
    let base = if path.is_empty() {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}/{path}")
    };
    Ok((base, userinfo))
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

#[cfg(test)]
mod tests {
    use super::{redact, split_url};

    #[test]
    fn credentials_never_show_and_the_base_has_no_slash() {
        assert_eq!(
            redact("https://me:secret@host:5000/x"),
            "https://***@host:5000/x"
        );
        assert_eq!(redact("http://host:5000"), "http://host:5000");
        let (base, userinfo) = split_url("http://me:pw@host:5000/prefix/").unwrap_or_default();
        assert_eq!(base, "http://host:5000/prefix");
        assert_eq!(userinfo.as_deref(), Some("me:pw"));
        assert!(split_url("ftp://host").is_err());
    }
}
