//! [`LoggedModelStore`] for [`PostgresStore`]: LoggedModels.

use crate::error::StoreResult;
use crate::model::{
    ExperimentId, LoggedModel, LoggedModelMetric, LoggedModelStatus, NewLoggedModel, Param, Tag,
};
use crate::store::LoggedModelStore;

use crate::store::postgres::{PostgresStore, logged_models};

impl LoggedModelStore for PostgresStore {
    fn create_logged_model(&self, new: &NewLoggedModel) -> StoreResult<LoggedModel> {
        self.write(|tx| logged_models::create(tx, new))
    }

    fn get_logged_model(&self, model_id: &str) -> StoreResult<LoggedModel> {
        self.read(|tx| logged_models::get(tx, model_id))
    }

    fn set_logged_model_status(
        &self,
        model_id: &str,
        status: LoggedModelStatus,
    ) -> StoreResult<LoggedModel> {
        self.write(|tx| logged_models::set_status(tx, model_id, status))
    }

    fn log_logged_model_params(&self, model_id: &str, params: &[Param]) -> StoreResult<()> {
        self.write(|tx| logged_models::log_params(tx, model_id, params))
    }

    fn set_logged_model_tags(&self, model_id: &str, tags: &[Tag]) -> StoreResult<()> {
        self.write(|tx| logged_models::set_tags(tx, model_id, tags))
    }

    fn log_logged_model_metrics(
        &self,
        model_id: &str,
        metrics: &[LoggedModelMetric],
    ) -> StoreResult<()> {
        self.write(|tx| logged_models::log_metrics(tx, model_id, metrics))
    }

    fn delete_logged_model_tag(&self, model_id: &str, key: &str) -> StoreResult<()> {
        self.write(|tx| logged_models::delete_tag(tx, model_id, key))
    }

    fn delete_logged_model(&self, model_id: &str) -> StoreResult<()> {
        self.write(|tx| logged_models::delete(tx, model_id))
    }

    fn list_logged_models(&self, experiment_ids: &[ExperimentId]) -> StoreResult<Vec<LoggedModel>> {
        self.read(|tx| logged_models::list(tx, experiment_ids))
    }

    fn logged_model_count(&self) -> StoreResult<u64> {
        self.read(logged_models::count)
    }
}
