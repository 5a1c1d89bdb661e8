//! Where a run came from and what it holds: git provenance, data hashes (with the stat cache
//! and manifests behind them) and the index of a run's artifact files.

use crate::error::StoreResult;
use crate::model::{ArtifactFile, DataHash, FileStatKey, GitProvenance, ManifestEntry};

/// Provenance, data hashes and the artifact index of runs.
///
/// Part of [`crate::Store`]; every method validates its input as [`crate::validate`] says.
pub trait ProvenanceStore: Send + Sync {
    /// Records (replaces) the git provenance of a run.
    fn set_git_provenance(&self, run_id: &str, git: &GitProvenance) -> StoreResult<()>;

    /// Records (replaces) the content hash of one input of a run.
    fn set_data_hash(&self, run_id: &str, data: &DataHash) -> StoreResult<()>;

    /// Records (or updates) one artifact file of a run in the index.
    fn record_artifact(&self, run_id: &str, file: &ArtifactFile) -> StoreResult<()>;

    /// Removes an artifact file, or a folder and everything under it, from a run's index.
    fn forget_artifacts(&self, run_id: &str, path: &str) -> StoreResult<()>;

    /// A run's indexed artifact files, sorted by path.
    fn list_artifacts(&self, run_id: &str) -> StoreResult<Vec<ArtifactFile>>;

    /// Cached BLAKE3 hashes for files, one answer per key in order; `None` when the file is not
    /// cached or its size or mtime changed.
    fn cached_file_hashes(&self, keys: &[FileStatKey]) -> StoreResult<Vec<Option<String>>>;

    /// Remembers the hashes of files just read.
    fn record_file_hashes(&self, hashes: &[(FileStatKey, String)]) -> StoreResult<()>;

    /// Keeps the manifest behind a directory root hash (idempotent: same root, same entries).
    fn record_data_manifest(&self, root_hash: &str, entries: &[ManifestEntry]) -> StoreResult<()>;

    /// The manifest behind a root hash, sorted by relative path; empty when unknown.
    fn data_manifest(&self, root_hash: &str) -> StoreResult<Vec<ManifestEntry>>;
}
