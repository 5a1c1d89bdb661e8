//! MLflow 3's LoggedModels: models a run produced, with their own params, tags and metrics.

use crate::error::StoreResult;
use crate::model::{
    ExperimentId, LoggedModel, LoggedModelMetric, LoggedModelStatus, NewLoggedModel, Param, Tag,
};

/// MLflow 3's LoggedModels.
///
/// Part of [`crate::Store`]; every method validates its input as [`crate::validate`] says.
pub trait LoggedModelStore: Send + Sync {
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

    /// How many LoggedModels the store holds.
    fn logged_model_count(&self) -> StoreResult<u64>;
}
