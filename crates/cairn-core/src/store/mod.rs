//! The store: the one interface through which every part of Cairn reads and writes what it
//! knows. It speaks domain types; [`SqliteStore`] keeps them in one SQLite file.

mod sqlite;

pub use sqlite::{ChangeWatch, Durability, SqliteStore, StoreChange, latest_schema_version};

use crate::error::StoreResult;
use crate::model::{
    ArtifactFile, DataHash, DatasetInput, Experiment, ExperimentId, ExperimentSummary,
    GitProvenance, LifecycleStage, LogBatch, LoggedModel, LoggedModelMetric, LoggedModelStatus,
    MetricColumnSet, MetricColumns, MetricPoint, ModelOutput, ModelVersion, NewExperiment,
    NewLoggedModel, NewModelVersion, NewRun, Param, RegisteredModel, RegistryHistoryEntry, Run,
    RunInfo, RunIo, RunUpdate, StageTransition, Tag, ViewType,
};
use crate::model::{FileStatKey, ManifestEntry};
use crate::model::{
    ImportMode, ImportOutcome, ImportedExperiment, ImportedLoggedModel, ImportedRegisteredModel,
    ImportedRun, IndexFileState,
};
use crate::search::{Filter, OrderBy};

/// Default and largest page size for run searches (MLflow's).
pub const DEFAULT_MAX_RESULTS: usize = 1000;
/// Largest page a run search may ask for.
pub const MAX_RESULTS_LIMIT: usize = 50_000;

/// A run search: which experiments, which runs, in what order, which page.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSearch {
    /// Experiments to search; empty means all.
    pub experiment_ids: Vec<ExperimentId>,
    /// The filter; `None` matches every run.
    pub filter: Option<Filter>,
    /// Sort keys, most significant first; empty means newest first.
    pub order_by: Vec<OrderBy>,
    /// Active, deleted or all runs.
    pub view: ViewType,
    /// Page size (at most [`MAX_RESULTS_LIMIT`]).
    pub max_results: usize,
    /// Runs to skip (the page token).
    pub offset: usize,
    /// Also count every matching run.
    pub count_total: bool,
}

impl Default for RunSearch {
    fn default() -> Self {
        RunSearch {
            experiment_ids: Vec::new(),
            filter: None,
            order_by: Vec::new(),
            view: ViewType::ActiveOnly,
            max_results: DEFAULT_MAX_RESULTS,
            offset: 0,
            count_total: false,
        }
    }
}

/// One page of a run search.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPage {
    /// The runs, in the requested order.
    pub runs: Vec<Run>,
    /// Offset of the next page; `None` on the last page.
    pub next_offset: Option<usize>,
    /// Number of matching runs, when counted.
    pub total_count: Option<u64>,
}

/// A stretch of one metric's history, read without decoding the rest of it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricHistoryRange {
    /// Points `offset..offset + limit` of the history in logging order (fewer at its end).
    pub points: Vec<MetricPoint>,
    /// How many points the whole history holds.
    pub total_points: usize,
}

/// Runs sharing one value of a param (the runs table's "group by").
#[derive(Debug, Clone, PartialEq)]
pub struct ParamGroup {
    /// The param's value; `None` for the runs that do not have the param.
    pub value: Option<String>,
    /// Matching runs in the group.
    pub run_count: u64,
    /// The summarised metric over the group's runs that have a finite latest value, if any do.
    pub metric: Option<GroupMetric>,
}

/// A metric's latest values over a group of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMetric {
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
    /// Runs with a finite latest value.
    pub count: u64,
}

/// A folder the user asked to index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRoot {
    /// Absolute path.
    pub path: String,
    /// Followed live by the app.
    pub watched: bool,
    /// When it was first added, epoch milliseconds.
    pub added_ms: i64,
}

/// Cairn's storage, behind one interface so that another backend is an addition.
///
/// Every method validates its input the same way (see [`crate::validate`]); implementations
/// must pass the contract suite in `tests/store_contract.rs`.
pub trait Store: Send + Sync {
    /// Creates an experiment and returns its id.
    fn create_experiment(&self, new: &NewExperiment) -> StoreResult<ExperimentId>;
    /// An experiment by id.
    fn get_experiment(&self, experiment_id: ExperimentId) -> StoreResult<Experiment>;
    /// An experiment by name (deleted ones too, as MLflow does).
    fn get_experiment_by_name(&self, name: &str) -> StoreResult<Experiment>;
    /// Experiments in view with their active run counts, sorted by name.
    fn list_experiments(&self, view: ViewType) -> StoreResult<Vec<ExperimentSummary>>;
    /// Renames an experiment.
    fn rename_experiment(&self, experiment_id: ExperimentId, new_name: &str) -> StoreResult<()>;
    /// Deletes (soft) or restores an experiment.
    fn set_experiment_lifecycle(
        &self,
        experiment_id: ExperimentId,
        stage: LifecycleStage,
    ) -> StoreResult<()>;
    /// Sets an experiment tag.
    fn set_experiment_tag(&self, experiment_id: ExperimentId, tag: &Tag) -> StoreResult<()>;

    /// Creates a run.
    fn create_run(&self, new: &NewRun) -> StoreResult<Run>;
    /// Everything about one run.
    fn get_run(&self, run_id: &str) -> StoreResult<Run>;
    /// Changes a run's status, end time or name. Ending a run compacts its metric histories.
    fn update_run(&self, run_id: &str, update: &RunUpdate) -> StoreResult<RunInfo>;
    /// Deletes (soft) or restores a run.
    fn set_run_lifecycle(&self, run_id: &str, stage: LifecycleStage) -> StoreResult<()>;
    /// Searches runs.
    fn search_runs(&self, search: &RunSearch) -> StoreResult<RunPage>;
    /// Searches runs and hands the page to `each` in order, in slices of at most `slice_runs`
    /// runs with their inputs and outputs, all read as of one moment, so that a large page is
    /// never held whole. Returns the page's `next_offset` and `total_count`; its `runs` is empty.
    fn search_runs_in_slices(
        &self,
        search: &RunSearch,
        slice_runs: usize,
        each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
    ) -> StoreResult<RunPage>;

    /// The search's runs (its experiments, view and filter; order and page ignored) grouped by
    /// the value of `param_key`, sorted by value with runs lacking the param last; with
    /// `metric_key`, each group summarises that metric's latest values.
    fn group_runs_by_param(
        &self,
        search: &RunSearch,
        param_key: &str,
        metric_key: Option<&str>,
    ) -> StoreResult<Vec<ParamGroup>>;
    /// Logs params, metrics and tags atomically: all or nothing.
    fn log_batch(&self, run_id: &str, batch: &LogBatch) -> StoreResult<()>;
    /// Logs many batches to many runs in one transaction; each batch is validated first.
    fn log_batches(&self, batches: &[(String, LogBatch)]) -> StoreResult<()>;
    /// Appends a long stretch of one metric's history (importers; no batch size limit).
    fn append_metric(&self, run_id: &str, key: &str, points: &[MetricPoint]) -> StoreResult<()>;
    /// Removes a run tag.
    fn delete_tag(&self, run_id: &str, key: &str) -> StoreResult<()>;
    /// The whole history of one metric of a run, in logging order.
    fn metric_history(&self, run_id: &str, key: &str) -> StoreResult<Vec<MetricPoint>>;
    /// Points `offset..offset + limit` of one metric's history, in logging order, and the
    /// history's length: what a page of `metrics/get-history` needs, decoding only the stored
    /// pieces that hold those points. A missing key is an empty history; a missing run is an
    /// error.
    fn metric_history_range(
        &self,
        run_id: &str,
        key: &str,
        offset: usize,
        limit: usize,
    ) -> StoreResult<MetricHistoryRange>;

    /// The same history streamed to `visit` as columns, a stretch at a time (a stored chunk
    /// of up to a few thousand points), in logging order and bit for bit: for readers that
    /// aggregate (charts), so no [`MetricPoint`] is built per point. A run without the metric
    /// visits nothing; a missing run is an error, as in [`Store::metric_history`]. Only the
    /// columns in `set` are filled (the others stay empty).
    fn visit_metric_history(
        &self,
        run_id: &str,
        key: &str,
        set: MetricColumnSet,
        visit: &mut dyn FnMut(&MetricColumns),
    ) -> StoreResult<()> {
        let mut columns = MetricColumns::default();
        for point in self.metric_history(run_id, key)? {
            columns.push_columns(&point, set);
        }
        if !columns.is_empty() {
            visit(&columns);
        }
        Ok(())
    }
    /// Records (replaces) the git provenance of a run.
    fn set_git_provenance(&self, run_id: &str, git: &GitProvenance) -> StoreResult<()>;
    /// Records (replaces) the content hash of one input of a run.
    fn set_data_hash(&self, run_id: &str, data: &DataHash) -> StoreResult<()>;

    /// Creates a registered model.
    fn create_registered_model(
        &self,
        name: &str,
        description: &str,
        tags: &[Tag],
    ) -> StoreResult<RegisteredModel>;
    /// A registered model with its latest versions and aliases.
    fn get_registered_model(&self, name: &str) -> StoreResult<RegisteredModel>;
    /// Every registered model, sorted by name.
    fn list_registered_models(&self) -> StoreResult<Vec<RegisteredModel>>;
    /// Registers a new version (number = highest ever + 1).
    fn create_model_version(&self, new: &NewModelVersion) -> StoreResult<ModelVersion>;
    /// One version.
    fn get_model_version(&self, name: &str, version: u64) -> StoreResult<ModelVersion>;
    /// Every live version of a model, by version number.
    fn list_model_versions(&self, name: &str) -> StoreResult<Vec<ModelVersion>>;
    /// Moves a version to a stage with MLflow's semantics, and records it in the history.
    fn transition_model_version_stage(
        &self,
        transition: &StageTransition,
    ) -> StoreResult<ModelVersion>;
    /// Points an alias at a version (moving it if set), and records it in the history.
    fn set_model_alias(
        &self,
        name: &str,
        alias: &str,
        version: u64,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()>;
    /// The registry history of a model, oldest first.
    fn registry_history(&self, name: &str) -> StoreResult<Vec<RegistryHistoryEntry>>;

    /// Removes an experiment tag.
    fn delete_experiment_tag(&self, experiment_id: ExperimentId, key: &str) -> StoreResult<()>;

    /// Records datasets a run used (idempotent).
    fn log_run_inputs(&self, run_id: &str, inputs: &[DatasetInput]) -> StoreResult<()>;
    /// Records LoggedModels a run produced.
    fn log_run_outputs(&self, run_id: &str, outputs: &[ModelOutput]) -> StoreResult<()>;
    /// A run's dataset inputs and model outputs.
    fn run_io(&self, run_id: &str) -> StoreResult<RunIo>;
    /// The inputs and outputs of many runs (a page of a search), in the order of `run_ids`.
    fn runs_io(&self, run_ids: &[String]) -> StoreResult<Vec<RunIo>>;

    /// Creates a LoggedModel with a fresh `m-<32 hex>` id.
    fn create_logged_model(&self, new: &NewLoggedModel) -> StoreResult<LoggedModel>;
    /// A LoggedModel that is not deleted.
    fn get_logged_model(&self, model_id: &str) -> StoreResult<LoggedModel>;
    /// Sets a LoggedModel's upload status.
    fn set_logged_model_status(
        &self,
        model_id: &str,
        status: LoggedModelStatus,
    ) -> StoreResult<LoggedModel>;
    /// Adds params to a LoggedModel.
    fn log_logged_model_params(&self, model_id: &str, params: &[Param]) -> StoreResult<()>;
    /// Sets tags on a LoggedModel.
    fn set_logged_model_tags(&self, model_id: &str, tags: &[Tag]) -> StoreResult<()>;
    /// Links metric points to a LoggedModel (exact duplicates are ignored).
    fn log_logged_model_metrics(
        &self,
        model_id: &str,
        metrics: &[LoggedModelMetric],
    ) -> StoreResult<()>;
    /// Removes a LoggedModel tag.
    fn delete_logged_model_tag(&self, model_id: &str, key: &str) -> StoreResult<()>;
    /// Deletes (soft) a LoggedModel.
    fn delete_logged_model(&self, model_id: &str) -> StoreResult<()>;
    /// LoggedModels of some experiments (all when empty), newest first.
    fn list_logged_models(&self, experiment_ids: &[ExperimentId]) -> StoreResult<Vec<LoggedModel>>;

    /// Renames a registered model.
    fn rename_registered_model(&self, name: &str, new_name: &str) -> StoreResult<RegisteredModel>;
    /// Changes a registered model's description.
    fn update_registered_model(
        &self,
        name: &str,
        description: &str,
    ) -> StoreResult<RegisteredModel>;
    /// Deletes a registered model and its versions (the history stays).
    fn delete_registered_model(&self, name: &str) -> StoreResult<()>;
    /// Sets a registered model tag.
    fn set_registered_model_tag(&self, name: &str, tag: &Tag) -> StoreResult<()>;
    /// Removes a registered model tag.
    fn delete_registered_model_tag(&self, name: &str, key: &str) -> StoreResult<()>;
    /// Changes a version's description.
    fn update_model_version(
        &self,
        name: &str,
        version: u64,
        description: &str,
    ) -> StoreResult<ModelVersion>;
    /// Soft-deletes a version; its number is never reused.
    fn delete_model_version(
        &self,
        name: &str,
        version: u64,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()>;
    /// Sets a version tag.
    fn set_model_version_tag(&self, name: &str, version: u64, tag: &Tag) -> StoreResult<()>;
    /// Removes a version tag.
    fn delete_model_version_tag(&self, name: &str, version: u64, key: &str) -> StoreResult<()>;
    /// Removes an alias, and records it in the history.
    fn delete_model_alias(
        &self,
        name: &str,
        alias: &str,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()>;
    /// The version an alias points at.
    fn get_model_version_by_alias(&self, name: &str, alias: &str) -> StoreResult<ModelVersion>;

    /// Records (or updates) one artifact file of a run in the index.
    fn record_artifact(&self, run_id: &str, file: &ArtifactFile) -> StoreResult<()>;
    /// Removes an artifact file, or a folder and everything under it, from a run's index.
    fn forget_artifacts(&self, run_id: &str, path: &str) -> StoreResult<()>;
    /// A run's indexed artifact files, sorted by path.
    fn list_artifacts(&self, run_id: &str) -> StoreResult<Vec<ArtifactFile>>;

    // Indexing

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
    /// How many LoggedModels the store holds.
    fn logged_model_count(&self) -> StoreResult<u64>;

    // Provenance
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
