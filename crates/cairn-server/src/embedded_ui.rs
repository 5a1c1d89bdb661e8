//! The web UI built into a binary: its files, answered with their content type, an ETag and the
//! cache policy of a Vite build (hashed `assets/` forever, everything else revalidated).

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One file of the built UI, embedded at compile time (a build script writes the table).
#[derive(Debug)]
pub struct UiFile {
    /// The path below the UI's root, `/`-separated, without a leading `/` (`assets/index-1a2b.js`).
    pub path: &'static str,
    /// The file's bytes.
    pub bytes: &'static [u8],
    /// A strong ETag of the bytes, quotes included.
    pub etag: &'static str,
}

/// The UI a binary carries: its files sorted by path, or none when it was built without
/// `ui/dist` (then the UI's paths answer how to build it).
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedUi {
    files: &'static [UiFile],
}

/// What a binary built without the UI answers at `/`.
pub const NOT_BUILT_MESSAGE: &str = "This cairn binary was built without its web UI (ui/dist did \
not exist when it was compiled).\n\nBuild the UI, then cairn again:\n\n    (cd ui && npm ci && npm \
run build)\n    cargo build -p cairn-cli\n\nor serve a built UI from a folder with `cairn serve \
--ui-dir ui/dist`. The MLflow API under /api/2.0/mlflow/ works without it.\n";

impl EmbeddedUi {
    /// The UI made of `files`, which must be sorted by path (the build script sorts them).
    pub const fn new(files: &'static [UiFile]) -> EmbeddedUi {
        EmbeddedUi { files }
    }

    /// Whether the binary carries any UI at all.
    pub fn is_built(&self) -> bool {
        !self.files.is_empty()
    }

    /// Every embedded file, sorted by path.
    pub fn files(&self) -> &'static [UiFile] {
        self.files
    }

    /// The file a request path names (`/` is `index.html`).
    pub fn file(&self, request_path: &str) -> Option<&'static UiFile> {
        let relative = request_path.trim_start_matches('/');
        let relative = if relative.is_empty() {
            "index.html"
        } else {
            relative
        };
        self.files
            .binary_search_by(|file| file.path.cmp(relative))
            .ok()
            .and_then(|index| self.files.get(index))
    }
}

/// `Cache-Control` for a file of a Vite build: the content-hashed files under `assets/` never
/// change under their name; the index (and anything else) is revalidated on every load, so a new
/// binary's UI is picked up at once.
pub fn cache_control(relative_path: &str) -> &'static str {
    if relative_path.trim_start_matches('/').starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// A GET or HEAD of an embedded file: 304 when the browser's copy is current, else the bytes.
pub fn respond(file: &'static UiFile, method: &Method, headers: &HeaderMap) -> Response {
    let current = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == file.etag
        });
    let mut response = if current {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(file.bytes)
        };
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, content_type(file.path));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.bytes.len()));
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(file.path)),
    );
    if let Ok(etag) = HeaderValue::from_str(file.etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// What a binary without the UI answers at `/` and `/index.html`: a 404 saying how to build it.
pub fn not_built(method: &Method) -> Response {
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(NOT_BUILT_MESSAGE)
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The content type of a file by its extension; text types say UTF-8.
fn content_type(path: &str) -> HeaderValue {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || mime.essence_str() == "application/javascript"
        || mime.essence_str() == "application/json"
        || mime.essence_str() == "image/svg+xml";
    let value = if text && mime.get_param("charset").is_none() {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.to_string()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}
