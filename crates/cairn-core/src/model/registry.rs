//! The model registry: registered models, their numbered versions, stages and aliases.

use super::Tag;

/// A model version's stage, MLflow's four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelStage {
    /// Not in any stage (where every version starts).
    None,
    /// Being validated.
    Staging,
    /// Serving.
    Production,
    /// Retired.
    Archived,
}

impl ModelStage {
    /// Every stage, in promotion order.
    pub const ALL: [ModelStage; 4] = [
        ModelStage::None,
        ModelStage::Staging,
        ModelStage::Production,
        ModelStage::Archived,
    ];

    /// The canonical name, e.g. `Production`.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStage::None => "None",
            ModelStage::Staging => "Staging",
            ModelStage::Production => "Production",
            ModelStage::Archived => "Archived",
        }
    }

    /// Parses a stage name in any case, as MLflow does (`production` → `Production`); `None`
    /// for anything else. [`str::parse`] gives the same with an error that names the stages.
    pub fn parse(text: &str) -> Option<ModelStage> {
        ModelStage::ALL
            .into_iter()
            .find(|stage| stage.as_str().eq_ignore_ascii_case(text))
    }
}

impl std::str::FromStr for ModelStage {
    type Err = UnknownStage;

    fn from_str(text: &str) -> Result<ModelStage, UnknownStage> {
        ModelStage::parse(text).ok_or_else(|| UnknownStage {
            text: text.to_owned(),
        })
    }
}

/// A stage name that is none of MLflow's four, in any case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a stage: None, Staging, Production or Archived")]
pub struct UnknownStage {
    /// What was given.
    pub text: String,
}

/// A version's registration status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelVersionStatus {
    /// Files are still being copied.
    PendingRegistration,
    /// Registration failed.
    FailedRegistration,
    /// Ready to use.
    Ready,
}

impl ModelVersionStatus {
    /// MLflow's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelVersionStatus::PendingRegistration => "PENDING_REGISTRATION",
            ModelVersionStatus::FailedRegistration => "FAILED_REGISTRATION",
            ModelVersionStatus::Ready => "READY",
        }
    }

    /// Parses MLflow's name.
    pub fn parse(text: &str) -> Option<ModelVersionStatus> {
        [
            ModelVersionStatus::PendingRegistration,
            ModelVersionStatus::FailedRegistration,
            ModelVersionStatus::Ready,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// A registered model with its aliases and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredModel {
    /// Unique name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Last change, epoch milliseconds.
    pub last_updated_time_ms: i64,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
    /// Aliases as (alias, version), sorted by alias.
    pub aliases: Vec<(String, u64)>,
    /// The highest version in each stage that has one, in stage order.
    pub latest_versions: Vec<ModelVersion>,
}

/// One version of a registered model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVersion {
    /// The registered model's name.
    pub name: String,
    /// Version number, from 1, never reused.
    pub version: u64,
    /// Creation time, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Last change, epoch milliseconds.
    pub last_updated_time_ms: i64,
    /// Who registered it.
    pub user_id: String,
    /// Current stage.
    pub current_stage: ModelStage,
    /// Free text.
    pub description: String,
    /// Where the model's files are (`runs:/...`, `models:/m-...`, a path).
    pub source: String,
    /// The run it came from.
    pub run_id: Option<String>,
    /// Link to the run.
    pub run_link: String,
    /// Registration status.
    pub status: ModelVersionStatus,
    /// Explanation of the status.
    pub status_message: String,
    /// The LoggedModel it was made from.
    pub logged_model_id: Option<String>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
    /// Aliases pointing at this version, sorted.
    pub aliases: Vec<String>,
}

/// What is needed to register a new version.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewModelVersion {
    /// The registered model (must exist).
    pub name: String,
    /// Where the model's files are.
    pub source: String,
    /// The run it came from.
    pub run_id: Option<String>,
    /// Link to the run.
    pub run_link: String,
    /// Free text.
    pub description: String,
    /// The LoggedModel it is made from.
    pub logged_model_id: Option<String>,
    /// Initial tags.
    pub tags: Vec<Tag>,
    /// Who registers it.
    pub user_id: String,
    /// Where the registration was made (`cli`, `app`...), for the history; empty means `store`.
    pub origin: String,
}

/// A request to move a version to another stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTransition {
    /// Registered model.
    pub name: String,
    /// Version to move.
    pub version: u64,
    /// Target stage.
    pub stage: ModelStage,
    /// Move the other versions in the target stage to Archived (Staging and Production only).
    pub archive_existing_versions: bool,
    /// Who asks, for the history.
    pub user_id: String,
    /// Why, for the history.
    pub comment: String,
    /// Where the request came from (`rest`, `cli`, `app`, `gate`), for the history.
    pub origin: String,
    /// The gate report that allowed the move, kept in the history.
    pub gate_report: Option<String>,
}

/// What kind of registry change a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryChange {
    /// A version was registered.
    CreateVersion,
    /// A version changed stage.
    Transition,
    /// An alias was set or moved.
    SetAlias,
    /// An alias was removed.
    DeleteAlias,
    /// A version was deleted.
    DeleteVersion,
}

impl RegistryChange {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryChange::CreateVersion => "create_version",
            RegistryChange::Transition => "transition",
            RegistryChange::SetAlias => "set_alias",
            RegistryChange::DeleteAlias => "delete_alias",
            RegistryChange::DeleteVersion => "delete_version",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<RegistryChange> {
        [
            RegistryChange::CreateVersion,
            RegistryChange::Transition,
            RegistryChange::SetAlias,
            RegistryChange::DeleteAlias,
            RegistryChange::DeleteVersion,
        ]
        .into_iter()
        .find(|change| change.as_str() == text)
    }
}

/// One line of the permanent registry history.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryHistoryEntry {
    /// Registered model name at the time.
    pub model_name: String,
    /// The version concerned.
    pub version: Option<u64>,
    /// What happened.
    pub change: RegistryChange,
    /// Stage before (transitions).
    pub from_stage: Option<ModelStage>,
    /// Stage after (transitions).
    pub to_stage: Option<ModelStage>,
    /// The alias (alias changes).
    pub alias: Option<String>,
    /// Who.
    pub user_id: String,
    /// When, epoch milliseconds.
    pub time_ms: i64,
    /// Why.
    pub comment: String,
    /// Where the change was made.
    pub origin: String,
    /// The gate report that allowed it, when a gate did.
    pub gate_report: Option<String>,
}
