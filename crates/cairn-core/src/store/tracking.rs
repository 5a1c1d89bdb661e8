//! Experiments, runs, what is logged to them and their metric histories: what an MLflow
//! client writes and reads back, and what a second backend implements first.

use crate::error::StoreResult;
use crate::model::{
    DatasetInput, DatasetSummary, Experiment, ExperimentId, ExperimentSummary, LifecycleStage,
    LogBatch, MetricColumnSet, MetricColumns, MetricPoint, ModelInput, ModelOutput, NewExperiment,
    NewRun, Run, RunInfo, RunIo, RunUpdate, Tag, ViewType,
};
use crate::store::MetricHistoryRange;

/// Experiments, runs, their params, tags and metric histories, and the datasets a run used and
/// the models it produced.
///
/// Part of [`crate::Store`]; every method validates its input as [`crate::validate`] says.
pub trait TrackingStore: Send + Sync {
    /// Creates an experiment and returns its id.
    fn create_experiment(&self, new: &NewExperiment) -> StoreResult<ExperimentId>;

    /// An experiment by id.
    fn get_experiment(&self, experiment_id: ExperimentId) -> StoreResult<Experiment>;

    /// An experiment by name (deleted ones too, as MLflow does).
    fn get_experiment_by_name(&self, name: &str) -> StoreResult<Experiment>;

    /// Experiments in view with their active run counts, sorted by name.
    fn list_experiments(&self, view: ViewType) -> StoreResult<Vec<ExperimentSummary>>;

    /// Renames an experiment.
    fn rename_experiment(&self, experiment_id: ExperimentId, new_name: &str) -> StoreResult<()>;

    /// Deletes (soft) or restores an experiment.
    fn set_experiment_lifecycle(
        &self,
        experiment_id: ExperimentId,
        stage: LifecycleStage,
    ) -> StoreResult<()>;

    /// Sets an experiment tag.
    fn set_experiment_tag(&self, experiment_id: ExperimentId, tag: &Tag) -> StoreResult<()>;

    /// Creates a run.
    fn create_run(&self, new: &NewRun) -> StoreResult<Run>;

    /// Everything about one run.
    fn get_run(&self, run_id: &str) -> StoreResult<Run>;

    /// Changes a run's status, end time or name. Ending a run compacts its metric histories.
    fn update_run(&self, run_id: &str, update: &RunUpdate) -> StoreResult<RunInfo>;

    /// Moves a run into another active experiment, keeping everything it holds and its
    /// artifact location (`cairn run` follows the experiment its command chose).
    fn move_run(&self, run_id: &str, experiment_id: ExperimentId) -> StoreResult<()>;

    /// Deletes (soft) or restores a run.
    fn set_run_lifecycle(&self, run_id: &str, stage: LifecycleStage) -> StoreResult<()>;

    /// Logs params, metrics and tags atomically: all or nothing.
    fn log_batch(&self, run_id: &str, batch: &LogBatch) -> StoreResult<()>;

    /// Logs many batches to many runs in one transaction; each batch is validated first.
    fn log_batches(&self, batches: &[(String, LogBatch)]) -> StoreResult<()>;

    /// Appends a long stretch of one metric's history (importers; no batch size limit).
    fn append_metric(&self, run_id: &str, key: &str, points: &[MetricPoint]) -> StoreResult<()>;

    /// Removes a run tag.
    fn delete_tag(&self, run_id: &str, key: &str) -> StoreResult<()>;

    /// The whole history of one metric of a run, in logging order.
    fn metric_history(&self, run_id: &str, key: &str) -> StoreResult<Vec<MetricPoint>>;

    /// Points `offset..offset + limit` of one metric's history, in logging order, and the
    /// history's length: what a page of `metrics/get-history` needs, decoding only the stored
    /// pieces that hold those points. A missing key is an empty history; a missing run is an
    /// error.
    fn metric_history_range(
        &self,
        run_id: &str,
        key: &str,
        offset: usize,
        limit: usize,
    ) -> StoreResult<MetricHistoryRange>;

    /// The same history streamed to `visit` as columns, a stretch at a time (a stored chunk
    /// of up to a few thousand points), in logging order and bit for bit: for readers that
    /// aggregate (charts), so no [`MetricPoint`] is built per point. A run without the metric
    /// visits nothing; a missing run is an error, as in [`TrackingStore::metric_history`]. Only the
    /// columns in `set` are filled (the others stay empty).
    fn visit_metric_history(
        &self,
        run_id: &str,
        key: &str,
        set: MetricColumnSet,
        visit: &mut dyn FnMut(&MetricColumns),
    ) -> StoreResult<()> {
        let mut columns = MetricColumns::default();
        for point in self.metric_history(run_id, key)? {
            columns.push_columns(&point, set);
        }
        if !columns.is_empty() {
            visit(&columns);
        }
        Ok(())
    }

    /// Removes an experiment tag.
    fn delete_experiment_tag(&self, experiment_id: ExperimentId, key: &str) -> StoreResult<()>;

    /// Records datasets a run used (idempotent).
    fn log_run_inputs(&self, run_id: &str, inputs: &[DatasetInput]) -> StoreResult<()>;

    /// Records LoggedModels a run took as inputs (idempotent).
    fn log_run_model_inputs(&self, run_id: &str, models: &[ModelInput]) -> StoreResult<()>;

    /// Records LoggedModels a run produced.
    fn log_run_outputs(&self, run_id: &str, outputs: &[ModelOutput]) -> StoreResult<()>;

    /// A run's dataset inputs and model outputs.
    fn run_io(&self, run_id: &str) -> StoreResult<RunIo>;

    /// The inputs and outputs of many runs (a page of a search), in the order of `run_ids`.
    fn runs_io(&self, run_ids: &[String]) -> StoreResult<Vec<RunIo>>;

    /// The datasets runs of `experiment_ids` used, each (experiment, name, digest, context)
    /// once, at most `limit`, in the order the datasets were first logged (then by context, none
    /// first). An experiment that does not exist has no datasets.
    fn dataset_summaries(
        &self,
        experiment_ids: &[ExperimentId],
        limit: usize,
    ) -> StoreResult<Vec<DatasetSummary>>;
}

/// The inputs and outputs read for `run_ids` (`ios`, by each run's key in `run_pks`), in the
/// order the ids were asked for, as [`TrackingStore::runs_io`] answers them: a run asked for
/// twice is there twice, and an unknown one is an error naming it.
pub(crate) fn in_asked_order(
    run_ids: &[String],
    run_pks: &std::collections::HashMap<String, i64>,
    ios: &std::collections::HashMap<i64, RunIo>,
) -> StoreResult<Vec<RunIo>> {
    run_ids
        .iter()
        .map(|run_id| {
            run_pks
                .get(run_id)
                .and_then(|run_pk| ios.get(run_pk))
                .cloned()
                .ok_or_else(|| crate::error::StoreError::RunNotFound {
                    run_id: run_id.clone(),
                })
        })
        .collect()
}
