//! The model registry: registered models, their versions, stages, aliases, tags and the
//! history of every change.

use crate::error::StoreResult;
use crate::model::{
    ModelVersion, NewModelVersion, RegisteredModel, RegistryHistoryEntry, StageTransition, Tag,
};

/// The model registry: registered models, versions, stages, aliases and their history.
///
/// Part of [`crate::Store`]; every method validates its input as [`crate::validate`] says.
pub trait RegistryStore: Send + Sync {
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
}
