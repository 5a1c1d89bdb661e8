//! The journal of multipart uploads started in an object store: a small marker object per
//! upload under `.cairn-uploads/` in the store itself, written when the upload starts (a proxy
//! multipart `create`, or a write past one chunk, see `s3`) and removed when it is completed or
//! aborted, naming the process that started it. Each running server also keeps a heartbeat there
//! (`.cairn-uploads/servers/<id>`, rewritten every [`HEARTBEAT_EVERY`]), and so does any other
//! process while it writes (`cairn store copy` into a bucket: [`keep_alive`]).
//!
//! An upload is abandoned when the process that started it has stopped (its heartbeat is older
//! than [`SERVER_GONE_AFTER`], or missing), or when it has been open longer than
//! [`UPLOAD_GONE_AFTER`] (its client went away and never aborted it). Every server sweeps the
//! journal when it starts and then every minute (`cairn_server::multipart::sweep_forever`),
//! aborting abandoned uploads so that their parts do not linger until a lifecycle rule. Uploads of
//! a process still running are never touched by another, so several servers can share one
//! bucket. The uploads themselves are never visible as objects, and clients cannot reach the
//! journal (the artifact routes refuse its folder).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::StreamExt as _;

use crate::{ArtifactError, ArtifactResult, ArtifactStore, StoreMultipart, StoredPart};

/// The folder of the markers, at the root of the artifact store.
pub const JOURNAL_DIR: &str = ".cairn-uploads";

/// How often a running server (or a process writing) rewrites its heartbeat and sweeps the journal.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(60);

/// A process whose heartbeat is older than this has stopped.
pub const SERVER_GONE_AFTER: Duration = Duration::from_secs(5 * 60);

/// An upload open longer than this was left by its client.
pub const UPLOAD_GONE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// This process's name in the journal: random, made once.
fn instance() -> &'static str {
    static INSTANCE: OnceLock<String> = OnceLock::new();
    INSTANCE.get_or_init(|| uuid::Uuid::new_v4().simple().to_string())
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis())
}

/// The marker's key for an upload: the upload id in hex (store ids hold `/`, `+` and `=`).
fn marker(upload_id: &str) -> String {
    let mut key = String::with_capacity(JOURNAL_DIR.len() + 1 + upload_id.len() * 2);
    key.push_str(JOURNAL_DIR);
    key.push('/');
    for byte in upload_id.bytes() {
        let _ = write!(key, "{byte:02x}");
    }
    key
}

fn heartbeat_key(instance: &str) -> String {
    format!("{JOURNAL_DIR}/servers/{instance}")
}

async fn write_text(store: &dyn ArtifactStore, key: &str, text: String) -> ArtifactResult<()> {
    let mut writer = store.writer(key).await?;
    writer.write(Bytes::from(text)).await?;
    writer.finish().await.map(drop)
}

async fn read_text(store: &dyn ArtifactStore, key: &str) -> ArtifactResult<String> {
    let mut read = store.read(key, None).await?;
    let mut text = Vec::new();
    while let Some(piece) = read.stream.next().await {
        text.extend_from_slice(&piece?);
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Notes that `upload_id` uploads to `path`, started now by this process (whose heartbeat is
/// brought up to date first).
async fn record(store: &dyn ArtifactStore, path: &str, upload_id: &str) -> ArtifactResult<()> {
    keep_alive(store).await?;
    let text = format!("{path}\n{upload_id}\n{}\n{}", instance(), now_ms());
    write_text(store, &marker(upload_id), text).await
}

/// Forgets `upload_id` (completed or aborted).
async fn forget(store: &dyn ArtifactStore, upload_id: &str) {
    let _ = store.delete(&marker(upload_id)).await;
}

/// Starts a multipart upload to `path` in `store` (whose `multipart` it is) and notes it; one
/// that cannot be noted is aborted again. Answers the store's upload id.
pub async fn begin(
    store: &dyn ArtifactStore,
    multipart: &dyn StoreMultipart,
    path: &str,
) -> ArtifactResult<String> {
    let upload_id = multipart.create(path).await?;
    if let Err(error) = record(store, path, &upload_id).await {
        let _ = multipart.abort(path, &upload_id).await;
        return Err(error);
    }
    Ok(upload_id)
}

/// Joins the parts of an upload [`begin`] started into the object at `path`, and forgets the
/// upload; answers the object's size.
pub async fn complete(
    store: &dyn ArtifactStore,
    multipart: &dyn StoreMultipart,
    path: &str,
    upload_id: &str,
    parts: &[StoredPart],
) -> ArtifactResult<u64> {
    let size = multipart.complete(path, upload_id, parts).await?;
    forget(store, upload_id).await;
    Ok(size)
}

/// Aborts an upload [`begin`] started, and forgets it once the store has dropped it (now, or
/// before: its `NotFound` is still answered); an abort the store did not take keeps it noted,
/// for a later sweep.
pub async fn abort(
    store: &dyn ArtifactStore,
    multipart: &dyn StoreMultipart,
    path: &str,
    upload_id: &str,
) -> ArtifactResult<()> {
    let aborted = multipart.abort(path, upload_id).await;
    if matches!(aborted, Ok(()) | Err(ArtifactError::NotFound(_))) {
        forget(store, upload_id).await;
    }
    aborted
}

/// When this process last wrote its heartbeat, by store (ms since the epoch).
fn last_beats() -> &'static Mutex<HashMap<String, u128>> {
    static BEATS: OnceLock<Mutex<HashMap<String, u128>>> = OnceLock::new();
    BEATS.get_or_init(Mutex::default)
}

/// Rewrites this process's heartbeat.
pub async fn beat(store: &dyn ArtifactStore) -> ArtifactResult<()> {
    let now = now_ms();
    write_text(store, &heartbeat_key(instance()), now.to_string()).await?;
    if let Ok(mut beats) = last_beats().lock() {
        beats.insert(store.describe().to_owned(), now);
    }
    Ok(())
}

/// Rewrites this process's heartbeat when it is older than half of [`HEARTBEAT_EVERY`]: a
/// process with uploads running calls it now and then, so that no sweep takes them for a stopped
/// process's.
pub async fn keep_alive(store: &dyn ArtifactStore) -> ArtifactResult<()> {
    let last = last_beats()
        .lock()
        .ok()
        .and_then(|beats| beats.get(store.describe()).copied());
    let fresh =
        last.is_some_and(|last| now_ms().saturating_sub(last) < HEARTBEAT_EVERY.as_millis() / 2);
    if fresh { Ok(()) } else { beat(store).await }
}

/// Ages in the journal. An object store stamps each object it keeps with its own clock
/// (`Last-Modified`), and the heartbeat a sweep writes first is stamped "now" by it: every other
/// heartbeat and marker is as old as the difference between their stamps, whatever the clocks of
/// the processes that wrote them say (hosts minutes apart would otherwise take a running
/// process for a stopped one, or the reverse). Only a store that stamps nothing is read by the
/// times written in the objects and this process's clock.
struct JournalClock {
    /// The stamp of this sweep's own heartbeat, when the store gives one.
    store_now_ms: Option<i64>,
    local_now_ms: u128,
}

impl JournalClock {
    /// Writes this process's heartbeat and reads the store's stamp of it.
    async fn start(store: &dyn ArtifactStore) -> ArtifactResult<JournalClock> {
        beat(store).await?;
        let local_now_ms = now_ms();
        let store_now_ms = store.head(&heartbeat_key(instance())).await?.modified_ms;
        Ok(JournalClock {
            store_now_ms,
            local_now_ms,
        })
    }

    /// How old the object at `key` is, in milliseconds, or `None` when it is gone; `written_ms`
    /// reads the time its writer put in it, for a store that stamps nothing.
    async fn age_ms(
        &self,
        store: &dyn ArtifactStore,
        key: &str,
        written_ms: impl AsyncFnOnce() -> ArtifactResult<Option<u128>>,
    ) -> ArtifactResult<Option<u128>> {
        let stamped = match store.head(key).await {
            Ok(meta) => meta.modified_ms,
            Err(ArtifactError::NotFound(_)) => return Ok(None),
            Err(error) => return Err(error),
        };
        if let (Some(now), Some(then)) = (self.store_now_ms, stamped) {
            return Ok(Some(u128::try_from(now.saturating_sub(then)).unwrap_or(0)));
        }
        Ok(written_ms()
            .await?
            .map(|written| self.local_now_ms.saturating_sub(written)))
    }
}

/// Aborts every upload in `store` whose process stopped (its heartbeat at least
/// `server_gone_after` old, or missing) or that has been open longer than
/// [`UPLOAD_GONE_AFTER`]; returns how many. The sweeping process writes its own heartbeat first,
/// so its own uploads are spared (ages: [`JournalClock`]); each process's heartbeat is read once
/// a sweep, however many uploads it has.
pub async fn abort_abandoned(
    store: &dyn ArtifactStore,
    server_gone_after: Duration,
) -> ArtifactResult<usize> {
    let Some(multipart) = store.multipart() else {
        return Ok(0);
    };
    let clock = JournalClock::start(store).await?;
    // Whether each process named by a marker has stopped, its heartbeat read once a sweep.
    let mut owners_gone: HashMap<String, bool> = HashMap::new();
    let mut aborted = 0;
    for entry in store.list(JOURNAL_DIR).await? {
        if entry.is_dir {
            continue;
        }
        let key = format!("{JOURNAL_DIR}/{}", entry.name);
        let text = match read_text(store, &key).await {
            Ok(text) => text,
            // Forgotten since the listing: its upload was completed or aborted meanwhile.
            Err(ArtifactError::NotFound(_)) => continue,
            Err(error) => return Err(error),
        };
        let mut lines = text.lines();
        let (Some(path), Some(upload_id)) = (lines.next(), lines.next()) else {
            let _ = store.delete(&key).await;
            continue;
        };
        let owner = lines.next();
        let started: Option<u128> = lines.next().and_then(|line| line.parse().ok());
        let open_too_long = match clock.age_ms(store, &key, async || Ok(started)).await {
            Ok(Some(age)) => age > UPLOAD_GONE_AFTER.as_millis(),
            // Forgotten meanwhile, or not known now: looked at again by the next sweep.
            Ok(None) | Err(_) => continue,
        };
        let owner_gone = match owner {
            // A marker of an older Cairn names no server: its server is the one that stopped.
            None => true,
            Some(owner) => match owners_gone.get(owner) {
                Some(gone) => *gone,
                None => {
                    let beat_key = heartbeat_key(owner);
                    let written =
                        async || Ok(read_text(store, &beat_key).await?.trim().parse().ok());
                    let gone = match clock.age_ms(store, &beat_key, written).await {
                        Ok(Some(age)) => age >= server_gone_after.as_millis(),
                        Ok(None) => true,
                        // Not known now (the store did not answer): looked at again by the
                        // next sweep.
                        Err(_) => continue,
                    };
                    owners_gone.insert(owner.to_owned(), gone);
                    gone
                }
            },
        };
        if !(owner_gone || open_too_long) {
            continue;
        }
        // Already completed or aborted elsewhere is fine: the marker goes. An abort the store
        // did not take keeps it, for the next sweep.
        if let Ok(()) | Err(ArtifactError::NotFound(_)) =
            abort(store, multipart, path, upload_id).await
        {
            aborted += 1;
        }
    }
    Ok(aborted)
}
