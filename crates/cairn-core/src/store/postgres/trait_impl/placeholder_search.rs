//! TEMPORARY (not for merge): the traits another branch implements for `PostgresStore`,
//! stubbed so that `Box<dyn Store>` compiles while this branch is tested on its own.

#![allow(
    unused_variables,
    clippy::unimplemented,
    reason = "placeholder until pg-search merges"
)]

use crate::error::StoreResult;
use crate::model::*;
use crate::store::postgres::PostgresStore;
use crate::store::{
    LoggedModelStore, ParamGroup, RegistryStore, RunPage, RunSearch, RunSearchStore,
};

impl RunSearchStore for PostgresStore {
    fn search_runs(&self, search: &RunSearch) -> StoreResult<RunPage> {
        unimplemented!("pg-search")
    }

    fn search_runs_in_slices(
        &self,
        search: &RunSearch,
        slice_runs: usize,
        each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
    ) -> StoreResult<RunPage> {
        unimplemented!("pg-search")
    }

    fn group_runs_by_param(
        &self,
        search: &RunSearch,
        param_key: &str,
        metric_key: Option<&str>,
    ) -> StoreResult<Vec<ParamGroup>> {
        unimplemented!("pg-search")
    }
}

impl RegistryStore for PostgresStore {
    fn create_registered_model(
        &self,
        name: &str,
        description: &str,
        tags: &[Tag],
    ) -> StoreResult<RegisteredModel> {
        unimplemented!("pg-search")
    }

    fn get_registered_model(&self, name: &str) -> StoreResult<RegisteredModel> {
        unimplemented!("pg-search")
    }

    fn list_registered_models(&self) -> StoreResult<Vec<RegisteredModel>> {
        unimplemented!("pg-search")
    }

    fn create_model_version(&self, new: &NewModelVersion) -> StoreResult<ModelVersion> {
        unimplemented!("pg-search")
    }

    fn get_model_version(&self, name: &str, version: u64) -> StoreResult<ModelVersion> {
        unimplemented!("pg-search")
    }

    fn list_model_versions(&self, name: &str) -> StoreResult<Vec<ModelVersion>> {
        unimplemented!("pg-search")
    }

    fn transition_model_version_stage(
        &self,
        transition: &StageTransition,
    ) -> StoreResult<ModelVersion> {
        unimplemented!("pg-search")
    }

    fn set_model_alias(
        &self,
        name: &str,
        alias: &str,
        version: u64,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn registry_history(&self, name: &str) -> StoreResult<Vec<RegistryHistoryEntry>> {
        unimplemented!("pg-search")
    }

    fn rename_registered_model(&self, name: &str, new_name: &str) -> StoreResult<RegisteredModel> {
        unimplemented!("pg-search")
    }

    fn update_registered_model(
        &self,
        name: &str,
        description: &str,
    ) -> StoreResult<RegisteredModel> {
        unimplemented!("pg-search")
    }

    fn delete_registered_model(&self, name: &str) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn set_registered_model_tag(&self, name: &str, tag: &Tag) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn delete_registered_model_tag(&self, name: &str, key: &str) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn update_model_version(
        &self,
        name: &str,
        version: u64,
        description: &str,
    ) -> StoreResult<ModelVersion> {
        unimplemented!("pg-search")
    }

    fn delete_model_version(
        &self,
        name: &str,
        version: u64,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn set_model_version_tag(&self, name: &str, version: u64, tag: &Tag) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn delete_model_version_tag(&self, name: &str, version: u64, key: &str) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn delete_model_alias(
        &self,
        name: &str,
        alias: &str,
        user_id: &str,
        origin: &str,
    ) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn get_model_version_by_alias(&self, name: &str, alias: &str) -> StoreResult<ModelVersion> {
        unimplemented!("pg-search")
    }
}

impl LoggedModelStore for PostgresStore {
    fn create_logged_model(&self, new: &NewLoggedModel) -> StoreResult<LoggedModel> {
        unimplemented!("pg-search")
    }

    fn get_logged_model(&self, model_id: &str) -> StoreResult<LoggedModel> {
        unimplemented!("pg-search")
    }

    fn set_logged_model_status(
        &self,
        model_id: &str,
        status: LoggedModelStatus,
    ) -> StoreResult<LoggedModel> {
        unimplemented!("pg-search")
    }

    fn log_logged_model_params(&self, model_id: &str, params: &[Param]) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn set_logged_model_tags(&self, model_id: &str, tags: &[Tag]) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn log_logged_model_metrics(
        &self,
        model_id: &str,
        metrics: &[LoggedModelMetric],
    ) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn delete_logged_model_tag(&self, model_id: &str, key: &str) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn delete_logged_model(&self, model_id: &str) -> StoreResult<()> {
        unimplemented!("pg-search")
    }

    fn list_logged_models(&self, experiment_ids: &[ExperimentId]) -> StoreResult<Vec<LoggedModel>> {
        unimplemented!("pg-search")
    }

    fn logged_model_count(&self) -> StoreResult<u64> {
        unimplemented!("pg-search")
    }
}
