//! [`ProvenanceStore`] for [`PostgresStore`]: provenance, data hashes and the artifact index.

use crate::error::StoreResult;
use crate::model::{ArtifactFile, DataHash, FileStatKey, GitProvenance, ManifestEntry};
use crate::store::ProvenanceStore;
use crate::store::postgres::{PostgresStore, artifacts, data_hashes, provenance};

impl ProvenanceStore for PostgresStore {
    fn set_git_provenance(&self, run_id: &str, git: &GitProvenance) -> StoreResult<()> {
        self.write(|tx| provenance::set_git(tx, run_id, git))
    }

    fn set_data_hash(&self, run_id: &str, data: &DataHash) -> StoreResult<()> {
        self.write(|tx| provenance::set_data(tx, run_id, data))
    }

    fn record_artifact(&self, run_id: &str, file: &ArtifactFile) -> StoreResult<()> {
        self.write(|tx| artifacts::record(tx, run_id, file))
    }

    fn forget_artifacts(&self, run_id: &str, path: &str) -> StoreResult<()> {
        self.write(|tx| artifacts::forget(tx, run_id, path))
    }

    fn list_artifacts(&self, run_id: &str) -> StoreResult<Vec<ArtifactFile>> {
        self.read(|tx| artifacts::list(tx, run_id))
    }

    fn cached_file_hashes(&self, keys: &[FileStatKey]) -> StoreResult<Vec<Option<String>>> {
        self.read(|tx| data_hashes::cached(tx, keys))
    }

    fn record_file_hashes(&self, hashes: &[(FileStatKey, String)]) -> StoreResult<()> {
        self.write(|tx| data_hashes::record_cache(tx, hashes))
    }

    fn record_data_manifest(&self, root_hash: &str, entries: &[ManifestEntry]) -> StoreResult<()> {
        self.write(|tx| data_hashes::record_manifest(tx, root_hash, entries))
    }

    fn data_manifest(&self, root_hash: &str) -> StoreResult<Vec<ManifestEntry>> {
        self.read(|tx| data_hashes::manifest(tx, root_hash))
    }
}
