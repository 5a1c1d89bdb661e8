//! [`MonitoringStore`]: a model version's monitoring reference and the outcomes of the production
//! batches judged against it. Both belong to the version: they go when it is deleted and follow
//! its model through a rename.

use crate::error::StoreResult;
use crate::model::{
    MonitoringBatch, MonitoringReference, MonitoringReferenceSummary, NewMonitoringBatch,
};

/// Monitoring of registered model versions.
pub trait MonitoringStore: Send + Sync {
    /// Sets (replaces) a version's reference; `ModelVersionNotFound` when there is no such
    /// version.
    fn set_monitoring_reference(&self, reference: &MonitoringReference) -> StoreResult<()>;

    /// A version's reference with its rows, if it has one; `ModelVersionNotFound` when there is
    /// no such version.
    fn monitoring_reference(
        &self,
        name: &str,
        version: u64,
    ) -> StoreResult<Option<MonitoringReference>>;

    /// A version's reference without its rows.
    fn monitoring_reference_summary(
        &self,
        name: &str,
        version: u64,
    ) -> StoreResult<Option<MonitoringReferenceSummary>>;

    /// Stores a judged batch; `ModelVersionNotFound` when there is no such version.
    fn add_monitoring_batch(&self, batch: &NewMonitoringBatch) -> StoreResult<MonitoringBatch>;

    /// A version's batches in arrival order, the last `limit` of them, without their reports
    /// (`report` is empty).
    fn list_monitoring_batches(
        &self,
        name: &str,
        version: u64,
        limit: usize,
    ) -> StoreResult<Vec<MonitoringBatch>>;

    /// One batch with its report, if it exists.
    fn monitoring_batch(&self, id: i64) -> StoreResult<Option<MonitoringBatch>>;

    /// The newest batch of every monitored version (without reports), by model and version:
    /// what `/metrics` exports.
    fn latest_monitoring_batches(&self) -> StoreResult<Vec<MonitoringBatch>>;
}
