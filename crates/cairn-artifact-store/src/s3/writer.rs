//! A write to an S3-compatible store. Bytes are gathered until one chunk
//! ([`WRITE_CHUNK_BYTES`]) is there: a write that ends before is one `PUT`. Past it the write is
//! the store's own multipart upload, a chunk per part, [`WRITE_CONCURRENCY`] parts in flight, and
//! the upload is noted in the journal (`crate::journal`) from its start until it is completed or
//! aborted. So a write cut off by a process that was killed, whose parts the store would keep
//! until a lifecycle rule dropped them, is aborted by the next server's sweep like an unfinished
//! proxy multipart upload. A write the caller aborts, or drops unfinished (its request went away),
//! is aborted at once.

use async_trait::async_trait;
use bytes::Bytes;
use object_store::{ObjectStoreExt as _, PutPayload};
use tokio::task::JoinSet;

use super::gathered::Gathered;
use super::{S3Store, WRITE_CHUNK_BYTES, WRITE_CONCURRENCY};
use crate::{
    ArtifactError, ArtifactResult, ArtifactWriter, StoreMultipart as _, StoredPart, journal,
};

/// One write in progress.
pub(super) struct S3Writer {
    store: S3Store,
    /// Relative to the store's root.
    key: String,
    /// Bytes not sent yet, fewer than one chunk between calls.
    gathered: Gathered,
    /// The multipart upload, once a chunk was full.
    upload: Option<Upload>,
    written: u64,
    /// Finished, aborted, or failed: nothing more is sent.
    closed: bool,
}

/// A started multipart upload and its parts.
struct Upload {
    id: String,
    /// Parts being sent: each answers its number and the store's id for it.
    sending: JoinSet<(usize, ArtifactResult<String>)>,
    /// The store's id of each part sent, by part number - 1.
    sent: Vec<Option<String>>,
}

impl S3Writer {
    /// A write to `key`, which names a file (checked by the caller).
    pub(super) fn new(store: S3Store, key: &str) -> S3Writer {
        S3Writer {
            store,
            key: key.to_owned(),
            gathered: Gathered::default(),
            upload: None,
            written: 0,
            closed: false,
        }
    }

    fn closed_error(&self) -> ArtifactError {
        ArtifactError::Failed(format!(
            "writing artifact '{}': the upload is closed",
            self.key
        ))
    }

    /// Starts the multipart upload and notes it in the journal.
    async fn start_upload(&self) -> ArtifactResult<Upload> {
        Ok(Upload {
            id: journal::begin(&self.store, &self.store, &self.key).await?,
            sending: JoinSet::new(),
            sent: Vec::new(),
        })
    }

    /// Sends `part` as the upload's next part, starting the upload first if need be, once fewer
    /// than [`WRITE_CONCURRENCY`] parts are in flight.
    async fn send_part(&mut self, part: Vec<Bytes>) -> ArtifactResult<()> {
        if self.upload.is_none() {
            self.upload = Some(self.start_upload().await?);
        }
        let Some(upload) = self.upload.as_mut() else {
            return Err(self.closed_error());
        };
        while upload.sending.len() >= WRITE_CONCURRENCY {
            wait_for_one(upload, &self.key).await?;
        }
        // A long write keeps its process's heartbeat fresh, so that no sweep aborts it.
        journal::keep_alive(&self.store).await?;
        upload.sent.push(None);
        let index = upload.sent.len() - 1;
        let (store, key, id) = (self.store.clone(), self.key.clone(), upload.id.clone());
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        upload.sending.spawn(async move {
            let sent = store.put_part(&key, &id, number, part).await;
            (index, sent)
        });
        Ok(())
    }

    /// Sends what is left and joins the parts into the object.
    async fn complete(&mut self) -> ArtifactResult<()> {
        if self.gathered.len() > 0 {
            let last = self.gathered.take_all();
            self.send_part(last).await?;
        }
        let Some(upload) = self.upload.as_mut() else {
            return Err(self.closed_error());
        };
        while !upload.sending.is_empty() {
            wait_for_one(upload, &self.key).await?;
        }
        let parts: Vec<StoredPart> = (1..)
            .zip(&upload.sent)
            .map(|(part_number, id)| StoredPart {
                part_number,
                etag: id.clone().unwrap_or_default(),
            })
            .collect();
        journal::complete(&self.store, &self.store, &self.key, &upload.id, &parts).await?;
        self.upload = None;
        Ok(())
    }

    /// The gathered bytes as one object.
    async fn put_whole(&mut self) -> ArtifactResult<()> {
        let path = self.store.path(&self.key)?;
        let payload: PutPayload = self.gathered.take_all().into_iter().collect();
        self.store
            .store
            .put(&path, payload)
            .await
            .map(drop)
            .map_err(|error| self.store.error(&self.key, error))
    }

    /// Drops the upload, if one was started, its parts and its journal entry.
    async fn abort_upload(&mut self) {
        self.closed = true;
        self.gathered.clear();
        if let Some(upload) = self.upload.take() {
            abort_and_forget(&self.store, &self.key, upload).await;
        }
    }

    /// `result`, with the upload aborted when it is a failure.
    async fn or_abort<T>(&mut self, result: ArtifactResult<T>) -> ArtifactResult<T> {
        if result.is_err() {
            self.abort_upload().await;
        }
        result
    }
}

/// Stops the upload's parts in flight, then aborts it (so that no part lands after the abort)
/// and forgets it once the store has dropped it; while the store cannot be reached its marker
/// stays, for a later sweep to abort it.
async fn abort_and_forget(store: &S3Store, key: &str, mut upload: Upload) {
    upload.sending.abort_all();
    while upload.sending.join_next().await.is_some() {}
    let _ = journal::abort(store, store, key, &upload.id).await;
}

/// Waits for one part in flight and notes its id; its failure is the write's.
async fn wait_for_one(upload: &mut Upload, key: &str) -> ArtifactResult<()> {
    match upload.sending.join_next().await {
        Some(Ok((index, Ok(id)))) => {
            upload.sent[index] = Some(id);
            Ok(())
        }
        Some(Ok((_, Err(error)))) => Err(error),
        Some(Err(error)) => Err(ArtifactError::Failed(format!(
            "writing artifact '{key}': sending a part stopped: {error}"
        ))),
        None => Ok(()),
    }
}

#[async_trait]
impl ArtifactWriter for S3Writer {
    async fn write(&mut self, bytes: Bytes) -> ArtifactResult<()> {
        if self.closed {
            return Err(self.closed_error());
        }
        self.written += bytes.len() as u64;
        self.gathered.push(bytes);
        while self.gathered.len() >= WRITE_CHUNK_BYTES {
            let chunk = self.gathered.take(WRITE_CHUNK_BYTES);
            let sent = self.send_part(chunk).await;
            self.or_abort(sent).await?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> ArtifactResult<u64> {
        if self.closed {
            return Err(self.closed_error());
        }
        let done = if self.upload.is_some() {
            self.complete().await
        } else {
            self.put_whole().await
        };
        self.or_abort(done).await?;
        self.closed = true;
        Ok(self.written)
    }

    async fn abort(mut self: Box<Self>) {
        self.abort_upload().await;
    }
}

impl Drop for S3Writer {
    fn drop(&mut self) {
        // Neither finished nor aborted (the request went away): the upload is aborted so that
        // no parts are left behind (its parts in flight are stopped first).
        if let Some(upload) = self.upload.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let (store, key) = (self.store.clone(), self.key.clone());
            runtime.spawn(async move { abort_and_forget(&store, &key, upload).await });
        }
    }
}
