//! MLflow's error shape, `{"error_code", "message"}` with the code's HTTP status, and the one
//! place where core errors become MLflow error codes.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cairn_core::StoreError;
use serde_json::json;

/// An error answered to a client.
#[derive(Debug)]
pub struct ApiError {
    /// MLflow's error code, e.g. `RESOURCE_DOES_NOT_EXIST`.
    pub error_code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
}

/// What route handlers return.
pub type ApiResult<T = Json<serde_json::Value>> = Result<T, ApiError>;

impl ApiError {
    /// `INVALID_PARAMETER_VALUE` (400).
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new("INVALID_PARAMETER_VALUE", message)
    }

    /// `RESOURCE_DOES_NOT_EXIST` (404).
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new("RESOURCE_DOES_NOT_EXIST", message)
    }

    /// An error with any code.
    pub fn new(error_code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            error_code,
            message: message.into(),
        }
    }

    /// The HTTP status MLflow gives the code.
    pub fn status(&self) -> StatusCode {
        match self.error_code {
            "RESOURCE_DOES_NOT_EXIST" | "NOT_FOUND" | "ENDPOINT_NOT_FOUND" => StatusCode::NOT_FOUND,
            "INVALID_PARAMETER_VALUE"
            | "RESOURCE_ALREADY_EXISTS"
            | "BAD_REQUEST"
            | "MALFORMED_REQUEST" => StatusCode::BAD_REQUEST,
            "ALREADY_EXISTS" | "RESOURCE_CONFLICT" => StatusCode::CONFLICT,
            "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
            "PERMISSION_DENIED" => StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED" => StatusCode::TOO_MANY_REQUESTS,
            "PAYLOAD_TOO_LARGE" => StatusCode::PAYLOAD_TOO_LARGE,
            "NOT_IMPLEMENTED" => StatusCode::NOT_IMPLEMENTED,
            "TEMPORARILY_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = json!({"error_code": self.error_code, "message": self.message});
        (status, Json(body)).into_response()
    }
}

/// Core errors to MLflow codes: the only such mapping in Cairn.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        let message = error.to_string();
        let code = match &error {
            StoreError::ExperimentNotFound { .. }
            | StoreError::RunNotFound { .. }
            | StoreError::ModelNotFound { .. }
            | StoreError::ModelVersionNotFound { .. }
            | StoreError::AliasNotFound { .. }
            | StoreError::LoggedModelNotFound { .. } => "RESOURCE_DOES_NOT_EXIST",
            StoreError::ExperimentExists { .. }
            | StoreError::RunExists { .. }
            | StoreError::ModelExists { .. } => "RESOURCE_ALREADY_EXISTS",
            StoreError::Deleted { .. }
            | StoreError::ParamConflict { .. }
            | StoreError::Invalid { .. }
            | StoreError::Search(_) => "INVALID_PARAMETER_VALUE",
            StoreError::Sqlite(rusqlite_error) if is_busy(rusqlite_error) => {
                "TEMPORARILY_UNAVAILABLE"
            }
            StoreError::SchemaTooNew { .. }
            | StoreError::NotACairnStore { .. }
            | StoreError::CorruptMetric { .. }
            | StoreError::Io { .. }
            | StoreError::Sqlite(_) => "INTERNAL_ERROR",
        };
        ApiError::new(code, message)
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
    )
}
