//! Artifact files as MLflow's server serves them: download headers on every route that sends a
//! file's bytes, `/get-artifact`, `/model-versions/get-artifact`, `upload-artifact` and a
//! LoggedModel's `artifacts/directories|files`, with hostile paths refused and nothing outside
//! the readable roots read.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod support;

use cairn_server::Auth;
use serde_json::json;
use support::{Reply, TestServer, start};

/// A header's value from a reply's head (case-insensitive name).
fn header(reply: &Reply, name: &str) -> Option<String> {
    reply.head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

fn put(server: &TestServer, path: &str, body: &[u8]) {
    let reply = server.send(
        "PUT",
        &format!("/api/2.0/mlflow-artifacts/artifacts/{path}"),
        &[],
        body,
    );
    assert_eq!(reply.status, 200, "PUT {path}: {}", reply.body);
}

/// A new run and the artifact-root-relative folder of its files.
fn new_run(server: &TestServer) -> (String, String) {
    let reply = server.post("/api/2.0/mlflow/runs/create", json!({"experiment_id": "0"}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let info = &reply.json()["run"]["info"];
    let uri = info["artifact_uri"].as_str().unwrap();
    let folder = uri.strip_prefix("mlflow-artifacts:/").unwrap().to_string();
    (info["run_id"].as_str().unwrap().to_string(), folder)
}

fn assert_download(reply: &Reply, name: &str, content_type: &str, body: &str) {
    assert_eq!(reply.status, 200, "{name}: {}", reply.body);
    assert_eq!(
        header(reply, "content-type").as_deref(),
        Some(content_type),
        "{name}"
    );
    assert_eq!(
        header(reply, "x-content-type-options").as_deref(),
        Some("nosniff"),
        "{name}"
    );
    let disposition = header(reply, "content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{name}: {disposition}"
    );
    assert_eq!(reply.body, body, "{name}");
}

#[test]
fn downloads_carry_content_type_by_file_type_attachment_and_nosniff() {
    let server = start(Auth::None);
    for (name, content_type, disposition) in [
        (
            "metrics.txt",
            "text/plain",
            "attachment; filename=metrics.txt",
        ),
        ("data.json", "text/plain", "attachment; filename=data.json"),
        (
            "config.yaml",
            "text/plain",
            "attachment; filename=config.yaml",
        ),
        ("table.csv", "text/plain", "attachment; filename=table.csv"),
        ("MLmodel", "text/plain", "attachment; filename=MLmodel"),
        ("plot.png", "image/png", "attachment; filename=plot.png"),
        ("photo.jpg", "image/jpeg", "attachment; filename=photo.jpg"),
        (
            "report.pdf",
            "application/pdf",
            "attachment; filename=report.pdf",
        ),
        (
            "bundle.zip",
            "application/zip",
            "attachment; filename=bundle.zip",
        ),
        (
            "model.tar.gz",
            "application/x-tar",
            "attachment; filename=model.tar.gz",
        ),
        (
            "model.pkl",
            "application/octet-stream",
            "attachment; filename=model.pkl",
        ),
        (
            "weights",
            "application/octet-stream",
            "attachment; filename=weights",
        ),
        ("page.html", "text/plain", "attachment; filename=page.html"),
        ("chart.svg", "text/plain", "attachment; filename=chart.svg"),
        ("script.js", "text/plain", "attachment; filename=script.js"),
        ("feed.xml", "text/plain", "attachment; filename=feed.xml"),
        ("style.css", "text/css", "attachment; filename=style.css"),
        (
            "my notes.txt",
            "text/plain",
            "attachment; filename=\"my notes.txt\"",
        ),
    ] {
        let path = format!("0/r/artifacts/{name}");
        let content = format!("content of {name}");
        put(&server, &path.replace(' ', "%20"), content.as_bytes());
        let reply = server.get(&format!(
            "/api/2.0/mlflow-artifacts/artifacts/{}",
            path.replace(' ', "%20")
        ));
        assert_download(&reply, name, content_type, &content);
        assert_eq!(
            header(&reply, "content-disposition").as_deref(),
            Some(disposition),
            "{name}"
        );
        assert_eq!(
            header(&reply, "content-length"),
            Some(content.len().to_string())
        );
    }
}

#[test]
fn get_artifact_serves_a_runs_file_by_run_uuid_or_run_id() {
    let server = start(Auth::None);
    let (run_id, folder) = new_run(&server);
    put(&server, &format!("{folder}/plots/loss.png"), b"png bytes");
    put(&server, &format!("{folder}/a%20b.txt"), b"spaced");
    for query in [
        format!("path=plots/loss.png&run_uuid={run_id}"),
        format!("path=plots/loss.png&run_id={run_id}"),
        format!("path=plots%2Floss.png&run_uuid={run_id}"),
    ] {
        let reply = server.get(&format!("/get-artifact?{query}"));
        assert_download(&reply, &query, "image/png", "png bytes");
    }
    // MLflow decodes the path until it stops changing: a%2520b is "a b".
    let reply = server.get(&format!("/get-artifact?path=a%2520b.txt&run_uuid={run_id}"));
    assert_download(&reply, "a b.txt", "text/plain", "spaced");
    // Where MLflow mounts it: at the root, not under the API prefixes.
    let under_api = server.get(&format!(
        "/api/2.0/mlflow/get-artifact?path=plots/loss.png&run_uuid={run_id}"
    ));
    assert_eq!(under_api.status, 404);
}

#[test]
fn get_artifact_refuses_hostile_paths_and_reads_nothing_outside() {
    let server = start(Auth::None);
    let (run_id, folder) = new_run(&server);
    put(&server, &format!("{folder}/inside.txt"), b"inside");
    let secret = server.dir.path().join("secret.txt");
    std::fs::write(&secret, "top secret").unwrap();
    let run_folder = server.artifact_root.join(&folder);
    std::os::unix::fs::symlink(&secret, run_folder.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(server.dir.path(), run_folder.join("linkdir")).unwrap();
    for (path, status) in [
        ("../../../secret.txt", 400),
        ("%2e%2e/%2e%2e/%2e%2e/secret.txt", 400),
        ("%252e%252e/%252e%252e/%252e%252e/secret.txt", 400),
        ("/etc/passwd", 400),
        ("%2Fetc%2Fpasswd", 400),
        ("inside.txt%23x", 400),
        ("link.txt", 400),
        ("linkdir/secret.txt", 400),
        ("missing.txt", 404),
    ] {
        let reply = server.get(&format!("/get-artifact?path={path}&run_uuid={run_id}"));
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        assert!(!reply.body.contains("top secret"), "{path}");
        assert!(
            reply.json()["message"].is_string(),
            "{path}: {}",
            reply.body
        );
    }
    let no_path = server.get(&format!("/get-artifact?run_uuid={run_id}"));
    assert_eq!(no_path.status, 400);
    assert!(no_path.body.contains("'path'"), "{}", no_path.body);
    let no_run =
        server.get("/get-artifact?path=inside.txt&run_uuid=0123456789abcdef0123456789abcdef");
    assert_eq!(no_run.status, 404);
    assert_eq!(no_run.error_code(), "RESOURCE_DOES_NOT_EXIST");
    put(&server, &format!("{folder}/dir/x.txt"), b"x");
    let directory = server.get(&format!("/get-artifact?path=dir&run_uuid={run_id}"));
    assert_eq!(directory.status, 400, "{}", directory.body);
}

#[test]
fn model_version_get_artifact_reads_the_versions_files() {
    let server = start(Auth::None);
    let (run_id, folder) = new_run(&server);
    put(&server, &format!("{folder}/model/MLmodel"), b"flavors: {}");
    put(&server, &format!("{folder}/model/model.pkl"), b"pickle");
    assert_eq!(
        server
            .post(
                "/api/2.0/mlflow/registered-models/create",
                json!({"name": "churn"})
            )
            .status,
        200
    );
    let created = server.post(
        "/api/2.0/mlflow/model-versions/create",
        json!({"name": "churn", "source": format!("runs:/{run_id}/model"), "run_id": run_id}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let reply = server.get("/model-versions/get-artifact?name=churn&version=1&path=MLmodel");
    assert_download(&reply, "MLmodel", "text/plain", "flavors: {}");
    let pickle = server.get("/model-versions/get-artifact?name=churn&version=1&path=model.pkl");
    assert_download(&pickle, "model.pkl", "application/octet-stream", "pickle");
    for (query, status) in [
        ("name=churn&version=1&path=..%2F..%2Fsecret", 400),
        ("name=churn&version=1&path=nope.txt", 404),
        ("name=churn&version=9&path=MLmodel", 404),
        ("name=nope&version=1&path=MLmodel", 404),
        ("name=churn&version=1", 400),
    ] {
        let reply = server.get(&format!("/model-versions/get-artifact?{query}"));
        assert_eq!(reply.status, status, "{query}: {}", reply.body);
    }
}

#[test]
fn upload_artifact_writes_a_small_file_into_the_run() {
    let server = start(Auth::None);
    let (run_id, _) = new_run(&server);
    let reply = server.send(
        "POST",
        &format!("/ajax-api/2.0/mlflow/upload-artifact?run_uuid={run_id}&path=notes/readme.md"),
        &[("Content-Type", "application/octet-stream")],
        b"# hello",
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "");
    let read = server.get(&format!(
        "/get-artifact?path=notes/readme.md&run_uuid={run_id}"
    ));
    assert_download(&read, "readme.md", "text/plain", "# hello");
    let listed = server.get(&format!(
        "/api/2.0/mlflow/artifacts/list?run_id={run_id}&path=notes"
    ));
    assert_eq!(
        listed.json()["files"],
        json!([{"path": "notes/readme.md", "is_dir": false, "file_size": 7}])
    );
    for (query, body, message) in [
        (
            "path=a.txt".to_string(),
            &b"x"[..],
            "Request must specify run_uuid.",
        ),
        (
            format!("run_uuid={run_id}"),
            b"x",
            "Request must specify path.",
        ),
        (
            format!("run_uuid={run_id}&path=a.txt"),
            b"",
            "Request must specify data.",
        ),
        (
            format!("run_uuid={run_id}&path=../../a.txt"),
            b"x",
            "Invalid path",
        ),
        (
            format!("run_uuid={run_id}&path=%252e%252e/a.txt"),
            b"x",
            "Invalid path",
        ),
    ] {
        let reply = server.send(
            "POST",
            &format!("/ajax-api/2.0/mlflow/upload-artifact?{query}"),
            &[],
            body,
        );
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE", "{query}");
        let text = reply.json()["message"].as_str().unwrap().to_string();
        assert!(text.starts_with(message), "{query}: {text}");
    }
    // Refused by its declared length before any of it is read.
    let oversized = support::exchange(
        server.address,
        format!(
            "POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid={run_id}&path=big.bin HTTP/1.1\r\n\
             Host: {}\r\nConnection: close\r\nContent-Length: 10485761\r\n\r\n",
            server.host()
        )
        .as_bytes(),
    );
    assert_eq!(oversized.status, 400, "{}", oversized.body);
    assert!(
        oversized.body.contains("Max size is 10MB"),
        "{}",
        oversized.body
    );
    let unknown = server.send(
        "POST",
        "/ajax-api/2.0/mlflow/upload-artifact?run_uuid=0123456789abcdef0123456789abcdef&path=a.txt",
        &[],
        b"x",
    );
    assert_eq!(unknown.status, 404);
    let under_api = server.send(
        "POST",
        &format!("/api/2.0/mlflow/upload-artifact?run_uuid={run_id}&path=a.txt"),
        &[],
        b"x",
    );
    assert_eq!(under_api.status, 404, "MLflow has it under ajax-api only");
}

#[test]
fn logged_model_artifacts_are_listed_and_sent() {
    let server = start(Auth::None);
    let created = server.post(
        "/api/2.0/mlflow/logged-models",
        json!({"experiment_id": "0", "name": "m"}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let info = &created.json()["model"]["info"];
    let model_id = info["model_id"].as_str().unwrap().to_string();
    let location = info["artifact_uri"].as_str().unwrap().to_string();
    let folder = location.strip_prefix("mlflow-artifacts:/").unwrap();
    put(
        &server,
        &format!("{folder}/MLmodel"),
        b"artifact_path: model",
    );
    put(
        &server,
        &format!("{folder}/data/weights.bin"),
        b"0123456789",
    );
    for prefix in ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"] {
        let root = server.get(&format!(
            "{prefix}/logged-models/{model_id}/artifacts/directories"
        ));
        assert_eq!(root.status, 200, "{}", root.body);
        assert_eq!(
            root.json(),
            json!({"root_uri": location, "files": [
                {"path": "MLmodel", "is_dir": false, "file_size": 20},
                {"path": "data", "is_dir": true},
            ]})
        );
        let data = server.get(&format!(
            "{prefix}/logged-models/{model_id}/artifacts/directories?artifact_directory_path=data"
        ));
        assert_eq!(
            data.json()["files"],
            json!([{"path": "data/weights.bin", "is_dir": false, "file_size": 10}])
        );
        let missing = server.get(&format!(
            "{prefix}/logged-models/{model_id}/artifacts/directories?artifact_directory_path=none"
        ));
        assert_eq!(missing.json()["files"], json!([]));
        let hostile = server.get(&format!(
            "{prefix}/logged-models/{model_id}/artifacts/directories?artifact_directory_path=..%2F.."
        ));
        assert_eq!(hostile.status, 400, "{}", hostile.body);
    }
    let file = server.get(&format!(
        "/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=data/weights.bin"
    ));
    assert_download(
        &file,
        "weights.bin",
        "application/octet-stream",
        "0123456789",
    );
    assert_eq!(
        header(&file, "content-disposition").as_deref(),
        Some("attachment; filename=weights.bin")
    );
    let not_under_api = server.get(&format!(
        "/api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=MLmodel"
    ));
    assert_eq!(
        not_under_api.status, 404,
        "MLflow has it under ajax-api only"
    );
    let no_path = server.get(&format!(
        "/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files"
    ));
    assert_eq!(no_path.status, 400);
    assert_eq!(no_path.error_code(), "BAD_REQUEST");
    let hostile = server.get(&format!(
        "/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files?artifact_file_path=%2e%2e/%2e%2e/%2e%2e/cairn.db"
    ));
    assert_eq!(hostile.status, 400, "{}", hostile.body);
    let unknown = server.get(
        "/ajax-api/2.0/mlflow/logged-models/m-0123456789abcdef0123456789abcdef/artifacts/files?artifact_file_path=MLmodel",
    );
    assert_eq!(unknown.status, 404);
}
