//! Runs: one training execution with its params, tags and metrics.

use super::{DataHash, ExperimentId, GitProvenance, LatestMetric, NamedMetricPoint};

/// A run's status, with MLflow's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Still training.
    Running,
    /// Queued, not started.
    Scheduled,
    /// Ended successfully.
    Finished,
    /// Ended with an error.
    Failed,
    /// Stopped by the user.
    Killed,
}

impl RunStatus {
    /// Every status, in MLflow's numbering order (1 to 5).
    pub const ALL: [RunStatus; 5] = [
        RunStatus::Running,
        RunStatus::Scheduled,
        RunStatus::Finished,
        RunStatus::Failed,
        RunStatus::Killed,
    ];

    /// MLflow's name, e.g. `FINISHED`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "RUNNING",
            RunStatus::Scheduled => "SCHEDULED",
            RunStatus::Finished => "FINISHED",
            RunStatus::Failed => "FAILED",
            RunStatus::Killed => "KILLED",
        }
    }

    /// Parses MLflow's name, in any case.
    pub fn parse(text: &str) -> Option<RunStatus> {
        RunStatus::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(text))
    }

    /// Whether the run has ended.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            RunStatus::Finished | RunStatus::Failed | RunStatus::Killed
        )
    }
}

/// Whether an experiment or run is active or (soft-)deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleStage {
    /// Visible.
    Active,
    /// Deleted; can be restored.
    Deleted,
}

impl LifecycleStage {
    /// MLflow's name: `active` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Active => "active",
            LifecycleStage::Deleted => "deleted",
        }
    }

    /// Parses MLflow's name.
    pub fn parse(text: &str) -> Option<LifecycleStage> {
        match text {
            "active" => Some(LifecycleStage::Active),
            "deleted" => Some(LifecycleStage::Deleted),
            _ => None,
        }
    }
}

/// Which runs or experiments a listing includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewType {
    /// Only active ones (the default).
    #[default]
    ActiveOnly,
    /// Only deleted ones.
    DeletedOnly,
    /// Both.
    All,
}

impl ViewType {
    /// Parses MLflow's names (`ACTIVE_ONLY`, `DELETED_ONLY`, `ALL`), in any case.
    pub fn parse(text: &str) -> Option<ViewType> {
        match text.to_ascii_uppercase().as_str() {
            "ACTIVE_ONLY" => Some(ViewType::ActiveOnly),
            "DELETED_ONLY" => Some(ViewType::DeletedOnly),
            "ALL" => Some(ViewType::All),
            _ => None,
        }
    }

    /// Whether a row with this lifecycle stage is in view.
    pub fn includes(self, stage: LifecycleStage) -> bool {
        match self {
            ViewType::ActiveOnly => stage == LifecycleStage::Active,
            ViewType::DeletedOnly => stage == LifecycleStage::Deleted,
            ViewType::All => true,
        }
    }
}

/// How a run reached the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// Logged through Cairn's MLflow-compatible REST API.
    MlflowApi,
    /// Recorded by `cairn run`.
    CairnRun,
    /// Logged with `cairn log` on the command line.
    Cli,
    /// Made by `cairn demo`.
    Demo,
    /// Indexed from an MLflow file store (`mlruns/`).
    Mlruns,
    /// Indexed from an MLflow SQLite database.
    MlflowDb,
    /// Indexed from TensorBoard event files.
    Tensorboard,
    /// Indexed from a Lightning `CSVLogger` folder.
    LightningCsv,
    /// Indexed from a Keras `CSVLogger` file.
    KerasCsv,
}

impl SourceKind {
    /// Every kind.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::MlflowApi,
        SourceKind::CairnRun,
        SourceKind::Cli,
        SourceKind::Demo,
        SourceKind::Mlruns,
        SourceKind::MlflowDb,
        SourceKind::Tensorboard,
        SourceKind::LightningCsv,
        SourceKind::KerasCsv,
    ];

    /// The stored name, e.g. `tensorboard`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::MlflowApi => "mlflow_api",
            SourceKind::CairnRun => "cairn_run",
            SourceKind::Cli => "cli",
            SourceKind::Demo => "demo",
            SourceKind::Mlruns => "mlruns",
            SourceKind::MlflowDb => "mlflow_db",
            SourceKind::Tensorboard => "tensorboard",
            SourceKind::LightningCsv => "lightning_csv",
            SourceKind::KerasCsv => "keras_csv",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<SourceKind> {
        SourceKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// A run parameter. Immutable once logged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Param {
    /// Key.
    pub key: String,
    /// Value, as text.
    pub value: String,
}

/// A tag on a run, experiment or model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
}

impl Tag {
    /// A tag from anything string-like.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// The descriptive part of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The run's id (MLflow's `run_uuid`), kept from the source when imported.
    pub run_id: String,
    /// The experiment it belongs to.
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
    /// Active or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// Root of the run's artifacts.
    pub artifact_uri: String,
    /// How the run reached the store.
    pub source_kind: SourceKind,
    /// The file or folder it was indexed from.
    pub source_path: Option<String>,
    /// True when the indexed source has disappeared.
    pub source_missing: bool,
    /// Parent run, for nested runs.
    pub parent_run_id: Option<String>,
}

/// Everything about a run that listings show: info, params, tags, latest metrics, provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Descriptive fields.
    pub info: RunInfo,
    /// Params, in the order first logged (rows from stores older than schema 3 first, by key).
    pub params: Vec<Param>,
    /// Tags, in the order first logged (rows from stores older than schema 3 first, by key).
    pub tags: Vec<Tag>,
    /// The latest point of each metric, sorted by key.
    pub metrics: Vec<LatestMetric>,
    /// The code it came from, when known.
    pub git: Option<GitProvenance>,
    /// Content hashes of its inputs, sorted by path.
    pub data: Vec<DataHash>,
}

impl Run {
    /// A run of `info` alone, its records to be attached.
    pub fn of_info(info: RunInfo) -> Run {
        Run {
            info,
            params: Vec::new(),
            tags: Vec::new(),
            metrics: Vec::new(),
            git: None,
            data: Vec::new(),
        }
    }
}

/// What is needed to create a run.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    /// Keep this id (imports); the store makes a fresh 32-hex id when `None`.
    pub run_id: Option<String>,
    /// The experiment.
    pub experiment_id: ExperimentId,
    /// Display name; the store invents one when empty.
    pub run_name: String,
    /// Who runs it.
    pub user_id: String,
    /// Start, epoch milliseconds; now when `None`.
    pub start_time_ms: Option<i64>,
    /// Initial status (usually running).
    pub status: RunStatus,
    /// Initial tags.
    pub tags: Vec<Tag>,
    /// How the run reaches the store.
    pub source_kind: SourceKind,
    /// The file or folder it is indexed from.
    pub source_path: Option<String>,
    /// Parent run, for nested runs.
    pub parent_run_id: Option<String>,
    /// Artifact root; the store derives one from the experiment when `None`.
    pub artifact_uri: Option<String>,
}

impl NewRun {
    /// A running run in `experiment_id`, everything else defaulted.
    pub fn new(experiment_id: ExperimentId, source_kind: SourceKind) -> NewRun {
        NewRun {
            run_id: None,
            experiment_id,
            run_name: String::new(),
            user_id: String::new(),
            start_time_ms: None,
            status: RunStatus::Running,
            tags: Vec::new(),
            source_kind,
            source_path: None,
            parent_run_id: None,
            artifact_uri: None,
        }
    }
}

/// A change to a run's status, end time or name (MLflow's `runs/update`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunUpdate {
    /// New status.
    pub status: Option<RunStatus>,
    /// New end time, epoch milliseconds.
    pub end_time_ms: Option<i64>,
    /// New name.
    pub run_name: Option<String>,
}

/// Params, metrics and tags logged together, atomically (MLflow's `runs/log-batch`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogBatch {
    /// Metric points, in logging order.
    pub metrics: Vec<NamedMetricPoint>,
    /// Params.
    pub params: Vec<Param>,
    /// Tags.
    pub tags: Vec<Tag>,
}
