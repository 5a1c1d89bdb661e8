//! LoggedModels (MLflow 3): a model logged by a run, with its own params, tags and status, and
//! the datasets runs used as inputs.

use super::{ExperimentId, LoggedModelMetric, Param, Tag};

/// Upload status of a LoggedModel's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoggedModelStatus {
    /// Files are being uploaded.
    Pending,
    /// Every file is in place.
    Ready,
    /// The upload failed.
    UploadFailed,
}

impl LoggedModelStatus {
    /// MLflow's name, e.g. `LOGGED_MODEL_READY`.
    pub fn as_str(self) -> &'static str {
        match self {
            LoggedModelStatus::Pending => "LOGGED_MODEL_PENDING",
            LoggedModelStatus::Ready => "LOGGED_MODEL_READY",
            LoggedModelStatus::UploadFailed => "LOGGED_MODEL_UPLOAD_FAILED",
        }
    }

    /// Parses MLflow's name.
    pub fn parse(text: &str) -> Option<LoggedModelStatus> {
        [
            LoggedModelStatus::Pending,
            LoggedModelStatus::Ready,
            LoggedModelStatus::UploadFailed,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// A LoggedModel as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedModel {
    /// `m-<32 hex>`.
    pub model_id: String,
    /// The experiment it belongs to.
    pub experiment_id: ExperimentId,
    /// Name given by the logger.
    pub name: String,
    /// Where its files are.
    pub artifact_location: String,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Last change, epoch milliseconds.
    pub last_updated_time_ms: i64,
    /// Upload status.
    pub status: LoggedModelStatus,
    /// Explanation of the status.
    pub status_message: String,
    /// Free-form type, e.g. `sklearn`.
    pub model_type: String,
    /// The run that logged it.
    pub source_run_id: Option<String>,
    /// Params, sorted by key.
    pub params: Vec<Param>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
    /// Metrics linked to the model, sorted by key, step and timestamp.
    pub metrics: Vec<LoggedModelMetric>,
}

/// What is needed to create a LoggedModel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewLoggedModel {
    /// The experiment (must exist).
    pub experiment_id: ExperimentId,
    /// Name.
    pub name: String,
    /// Free-form type.
    pub model_type: String,
    /// The run that logs it.
    pub source_run_id: Option<String>,
    /// Initial params.
    pub params: Vec<Param>,
    /// Initial tags.
    pub tags: Vec<Tag>,
}

/// A dataset as MLflow describes it; identified by (experiment, name, digest).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Name.
    pub name: String,
    /// Content digest given by the client.
    pub digest: String,
    /// Kind of source, e.g. `local` or `http`.
    pub source_type: String,
    /// The source, as JSON text chosen by the client.
    pub source: String,
    /// Schema, as JSON text.
    pub schema: Option<String>,
    /// Profile, as JSON text.
    pub profile: Option<String>,
}

/// A dataset used by a run, with the tags of that use (e.g. `mlflow.data.context`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatasetInput {
    /// The dataset.
    pub dataset: Dataset,
    /// Tags of the use, sorted by key.
    pub tags: Vec<Tag>,
}

/// One dataset of an experiment as used by its runs, once per context it was used in (MLflow's
/// `DatasetSummary`, what `experiments/search-datasets` lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetSummary {
    /// The experiment holding the dataset.
    pub experiment_id: ExperimentId,
    /// Name.
    pub name: String,
    /// Content digest.
    pub digest: String,
    /// The use's `mlflow.data.context` tag (`training`, `eval`...), when it has one.
    pub context: Option<String>,
}

/// A LoggedModel a run produced, at a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelOutput {
    /// The LoggedModel.
    pub model_id: String,
    /// Step at which it was logged.
    pub step: i64,
}

/// A LoggedModel a run took as an input (e.g. the model `mlflow.evaluate` evaluated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInput {
    /// The LoggedModel.
    pub model_id: String,
}

/// A run's inputs and outputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunIo {
    /// Datasets used, sorted by name then digest.
    pub dataset_inputs: Vec<DatasetInput>,
    /// LoggedModels used as inputs, sorted by model id.
    pub model_inputs: Vec<ModelInput>,
    /// LoggedModels produced, sorted by model id.
    pub model_outputs: Vec<ModelOutput>,
}
