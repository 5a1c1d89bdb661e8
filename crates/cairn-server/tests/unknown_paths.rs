//! Every path no route claims answers MLflow's JSON `ENDPOINT_NOT_FOUND` 404, whatever the
//! method, with or without a built UI; the UI's own files (and `/`) are still served, and a
//! known route asked with another method is a JSON 405.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod support;

use cairn_server::Auth;
use support::TestServer;

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];

const UNKNOWN_PATHS: [&str; 12] = [
    "/runs/some-client-route",
    "/experiments/1",
    "/no-such-file.js",
    "/static-files/nothing.css",
    "/api",
    "/api/2.0/mlflow/no-such-thing",
    "/ajax-api/2.0/mlflow/runs/nope",
    "/api/2.0/mlflow-artifacts/nope",
    "/app/no-such-thing",
    "/ajax-api/graphql",
    "/assets",
    "/../etc/passwd",
];

fn with_ui() -> (tempfile::TempDir, TestServer) {
    let ui = tempfile::tempdir().unwrap();
    std::fs::write(ui.path().join("index.html"), "<html>cairn ui</html>").unwrap();
    std::fs::write(ui.path().join("app.js"), "console.log(1)").unwrap();
    std::fs::create_dir(ui.path().join("assets")).unwrap();
    std::fs::write(ui.path().join("assets").join("style.css"), "body{}").unwrap();
    let server = support::start_with(Auth::None, Some(ui.path().to_path_buf()));
    (ui, server)
}

fn assert_json_404(server: &TestServer, method: &str, path: &str) {
    let reply = server.send(method, path, &[("Content-Type", "application/json")], b"{}");
    assert_eq!(reply.status, 404, "{method} {path}: {}", reply.body);
    let content_type = reply
        .head
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("content-type:"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        content_type.contains("application/json"),
        "{method} {path}: {content_type}"
    );
    if method != "HEAD" {
        assert_eq!(
            reply.error_code(),
            "ENDPOINT_NOT_FOUND",
            "{method} {path}: {}",
            reply.body
        );
    }
}

#[test]
fn unknown_paths_are_json_404_for_every_method_with_and_without_a_ui() {
    let (_ui, served) = with_ui();
    let bare = support::start(Auth::None);
    for server in [&served, &bare] {
        for path in UNKNOWN_PATHS {
            for method in METHODS {
                assert_json_404(server, method, path);
            }
        }
    }
    // Without a built UI, the root is not a file either.
    assert_json_404(&bare, "GET", "/");
}

#[test]
fn the_uis_files_are_served_and_other_methods_on_them_are_json_405() {
    let (_ui, server) = with_ui();
    for path in ["/", "/index.html"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.body.contains("cairn ui"), "{path}");
    }
    assert_eq!(server.get("/app.js").body, "console.log(1)");
    assert_eq!(server.get("/assets/style.css").body, "body{}");
    // A reload asks again with the date the browser has: the page is unchanged, not missing.
    let first = server.get("/");
    let modified = first
        .head
        .lines()
        .find_map(|line| line.strip_prefix("last-modified: "))
        .expect("the page says when it changed")
        .trim()
        .to_string();
    let again = server.send("GET", "/", &[("If-Modified-Since", &modified)], b"");
    assert_eq!(again.status, 304, "{}", again.head);
    for method in ["POST", "PUT", "DELETE"] {
        let reply = server.send(method, "/app.js", &[], b"");
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.error_code(), "ENDPOINT_NOT_FOUND");
        assert!(
            reply.head.to_ascii_lowercase().contains("allow: get,head"),
            "{}",
            reply.head
        );
    }
}

#[test]
fn known_routes_with_another_method_are_json_405_and_health_and_version_still_answer() {
    let server = support::start(Auth::None);
    for (method, path) in [
        ("POST", "/api/2.0/mlflow/runs/get"),
        ("GET", "/api/2.0/mlflow/runs/create"),
        ("DELETE", "/graphql"),
        ("POST", "/health"),
    ] {
        let reply = server.send(method, path, &[("Content-Type", "application/json")], b"{}");
        assert_eq!(reply.status, 405, "{method} {path}");
        assert_eq!(reply.error_code(), "ENDPOINT_NOT_FOUND", "{method} {path}");
    }
    assert_eq!(server.get("/health").body, "OK");
    let version = server.get("/version");
    assert_eq!(version.status, 200);
    assert!(!version.body.is_empty());
}
