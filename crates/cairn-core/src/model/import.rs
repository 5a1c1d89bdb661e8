//! What importers hand the store: a whole run, experiment or registered model read from another
//! tool's files, and what the indexer remembers about each file it has read.

use super::{
    ExperimentId, GitProvenance, LifecycleStage, MetricPoint, ModelStage, Param,
    RegistryHistoryEntry, RunStatus, SourceKind, Tag,
};

/// How [`crate::Store::import_run`] treats a run that is already in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// The source was read in full: replace params, tags, metrics, artifacts and inputs.
    Replace,
    /// The source grew: update the run's fields, upsert params and tags, append metric points.
    Append,
}

/// What [`crate::Store::import_run`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The run was not in the store before.
    Created,
    /// The run was in the store and has been updated.
    Updated,
}

/// A file indexed in place as a run's artifact.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedArtifact {
    /// Path relative to the run's artifact root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// MIME type guessed from the extension.
    pub mime: Option<String>,
    /// Absolute path of the file where it lies.
    pub location: String,
    /// Modification time, epoch milliseconds.
    pub modified_ms: Option<i64>,
}

/// A dataset a run used (MLflow's `log_input`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedInput {
    /// Dataset name.
    pub name: String,
    /// Dataset digest.
    pub digest: String,
    /// Source type (`code`, `local`, `http`, ...).
    pub source_type: String,
    /// Source description (often JSON).
    pub source: String,
    /// Schema (JSON), when known.
    pub schema: Option<String>,
    /// Profile (JSON), when known.
    pub profile: Option<String>,
    /// Input tags such as `mlflow.data.context`.
    pub tags: Vec<Tag>,
}

/// A run read from another tool's files.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRun {
    /// The source's run id (kept).
    pub run_id: String,
    /// The experiment (already in the store).
    pub experiment_id: ExperimentId,
    /// Display name.
    pub run_name: String,
    /// Who ran it.
    pub user_id: String,
    /// Status.
    pub status: RunStatus,
    /// Start, epoch milliseconds.
    pub start_time_ms: Option<i64>,
    /// End, epoch milliseconds.
    pub end_time_ms: Option<i64>,
    /// Active or deleted (deleted runs are kept as deleted).
    pub lifecycle_stage: LifecycleStage,
    /// When it was deleted, epoch milliseconds.
    pub deleted_time_ms: Option<i64>,
    /// Artifact root, resolved to where the files are now when possible.
    pub artifact_uri: String,
    /// The kind of source.
    pub source_kind: SourceKind,
    /// The file or folder the run was found in; empty for a run that was logged, not indexed
    /// (a copy of another store's run).
    pub source_path: String,
    /// Parent run, for nested runs.
    pub parent_run_id: Option<String>,
    /// Params.
    pub params: Vec<Param>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Metric histories by key, each in logging order.
    pub metrics: Vec<(String, Vec<MetricPoint>)>,
    /// Artifacts indexed in place.
    pub artifacts: Vec<IndexedArtifact>,
    /// Datasets used.
    pub inputs: Vec<ImportedInput>,
    /// Git provenance, when the source recorded it.
    pub git: Option<GitProvenance>,
    /// LoggedModels the run produced, as (model id, step).
    pub outputs: Vec<(String, i64)>,
}

impl ImportedRun {
    /// A finished, active run with nothing attached.
    pub fn new(
        run_id: impl Into<String>,
        experiment_id: ExperimentId,
        source_kind: SourceKind,
        source_path: impl Into<String>,
    ) -> ImportedRun {
        ImportedRun {
            run_id: run_id.into(),
            experiment_id,
            run_name: String::new(),
            user_id: String::new(),
            status: RunStatus::Finished,
            start_time_ms: None,
            end_time_ms: None,
            lifecycle_stage: LifecycleStage::Active,
            deleted_time_ms: None,
            artifact_uri: String::new(),
            source_kind,
            source_path: source_path.into(),
            parent_run_id: None,
            params: Vec::new(),
            tags: Vec::new(),
            metrics: Vec::new(),
            artifacts: Vec::new(),
            inputs: Vec::new(),
            git: None,
            outputs: Vec::new(),
        }
    }

    /// Number of metric points carried.
    pub fn point_count(&self) -> usize {
        self.metrics.iter().map(|(_, points)| points.len()).sum()
    }
}

/// An experiment read from another tool's files; matched by name.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedExperiment {
    /// Name (the match key).
    pub name: String,
    /// The source's id, kept when it is free in the store.
    pub source_id: Option<ExperimentId>,
    /// Artifact location.
    pub artifact_location: Option<String>,
    /// Active or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: Option<i64>,
    /// Last change, epoch milliseconds.
    pub last_update_time_ms: Option<i64>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A registered model version read from another tool's registry.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedModelVersion {
    /// Version number.
    pub version: u64,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Last change, epoch milliseconds.
    pub last_updated_time_ms: i64,
    /// Who registered it.
    pub user_id: String,
    /// Stage; `None` when the source marks it deleted.
    pub current_stage: Option<ModelStage>,
    /// Free text.
    pub description: String,
    /// Model source URI.
    pub source: String,
    /// The run it came from.
    pub run_id: Option<String>,
    /// Status (`READY`, ...).
    pub status: String,
    /// LoggedModel id.
    pub logged_model_id: Option<String>,
    /// Storage location.
    pub storage_location: Option<String>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A registered model read from another tool's registry.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRegisteredModel {
    /// Name (the match key).
    pub name: String,
    /// Free text.
    pub description: String,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Last change, epoch milliseconds.
    pub last_updated_time_ms: i64,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Versions.
    pub versions: Vec<ImportedModelVersion>,
    /// Aliases as (alias, version).
    pub aliases: Vec<(String, u64)>,
    /// The model's whole history, when the source kept one (another Cairn store): it replaces
    /// the destination's history of the model. `None` records the differences this import
    /// makes, as changes made by `import`.
    pub history: Option<Vec<RegistryHistoryEntry>>,
}

/// What the indexer remembers about one source file (or folder fingerprint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFileState {
    /// Absolute path (a folder's or a virtual `file#part` key for fingerprints).
    pub path: String,
    /// The kind of source it belongs to.
    pub source_kind: SourceKind,
    /// Size when last read.
    pub size_bytes: u64,
    /// Modification time when last read, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// How far it has been read.
    pub read_offset: u64,
    /// The run it feeds.
    pub run_id: Option<String>,
    /// The parser's own state, opaque to the store.
    pub parser_state: Option<Vec<u8>>,
}

/// One metric point of a LoggedModel, with the run and dataset it was measured in.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedModelMetric {
    /// Metric key.
    pub key: String,
    /// The point.
    pub point: MetricPoint,
    /// The run that logged it.
    pub run_id: Option<String>,
    /// Dataset name, when given.
    pub dataset_name: Option<String>,
    /// Dataset digest, when given.
    pub dataset_digest: Option<String>,
}

/// An MLflow 3 LoggedModel read from another tool's files.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedLoggedModel {
    /// The source's id (`m-...`), kept.
    pub model_id: String,
    /// The experiment (already in the store).
    pub experiment_id: ExperimentId,
    /// Name.
    pub name: String,
    /// Where its files are (resolved to where they are now when possible).
    pub artifact_location: String,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Last change, epoch milliseconds.
    pub last_updated_time_ms: i64,
    /// `LOGGED_MODEL_PENDING`, `LOGGED_MODEL_READY` or `LOGGED_MODEL_UPLOAD_FAILED`.
    pub status: String,
    /// Explanation of the status.
    pub status_message: String,
    /// Model type.
    pub model_type: String,
    /// The run that logged it.
    pub source_run_id: Option<String>,
    /// Active or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// Params.
    pub params: Vec<Param>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Metrics.
    pub metrics: Vec<LoggedModelMetric>,
}
