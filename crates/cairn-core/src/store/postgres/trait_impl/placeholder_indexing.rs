//! TEMPORARY (not for merge): IndexingStore stubbed until this branch implements it.

#![allow(unused_variables, clippy::unimplemented, reason = "placeholder")]

use crate::error::StoreResult;
use crate::model::*;
use crate::store::postgres::PostgresStore;
use crate::store::{IndexRoot, IndexingStore};

impl IndexingStore for PostgresStore {
    fn import_experiment(&self, experiment: &ImportedExperiment) -> StoreResult<ExperimentId> {
        unimplemented!("indexing")
    }

    fn import_runs(
        &self,
        runs: &[ImportedRun],
        mode: ImportMode,
        files: &[IndexFileState],
    ) -> StoreResult<Vec<ImportOutcome>> {
        unimplemented!("indexing")
    }

    fn import_registered_model(&self, model: &ImportedRegisteredModel) -> StoreResult<()> {
        unimplemented!("indexing")
    }

    fn index_file_states_under(&self, prefix: &str) -> StoreResult<Vec<IndexFileState>> {
        unimplemented!("indexing")
    }

    fn record_index_files(&self, files: &[IndexFileState]) -> StoreResult<()> {
        unimplemented!("indexing")
    }

    fn indexed_sources_under(&self, prefix: &str) -> StoreResult<Vec<(String, String, bool)>> {
        unimplemented!("indexing")
    }

    fn set_sources_missing(
        &self,
        source_paths: &[String],
        index_file_paths: &[String],
        missing: bool,
    ) -> StoreResult<u64> {
        unimplemented!("indexing")
    }

    fn own_paths(&self) -> Vec<std::path::PathBuf> {
        unimplemented!("indexing")
    }

    fn add_index_root(&self, path: &str, watched: bool) -> StoreResult<()> {
        unimplemented!("indexing")
    }

    fn index_roots(&self) -> StoreResult<Vec<IndexRoot>> {
        unimplemented!("indexing")
    }

    fn set_index_root_watched(&self, path: &str, watched: bool) -> StoreResult<()> {
        unimplemented!("indexing")
    }

    fn remove_index_root(&self, path: &str) -> StoreResult<bool> {
        unimplemented!("indexing")
    }

    fn import_logged_models(&self, models: &[ImportedLoggedModel]) -> StoreResult<()> {
        unimplemented!("indexing")
    }
}
