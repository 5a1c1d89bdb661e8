//! Keeps clients out of the multipart journal (`.cairn-uploads/` at the root of the artifact
//! store, see `cairn_artifact_store::journal`): a request of the `mlflow-artifacts` routes whose artifact
//! path starts there is answered 404, as a path that does not exist, and the root's listing
//! leaves the folder out. Its markers name other clients' uploads; a client that could read,
//! write or delete them could learn or disown them.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cairn_app::artifact_files::percent_decode;

use crate::artifact_http::query_pairs;
use crate::error::ApiError;
use crate::multipart::JOURNAL_DIR;

/// Whether the artifact path `path` (`/`-separated, percent escapes decoded or not) lies in the
/// journal.
pub fn in_journal(path: &str) -> bool {
    let decoded = percent_decode(path);
    decoded
        .split('/')
        .find(|segment| !segment.is_empty() && *segment != ".")
        == Some(JOURNAL_DIR)
}

/// The artifact path of a request to the `mlflow-artifacts` routes (path relative to them):
/// after `artifacts/`, `presigned/` or `mpu/<operation>/`, else the `path` query of a listing.
fn artifact_path(request: &Request) -> Option<String> {
    let path = request.uri().path().trim_start_matches('/');
    let (route, rest) = path.split_once('/').unwrap_or((path, ""));
    let from_path = match route {
        "artifacts" | "presigned" => Some(rest.to_owned()),
        "mpu" => rest.split_once('/').map(|(_, key)| key.to_owned()),
        _ => None,
    };
    // A malformed query is the route's to refuse.
    let from_query = query_pairs(request.uri().query())
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(name, _)| name == "path"))
        .map(|(_, value)| value);
    match (from_path, from_query) {
        (Some(path), _) if !path.is_empty() => Some(path),
        (_, query) => query,
    }
}

/// The middleware: 404 for the journal, everything else passed on.
pub async fn refuse_journal(request: Request, next: Next) -> Response {
    match artifact_path(&request) {
        Some(path) if in_journal(&path) => {
            ApiError::not_found(format!("artifact '{path}' does not exist")).into_response()
        }
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::in_journal;

    #[test]
    fn the_journal_is_found_however_its_path_is_spelled() {
        for path in [
            ".cairn-uploads",
            ".cairn-uploads/abc",
            "/.cairn-uploads/abc",
            "./.cairn-uploads/abc",
            "%2Ecairn-uploads/abc",
            ".cairn-uploads%2Fabc",
        ] {
            assert!(in_journal(path), "{path}");
        }
        for path in [
            "1/run/artifacts/.cairn-uploads",
            "cairn-uploads/x",
            "models/m1/x",
        ] {
            assert!(!in_journal(path), "{path}");
        }
    }
}
