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
    /// The HTTP status when it is not the code's usual one (405, 414, 431, 507).
    http_status: Option<StatusCode>,
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
            http_status: None,
        }
    }

    /// The same error answered with `status` instead of the code's usual one.
    pub fn with_status(self, status: StatusCode) -> ApiError {
        ApiError {
            http_status: Some(status),
            ..self
        }
    }

    /// A file-system error while `doing` something (e.g. `writing artifact 'a.txt'`), by its
    /// cause: a full disk or quota is 507 (clients retry a 500 for minutes; a full disk will
    /// not empty itself), a name too long or a directory where a file should be (or the other
    /// way round) is the request's fault (400), anything else is 500.
    pub fn from_io(doing: &str, error: &std::io::Error) -> ApiError {
        let message = format!("{doing}: {error}");
        match io_cause(error) {
            IoCause::StorageFull => insufficient_storage(message),
            IoCause::BadPath => ApiError::invalid(message),
            IoCause::Other => ApiError::new("INTERNAL_ERROR", message),
        }
    }

    /// The HTTP status MLflow gives the code.
    pub fn status(&self) -> StatusCode {
        if let Some(status) = self.http_status {
            return status;
        }
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
        let message = crate::messages::store_error(&error).unwrap_or_else(|| error.to_string());
        let code = match &error {
            StoreError::ExperimentNotFound { .. }
            | StoreError::TagNotFound { .. }
            | StoreError::RunNotFound { .. }
            | StoreError::ModelNotFound { .. }
            | StoreError::ModelVersionNotFound { .. }
            | StoreError::LoggedModelNotFound { .. }
            | StoreError::AccountNotFound { .. } => "RESOURCE_DOES_NOT_EXIST",
            StoreError::ExperimentExists { .. }
            | StoreError::RunExists { .. }
            | StoreError::ModelExists { .. }
            | StoreError::AccountExists { .. } => "RESOURCE_ALREADY_EXISTS",
            // MLflow answers a missing alias as a bad parameter, not a missing resource.
            StoreError::AliasNotFound { .. }
            | StoreError::Deleted { .. }
            | StoreError::ParamConflict { .. }
            | StoreError::Invalid { .. }
            | StoreError::Search(_) => "INVALID_PARAMETER_VALUE",
            StoreError::Busy { .. } | StoreError::Unavailable { .. } => "TEMPORARILY_UNAVAILABLE",
            StoreError::Full { .. } => return insufficient_storage(message),
            StoreError::Io { source, .. } if io_cause(source) == IoCause::StorageFull => {
                return insufficient_storage(message);
            }
            StoreError::SchemaTooNew { .. }
            | StoreError::NotACairnStore { .. }
            | StoreError::CorruptMetric { .. }
            | StoreError::Io { .. }
            | StoreError::Corrupt { .. }
            | StoreError::Backend { .. } => "INTERNAL_ERROR",
        };
        ApiError::new(code, message)
    }
}

/// 507 Insufficient Storage, code `RESOURCE_EXHAUSTED`.
fn insufficient_storage(message: String) -> ApiError {
    ApiError::new("RESOURCE_EXHAUSTED", message).with_status(StatusCode::INSUFFICIENT_STORAGE)
}

/// What a file-system error means for the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IoCause {
    /// No space left on the device (ENOSPC) or the disk quota is used up (EDQUOT).
    StorageFull,
    /// A path component too long (ENAMETOOLONG), or a directory where a file is wanted or a file
    /// where a directory is (EISDIR, ENOTDIR).
    BadPath,
    Other,
}

fn io_cause(error: &std::io::Error) -> IoCause {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => IoCause::StorageFull,
        ErrorKind::InvalidFilename | ErrorKind::IsADirectory | ErrorKind::NotADirectory => {
            IoCause::BadPath
        }
        _ => IoCause::Other,
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use axum::http::StatusCode;
    use cairn_core::StoreError;

    use super::ApiError;

    #[test]
    fn full_disks_are_507_and_bad_paths_400() {
        // Raw OS errors, as the kernel reports them (Linux numbers).
        for (errno, status, code) in [
            (28, StatusCode::INSUFFICIENT_STORAGE, "RESOURCE_EXHAUSTED"), // ENOSPC
            (122, StatusCode::INSUFFICIENT_STORAGE, "RESOURCE_EXHAUSTED"), // EDQUOT
            (36, StatusCode::BAD_REQUEST, "INVALID_PARAMETER_VALUE"),     // ENAMETOOLONG
            (21, StatusCode::BAD_REQUEST, "INVALID_PARAMETER_VALUE"),     // EISDIR
            (20, StatusCode::BAD_REQUEST, "INVALID_PARAMETER_VALUE"),     // ENOTDIR
            (5, StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR"),     // EIO
        ] {
            let error = ApiError::from_io(
                "writing artifact 'a.txt'",
                &io::Error::from_raw_os_error(errno),
            );
            assert_eq!(
                (error.status(), error.error_code),
                (status, code),
                "errno {errno}"
            );
            assert!(
                error.message.starts_with("writing artifact 'a.txt': "),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn a_full_disk_under_the_store_is_507() {
        let from_sqlite = ApiError::from(StoreError::Full {
            message: "database or disk is full".into(),
        });
        assert_eq!(from_sqlite.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert!(
            from_sqlite.message.contains("full"),
            "{}",
            from_sqlite.message
        );
        let from_io = ApiError::from(StoreError::Io {
            action: "writing",
            path: "/store/cairn.db".into(),
            source: io::Error::from_raw_os_error(28),
        });
        assert_eq!(from_io.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert!(
            from_io.message.contains("/store/cairn.db"),
            "{}",
            from_io.message
        );
    }

    #[test]
    fn a_busy_store_is_503_and_other_backend_failures_500() {
        let busy = ApiError::from(StoreError::Busy {
            message: "database is locked".into(),
        });
        assert_eq!(
            (busy.status(), busy.error_code),
            (StatusCode::SERVICE_UNAVAILABLE, "TEMPORARILY_UNAVAILABLE")
        );
        assert_eq!(busy.message, "database error: database is locked");
        for error in [
            StoreError::Corrupt {
                message: "database disk image is malformed".into(),
            },
            StoreError::Backend {
                message: "no such table: runs".into(),
            },
        ] {
            let error = ApiError::from(error);
            assert_eq!(
                (error.status(), error.error_code),
                (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR")
            );
        }
    }

    #[test]
    fn writing_to_a_full_device_is_507() {
        // /dev/full answers every write with ENOSPC: the real error, not a made-up one.
        use std::io::Write as _;
        let Ok(mut full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return; // not Linux
        };
        let error = full.write_all(b"x").and_then(|()| full.flush());
        let Err(error) = error else {
            panic!("/dev/full accepted a write");
        };
        assert_eq!(
            ApiError::from_io("writing", &error).status(),
            StatusCode::INSUFFICIENT_STORAGE
        );
    }
}
