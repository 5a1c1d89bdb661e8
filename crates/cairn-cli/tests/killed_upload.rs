//! `cairn serve --artifacts s3://...` killed (SIGKILL) in the middle of a large artifact `PUT`:
//! the bytes it had sent went to the store's own multipart upload, which no object shows, and
//! which the upload journal in the bucket names; a sweep once the killed server's heartbeat is
//! stale aborts it, so no parts stay behind. A large write that completes leaves no journal
//! entry. Real parts: the `cairn` binary and SeaweedFS.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod common;

use std::io::Write as _;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cairn_artifact_store::journal::{JOURNAL_DIR, abort_abandoned};
use cairn_artifact_store::{
    ArtifactError, ArtifactLocation, ArtifactStore, S3Settings, StoredPart,
};
use cairn_test_support::s3::{TestBucket, fresh_bucket};
use common::Sandbox;
use futures_util::StreamExt as _;

const MIB: usize = 1024 * 1024;

/// Runs `work` on the test's one runtime (a write's parts are sent by tasks of it).
fn block_on<T>(work: impl std::future::Future<Output = T>) -> T {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
        })
        .block_on(work)
}

/// The bucket under `prefix`, as the server sees it.
fn open_store(bucket: &TestBucket, prefix: &str) -> Arc<dyn ArtifactStore> {
    let settings = S3Settings::from_lookup(|name| {
        bucket
            .env()
            .into_iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value)
    });
    let location = ArtifactLocation::parse(&bucket.uri(prefix)).unwrap();
    cairn_artifact_store::open(&location, &settings).unwrap()
}

/// The journal's markers: (key, the upload's path, its id).
fn markers(store: &dyn ArtifactStore) -> Vec<(String, String, String)> {
    let entries = block_on(store.list(JOURNAL_DIR)).unwrap_or_default();
    entries
        .into_iter()
        .filter(|entry| !entry.is_dir)
        .map(|entry| {
            let key = format!("{JOURNAL_DIR}/{}", entry.name);
            let text = block_on(async {
                let mut read = store.read(&key, None).await.unwrap();
                let mut text = Vec::new();
                while let Some(piece) = read.stream.next().await {
                    text.extend_from_slice(&piece.unwrap());
                }
                String::from_utf8(text).unwrap()
            });
            let mut lines = text.lines();
            let path = lines.next().unwrap().to_owned();
            let id = lines.next().unwrap().to_owned();
            (key, path, id)
        })
        .collect()
}

#[test]
fn a_server_killed_mid_upload_leaves_no_object_and_its_upload_is_aborted() {
    let bucket = fresh_bucket();
    let sandbox = Sandbox::with_store("team.db");
    let env = bucket.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let uri = bucket.uri("artifacts");
    let mut served = sandbox.serve(&["--artifacts", &uri], &env);
    let store = open_store(&bucket, "artifacts");

    // A large write that completes leaves the object and no journal entry.
    let whole = vec![7u8; 20 * MIB];
    let put = served.send(
        "PUT",
        "/api/2.0/mlflow-artifacts/artifacts/done/model.bin",
        &[],
        &whole,
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let meta = block_on(store.head("done/model.bin")).unwrap();
    assert_eq!(meta.size, whole.len() as u64);
    assert!(
        markers(&*store).is_empty(),
        "a completed write is forgotten"
    );

    // 40 MiB announced, 20 MiB sent: two parts are in the store's upload.
    let mut stream = TcpStream::connect(served.address).unwrap();
    let head = format!(
        "PUT /api/2.0/mlflow-artifacts/artifacts/killed/model.bin HTTP/1.1\r\nHost: {}\r\n\
         Content-Length: {}\r\n\r\n",
        served.address,
        40 * MIB
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&whole).unwrap();
    stream.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let journaled = loop {
        let found = markers(&*store);
        if !found.is_empty() || Instant::now() > deadline {
            break found;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(journaled.len(), 1, "the running upload is journaled");
    let (_, path, upload_id) = journaled[0].clone();
    assert_eq!(path, "killed/model.bin");

    served.child.kill().unwrap();
    served.child.wait().unwrap();
    drop(stream);

    // Nothing is visible where the write was going.
    assert!(matches!(
        block_on(store.head("killed/model.bin")),
        Err(ArtifactError::NotFound(_))
    ));
    let listing = block_on(store.list("")).unwrap();
    assert!(
        listing.iter().all(|entry| entry.name != "killed"),
        "{listing:?}"
    );
    // Another process writing a large file meanwhile (`cairn store copy`, here this test):
    // its upload is journaled under its own heartbeat.
    let mut copying = block_on(store.writer("copied/model.bin")).unwrap();
    block_on(copying.write(whole.clone().into())).unwrap();
    assert_eq!(markers(&*store).len(), 2);
    // A sweep while the killed server's heartbeat is still fresh spares its upload (a running
    // server's looks the same), and a running writer's.
    assert_eq!(
        block_on(abort_abandoned(
            &*store,
            cairn_artifact_store::journal::SERVER_GONE_AFTER
        ))
        .unwrap(),
        0
    );
    assert_eq!(block_on(copying.finish()).unwrap(), whole.len() as u64);
    assert_eq!(
        block_on(store.head("copied/model.bin")).unwrap().size,
        whole.len() as u64
    );
    // Once the killed server's heartbeat is stale, its upload is aborted.
    assert_eq!(
        block_on(abort_abandoned(&*store, Duration::ZERO)).unwrap(),
        1
    );
    assert!(markers(&*store).is_empty());
    let multipart = store.multipart().unwrap();
    let completed = block_on(multipart.complete(
        &path,
        &upload_id,
        &[StoredPart {
            part_number: 1,
            etag: "any".to_owned(),
        }],
    ));
    assert!(
        completed.is_err(),
        "the aborted upload cannot be completed: {completed:?}"
    );
    assert!(matches!(
        block_on(store.head("killed/model.bin")),
        Err(ArtifactError::NotFound(_))
    ));
}
