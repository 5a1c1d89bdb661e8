//! [`IndexingStore`] for [`PostgresStore`]: what the indexer writes and remembers.

use crate::error::StoreResult;
use crate::model::{
    ExperimentId, ImportMode, ImportOutcome, ImportedExperiment, ImportedLoggedModel,
    ImportedRegisteredModel, ImportedRun, IndexFileState,
};
use crate::store::postgres::{
    PostgresStore, import, import_registry, index_state, logged_models_import,
};
use crate::store::{IndexRoot, IndexingStore};

impl IndexingStore for PostgresStore {
    fn import_experiment(&self, experiment: &ImportedExperiment) -> StoreResult<ExperimentId> {
        self.write(|tx| import::import_experiment(tx, experiment))
    }

    fn import_runs(
        &self,
        runs: &[ImportedRun],
        mode: ImportMode,
        files: &[IndexFileState],
    ) -> StoreResult<Vec<ImportOutcome>> {
        self.write(|tx| {
            let outcomes = runs
                .iter()
                .map(|run| import::import_run(tx, run, mode))
                .collect::<StoreResult<Vec<_>>>()?;
            index_state::record(tx, files)?;
            Ok(outcomes)
        })
    }

    fn import_registered_model(&self, model: &ImportedRegisteredModel) -> StoreResult<()> {
        self.write(|tx| import_registry::import_registered_model(tx, model))
    }

    fn index_file_states_under(&self, prefix: &str) -> StoreResult<Vec<IndexFileState>> {
        self.read(|tx| index_state::states_under(tx, prefix))
    }

    fn record_index_files(&self, files: &[IndexFileState]) -> StoreResult<()> {
        self.write(|tx| index_state::record(tx, files))
    }

    fn indexed_sources_under(&self, prefix: &str) -> StoreResult<Vec<(String, String, bool)>> {
        self.read(|tx| index_state::indexed_sources_under(tx, prefix))
    }

    fn set_sources_missing(
        &self,
        source_paths: &[String],
        index_file_paths: &[String],
        missing: bool,
    ) -> StoreResult<u64> {
        self.write(|tx| {
            index_state::set_missing(tx, index_file_paths, missing)?;
            import::set_source_missing(tx, source_paths, missing)
        })
    }

    /// The database lives on a server, not in a local file: only the artifact folder (bytes
    /// uploaded through `cairn serve`) is the store's own, never to be indexed as a source.
    fn own_paths(&self) -> Vec<std::path::PathBuf> {
        vec![self.artifact_root().to_path_buf()]
    }

    fn add_index_root(&self, path: &str, watched: bool) -> StoreResult<()> {
        self.write(|tx| index_state::add_root(tx, path, watched))
    }

    fn index_roots(&self) -> StoreResult<Vec<IndexRoot>> {
        self.read(index_state::roots)
    }

    fn set_index_root_watched(&self, path: &str, watched: bool) -> StoreResult<()> {
        self.write(|tx| index_state::set_root_watched(tx, path, watched))
    }

    fn remove_index_root(&self, path: &str) -> StoreResult<bool> {
        self.write(|tx| index_state::remove_root(tx, path))
    }

    fn import_logged_models(&self, models: &[ImportedLoggedModel]) -> StoreResult<()> {
        self.write(|tx| {
            models
                .iter()
                .try_for_each(|model| logged_models_import::import(tx, model))
        })
    }
}
