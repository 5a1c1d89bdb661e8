//! [`RegistryStore`] for [`PostgresStore`]: the model registry.

use crate::error::StoreResult;
use crate::model::{
    ModelVersion, NewModelVersion, RegisteredModel, RegistryHistoryEntry, StageTransition, Tag,
};
use crate::store::RegistryStore;

use crate::store::postgres::{PostgresStore, registry, registry_edit, registry_read};

impl RegistryStore for PostgresStore {
    fn create_registered_model(
        &self,
        name: &str,
        description: &str,
        tags: &[Tag],
    ) -> StoreResult<RegisteredModel> {
        self.write(|tx| registry::create_model(tx, name, description, tags))
    }

    fn get_registered_model(&self, name: &str) -> StoreResult<RegisteredModel> {
        self.read(|tx| registry_read::get_model(tx, name))
    }

    fn list_registered_models(&self) -> StoreResult<Vec<RegisteredModel>> {
        self.read(|tx| registry_read::models(tx, None))
    }

    fn create_model_version(&self, new: &NewModelVersion) -> StoreResult<ModelVersion> {
        self.write(|tx| registry::create_version(tx, new))
    }

    fn get_model_version(&self, name: &str, version: u64) -> StoreResult<ModelVersion> {
        self.read(|tx| {
            let model_id = registry_read::require_model(tx, name)?;
            registry_read::get_version(tx, model_id, name, version)
        })
    }

    fn list_model_versions(&self, name: &str) -> StoreResult<Vec<ModelVersion>> {
        self.read(|tx| {
            let model_id = registry_read::require_model(tx, name)?;
            registry_read::versions(tx, model_id, name, None)
        })
    }

    fn transition_model_version_stage(
        &self,
        transition: &StageTransition,
    ) -> StoreResult<ModelVersion> {
        self.write(|tx| registry::transition(tx, transition))
    }

    fn set_model_alias(
        &self,
        name: &str,
        alias: &str,
        version: u64,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()> {
        self.write(|tx| registry::set_alias(tx, name, alias, version, user_id, origin))
    }

    fn registry_history(&self, name: &str) -> StoreResult<Vec<RegistryHistoryEntry>> {
        self.read(|tx| registry_read::history(tx, name))
    }

    fn rename_registered_model(&self, name: &str, new_name: &str) -> StoreResult<RegisteredModel> {
        self.write(|tx| registry_edit::rename_model(tx, name, new_name))
    }

    fn update_registered_model(
        &self,
        name: &str,
        description: &str,
    ) -> StoreResult<RegisteredModel> {
        self.write(|tx| registry_edit::update_model_description(tx, name, description))
    }

    fn delete_registered_model(&self, name: &str) -> StoreResult<()> {
        self.write(|tx| registry_edit::delete_model(tx, name))
    }

    fn set_registered_model_tag(&self, name: &str, tag: &Tag) -> StoreResult<()> {
        self.write(|tx| registry_edit::set_model_tag(tx, name, tag))
    }

    fn delete_registered_model_tag(&self, name: &str, key: &str) -> StoreResult<()> {
        self.write(|tx| registry_edit::delete_model_tag(tx, name, key))
    }

    fn update_model_version(
        &self,
        name: &str,
        version: u64,
        description: &str,
    ) -> StoreResult<ModelVersion> {
        self.write(|tx| registry_edit::update_version_description(tx, name, version, description))
    }

    fn delete_model_version(
        &self,
        name: &str,
        version: u64,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()> {
        self.write(|tx| registry_edit::delete_version(tx, name, version, user_id, origin))
    }

    fn set_model_version_tag(&self, name: &str, version: u64, tag: &Tag) -> StoreResult<()> {
        self.write(|tx| registry_edit::set_version_tag(tx, name, version, tag))
    }

    fn delete_model_version_tag(&self, name: &str, version: u64, key: &str) -> StoreResult<()> {
        self.write(|tx| registry_edit::delete_version_tag(tx, name, version, key))
    }

    fn delete_model_alias(
        &self,
        name: &str,
        alias: &str,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()> {
        self.write(|tx| registry_edit::delete_alias(tx, name, alias, user_id, origin))
    }

    fn get_model_version_by_alias(&self, name: &str, alias: &str) -> StoreResult<ModelVersion> {
        self.read(|tx| registry_edit::version_by_alias(tx, name, alias))
    }
}
