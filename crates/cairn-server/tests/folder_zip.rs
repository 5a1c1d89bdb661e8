//! A run's artifact folder downloaded as a zip (`GET /app/artifacts.zip`): every regular file with
//! its bytes, nothing reached through a symlink, hostile paths refused.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod support;

use std::io::{Cursor, Read, Write};
use std::net::TcpStream;

use cairn_server::Auth;
use serde_json::json;
use support::{TestServer, start};

/// Status, head and raw body of an HTTP/1.0 GET (the body arrives until the server closes, with
/// no chunking to undo).
fn get_bytes(server: &TestServer, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(server.host()).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n",
        server.host()
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap();
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, response[split + 4..].to_vec())
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

#[test]
fn a_folder_downloads_as_a_zip_of_its_files_and_nothing_else() {
    let server = start(Auth::None);
    let reply = server.post("/api/2.0/mlflow/runs/create", json!({"experiment_id": "0"}));
    let info = &reply.json()["run"]["info"];
    let run_id = info["run_id"].as_str().unwrap().to_string();
    let folder = info["artifact_uri"]
        .as_str()
        .unwrap()
        .strip_prefix("mlflow-artifacts:/")
        .unwrap()
        .to_string();
    let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    put(
        &server,
        &format!("{folder}/model/MLmodel"),
        b"flavors: {}\n",
    );
    put(&server, &format!("{folder}/notes.txt"), b"hello");
    // Larger than this test server takes over HTTP: written in place.
    let run_folder = server.artifact_root.join(&folder);
    std::fs::create_dir_all(run_folder.join("model/data")).unwrap();
    std::fs::write(run_folder.join("model/data/weights.bin"), &binary).unwrap();
    // A symlink out of the run's folder is never followed.
    let secret = server.dir.path().join("secret.txt");
    std::fs::write(&secret, b"not yours").unwrap();
    std::os::unix::fs::symlink(&secret, run_folder.join("model/leak.txt")).unwrap();

    let read = |path: &str| {
        let (status, head, body) = get_bytes(&server, path);
        assert_eq!(status, 200, "{path}: {head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/zip"),
            "{head}"
        );
        let mut archive = zip::ZipArchive::new(Cursor::new(body)).unwrap();
        let mut files = Vec::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            files.push((entry.name().unwrap().to_string(), bytes));
        }
        (head, files)
    };
    let (head, files) = read(&format!("/app/artifacts.zip?run_id={run_id}&path=model"));
    assert!(head.contains("filename=model.zip"), "{head}");
    assert_eq!(
        files,
        vec![
            ("MLmodel".to_string(), b"flavors: {}\n".to_vec()),
            ("data/weights.bin".to_string(), binary.clone()),
        ]
    );
    let (_, whole) = read(&format!("/app/artifacts.zip?run_id={run_id}"));
    let names: Vec<&str> = whole.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["model/MLmodel", "model/data/weights.bin", "notes.txt"]
    );
}

#[test]
fn missing_runs_folders_and_hostile_paths_are_refused() {
    let server = start(Auth::None);
    let reply = server.post("/api/2.0/mlflow/runs/create", json!({"experiment_id": "0"}));
    let run_id = reply.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    for (path, status) in [
        ("/app/artifacts.zip".to_string(), 400),
        ("/app/artifacts.zip?run_id=nope".to_string(), 404),
        (
            format!("/app/artifacts.zip?run_id={run_id}&path=absent"),
            404,
        ),
        (
            format!("/app/artifacts.zip?run_id={run_id}&path=../.."),
            400,
        ),
        (
            format!("/app/artifacts.zip?run_id={run_id}&path=%2Fetc"),
            400,
        ),
    ] {
        let (got, head, body) = get_bytes(&server, &path);
        assert_eq!(
            got,
            status,
            "{path}: {head} {}",
            String::from_utf8_lossy(&body)
        );
    }
}
