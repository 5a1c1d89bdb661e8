//! [`MonitoringStore`] for [`SqliteStore`]: references and judged batches of model versions.

use crate::error::StoreResult;
use crate::model::{
    MonitoringBatch, MonitoringReference, MonitoringReferenceSummary, NewMonitoringBatch,
};
use crate::store::MonitoringStore;

use super::super::{SqliteStore, monitoring};

impl MonitoringStore for SqliteStore {
    fn set_monitoring_reference(&self, reference: &MonitoringReference) -> StoreResult<()> {
        self.write(|tx| monitoring::set_reference(tx, reference))
    }

    fn monitoring_reference(
        &self,
        name: &str,
        version: u64,
    ) -> StoreResult<Option<MonitoringReference>> {
        self.read(|db| monitoring::reference(db, name, version))
    }

    fn monitoring_reference_summary(
        &self,
        name: &str,
        version: u64,
    ) -> StoreResult<Option<MonitoringReferenceSummary>> {
        self.read(|db| monitoring::reference_summary(db, name, version))
    }

    fn add_monitoring_batch(&self, batch: &NewMonitoringBatch) -> StoreResult<MonitoringBatch> {
        self.write(|tx| monitoring::add_batch(tx, batch))
    }

    fn list_monitoring_batches(
        &self,
        name: &str,
        version: u64,
        limit: usize,
    ) -> StoreResult<Vec<MonitoringBatch>> {
        self.read(|db| monitoring::list_batches(db, name, version, limit))
    }

    fn monitoring_batch(&self, id: i64) -> StoreResult<Option<MonitoringBatch>> {
        self.read(|db| monitoring::batch(db, id))
    }

    fn latest_monitoring_batches(&self) -> StoreResult<Vec<MonitoringBatch>> {
        self.read(monitoring::latest_batches)
    }
}
