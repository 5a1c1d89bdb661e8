//! How a client reached this server, for the URLs the server hands back to be called without the
//! client's own credentials logic: the parts of a multipart upload and the ranged reads of a
//! download (MLflow's client sends only the headers it is given with those).

use std::collections::BTreeMap;

use axum::http::HeaderMap;

use crate::security::Auth;

/// The base URL and credential a handed-out URL is called with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOrigin {
    /// `scheme://host[:port]`, no trailing slash.
    pub base_url: String,
    /// The `Authorization` header to send with each call, when the server checks credentials.
    pub authorization: Option<String>,
}

impl ServerOrigin {
    /// The origin of a request: the `Host` it sent (the security layer has checked it), `https`
    /// when a proxy in front says so, and its own `Authorization` when the server checks
    /// credentials.
    pub fn of_request(auth: &Auth, headers: &HeaderMap) -> ServerOrigin {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
        };
        let scheme = match text("x-forwarded-proto") {
            Some(proto) if proto.eq_ignore_ascii_case("https") => "https",
            _ => "http",
        };
        let host = text("host").unwrap_or("localhost");
        let authorization = match auth {
            Auth::None => None,
            _ => text("authorization").map(str::to_owned),
        };
        ServerOrigin {
            base_url: format!("{scheme}://{host}"),
            authorization,
        }
    }

    /// The absolute URL of this server's proxied-artifact route for `path` (relative to the
    /// artifact root).
    pub fn artifact_url(&self, path: &str) -> String {
        format!(
            "{}/api/2.0/mlflow-artifacts/artifacts/{}",
            self.base_url,
            encode_path(path)
        )
    }

    /// The headers to send with a call to a handed-out URL.
    pub fn headers(&self) -> BTreeMap<String, String> {
        let mut headers = BTreeMap::new();
        if let Some(authorization) = &self.authorization {
            headers.insert("Authorization".to_owned(), authorization.clone());
        }
        headers
    }
}

/// A relative artifact path as a URL path: every byte outside RFC 3986's unreserved set (and
/// `/`) percent-encoded.
pub fn encode_path(path: &str) -> String {
    crate::percent::encode(path, b"-._~/")
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::{ServerOrigin, encode_path};
    use crate::security::Auth;

    #[test]
    fn paths_are_encoded_byte_by_byte_keeping_slashes() {
        assert_eq!(
            encode_path("1/abc/artifacts/m.ckpt"),
            "1/abc/artifacts/m.ckpt"
        );
        assert_eq!(encode_path("a b/c?d#é"), "a%20b/c%3Fd%23%C3%A9");
    }

    #[test]
    fn the_origin_is_the_host_asked_and_carries_no_credential_on_an_open_server() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("team.example:5000"));
        headers.insert("authorization", HeaderValue::from_static("Basic eDp5"));
        let origin = ServerOrigin::of_request(&Auth::None, &headers);
        assert_eq!(origin.base_url, "http://team.example:5000");
        assert!(origin.headers().is_empty());
        assert_eq!(
            origin.artifact_url("1/r/artifacts/a b.bin"),
            "http://team.example:5000/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%20b.bin"
        );
        headers.insert("x-forwarded-proto", HeaderValue::from_static("HTTPS"));
        let origin = ServerOrigin::of_request(&Auth::None, &headers);
        assert_eq!(origin.base_url, "https://team.example:5000");
    }
}
