//! Proxy multipart uploads (`mlflow-artifacts/mpu/create|complete|abort` and the part `PUT`s
//! their credentials point at), as the mlflow client drives them, and every refusal naming its
//! field; stale staging folders swept.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod support;

use std::time::{Duration, SystemTime};

use cairn_server::Auth;
use serde_json::{Value, json};
use support::{Reply, TestServer, start};

const MPU: &str = "/api/2.0/mlflow-artifacts/mpu";

fn header(reply: &Reply, name: &str) -> Option<String> {
    reply.head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

/// The folder in the URL and the local file in the body, as the client sends them.
fn split(path: &str) -> (&str, String) {
    let (folder, name) = path.rsplit_once('/').unwrap();
    (folder, format!("/tmp/local/{name}"))
}

fn create(server: &TestServer, path: &str, num_parts: u64) -> Value {
    let (folder, local) = split(path);
    let reply = server.post(
        &format!("{MPU}/create/{folder}"),
        json!({"path": local, "num_parts": num_parts}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// The credential's URL as a request target on the test server (its path and query).
fn target(credential: &Value) -> String {
    let url = credential["url"].as_str().unwrap();
    let after_scheme = url.strip_prefix("http://").unwrap();
    after_scheme[after_scheme.find('/').unwrap()..].to_string()
}

/// PUTs a part; answers its ETag.
fn put_part(server: &TestServer, credential: &Value, bytes: &[u8]) -> String {
    let reply = server.send("PUT", &target(credential), &[], bytes);
    assert_eq!(reply.status, 200, "{}", reply.body);
    header(&reply, "etag").unwrap()
}

fn complete(server: &TestServer, path: &str, upload_id: &str, parts: Value) -> Reply {
    let (folder, local) = split(path);
    server.post(
        &format!("{MPU}/complete/{folder}"),
        json!({"path": local, "upload_id": upload_id, "parts": parts}),
    )
}

fn staging_folders(folder: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.contains(".mpu-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn parts_uploaded_in_any_order_are_joined_in_part_order() {
    let server = start(Auth::None);
    let path = "0/run1/artifacts/ckpt/model.ckpt";
    let created = create(&server, path, 3);
    let upload_id = created["upload_id"].as_str().unwrap();
    assert_eq!(upload_id.len(), 32);
    let credentials = created["credentials"].as_array().unwrap();
    assert_eq!(credentials.len(), 3);
    for (index, credential) in credentials.iter().enumerate() {
        assert_eq!(credential["part_number"], json!(index + 1));
        assert_eq!(
            credential["url"],
            json!(format!(
                "http://{}/api/2.0/mlflow-artifacts/artifacts/{path}?upload_id={upload_id}&part_number={}",
                server.host(),
                index + 1
            ))
        );
        assert_eq!(credential["headers"], json!({}));
    }
    // Out of order, and part 2 sent twice: the second replaces the first.
    let third = put_part(&server, &credentials[2], b"CCC");
    let _stale = put_part(&server, &credentials[1], b"xx");
    let second = put_part(&server, &credentials[1], b"BBBB");
    let first = put_part(&server, &credentials[0], b"AAAAA");
    assert!(first.starts_with('"') && first.ends_with('"'), "{first}");
    let folder = server.artifact_root.join("0/run1/artifacts/ckpt");
    assert_eq!(staging_folders(&folder).len(), 1);
    // An upload in progress is not an artifact.
    let listing = server.get("/api/2.0/mlflow-artifacts/artifacts?path=0/run1/artifacts/ckpt");
    assert_eq!(listing.json()["files"], json!([]), "{}", listing.body);
    let done = complete(
        &server,
        path,
        upload_id,
        json!([
            {"part_number": 1, "etag": first, "url": target(&credentials[0])},
            {"part_number": 2, "etag": second},
            {"part_number": 3, "etag": third},
        ]),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.json(), json!({}));
    assert_eq!(
        std::fs::read(folder.join("model.ckpt")).unwrap(),
        b"AAAAABBBBCCC"
    );
    assert!(staging_folders(&folder).is_empty());
    let download = server.get(&format!("/api/2.0/mlflow-artifacts/artifacts/{path}"));
    assert_eq!(download.body, "AAAAABBBBCCC");
    // Completed: the upload is gone.
    let again = complete(
        &server,
        path,
        upload_id,
        json!([{"part_number": 1, "etag": first}]),
    );
    assert_eq!(again.status, 404, "{}", again.body);
    assert!(again.body.contains("upload_id"), "{}", again.body);
}

#[test]
fn wrong_etags_missing_parts_and_bad_part_lists_are_refused_by_field() {
    let server = start(Auth::None);
    let path = "0/run2/artifacts/data.bin";
    let created = create(&server, path, 2);
    let upload_id = created["upload_id"].as_str().unwrap().to_string();
    let credentials = created["credentials"].as_array().unwrap().clone();
    let first = put_part(&server, &credentials[0], b"one");
    for (parts, field) in [
        (json!([]), "'parts'"),
        (json!("nope"), "'parts'"),
        (
            json!([{"part_number": 1, "etag": "\"0000\""}]),
            "'parts[0].etag'",
        ),
        (
            json!([{"part_number": 1, "etag": first}, {"part_number": 2, "etag": first}]),
            "'parts[1].part_number'",
        ),
        (
            json!([{"part_number": 1, "etag": first}, {"part_number": 1, "etag": first}]),
            "'parts[1].part_number'",
        ),
        (
            json!([{"part_number": 0, "etag": first}]),
            "'parts[0].part_number'",
        ),
        (
            json!([{"part_number": 10001, "etag": first}]),
            "'parts[0].part_number'",
        ),
        (
            json!([{"part_number": "x", "etag": first}]),
            "'parts[0].part_number'",
        ),
        (json!([{"etag": first}]), "'parts[0].part_number'"),
        (json!([{"part_number": 1}]), "'parts[0].etag'"),
    ] {
        let reply = complete(&server, path, &upload_id, parts.clone());
        assert_eq!(reply.status, 400, "{parts}: {}", reply.body);
        assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE", "{parts}");
        assert!(reply.body.contains(field), "{parts}: {}", reply.body);
    }
    // Nothing appeared under the final name, and the upload can still be finished.
    let final_file = server.artifact_root.join(path);
    assert!(!final_file.exists());
    let second = put_part(&server, &credentials[1], b"two");
    let done = complete(
        &server,
        path,
        &upload_id,
        json!([{"part_number": 1, "etag": first}, {"part_number": 2, "etag": second}]),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(std::fs::read(final_file).unwrap(), b"onetwo");
}

#[test]
fn upload_ids_part_numbers_and_paths_are_checked() {
    let server = start(Auth::None);
    let path = "0/run3/artifacts/file.bin";
    let created = create(&server, path, 1);
    let upload_id = created["upload_id"].as_str().unwrap().to_string();
    let artifacts = "/api/2.0/mlflow-artifacts/artifacts";
    for (target, status, field) in [
        (
            format!("{artifacts}/{path}?upload_id=../../x&part_number=1"),
            400,
            "upload_id",
        ),
        (
            format!("{artifacts}/{path}?upload_id=0123456789abcdef0123456789abcdef&part_number=1"),
            404,
            "upload_id",
        ),
        (
            format!("{artifacts}/{path}?upload_id={upload_id}&part_number=0"),
            400,
            "part_number",
        ),
        (
            format!("{artifacts}/{path}?upload_id={upload_id}&part_number=x"),
            400,
            "part_number",
        ),
        (
            format!("{artifacts}/{path}?upload_id={upload_id}"),
            400,
            "part_number",
        ),
        (
            format!("{artifacts}/{path}?part_number=1"),
            400,
            "upload_id",
        ),
        (
            format!("{artifacts}/0/run3/artifacts/other.bin?upload_id={upload_id}&part_number=1"),
            404,
            "upload_id",
        ),
    ] {
        let reply = server.send("PUT", &target, &[], b"bytes");
        assert_eq!(reply.status, status, "{target}: {}", reply.body);
        assert!(reply.body.contains(field), "{target}: {}", reply.body);
    }
    for (body, field) in [
        (json!({"path": "f", "num_parts": -1}), "num_parts"),
        (json!({"path": "f", "num_parts": 10001}), "num_parts"),
        (json!({"num_parts": 1}), "'path'"),
        (json!({"path": "/tmp/", "num_parts": 1}), "'path'"),
        (json!({"path": "/tmp/..", "num_parts": 1}), "'path'"),
    ] {
        let reply = server.post(&format!("{MPU}/create/0/run3/artifacts"), body.clone());
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert!(reply.body.contains(field), "{body}: {}", reply.body);
    }
    for (hostile, local) in [
        ("0/%2e%2e/%2e%2e", "escape.bin"),
        ("%2Fetc", "escape.bin"),
        ("0/run3/artifacts/a%5Cb", "escape.bin"),
    ] {
        let reply = server.post(
            &format!("{MPU}/create/{hostile}"),
            json!({"path": local, "num_parts": 1}),
        );
        assert_eq!(reply.status, 400, "{hostile}: {}", reply.body);
    }
    assert!(!server.dir.path().join("escape.bin").exists());
    let bad_complete = complete(
        &server,
        path,
        "zz",
        json!([{"part_number": 1, "etag": "x"}]),
    );
    assert_eq!(bad_complete.status, 400);
    assert!(bad_complete.body.contains("upload_id"));
    // A part over the server's upload limit (1024 bytes in tests) is 413.
    let credential = &created["credentials"][0];
    let oversized = server.send("PUT", &target(credential), &[], &[b'x'; 2000]);
    assert_eq!(oversized.status, 413, "{}", oversized.body);
}

#[test]
fn abort_removes_the_staged_parts() {
    let server = start(Auth::None);
    let path = "0/run4/artifacts/big.bin";
    let created = create(&server, path, 2);
    let upload_id = created["upload_id"].as_str().unwrap().to_string();
    put_part(&server, &created["credentials"][0], b"part one");
    let folder = server.artifact_root.join("0/run4/artifacts");
    assert_eq!(staging_folders(&folder).len(), 1);
    let abort = |id: &str| {
        server.post(
            &format!("{MPU}/abort/0/run4/artifacts"),
            json!({"path": "C:\\Users\\me\\big.bin", "upload_id": id}),
        )
    };
    let reply = abort(&upload_id);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(staging_folders(&folder).is_empty());
    assert!(!folder.join("big.bin").exists());
    let twice = abort(&upload_id);
    assert_eq!(twice.status, 404);
    assert_eq!(twice.error_code(), "RESOURCE_DOES_NOT_EXIST");
    let late_part = server.send("PUT", &target(&created["credentials"][1]), &[], b"late");
    assert_eq!(late_part.status, 404);
    let missing_id = server.post(
        &format!("{MPU}/abort/0/run4/artifacts"),
        json!({"path": "big.bin"}),
    );
    assert_eq!(missing_id.status, 400);
    assert!(missing_id.body.contains("upload_id"));
}

#[test]
fn part_credentials_carry_the_callers_authorization_when_the_server_checks_it() {
    let server = start(Auth::Token("s3cret".into()));
    let bearer = [("Authorization", "Bearer s3cret")];
    let reply = server.send(
        "POST",
        &format!("{MPU}/create/0/run5/artifacts"),
        &[("Content-Type", "application/json"), bearer[0]],
        json!({"path": "w.bin", "num_parts": 1})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let credential = reply.json()["credentials"][0].clone();
    assert_eq!(
        credential["headers"],
        json!({"Authorization": "Bearer s3cret"})
    );
    let anonymous = server.send("PUT", &target(&credential), &[], b"x");
    assert_eq!(anonymous.status, 401);
    let part = server.send("PUT", &target(&credential), &bearer, b"x");
    assert_eq!(part.status, 200, "{}", part.body);
}

#[test]
fn stale_staging_folders_are_swept_and_fresh_ones_kept() {
    let server = start(Auth::None);
    let created = create(&server, "0/run6/artifacts/a.bin", 1);
    put_part(&server, &created["credentials"][0], b"x");
    let folder = server.artifact_root.join("0/run6/artifacts");
    let past = SystemTime::now() - Duration::from_secs(3600);
    assert_eq!(
        cairn_server::stale_uploads::sweep_older_than(&server.artifact_root, past),
        0
    );
    assert_eq!(staging_folders(&folder).len(), 1);
    let future = SystemTime::now() + Duration::from_secs(60);
    assert_eq!(
        cairn_server::stale_uploads::sweep_older_than(&server.artifact_root, future),
        1
    );
    assert!(staging_folders(&folder).is_empty());
}
