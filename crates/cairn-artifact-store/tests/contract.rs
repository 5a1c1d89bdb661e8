//! The artifact storage contract, run on a local folder and on a real S3-compatible server
//! (SeaweedFS, a fresh bucket per test): round trips, ranges, listings, deletes, large writes
//! that become multipart uploads, and hostile keys refused.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::sync::Arc;

use bytes::Bytes;
use cairn_artifact_store::journal;
use cairn_artifact_store::s3::READ_PART_BYTES;
use cairn_artifact_store::{
    ArtifactError, ArtifactLocation, ArtifactStore, ByteRange, FolderStore, S3Settings, StoredPart,
};
use cairn_test_support::s3::{TestBucket, fresh_bucket};
use futures_util::TryStreamExt as _;

fn settings(bucket: &TestBucket) -> S3Settings {
    S3Settings::from_lookup(|name| {
        bucket
            .env()
            .into_iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value)
    })
}

fn s3_store() -> Arc<dyn ArtifactStore> {
    let bucket = fresh_bucket();
    let location = ArtifactLocation::parse(&bucket.uri("team/artifacts")).unwrap();
    cairn_artifact_store::open(&location, &settings(&bucket)).unwrap()
}

fn folder_store() -> (tempfile::TempDir, Arc<dyn ArtifactStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FolderStore::new(dir.path().join("artifacts")));
    (dir, store)
}

async fn put(store: &dyn ArtifactStore, key: &str, pieces: &[&[u8]]) -> u64 {
    let mut writer = store.writer(key).await.unwrap();
    for piece in pieces {
        writer.write(Bytes::copy_from_slice(piece)).await.unwrap();
    }
    writer.finish().await.unwrap()
}

async fn get(store: &dyn ArtifactStore, key: &str, range: Option<ByteRange>) -> Vec<u8> {
    let read = store.read(key, range).await.unwrap();
    let pieces: Vec<Bytes> = read.stream.try_collect().await.unwrap();
    pieces.concat()
}

/// Bytes that differ from position to position, so a misplaced part shows.
fn pattern(length: usize) -> Vec<u8> {
    (0..length).map(|index| (index * 31 % 251) as u8).collect()
}

async fn round_trip(store: &dyn ArtifactStore) {
    assert_eq!(
        put(store, "1/run/artifacts/a.txt", &[b"hel", b"lo ", b"world"]).await,
        11
    );
    assert_eq!(
        get(store, "1/run/artifacts/a.txt", None).await,
        b"hello world"
    );
    assert_eq!(store.head("1/run/artifacts/a.txt").await.unwrap().size, 11);
    // Replaced whole.
    put(store, "1/run/artifacts/a.txt", &[b"bye"]).await;
    assert_eq!(get(store, "1/run/artifacts/a.txt", None).await, b"bye");
    // Empty files and odd names.
    put(store, "1/run/artifacts/empty", &[]).await;
    assert_eq!(get(store, "1/run/artifacts/empty", None).await, b"");
    put(store, "1/run/artifacts/a b/ü #1.txt", &[b"x"]).await;
    assert_eq!(get(store, "1/run/artifacts/a b/ü #1.txt", None).await, b"x");
    // Missing is NotFound, a folder is not a file.
    let missing = store.read("1/run/artifacts/nope", None).await.unwrap_err();
    assert!(matches!(missing, ArtifactError::NotFound(_)), "{missing}");
    let folder = store.head("1/run/artifacts/a b").await.unwrap_err();
    assert!(matches!(folder, ArtifactError::Invalid(_)), "{folder}");
}

async fn ranges(store: &dyn ArtifactStore) {
    put(store, "r/f.bin", &[b"0123456789"]).await;
    assert_eq!(
        get(store, "r/f.bin", Some(ByteRange::Bounded(2, 5))).await,
        b"234"
    );
    assert_eq!(
        get(store, "r/f.bin", Some(ByteRange::From(7))).await,
        b"789"
    );
    assert_eq!(
        get(store, "r/f.bin", Some(ByteRange::Suffix(2))).await,
        b"89"
    );
    assert_eq!(
        get(store, "r/f.bin", Some(ByteRange::Bounded(8, 99))).await,
        b"89"
    );
    let read = store
        .read("r/f.bin", Some(ByteRange::Bounded(2, 5)))
        .await
        .unwrap();
    assert_eq!((read.size, read.range), (10, 2..5));
    let past = store
        .read("r/f.bin", Some(ByteRange::From(10)))
        .await
        .unwrap_err();
    assert!(matches!(past, ArtifactError::Invalid(_)), "{past}");
}

async fn listing(store: &dyn ArtifactStore) {
    put(store, "l/a/b.txt", &[b"bb"]).await;
    put(store, "l/a/c/d.txt", &[b"ddd"]).await;
    put(store, "l/e.txt", &[b"e"]).await;
    let names = |entries: Vec<cairn_artifact_store::ArtifactEntry>| {
        entries
            .into_iter()
            .map(|entry| (entry.name, entry.is_dir, entry.size))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(store.list("l").await.unwrap()),
        vec![("a".into(), true, None), ("e.txt".into(), false, Some(1))]
    );
    assert_eq!(
        names(store.list("l/a/").await.unwrap()),
        vec![("b.txt".into(), false, Some(2)), ("c".into(), true, None)]
    );
    assert!(store.list("l/nothing").await.unwrap().is_empty());
    assert!(
        store
            .list("")
            .await
            .unwrap()
            .iter()
            .any(|entry| entry.name == "l")
    );
}

async fn deleting(store: &dyn ArtifactStore) {
    put(store, "d/keep.txt", &[b"k"]).await;
    put(store, "d/x/one.txt", &[b"1"]).await;
    put(store, "d/x/y/two.txt", &[b"2"]).await;
    put(store, "d/file.txt", &[b"f"]).await;
    store.delete("d/file.txt").await.unwrap();
    store.delete("d/x").await.unwrap();
    let left: Vec<String> = store
        .list("d")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(left, vec!["keep.txt".to_owned()]);
    let missing = store.delete("d/x").await.unwrap_err();
    assert!(matches!(missing, ArtifactError::NotFound(_)), "{missing}");
    assert!(matches!(
        store.delete("").await.unwrap_err(),
        ArtifactError::Invalid(_)
    ));
}

async fn large_write(store: &dyn ArtifactStore) {
    // More than two of the object store's 8 MiB write parts and of its read parts, in pieces
    // of a little over 1 MiB (so that parts end inside a piece).
    let whole = pattern(2 * READ_PART_BYTES as usize + 5 * 1024 * 1024 + 123);
    let mut writer = store.writer("big/model.bin").await.unwrap();
    for piece in whole.chunks(1024 * 1024 + 7) {
        writer.write(Bytes::copy_from_slice(piece)).await.unwrap();
    }
    // Nothing is visible before the write finishes.
    assert!(store.head("big/model.bin").await.is_err());
    assert_eq!(writer.finish().await.unwrap(), whole.len() as u64);
    assert_eq!(
        store.head("big/model.bin").await.unwrap().size,
        whole.len() as u64
    );
    let back = get(store, "big/model.bin", None).await;
    assert!(back == whole, "the large file came back different");
    let tail = get(store, "big/model.bin", Some(ByteRange::Suffix(1000))).await;
    assert_eq!(tail, whole[whole.len() - 1000..]);
    // Ranges across the parts a large read is fetched in come back whole and in order.
    let mib = 1024 * 1024;
    for (start, end) in [
        (7 * mib, 7 * mib + READ_PART_BYTES + 5),
        (8 * mib - 1, 8 * mib + 1),
        (3, whole.len() as u64),
    ] {
        let part = get(store, "big/model.bin", Some(ByteRange::Bounded(start, end))).await;
        assert!(
            part == whole[start as usize..end as usize],
            "bytes {start}..{end} came back different"
        );
    }
    let read = store.read("big/model.bin", None).await.unwrap();
    assert_eq!(
        (read.size, read.range),
        (whole.len() as u64, 0..whole.len() as u64)
    );
    put(store, "big/empty.bin", &[]).await;
    assert_eq!(get(store, "big/empty.bin", None).await, b"");
    assert_eq!(store.read("big/empty.bin", None).await.unwrap().range, 0..0);
    // An aborted write leaves nothing.
    let mut writer = store.writer("big/aborted.bin").await.unwrap();
    writer
        .write(Bytes::from(pattern(9 * 1024 * 1024)))
        .await
        .unwrap();
    writer.abort().await;
    assert!(store.head("big/aborted.bin").await.is_err());
    // Neither the finished nor the aborted write left an entry in the upload journal.
    let journal = match store.list(journal::JOURNAL_DIR).await {
        Ok(entries) => entries,
        Err(ArtifactError::NotFound(_)) => Vec::new(),
        Err(error) => panic!("listing the journal: {error}"),
    };
    assert!(journal.iter().all(|entry| entry.is_dir), "{journal:?}");
}

async fn hostile_keys(store: &dyn ArtifactStore) {
    put(store, "safe/x", &[b"x"]).await;
    for key in [
        "../x",
        "safe/../../x",
        "/etc/passwd",
        "safe\\..\\x",
        "a\0b",
        "C:/x",
    ] {
        let refused = |error: ArtifactError| {
            assert!(matches!(error, ArtifactError::Invalid(_)), "{key}: {error}");
            assert!(
                error.to_string().contains("invalid artifact path"),
                "{key}: {error}"
            );
        };
        refused(store.read(key, None).await.unwrap_err());
        refused(store.head(key).await.unwrap_err());
        refused(store.writer(key).await.err().unwrap());
        refused(store.list(key).await.unwrap_err());
        refused(store.delete(key).await.unwrap_err());
    }
}

/// A file replaced while a reader is part-way through it comes back as it was when the read
/// began, or the read ends with an error: never a mix of the two.
async fn replaced_while_read(store: &dyn ArtifactStore) {
    // Several of the object store's read parts, so that the read goes on after the first.
    let old = pattern(3 * READ_PART_BYTES as usize + 1024 * 1024);
    put(store, "swap/model.bin", &[&old]).await;
    let mut read = store.read("swap/model.bin", None).await.unwrap();
    let mut got = read.stream.try_next().await.unwrap().unwrap().to_vec();
    assert!(got.len() < old.len());
    let new: Vec<u8> = old.iter().map(|byte| byte ^ 0xff).collect();
    put(store, "swap/model.bin", &[&new]).await;
    loop {
        match read.stream.try_next().await {
            Ok(Some(piece)) => got.extend_from_slice(&piece),
            Ok(None) => {
                assert!(got == old, "a replaced file was read mixed");
                break;
            }
            Err(error) => {
                assert!(
                    error.to_string().contains("swap/model.bin"),
                    "the error names the artifact: {error}"
                );
                break;
            }
        }
    }
    assert!(get(store, "swap/model.bin", None).await == new);
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod folder {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (_dir, store) = super::folder_store();
                    super::$name(&*store).await;
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let store = tokio::task::spawn_blocking(super::s3_store).await.unwrap();
                    super::$name(&*store).await;
                }
            )*
        }
    };
}

on_both!(
    round_trip,
    ranges,
    listing,
    deleting,
    large_write,
    replaced_while_read,
    hostile_keys
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_multipart_upload_joins_parts_only_when_completed() {
    let store = tokio::task::spawn_blocking(s3_store).await.unwrap();
    let multipart = store
        .multipart()
        .expect("an object store has multipart uploads");
    let first = pattern(5 * 1024 * 1024);
    let second = b"the last part".to_vec();
    let id = multipart.create("mpu/model.ckpt").await.unwrap();
    let etag_1 = multipart
        .put_part("mpu/model.ckpt", &id, 1, vec![Bytes::from(first.clone())])
        .await
        .unwrap();
    let etag_2 = multipart
        .put_part("mpu/model.ckpt", &id, 2, vec![Bytes::from(second.clone())])
        .await
        .unwrap();
    assert!(
        store.head("mpu/model.ckpt").await.is_err(),
        "visible before completion"
    );
    let parts = [
        StoredPart {
            part_number: 1,
            etag: etag_1,
        },
        StoredPart {
            part_number: 2,
            etag: etag_2,
        },
    ];
    let size = multipart
        .complete("mpu/model.ckpt", &id, &parts)
        .await
        .unwrap();
    assert_eq!(size, (first.len() + second.len()) as u64);
    assert_eq!(
        get(&*store, "mpu/model.ckpt", None).await,
        [first, second].concat()
    );

    let id = multipart.create("mpu/dropped.ckpt").await.unwrap();
    multipart
        .put_part("mpu/dropped.ckpt", &id, 1, vec![Bytes::from_static(b"x")])
        .await
        .unwrap();
    multipart.abort("mpu/dropped.ckpt", &id).await.unwrap();
    assert!(store.head("mpu/dropped.ckpt").await.is_err());
    let gone = multipart
        .put_part("mpu/dropped.ckpt", &id, 2, vec![Bytes::from_static(b"y")])
        .await
        .unwrap_err();
    assert!(matches!(gone, ArtifactError::NotFound(_)), "{gone}");
}

/// An upload journaled by another process whose clock runs an hour behind (another host): its
/// heartbeat and marker name times an hour old, yet the store stamped them just now, and the
/// sweep goes by the store's stamps: it spares the upload while that process beats, and aborts
/// it once its heartbeat is stale.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_tells_ages_by_the_stores_clock_not_the_writers() {
    let store = tokio::task::spawn_blocking(s3_store).await.unwrap();
    let multipart = store.multipart().unwrap();
    let path = "skewed/model.ckpt";
    let id = multipart.create(path).await.unwrap();
    let hour_behind = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        - 3_600_000;
    // The journal's format, as every Cairn process writes it: the marker's key is the upload id
    // in hex; it holds the path, the id, the owner and when the upload began.
    let hex: String = id.bytes().map(|byte| format!("{byte:02x}")).collect();
    let marker = format!("{}/{hex}", journal::JOURNAL_DIR);
    let marker_text = format!("{path}\n{id}\nskewed-host\n{hour_behind}");
    put(&*store, &marker, &[marker_text.as_bytes()]).await;
    let heartbeat = format!("{}/servers/skewed-host", journal::JOURNAL_DIR);
    put(&*store, &heartbeat, &[hour_behind.to_string().as_bytes()]).await;

    let spared = journal::abort_abandoned(&*store, journal::SERVER_GONE_AFTER).await;
    assert_eq!(spared.unwrap(), 0, "a process beating now is running");
    assert!(store.head(&marker).await.is_ok());
    let aborted = journal::abort_abandoned(&*store, std::time::Duration::ZERO).await;
    assert_eq!(aborted.unwrap(), 1, "a stale heartbeat's upload is aborted");
    assert!(matches!(
        store.head(&marker).await,
        Err(ArtifactError::NotFound(_))
    ));
    let gone = multipart
        .put_part(path, &id, 1, vec![Bytes::from_static(b"late")])
        .await
        .unwrap_err();
    assert!(matches!(gone, ArtifactError::NotFound(_)), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_denied_naming_the_bucket_and_never_the_secret() {
    let bucket = tokio::task::spawn_blocking(fresh_bucket).await.unwrap();
    let mut wrong = bucket.clone();
    wrong.secret_access_key = "not-the-secret".into();
    let location = ArtifactLocation::parse(&wrong.uri("")).unwrap();
    let store = cairn_artifact_store::open(&location, &settings(&wrong)).unwrap();
    let error = store.check().await.unwrap_err();
    assert!(matches!(error, ArtifactError::Denied { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.contains(&bucket.bucket) && text.contains(&bucket.endpoint),
        "{text}"
    );
    assert!(
        text.contains("denied access") && !text.contains("not-the-secret"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_store_is_unavailable_within_seconds() {
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = S3Settings::from_lookup(|name| match name {
        "MLFLOW_S3_ENDPOINT_URL" => Some(format!("http://127.0.0.1:{port}")),
        "AWS_ACCESS_KEY_ID" => Some("k".into()),
        "AWS_SECRET_ACCESS_KEY" => Some("s".into()),
        _ => None,
    });
    let store =
        cairn_artifact_store::open(&ArtifactLocation::parse("s3://gone").unwrap(), &settings)
            .unwrap();
    let started = std::time::Instant::now();
    let error = store.read("a/b", None).await.unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(error.is_unavailable(), "{error}");
    assert!(
        error
            .to_string()
            .contains(&format!("S3 bucket 'gone' at http://127.0.0.1:{port}"))
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_folder_store_never_follows_a_symlink_out() {
    let (dir, store) = folder_store();
    let outside = dir.path().join("secret.txt");
    std::fs::write(&outside, "secret").unwrap();
    let root = store.local_root().unwrap().to_path_buf();
    std::fs::create_dir_all(root.join("run")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("run/link.txt")).unwrap();
    std::os::unix::fs::symlink(dir.path(), root.join("run/up")).unwrap();
    for key in ["run/link.txt", "run/up/secret.txt"] {
        let error = store.read(key, None).await.unwrap_err();
        assert!(matches!(error, ArtifactError::Invalid(_)), "{key}: {error}");
        assert!(store.writer(key).await.is_err(), "{key}");
    }
    // Unfinished uploads are not listed.
    std::fs::write(
        root.join("run/.x.upload-0123456789abcdef0123456789abcdef"),
        "",
    )
    .unwrap();
    let names: Vec<String> = store
        .list("run")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, vec!["link.txt".to_owned(), "up".to_owned()]);
}
