//! The UI built into the binary: served at `/` and by path with content types, ETags (304 on a
//! match) and Vite's cache policy; other methods on its files are a JSON 405, other paths
//! MLflow's JSON 404; a binary built without the UI says at `/` how to build it.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod support;

use cairn_server::embedded_ui::{EmbeddedUi, NOT_BUILT_MESSAGE, UiFile};
use support::Reply;

static FILES: &[UiFile] = &[
    UiFile {
        path: "assets/index-1a2b3c.js",
        bytes: b"console.log('cairn')",
        etag: "\"js-1\"",
    },
    UiFile {
        path: "favicon.svg",
        bytes: b"<svg/>",
        etag: "\"svg-1\"",
    },
    UiFile {
        path: "index.html",
        bytes: b"<!doctype html><title>Cairn</title>",
        etag: "\"index-1\"",
    },
];

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[test]
fn the_index_and_assets_are_served_with_types_and_cache_policy() {
    let server = support::start_with_embedded_ui(EmbeddedUi::new(FILES));
    for path in ["/", "/index.html"] {
        let index = server.get(path);
        assert_eq!(index.status, 200, "{path}");
        assert_eq!(index.body, "<!doctype html><title>Cairn</title>");
        assert_eq!(
            header(&index, "content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(header(&index, "cache-control"), Some("no-cache"));
        assert_eq!(header(&index, "etag"), Some("\"index-1\""));
    }
    let script = server.get("/assets/index-1a2b3c.js?v=1");
    assert_eq!(script.status, 200);
    assert_eq!(script.body, "console.log('cairn')");
    assert!(
        header(&script, "content-type")
            .unwrap()
            .contains("javascript"),
        "{}",
        script.head
    );
    assert_eq!(
        header(&script, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        header(&server.get("/favicon.svg"), "content-type"),
        Some("image/svg+xml; charset=utf-8")
    );
    // HEAD: the headers with no body.
    let head = server.send("HEAD", "/", &[], b"");
    assert_eq!(head.status, 200);
    assert_eq!(header(&head, "content-length"), Some("35"));
    assert!(head.body.is_empty());
}

#[test]
fn a_current_copy_is_not_sent_again() {
    let server = support::start_with_embedded_ui(EmbeddedUi::new(FILES));
    let cached = server.send(
        "GET",
        "/",
        &[("If-None-Match", "\"other\", \"index-1\"")],
        b"",
    );
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
    assert_eq!(header(&cached, "etag"), Some("\"index-1\""));
    let stale = server.send("GET", "/", &[("If-None-Match", "\"index-0\"")], b"");
    assert_eq!(stale.status, 200);
}

#[test]
fn other_paths_and_methods_keep_the_api_answers() {
    let server = support::start_with_embedded_ui(EmbeddedUi::new(FILES));
    for path in [
        "/runs/some-client-route",
        "/assets",
        "/assets/",
        "/api/2.0/mlflow/no-such-thing",
        "/../index.html",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert_eq!(reply.error_code(), "ENDPOINT_NOT_FOUND", "{path}");
    }
    let post = server.send("POST", "/index.html", &[], b"");
    assert_eq!(post.status, 405);
    assert_eq!(header(&post, "allow"), Some("GET,HEAD"));
    // The API still comes first.
    let api = server.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
    assert_eq!(api.json()["experiment"]["name"], "Default");
}

#[test]
fn a_binary_without_the_ui_says_how_to_build_it() {
    let server = support::start_with_embedded_ui(EmbeddedUi::new(&[]));
    let index = server.get("/");
    assert_eq!(index.status, 404);
    assert_eq!(index.body, NOT_BUILT_MESSAGE);
    assert!(index.body.contains("npm run build"), "{}", index.body);
    assert_eq!(
        header(&index, "content-type"),
        Some("text/plain; charset=utf-8")
    );
    let elsewhere = server.get("/assets/index.js");
    assert_eq!(elsewhere.error_code(), "ENDPOINT_NOT_FOUND");
}

#[test]
fn a_ui_folder_gets_the_same_cache_policy() {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<html>dev ui</html>").unwrap();
    std::fs::create_dir(ui.path().join("assets")).unwrap();
    std::fs::write(ui.path().join("assets/app-9f8e.js"), "1").unwrap();
    let server = support::start_with(cairn_server::Auth::None, Some(ui.path().to_path_buf()));
    assert_eq!(header(&server.get("/"), "cache-control"), Some("no-cache"));
    assert_eq!(
        header(&server.get("/assets/app-9f8e.js"), "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
}
