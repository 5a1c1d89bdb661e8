//! What the indexer needs: importing runs, experiments and models read from other tools with
//! their ids kept, what was read of which file, and the folders asked to be indexed.

use crate::error::StoreResult;
use crate::model::{
    ExperimentId, ImportMode, ImportOutcome, ImportedExperiment, ImportedLoggedModel,
    ImportedRegisteredModel, ImportedRun, IndexFileState,
};
use crate::store::IndexRoot;

/// What `cairn index` writes and remembers: imported runs and models, the state of the files it
/// read, the folders it follows.
///
/// Part of [`crate::Store`]; every method validates its input as [`crate::validate`] says.
pub trait IndexingStore: Send + Sync {
    /// Finds an experiment by name, or creates it keeping the source's id when it is free.
    fn import_experiment(&self, experiment: &ImportedExperiment) -> StoreResult<ExperimentId>;

    /// Creates or updates runs read from other tools (keeping their ids) and records what was
    /// read of their files, all in one transaction.
    fn import_runs(
        &self,
        runs: &[ImportedRun],
        mode: ImportMode,
        files: &[IndexFileState],
    ) -> StoreResult<Vec<ImportOutcome>>;

    /// Creates or updates a registered model with its versions, stages, tags and aliases.
    fn import_registered_model(&self, model: &ImportedRegisteredModel) -> StoreResult<()>;

    /// What the indexer remembers of every file whose path starts with `prefix`, by path.
    fn index_file_states_under(&self, prefix: &str) -> StoreResult<Vec<IndexFileState>>;

    /// Records what the indexer has read of files.
    fn record_index_files(&self, files: &[IndexFileState]) -> StoreResult<()>;

    /// Indexed runs whose source path starts with `prefix`, as (run id, source path, missing),
    /// sorted by source path.
    fn indexed_sources_under(&self, prefix: &str) -> StoreResult<Vec<(String, String, bool)>>;

    /// Marks the runs indexed from `source_paths` and the remembered `index_file_paths` as
    /// missing (or present again); returns how many runs changed.
    fn set_sources_missing(
        &self,
        source_paths: &[String],
        index_file_paths: &[String],
        missing: bool,
    ) -> StoreResult<u64>;

    /// The store's own files and folders (database, its journals, the artifact folder): the
    /// indexer never reads them as sources, so bytes uploaded as artifacts stay data.
    fn own_paths(&self) -> Vec<std::path::PathBuf>;

    /// Remembers a folder the user asked to index.
    fn add_index_root(&self, path: &str, watched: bool) -> StoreResult<()>;

    /// The folders asked to be indexed, sorted by path.
    fn index_roots(&self) -> StoreResult<Vec<IndexRoot>>;

    /// Sets whether a folder is followed live, adding it when unknown.
    fn set_index_root_watched(&self, path: &str, watched: bool) -> StoreResult<()>;

    /// Forgets a folder (its runs stay); false when it was not known.
    fn remove_index_root(&self, path: &str) -> StoreResult<bool>;

    /// Creates or replaces MLflow 3 LoggedModels (ids kept) with their params, tags and metrics.
    fn import_logged_models(&self, models: &[ImportedLoggedModel]) -> StoreResult<()>;
}
