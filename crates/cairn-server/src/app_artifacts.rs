//! The UI's run page on a server whose artifacts are in an object store: `cairn-app` reads
//! `mlflow-artifacts:/` files through its synchronous `RemoteArtifacts`, which this bridges to
//! the server's async [`ArtifactStore`] (the app's commands run on the blocking pool, where
//! waiting on the runtime is allowed).

use std::sync::Arc;

use cairn_app::remote_artifacts::{RemoteArtifacts, RemoteFile};
use cairn_app::{AppError, ErrorKind};
use cairn_artifact_store::{ArtifactError, ArtifactStore, ByteRange};
use futures_util::StreamExt as _;

/// The server's artifact store, read synchronously.
#[derive(Debug)]
pub struct BridgedArtifacts {
    store: Arc<dyn ArtifactStore>,
    runtime: tokio::runtime::Handle,
}

impl BridgedArtifacts {
    /// Reads `store` by waiting on `runtime`.
    pub fn new(store: Arc<dyn ArtifactStore>, runtime: tokio::runtime::Handle) -> BridgedArtifacts {
        BridgedArtifacts { store, runtime }
    }

    /// Every piece of `key`'s bytes in `range`, each handed to `take`.
    fn stream(
        &self,
        key: &str,
        range: Option<ByteRange>,
        mut take: impl FnMut(&[u8]),
    ) -> Result<(), AppError> {
        let mut read = self
            .runtime
            .block_on(self.store.read(key, range))
            .map_err(app_error)?;
        while let Some(piece) = self.runtime.block_on(read.stream.next()) {
            take(&piece.map_err(app_error)?);
        }
        Ok(())
    }
}

fn app_error(error: ArtifactError) -> AppError {
    let kind = match &error {
        ArtifactError::NotFound(_) => ErrorKind::NotFound,
        ArtifactError::Invalid(_) => ErrorKind::Invalid,
        _ => ErrorKind::Internal,
    };
    AppError {
        kind,
        message: error.to_string(),
    }
}

impl RemoteArtifacts for BridgedArtifacts {
    fn walk(&self, folder: &str, limit: usize) -> Result<(Vec<RemoteFile>, bool), AppError> {
        let mut files = Vec::new();
        let mut pending = vec![(folder.to_owned(), String::new())];
        while let Some((key, prefix)) = pending.pop() {
            let entries = self
                .runtime
                .block_on(self.store.list(&key))
                .map_err(app_error)?;
            for entry in entries {
                let path = format!("{prefix}{}", entry.name);
                let child = cairn_app::remote_artifacts::join(&key, &entry.name);
                if entry.is_dir {
                    pending.push((child, format!("{path}/")));
                    continue;
                }
                if files.len() == limit {
                    files.sort_by(|a: &RemoteFile, b| a.path.cmp(&b.path));
                    return Ok((files, true));
                }
                files.push(RemoteFile {
                    path,
                    size_bytes: entry.size.unwrap_or(0),
                    modified_ms: None,
                });
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((files, false))
    }

    fn stat(&self, key: &str) -> Result<RemoteFile, AppError> {
        let meta = self
            .runtime
            .block_on(self.store.head(key))
            .map_err(app_error)?;
        Ok(RemoteFile {
            path: key.to_owned(),
            size_bytes: meta.size,
            modified_ms: meta.modified_ms,
        })
    }

    fn read(&self, key: &str, start: u64, max: u64) -> Result<Vec<u8>, AppError> {
        let size = self.stat(key)?.size_bytes;
        if max == 0 || start >= size {
            return Ok(Vec::new());
        }
        let mut bytes = Vec::new();
        let end = start.saturating_add(max).min(size);
        self.stream(key, Some(ByteRange::Bounded(start, end)), |piece| {
            bytes.extend_from_slice(piece);
        })?;
        Ok(bytes)
    }

    fn write(&self, key: &str, bytes: &[u8]) -> Result<(), AppError> {
        let content = axum::body::Bytes::copy_from_slice(bytes);
        self.runtime
            .block_on(async {
                let mut writer = self.store.writer(key).await?;
                if let Err(error) = writer.write(content).await {
                    writer.abort().await;
                    return Err(error);
                }
                writer.finish().await.map(|_| ())
            })
            .map_err(app_error)
    }

    fn blake3(&self, key: &str) -> Result<String, AppError> {
        let mut hasher = blake3::Hasher::new();
        self.stream(key, None, |piece| {
            hasher.update(piece);
        })?;
        Ok(hasher.finalize().to_hex().to_string())
    }
}
