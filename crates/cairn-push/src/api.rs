//! What a push (and `cairn store copy`) asks of an MLflow tracking server, as a trait with no
//! HTTP in it: JSON calls under `/api/2.0/mlflow/`, and a file upload through the
//! `mlflow-artifacts` proxy. [`crate::http::MlflowClient`] (feature `http`) makes the calls over
//! HTTP; a shell without that feature is handed one. Also the credentials those calls carry.

use std::fmt;
use std::path::Path;

use anyhow::anyhow;
use base64::Engine as _;
use serde_json::Value;

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

    /// Whether the server refused the request as malformed or not the caller's to make.
    pub fn is_refused(&self) -> bool {
        matches!(self, CallError::Api(error) if error.code == "INVALID_PARAMETER_VALUE"
            || error.code == "PERMISSION_DENIED" || error.status == 400 || error.status == 403)
    }

    /// Whether the server said the entity exists already.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, CallError::Api(error) if error.code == "RESOURCE_ALREADY_EXISTS")
    }
}

/// The `Authorization` a client sends. Its `Debug` never shows the secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    authorization: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.authorization {
            None => "none",
            Some(value) if value.starts_with("Bearer ") => "bearer token",
            Some(_) => "basic",
        };
        write!(formatter, "Credentials({kind})")
    }
}

impl Credentials {
    /// No credentials.
    pub fn none() -> Credentials {
        Credentials::default()
    }

    /// A bearer token (an MLflow / Cairn personal access token, or `cairn serve --auth-token`).
    pub fn token(token: &str) -> Credentials {
        Credentials {
            authorization: Some(format!("Bearer {}", token.trim())),
        }
    }

    /// A user name and password.
    pub fn basic(user: &str, password: &str) -> Credentials {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        Credentials {
            authorization: Some(format!("Basic {encoded}")),
        }
    }

    /// What the mlflow client reads: `MLFLOW_TRACKING_TOKEN` (bearer), else
    /// `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD` (basic); `None` when neither is set.
    pub fn from_env() -> Option<Credentials> {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        if let Some(token) = env("MLFLOW_TRACKING_TOKEN") {
            return Some(Credentials::token(&token));
        }
        let user = env("MLFLOW_TRACKING_USERNAME")?;
        let password = env("MLFLOW_TRACKING_PASSWORD").unwrap_or_default();
        Some(Credentials::basic(&user, &password))
    }

    /// The token in the file at `path` (its first line, trimmed); errors name the file only.
    pub fn from_token_file(path: &Path) -> anyhow::Result<Credentials> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| anyhow!("reading the token file {}: {error}", path.display()))?;
        let token = text.lines().next().unwrap_or_default().trim();
        anyhow::ensure!(
            !token.is_empty(),
            "the token file {} is empty",
            path.display()
        );
        Ok(Credentials::token(token))
    }

    /// The `Authorization` header's value, if any.
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }
}

/// An MLflow tracking server, as the push and the copy call it. Implementations must never put
/// credentials in an error.
pub trait MlflowApi: Send + Sync {
    /// The server as errors and reports name it (`scheme://host[:port][/prefix]`, no
    /// credentials).
    fn server(&self) -> &str;

    /// `POST /api/2.0/mlflow/{endpoint}` with a JSON body (an endpoint starting with `/` is a
    /// path of the server's own, a Cairn route).
    fn try_post(&self, endpoint: &str, body: &Value) -> Result<Value, CallError>;

    /// `PATCH /api/2.0/mlflow/{endpoint}` with a JSON body (MLflow 3's LoggedModel calls).
    fn try_patch(&self, endpoint: &str, body: &Value) -> Result<Value, CallError>;

    /// `GET /api/2.0/mlflow/{endpoint}?query` (an endpoint starting with `/` as in
    /// [`MlflowApi::try_post`]).
    fn try_get(&self, endpoint: &str, query: &[(&str, &str)]) -> Result<Value, CallError>;

    /// Uploads the file at `file` to `path` through the server's artifact proxy
    /// (`PUT /api/2.0/mlflow-artifacts/artifacts/<path>`), streamed from disk.
    fn try_put_file(&self, path: &str, file: &Path) -> Result<(), CallError>;

    /// [`MlflowApi::try_post`]; errors name the server, the call and `entity`.
    fn post(&self, endpoint: &str, body: &Value, entity: &str) -> anyhow::Result<Value> {
        self.try_post(endpoint, body)
            .map_err(|error| explain(self.server(), error, "POST", endpoint, entity))
    }

    /// [`MlflowApi::try_patch`]; errors name the server, the call and `entity`.
    fn patch(&self, endpoint: &str, body: &Value, entity: &str) -> anyhow::Result<Value> {
        self.try_patch(endpoint, body)
            .map_err(|error| explain(self.server(), error, "PATCH", endpoint, entity))
    }

    /// [`MlflowApi::try_get`]; errors name the server, the call and `entity`.
    fn get(&self, endpoint: &str, query: &[(&str, &str)], entity: &str) -> anyhow::Result<Value> {
        self.try_get(endpoint, query)
            .map_err(|error| explain(self.server(), error, "GET", endpoint, entity))
    }

    /// [`MlflowApi::try_put_file`]; errors name the server, the path and `entity`.
    fn put_artifact(&self, path: &str, file: &Path, entity: &str) -> anyhow::Result<()> {
        self.try_put_file(path, file).map_err(|error| {
            explain(
                self.server(),
                error,
                "PUT",
                &format!("mlflow-artifacts/artifacts/{path}"),
                entity,
            )
        })
    }
}

/// One line saying what failed where: the server, the entity, the call and the answer.
pub fn explain(
    server: &str,
    error: CallError,
    method: &str,
    endpoint: &str,
    entity: &str,
) -> anyhow::Error {
    match error {
        CallError::Api(api) if api.status == 401 => anyhow!(
            "{server}: {entity}: {method} {endpoint} answered 401 {}: {} (the server wants \
             credentials: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and \
             MLFLOW_TRACKING_PASSWORD, or pass a token file; check the one given)",
            api.code,
            api.message
        ),
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

#[cfg(test)]
mod tests {
    use super::Credentials;

    #[test]
    fn credentials_never_show_in_debug() {
        let token = Credentials::token("very-secret");
        assert_eq!(format!("{token:?}"), "Credentials(bearer token)");
        assert_eq!(token.authorization(), Some("Bearer very-secret"));
        let basic = Credentials::basic("ana", "pw");
        assert!(!format!("{basic:?}").contains("pw"));
        assert_eq!(basic.authorization(), Some("Basic YW5hOnB3"));
    }
}
