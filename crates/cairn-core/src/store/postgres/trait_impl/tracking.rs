//! [`TrackingStore`] for [`PostgresStore`]: experiments, runs, logging and histories.

use crate::error::StoreResult;
use crate::model::{
    DatasetInput, DatasetSummary, Experiment, ExperimentId, ExperimentSummary, LifecycleStage,
    LogBatch, MetricColumnSet, MetricColumns, MetricPoint, ModelInput, ModelOutput, NewExperiment,
    NewRun, Run, RunInfo, RunIo, RunUpdate, Tag, ViewType,
};
use crate::store::postgres::{PostgresStore, experiments, metric_reads, run_io, runs, writes};
use crate::store::{MetricHistoryRange, TrackingStore};
use crate::validate;

impl TrackingStore for PostgresStore {
    fn create_experiment(&self, new: &NewExperiment) -> StoreResult<ExperimentId> {
        self.write(|tx| experiments::create(tx, new))
    }

    fn get_experiment(&self, experiment_id: ExperimentId) -> StoreResult<Experiment> {
        self.read(|tx| experiments::get(tx, experiment_id))
    }

    fn get_experiment_by_name(&self, name: &str) -> StoreResult<Experiment> {
        self.read(|tx| experiments::get_by_name(tx, name))
    }

    fn list_experiments(&self, view: ViewType) -> StoreResult<Vec<ExperimentSummary>> {
        self.read(|tx| experiments::list(tx, view))
    }

    fn rename_experiment(&self, experiment_id: ExperimentId, new_name: &str) -> StoreResult<()> {
        self.write(|tx| experiments::rename(tx, experiment_id, new_name))
    }

    fn set_experiment_lifecycle(
        &self,
        experiment_id: ExperimentId,
        stage: LifecycleStage,
    ) -> StoreResult<()> {
        self.write(|tx| experiments::set_lifecycle(tx, experiment_id, stage))
    }

    fn set_experiment_tag(&self, experiment_id: ExperimentId, tag: &Tag) -> StoreResult<()> {
        validate::check_tag(tag)?;
        self.write(|tx| {
            experiments::active(tx, experiment_id)?;
            experiments::set_tags(tx, experiment_id, std::slice::from_ref(tag))
        })
    }

    fn create_run(&self, new: &NewRun) -> StoreResult<Run> {
        self.write(|tx| runs::create(tx, new))
    }

    fn get_run(&self, run_id: &str) -> StoreResult<Run> {
        self.read(|tx| runs::get(tx, run_id))
    }

    fn update_run(&self, run_id: &str, update: &RunUpdate) -> StoreResult<RunInfo> {
        self.write(|tx| runs::update(tx, run_id, update))
    }

    fn move_run(&self, run_id: &str, experiment_id: ExperimentId) -> StoreResult<()> {
        self.write(|tx| runs::move_to(tx, run_id, experiment_id))
    }

    fn set_run_lifecycle(&self, run_id: &str, stage: LifecycleStage) -> StoreResult<()> {
        self.write(|tx| runs::set_lifecycle(tx, run_id, stage))
    }

    fn log_batch(&self, run_id: &str, batch: &LogBatch) -> StoreResult<()> {
        validate::check_batch(batch)?;
        self.write(|tx| writes::log_batch(tx, run_id, batch))
    }

    fn log_batches(&self, batches: &[(String, LogBatch)]) -> StoreResult<()> {
        for (_, batch) in batches {
            validate::check_batch(batch)?;
        }
        self.write(|tx| {
            batches
                .iter()
                .try_for_each(|(run_id, batch)| writes::log_batch(tx, run_id, batch))
        })
    }

    fn append_metric(&self, run_id: &str, key: &str, points: &[MetricPoint]) -> StoreResult<()> {
        validate::check_metric_points(key, points)?;
        self.write(|tx| writes::append_metric(tx, run_id, key, points))
    }

    fn delete_tag(&self, run_id: &str, key: &str) -> StoreResult<()> {
        self.write(|tx| writes::delete_tag(tx, run_id, key))
    }

    fn metric_history(&self, run_id: &str, key: &str) -> StoreResult<Vec<MetricPoint>> {
        self.with_client(|client| metric_reads::history(client, run_id, key))
    }

    fn metric_history_range(
        &self,
        run_id: &str,
        key: &str,
        offset: usize,
        limit: usize,
    ) -> StoreResult<MetricHistoryRange> {
        self.with_client(|client| metric_reads::history_range(client, run_id, key, offset, limit))
    }

    fn visit_metric_history(
        &self,
        run_id: &str,
        key: &str,
        set: MetricColumnSet,
        visit: &mut dyn FnMut(&MetricColumns),
    ) -> StoreResult<()> {
        self.with_client(|client| metric_reads::visit_history(client, run_id, key, set, visit))
    }

    fn delete_experiment_tag(&self, experiment_id: ExperimentId, key: &str) -> StoreResult<()> {
        self.write(|tx| experiments::delete_tag(tx, experiment_id, key))
    }

    fn log_run_inputs(&self, run_id: &str, inputs: &[DatasetInput]) -> StoreResult<()> {
        self.write(|tx| run_io::log_inputs(tx, run_id, inputs))
    }

    fn log_run_model_inputs(&self, run_id: &str, models: &[ModelInput]) -> StoreResult<()> {
        self.write(|tx| run_io::log_model_inputs(tx, run_id, models))
    }

    fn log_run_outputs(&self, run_id: &str, outputs: &[ModelOutput]) -> StoreResult<()> {
        self.write(|tx| run_io::log_outputs(tx, run_id, outputs))
    }

    fn run_io(&self, run_id: &str) -> StoreResult<RunIo> {
        self.read(|tx| run_io::get(tx, run_id))
    }

    fn runs_io(&self, run_ids: &[String]) -> StoreResult<Vec<RunIo>> {
        self.read(|tx| run_io::get_many(tx, run_ids))
    }

    fn dataset_summaries(
        &self,
        experiment_ids: &[ExperimentId],
        limit: usize,
    ) -> StoreResult<Vec<DatasetSummary>> {
        self.read(|tx| run_io::dataset_summaries(tx, experiment_ids, limit))
    }
}
