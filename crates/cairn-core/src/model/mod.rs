//! The domain model: what Cairn knows about experiments, runs, metrics, provenance and the
//! model registry, independent of any wire format.

mod account;
mod artifact;
mod data_manifest;
mod experiment;
mod import;
mod logged_model;
mod metric;
mod monitoring;
mod provenance;
mod registry;
mod run;

pub use account::{
    AccessToken, Grant, Group, NewAccessToken, Permission, PermissionChange, Principal, Resource,
    TokenKind, User, UserCredentials, UserGrants,
};
pub use artifact::ArtifactFile;
pub use data_manifest::{FileStatKey, ManifestEntry, ManifestEntryKind};
pub use experiment::{Experiment, ExperimentId, ExperimentSummary, NewExperiment};
pub use import::{
    ImportMode, ImportOutcome, ImportedExperiment, ImportedInput, ImportedLoggedModel,
    ImportedModelVersion, ImportedRegisteredModel, ImportedRun, IndexFileState, IndexedArtifact,
    LoggedModelMetric,
};
pub use logged_model::{
    Dataset, DatasetInput, DatasetSummary, LoggedModel, LoggedModelStatus, ModelInput, ModelOutput,
    NewLoggedModel, RunIo,
};
pub use metric::{
    LatestMetric, LoggingOrder, MetricColumnSet, MetricColumns, MetricPoint, NamedMetricPoint,
};
pub use monitoring::{
    ColumnScore, MonitoringBatch, MonitoringReference, MonitoringReferenceSummary,
    NewMonitoringBatch,
};
pub use provenance::{DataHash, DataKind, GitOrigin, GitProvenance};
pub use registry::{
    ModelStage, ModelVersion, ModelVersionStatus, NewModelVersion, RegisteredModel, RegistryChange,
    RegistryHistoryEntry, StageTransition, UnknownStage,
};
pub use run::{
    LifecycleStage, LogBatch, NewRun, Param, Run, RunInfo, RunStatus, RunUpdate, SourceKind, Tag,
    ViewType,
};
