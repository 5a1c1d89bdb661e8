//! The artifact files of `cairn store copy`: every file of the source's artifact store (the
//! store file's folder, or `--source-artifacts`: a folder or `s3://bucket/prefix`) that the
//! destination's (`--destination-artifacts`, else its own folder) lacks or holds at another
//! size, streamed key for key — so a laptop's folder can seed a team's bucket, and a team can
//! take its bucket home. Symlinks are not followed, and the bucket's upload journal
//! (`.cairn-uploads/`) is left where it is.

use std::sync::Arc;

use anyhow::Context;
use cairn_artifact_store::{ArtifactError, ArtifactLocation, ArtifactStore, S3Settings, journal};
use futures_util::StreamExt as _;

/// The artifact store `location` names (a folder or `s3://bucket/prefix`, S3 reached through
/// the usual `AWS_*` / `MLFLOW_S3_ENDPOINT_URL` variables).
pub fn open(location: &str, flag: &str) -> anyhow::Result<Arc<dyn ArtifactStore>> {
    let parsed =
        ArtifactLocation::parse(location).map_err(|error| anyhow::anyhow!("{flag}: {error}"))?;
    cairn_artifact_store::open(&parsed, &S3Settings::from_env())
        .map_err(|error| anyhow::anyhow!("{flag} {location}: {error}"))
}

/// What an artifact copy found and did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Copied {
    /// Files the source holds.
    pub found: u64,
    /// Of those, the ones copied (the destination lacked them or held them at another size).
    pub copied: u64,
}

/// Copies what `to` lacks of `from`.
pub fn copy(from: &dyn ArtifactStore, to: &dyn ArtifactStore) -> anyhow::Result<Copied> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the artifact copy")?;
    runtime.block_on(copy_all(from, to))
}

async fn copy_all(from: &dyn ArtifactStore, to: &dyn ArtifactStore) -> anyhow::Result<Copied> {
    let mut done = Copied::default();
    let mut pending = vec![String::new()];
    while let Some(folder) = pending.pop() {
        let entries = match from.list(&folder).await {
            Ok(entries) => entries,
            // An empty store has not even its root folder.
            Err(ArtifactError::NotFound(_)) if folder.is_empty() => return Ok(done),
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("listing '{folder}' in the {}", from.describe()));
            }
        };
        for entry in entries {
            // The bucket's journal of running uploads and servers' heartbeats is the servers',
            // not an artifact.
            if folder.is_empty() && entry.name == journal::JOURNAL_DIR {
                continue;
            }
            let key = if folder.is_empty() {
                entry.name.clone()
            } else {
                format!("{folder}/{}", entry.name)
            };
            if entry.is_dir {
                pending.push(key);
                continue;
            }
            done.found += 1;
            if let (Ok(there), Some(size)) = (to.head(&key).await, entry.size)
                && there.size == size
            {
                continue;
            }
            copy_file(from, to, &key).await.with_context(|| {
                format!(
                    "copying artifact '{key}' from the {} to the {}",
                    from.describe(),
                    to.describe()
                )
            })?;
            done.copied += 1;
        }
    }
    Ok(done)
}

/// Streams one file; a failed copy leaves nothing half-written behind.
async fn copy_file(
    from: &dyn ArtifactStore,
    to: &dyn ArtifactStore,
    key: &str,
) -> Result<(), ArtifactError> {
    let mut read = from.read(key, None).await?;
    let mut writer = to.writer(key).await?;
    while let Some(piece) = read.stream.next().await {
        let written = match piece {
            Ok(bytes) => writer.write(bytes).await,
            Err(error) => Err(error),
        };
        if let Err(error) = written {
            writer.abort().await;
            return Err(error);
        }
    }
    writer.finish().await.map(drop)
}
