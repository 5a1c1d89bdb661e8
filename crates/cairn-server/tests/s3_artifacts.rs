//! `cairn serve` with its artifacts in a real S3-compatible store (SeaweedFS, checking
//! signatures): the artifact API, MLflow's file routes and proxy multipart uploads keep their
//! bytes in the bucket; a stopped store makes artifact calls 503 naming it while runs and metrics
//! keep working, and it comes back without a restart; a wrong secret stops the server at start.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cairn_artifact_store::{
    ArtifactEntry, ArtifactLocation, ArtifactMeta, ArtifactRead, ArtifactResult, ArtifactStore,
    ArtifactWriter, ByteRange, S3Settings, StoreMultipart,
};
use cairn_test_support::s3::{S3Server, TestBucket, fresh_bucket};
use serde_json::json;
use support::TestServer;

fn settings(bucket: &TestBucket) -> S3Settings {
    S3Settings::from_lookup(|name| {
        bucket
            .env()
            .into_iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value)
    })
}

fn s3_store(bucket: &TestBucket, prefix: &str) -> Arc<dyn ArtifactStore> {
    let location = ArtifactLocation::parse(&bucket.uri(prefix)).unwrap();
    cairn_artifact_store::open(&location, &settings(bucket)).unwrap()
}

fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

const ARTIFACTS: &str = "/api/2.0/mlflow-artifacts/artifacts";

fn create_run(server: &TestServer) -> (String, String) {
    let reply = server.post("/api/2.0/mlflow/runs/create", json!({"experiment_id": "0"}));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let info = &reply.json()["run"]["info"];
    (
        info["run_id"].as_str().unwrap().to_owned(),
        info["artifact_uri"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn artifacts_round_trip_through_the_bucket_with_ranges_listings_and_deletes() {
    let bucket = fresh_bucket();
    let server = support::start_with_artifacts(s3_store(&bucket, "team"), 64 * 1024 * 1024);
    let (run_id, uri) = create_run(&server);
    let relative = uri.strip_prefix("mlflow-artifacts:/").unwrap();

    let put = server.send(
        "PUT",
        &format!("{ARTIFACTS}/{relative}/dir/a.txt"),
        &[],
        b"0123456789",
    );
    assert_eq!(put.status, 200, "{}", put.body);
    server.send("PUT", &format!("{ARTIFACTS}/{relative}/b.txt"), &[], b"bee");

    // The bytes are in the bucket under the prefix, not in the store's folder.
    let direct = s3_store(&bucket, "");
    let meta = block_on(direct.head(&format!("team/{relative}/dir/a.txt"))).unwrap();
    assert_eq!(meta.size, 10);
    assert!(!server.artifact_root.join(relative).exists());

    let whole = server.get(&format!("{ARTIFACTS}/{relative}/dir/a.txt"));
    assert_eq!((whole.status, whole.body.as_str()), (200, "0123456789"));
    assert!(
        whole
            .head
            .to_ascii_lowercase()
            .contains("accept-ranges: bytes")
    );
    let part = server.send(
        "GET",
        &format!("{ARTIFACTS}/{relative}/dir/a.txt"),
        &[("Range", "bytes=2-4")],
        b"",
    );
    assert_eq!((part.status, part.body.as_str()), (206, "234"));
    assert!(
        part.head
            .to_ascii_lowercase()
            .contains("content-range: bytes 2-4/10"),
        "{}",
        part.head
    );
    let past = server.send(
        "GET",
        &format!("{ARTIFACTS}/{relative}/dir/a.txt"),
        &[("Range", "bytes=50-")],
        b"",
    );
    assert_eq!(past.status, 416, "{}", past.body);

    // MLflow's listings and file routes read the same bucket.
    let listing = server.get(&format!("/api/2.0/mlflow/artifacts/list?run_id={run_id}"));
    assert_eq!(
        listing.json()["files"],
        json!([
            {"path": "b.txt", "is_dir": false, "file_size": 3},
            {"path": "dir", "is_dir": true}
        ])
    );
    let inner = server.get(&format!(
        "/api/2.0/mlflow/artifacts/list?run_id={run_id}&path=dir"
    ));
    assert_eq!(
        inner.json()["files"],
        json!([{"path": "dir/a.txt", "is_dir": false, "file_size": 10}])
    );
    let file = server.get(&format!("/get-artifact?path=dir/a.txt&run_uuid={run_id}"));
    assert_eq!((file.status, file.body.as_str()), (200, "0123456789"));
    // It offers ranges, as the artifact route does, and answers them.
    let ranged = server.send(
        "GET",
        &format!("/get-artifact?path=dir/a.txt&run_uuid={run_id}"),
        &[("Range", "bytes=-3")],
        b"",
    );
    assert_eq!((ranged.status, ranged.body.as_str()), (206, "789"));
    assert!(
        ranged
            .head
            .to_ascii_lowercase()
            .contains("content-range: bytes 7-9/10"),
        "{}",
        ranged.head
    );
    let folder = server.get(&format!("{ARTIFACTS}/{relative}/dir"));
    assert_eq!(folder.status, 400, "{}", folder.body);
    let missing = server.get(&format!("{ARTIFACTS}/{relative}/nope.txt"));
    assert_eq!(
        (missing.status, missing.error_code().as_str()),
        (404, "RESOURCE_DOES_NOT_EXIST")
    );

    // Hostile paths never reach the bucket.
    for hostile in ["..%2F..%2Fx", "a/%2E%2E/%2E%2E/x"] {
        let reply = server.get(&format!("{ARTIFACTS}/{hostile}"));
        assert_eq!(reply.status, 400, "{hostile}: {}", reply.body);
    }
    let escape = server.get(&format!("/get-artifact?path=../../x&run_uuid={run_id}"));
    assert_eq!(escape.status, 400, "{}", escape.body);

    // The UI's run page lists and previews the bucket's files.
    let page = server.post("/app/api/get_run_page", json!({"runId": run_id}));
    assert_eq!(page.status, 200, "{}", page.body);
    let listed: Vec<(String, u64, bool)> = page.json()["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["path"].as_str().unwrap().to_owned(),
                entry["size_bytes"].as_u64().unwrap(),
                entry["present"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![("b.txt".into(), 3, true), ("dir/a.txt".into(), 10, true)]
    );
    let preview = server.post(
        "/app/api/read_artifact",
        json!({"runId": run_id, "path": "dir/a.txt", "maxBytes": 4, "fromEnd": true}),
    );
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.json()["text"], "6789");
    assert_eq!(preview.json()["truncated"], true);
    assert_eq!(
        preview.json()["blake3"],
        blake3::hash(b"0123456789").to_hex().to_string()
    );
    let hostile = server.post(
        "/app/api/read_artifact",
        json!({"runId": run_id, "path": "../../x"}),
    );
    assert_eq!(hostile.status, 400, "{}", hostile.body);
    // The browser's "Add files…" writes into the bucket too.
    let added = server.post(
        "/app/api/upload_artifact",
        json!({"runId": run_id, "path": "notes/n.txt", "contentBase64": "aGk="}),
    );
    assert_eq!(added.status, 200, "{}", added.body);
    let note = server.get(&format!("{ARTIFACTS}/{relative}/notes/n.txt"));
    assert_eq!((note.status, note.body.as_str()), (200, "hi"));
    assert!(!server.artifact_root.join(relative).exists());
    server.send("DELETE", &format!("{ARTIFACTS}/{relative}/notes"), &[], b"");

    // The UI's folder download packs the bucket's objects.
    let zip = server.get(&format!("/app/artifacts.zip?run_id={run_id}"));
    assert_eq!(zip.status, 200, "{}", zip.body);
    assert!(zip.head.contains("application/zip"), "{}", zip.head);
    assert!(
        zip.body.contains("PK") && zip.body.contains("dir/a.txt") && zip.body.contains("b.txt"),
        "{}",
        zip.body
    );
    let no_folder = server.get(&format!("/app/artifacts.zip?run_id={run_id}&path=nope"));
    assert_eq!(no_folder.status, 404, "{}", no_folder.body);

    let deleted = server.send("DELETE", &format!("{ARTIFACTS}/{relative}/dir"), &[], b"");
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let listing = server.get(&format!("/api/2.0/mlflow/artifacts/list?run_id={run_id}"));
    assert_eq!(
        listing.json()["files"],
        json!([{"path": "b.txt", "is_dir": false, "file_size": 3}])
    );
}

#[test]
fn a_proxy_multipart_upload_goes_to_the_stores_own_multipart_upload() {
    let bucket = fresh_bucket();
    let server = support::start_with_artifacts(s3_store(&bucket, ""), 64 * 1024 * 1024);
    let first: Vec<u8> = (0..5 * 1024 * 1024)
        .map(|index| b'a' + (index % 26) as u8)
        .collect();
    let second = b"and the rest".to_vec();
    let created = server.post(
        "/api/2.0/mlflow-artifacts/mpu/create/models/m1",
        json!({"path": "/tmp/weights.bin", "num_parts": 2}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let upload_id = created.json()["upload_id"].as_str().unwrap().to_owned();
    let mut parts = Vec::new();
    for (credential, bytes) in created.json()["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .zip([&first, &second])
    {
        let url = credential["url"].as_str().unwrap();
        let path = &url[url.find("/api/").unwrap()..];
        let reply = server.send("PUT", path, &[], bytes);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let etag = reply
            .head
            .lines()
            .find_map(|line| {
                line.strip_prefix("etag: ")
                    .or_else(|| line.strip_prefix("ETag: "))
            })
            .unwrap()
            .to_owned();
        parts.push(json!({"part_number": credential["part_number"], "etag": etag}));
    }
    let early = server.get(&format!("{ARTIFACTS}/models/m1/weights.bin"));
    assert_eq!(
        early.status,
        404,
        "visible before completion: {} bytes",
        early.body.len()
    );
    let completed = server.post(
        "/api/2.0/mlflow-artifacts/mpu/complete/models/m1",
        json!({"path": "/tmp/weights.bin", "upload_id": upload_id, "parts": parts}),
    );
    assert_eq!(completed.status, 200, "{}", completed.body);
    let back = server.get(&format!("{ARTIFACTS}/models/m1/weights.bin"));
    assert_eq!(back.status, 200);
    assert!(
        back.body.as_bytes() == [first, second].concat(),
        "the joined file differs"
    );

    let aborted = server.post(
        "/api/2.0/mlflow-artifacts/mpu/abort/models/m1",
        json!({"path": "/tmp/weights.bin", "upload_id": upload_id}),
    );
    // Whether the store calls a finished upload unknown (AWS: 404) or forgets it quietly
    // (SeaweedFS: 200), the completed file stays.
    assert!([200, 404].contains(&aborted.status), "{}", aborted.body);
    assert_eq!(
        server
            .get(&format!("{ARTIFACTS}/models/m1/weights.bin"))
            .status,
        200
    );
}

#[test]
fn a_stopped_store_is_503_naming_it_while_runs_and_metrics_work_and_it_comes_back() {
    let s3 = S3Server::start();
    let bucket = s3.fresh_bucket();
    let server = support::start_with_artifacts(s3_store(&bucket, ""), 1024 * 1024);
    let (run_id, uri) = create_run(&server);
    let relative = uri.strip_prefix("mlflow-artifacts:/").unwrap().to_owned();
    let file = format!("{ARTIFACTS}/{relative}/model.txt");
    assert_eq!(server.send("PUT", &file, &[], b"weights").status, 200);

    s3.halt();
    for (method, body) in [
        ("GET", &b""[..]),
        ("PUT", &b"new"[..]),
        ("DELETE", &b""[..]),
    ] {
        let started = Instant::now();
        let reply = server.send(method, &file, &[], body);
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{method} took {:?}",
            started.elapsed()
        );
        assert_eq!(reply.status, 503, "{method}: {}", reply.body);
        assert_eq!(reply.error_code(), "TEMPORARILY_UNAVAILABLE");
        let message = reply.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(&format!(
                "S3 bucket '{}' at {}",
                bucket.bucket, bucket.endpoint
            )),
            "{message}"
        );
        assert!(!message.contains(&bucket.secret_access_key), "{message}");
    }
    let listing = server.get(&format!("/api/2.0/mlflow/artifacts/list?run_id={run_id}"));
    assert_eq!(listing.status, 503, "{}", listing.body);
    // The tracking API does not need the store.
    let metric = server.post(
        "/api/2.0/mlflow/runs/log-metric",
        json!({"run_id": run_id, "key": "loss", "value": 0.5, "timestamp": 1, "step": 1}),
    );
    assert_eq!(metric.status, 200, "{}", metric.body);
    let search = server.post(
        "/api/2.0/mlflow/runs/search",
        json!({"experiment_ids": ["0"]}),
    );
    assert_eq!(search.status, 200, "{}", search.body);
    // /health says which half is down.
    let health = server.get("/health");
    assert_eq!(health.status, 503, "{}", health.body);
    assert_eq!(health.json()["store_ok"], true, "{}", health.body);
    assert_eq!(health.json()["artifacts_ok"], false, "{}", health.body);
    // Named once, with what failed.
    let message = health.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("cannot be reached"), "{message}");
    assert_eq!(message.matches("S3 bucket").count(), 1, "{message}");
    assert!(
        !health.body.contains(&bucket.secret_access_key),
        "{}",
        health.body
    );

    s3.resume();
    // Back without restarting cairn serve: reads, then writes, once SeaweedFS has its volume up.
    let deadline = Instant::now() + Duration::from_secs(30);
    let wait_for = |what: &str, attempt: &dyn Fn() -> support::Reply| loop {
        let reply = attempt();
        if reply.status == 200 {
            return reply;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not come back: {}",
            reply.body
        );
        std::thread::sleep(Duration::from_millis(250));
    };
    assert_eq!(wait_for("reading", &|| server.get(&file)).body, "weights");
    wait_for("writing", &|| server.send("PUT", &file, &[], b"again"));
    assert_eq!(server.get(&file).body, "again");
    assert_eq!(server.get("/health").status, 200);
}

#[test]
fn cairn_serve_refuses_to_start_when_the_bucket_refuses_its_secret() {
    let bucket = fresh_bucket();
    let mut wrong = bucket.clone();
    wrong.secret_access_key = "wrong-secret".into();
    let dir = tempfile::tempdir().unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let config = cairn_server::ServerConfig {
        address: "127.0.0.1:0".parse().unwrap(),
        auth: cairn_server::Auth::None,
        ui_dir: None,
        embedded_ui: None,
        max_artifact_bytes: 1024,
        allowed_hosts: Vec::new(),
        body_read_timeout: support::BODY_READ_TIMEOUT,
        database_deadline: cairn_server::DATABASE_DEADLINE,
        artifacts: Some(s3_store(&wrong, "")),
        trusted_proxies: cairn_server::client_address::TrustedProxies::default(),
    };
    let started = Instant::now();
    let error = block_on(cairn_server::serve(Arc::new(store), config)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(6));
    let message = format!("{error:#}");
    assert!(
        message.contains(&format!("S3 bucket '{}'", bucket.bucket)),
        "{message}"
    );
    assert!(
        message.contains("denied access") && !message.contains("wrong-secret"),
        "{message}"
    );
}

#[test]
fn another_local_folder_serves_the_api_and_the_run_page() {
    let elsewhere = tempfile::tempdir().unwrap();
    let folder = elsewhere.path().join("team-artifacts");
    let artifacts: Arc<dyn ArtifactStore> =
        Arc::new(cairn_artifact_store::FolderStore::new(folder.clone()));
    let server = support::start_with_artifacts(artifacts, 1024 * 1024);
    let (run_id, uri) = create_run(&server);
    let relative = uri.strip_prefix("mlflow-artifacts:/").unwrap();
    let put = server.send(
        "PUT",
        &format!("{ARTIFACTS}/{relative}/a.txt"),
        &[],
        b"here",
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        std::fs::read(folder.join(relative).join("a.txt")).unwrap(),
        b"here"
    );
    assert!(!server.artifact_root.join(relative).exists());
    let page = server.post("/app/api/get_run_page", json!({"runId": run_id}));
    assert_eq!(
        page.json()["artifacts"][0]["path"],
        "a.txt",
        "{}",
        page.body
    );
    let preview = server.post(
        "/app/api/read_artifact",
        json!({"runId": run_id, "path": "a.txt"}),
    );
    assert_eq!(preview.json()["text"], "here", "{}", preview.body);
    let file = server.get(&format!("/get-artifact?path=a.txt&run_uuid={run_id}"));
    assert_eq!((file.status, file.body.as_str()), (200, "here"));
}

#[test]
fn uploads_a_stopped_server_left_unfinished_are_aborted_and_a_running_ones_are_not() {
    let bucket = fresh_bucket();
    let store = s3_store(&bucket, "");
    let server = support::start_with_artifacts(Arc::clone(&store), 64 * 1024 * 1024);
    let created = server.post(
        "/api/2.0/mlflow-artifacts/mpu/create/models/m2",
        json!({"path": "/tmp/weights.bin", "num_parts": 2}),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let upload_id = created.json()["upload_id"].as_str().unwrap().to_owned();
    let credential = &created.json()["credentials"][0];
    let url = credential["url"].as_str().unwrap().to_owned();
    let part = vec![b'x'; 5 * 1024 * 1024];
    let reply = server.send("PUT", &url[url.find("/api/").unwrap()..], &[], &part);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let etag = reply
        .head
        .lines()
        .find_map(|line| {
            line.strip_prefix("etag: ")
                .or_else(|| line.strip_prefix("ETag: "))
        })
        .unwrap()
        .to_owned();
    let journal = block_on(store.list(cairn_server::multipart::JOURNAL_DIR)).unwrap();
    assert_eq!(
        journal.iter().filter(|entry| !entry.is_dir).count(),
        1,
        "the upload is journaled: {journal:?}"
    );
    // Clients cannot reach the journal: its markers name other clients' uploads.
    let marker = journal
        .iter()
        .find(|entry| !entry.is_dir)
        .unwrap()
        .name
        .clone();
    for (method, path) in [
        ("GET", format!("{ARTIFACTS}/.cairn-uploads/{marker}")),
        ("DELETE", format!("{ARTIFACTS}/.cairn-uploads/{marker}")),
        ("PUT", format!("{ARTIFACTS}/%2Ecairn-uploads/{marker}")),
        ("GET", format!("{ARTIFACTS}?path=.cairn-uploads")),
        (
            "GET",
            "/api/2.0/mlflow-artifacts/presigned/.cairn-uploads/x".to_owned(),
        ),
    ] {
        let reply = server.send(method, &path, &[], b"fake");
        assert_eq!(reply.status, 404, "{method} {path}: {}", reply.body);
    }
    let root = server.get(ARTIFACTS);
    assert!(!root.body.contains(".cairn-uploads"), "{}", root.body);
    assert_eq!(
        block_on(store.list(cairn_server::multipart::JOURNAL_DIR))
            .unwrap()
            .iter()
            .filter(|entry| !entry.is_dir)
            .count(),
        1
    );
    // While its server runs (a fresh heartbeat), another server's sweep leaves it alone.
    block_on(cairn_server::multipart::beat(&*store)).unwrap();
    let spared = block_on(cairn_server::multipart::abort_abandoned(
        &*store,
        cairn_server::multipart::SERVER_GONE_AFTER,
    ))
    .unwrap();
    assert_eq!(spared, 0, "a running server's upload is not aborted");
    // The server is gone before `complete` (its heartbeat stale): the next sweep cleans up.
    let aborted = block_on(cairn_server::multipart::abort_abandoned(
        &*store,
        std::time::Duration::ZERO,
    ))
    .unwrap();
    assert_eq!(aborted, 1);
    assert!(
        block_on(store.list(cairn_server::multipart::JOURNAL_DIR))
            .unwrap()
            .iter()
            .all(|entry| entry.is_dir)
    );
    // The upload is gone: completing it fails, and nothing is visible at its path.
    let completed = server.post(
        "/api/2.0/mlflow-artifacts/mpu/complete/models/m2",
        json!({"path": "/tmp/weights.bin", "upload_id": upload_id,
               "parts": [{"part_number": 1, "etag": etag}]}),
    );
    assert_ne!(completed.status, 200, "{}", completed.body);
    assert_eq!(
        server
            .get(&format!("{ARTIFACTS}/models/m2/weights.bin"))
            .status,
        404
    );
    // A finished upload leaves no marker behind.
    assert_eq!(
        block_on(cairn_server::multipart::abort_abandoned(
            &*store,
            std::time::Duration::ZERO
        ))
        .unwrap(),
        0
    );
}

#[test]
fn the_compare_views_diff_reads_saved_uncommitted_diffs_from_the_bucket() {
    use cairn_core::model::{GitOrigin, GitProvenance};
    use cairn_core::{ProvenanceStore as _, SqliteStore};

    let bucket = fresh_bucket();
    let server = support::start_with_artifacts(s3_store(&bucket, "compare"), 1 << 30);
    let store = SqliteStore::open(&server.dir.path().join("cairn.db")).unwrap();
    let mut runs = Vec::new();
    for (commit, diff) in [
        ("a1", "- old line\n+ first change\n"),
        ("b2", "+ second change\n"),
    ] {
        let (run_id, artifact_uri) = create_run(&server);
        let root = artifact_uri
            .trim_start_matches("mlflow-artifacts:")
            .trim_matches('/');
        let sent = server.send(
            "PUT",
            &format!("{ARTIFACTS}/{root}/cairn/git.diff"),
            &[],
            diff.as_bytes(),
        );
        assert_eq!(sent.status, 200, "{}", sent.body);
        let mut git = GitProvenance::empty(GitOrigin::Repository);
        git.commit_sha = Some(commit.repeat(20));
        git.is_dirty = Some(true);
        git.diff_artifact = Some("cairn/git.diff".into());
        store.set_git_provenance(&run_id, &git).unwrap();
        runs.push(run_id);
    }
    let reply = server.post(
        "/app/api/diff_runs",
        json!({"runA": runs[0], "runB": runs[1]}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let uncommitted = reply.json()["uncommitted"].clone();
    assert_eq!(uncommitted[0]["run_id"], runs[0].as_str(), "{uncommitted}");
    assert_eq!(uncommitted[0]["diff"], "- old line\n+ first change\n");
    assert_eq!(uncommitted[1]["diff"], "+ second change\n");
}

/// The S3 store of a test, its listings held up for `delay` each: a journal of many uploads, or
/// a slow store.
#[derive(Debug)]
struct SlowListings {
    store: Arc<dyn ArtifactStore>,
    delay: Duration,
}

#[async_trait::async_trait]
impl ArtifactStore for SlowListings {
    fn describe(&self) -> &str {
        self.store.describe()
    }
    fn local_root(&self) -> Option<&std::path::Path> {
        self.store.local_root()
    }
    async fn check(&self) -> ArtifactResult<()> {
        self.store.check().await
    }
    async fn head(&self, key: &str) -> ArtifactResult<ArtifactMeta> {
        self.store.head(key).await
    }
    async fn read(&self, key: &str, range: Option<ByteRange>) -> ArtifactResult<ArtifactRead> {
        self.store.read(key, range).await
    }
    async fn writer(&self, key: &str) -> ArtifactResult<Box<dyn ArtifactWriter>> {
        self.store.writer(key).await
    }
    async fn list(&self, prefix: &str) -> ArtifactResult<Vec<ArtifactEntry>> {
        tokio::time::sleep(self.delay).await;
        self.store.list(prefix).await
    }
    async fn delete(&self, key: &str) -> ArtifactResult<()> {
        self.store.delete(key).await
    }
    fn multipart(&self) -> Option<&dyn StoreMultipart> {
        self.store.multipart()
    }
}

/// What this process's heartbeat in `store` says (the time it was written).
async fn heartbeat_text(store: &dyn ArtifactStore) -> String {
    let servers = format!("{}/servers", cairn_server::multipart::JOURNAL_DIR);
    let beats = store.list(&servers).await.unwrap();
    assert_eq!(
        beats.len(),
        1,
        "one process beats in this bucket: {beats:?}"
    );
    let mut read = store
        .read(&format!("{servers}/{}", beats[0].name), None)
        .await
        .unwrap();
    let mut text = Vec::new();
    while let Some(piece) = futures_util::StreamExt::next(&mut read.stream).await {
        text.extend_from_slice(&piece.unwrap());
    }
    String::from_utf8(text).unwrap()
}

#[test]
fn a_servers_heartbeat_stays_fresh_while_a_sweep_is_held_up() {
    let bucket = fresh_bucket();
    let store = s3_store(&bucket, "");
    // Each sweep's listing of the journal takes far longer than the time between heartbeats.
    let slow: Arc<dyn ArtifactStore> = Arc::new(SlowListings {
        store: Arc::clone(&store),
        delay: Duration::from_secs(30),
    });
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let every = Duration::from_millis(300);
            let journal = tokio::spawn(cairn_server::multipart::keep_journal(slow, every));
            tokio::time::sleep(every * 2).await;
            let first = heartbeat_text(&*store).await;
            let mut beats = vec![first.clone()];
            let deadline = Instant::now() + every * 10;
            while Instant::now() < deadline && beats.len() < 3 {
                tokio::time::sleep(every / 2).await;
                let now = heartbeat_text(&*store).await;
                if beats.last() != Some(&now) {
                    beats.push(now);
                }
            }
            journal.abort();
            assert!(
                beats.len() >= 3,
                "the heartbeat was rewritten while the first sweep listed the journal: {beats:?}"
            );
        });
}
