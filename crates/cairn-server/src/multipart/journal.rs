//! The journal of multipart uploads started in an object store: a small marker object per
//! upload under `.cairn-uploads/` in the store itself, written at `create` and removed at
//! `complete` or `abort`. A server killed in between leaves its markers; the next server to
//! start on the store aborts those uploads ([`abort_abandoned`]), so their parts do not linger
//! until a lifecycle rule. The uploads themselves are never visible as objects.

use std::fmt::Write as _;

use axum::body::Bytes;
use cairn_artifact_store::{ArtifactResult, ArtifactStore};
use futures_util::StreamExt as _;

/// The folder of the markers, at the root of the artifact store.
pub const JOURNAL_DIR: &str = ".cairn-uploads";

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

/// Notes that `upload_id` uploads to `path`.
pub(crate) async fn record(
    store: &dyn ArtifactStore,
    path: &str,
    upload_id: &str,
) -> ArtifactResult<()> {
    let mut writer = store.writer(&marker(upload_id)).await?;
    writer
        .write(Bytes::from(format!("{path}\n{upload_id}")))
        .await?;
    writer.finish().await.map(drop)
}

/// Forgets `upload_id` (completed or aborted).
pub(crate) async fn forget(store: &dyn ArtifactStore, upload_id: &str) {
    let _ = store.delete(&marker(upload_id)).await;
}

/// Aborts every upload a stopped server left unfinished in `store`; returns how many.
pub async fn abort_abandoned(store: &dyn ArtifactStore) -> ArtifactResult<usize> {
    let Some(multipart) = store.multipart() else {
        return Ok(0);
    };
    let mut aborted = 0;
    for entry in store.list(JOURNAL_DIR).await? {
        if entry.is_dir {
            continue;
        }
        let key = format!("{JOURNAL_DIR}/{}", entry.name);
        let mut read = store.read(&key, None).await?;
        let mut text = Vec::new();
        while let Some(piece) = read.stream.next().await {
            text.extend_from_slice(&piece?);
        }
        let text = String::from_utf8_lossy(&text);
        if let Some((path, upload_id)) = text.split_once('\n') {
            // Already completed or aborted elsewhere is fine: the marker goes either way.
            let _ = multipart.abort(path, upload_id).await;
            aborted += 1;
        }
        let _ = store.delete(&key).await;
    }
    Ok(aborted)
}
