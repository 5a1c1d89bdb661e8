//! TEMPORARY placeholder (not for merge): the traits another branch implements, so that
//! `PostgresStore` is a `Store` while this branch is built alone.

#![allow(unused_variables, reason = "placeholder")]

use crate::error::StoreResult;
use crate::model::{
    DatasetInput, DatasetSummary, Experiment, ExperimentId, ExperimentSummary, LifecycleStage,
    LogBatch, MetricPoint, ModelInput, ModelOutput, NewExperiment,
    NewRun, Run, RunInfo, RunIo, RunUpdate, Tag, ViewType,
};
use crate::model::{
    ImportMode, ImportOutcome, ImportedExperiment, ImportedLoggedModel,
    ImportedRegisteredModel, ImportedRun, IndexFileState,
};
use crate::model::{ArtifactFile, DataHash, FileStatKey, GitProvenance, ManifestEntry};
use crate::store::IndexRoot;
use crate::store::MetricHistoryRange;
use crate::store::postgres::PostgresStore;

impl crate::store::TrackingStore for PostgresStore {
    fn create_experiment(&self, new: &NewExperiment) -> StoreResult<ExperimentId> {
        unimplemented!("placeholder")
    }

    fn get_experiment(&self, experiment_id: ExperimentId) -> StoreResult<Experiment> {
        unimplemented!("placeholder")
    }

    fn get_experiment_by_name(&self, name: &str) -> StoreResult<Experiment> {
        unimplemented!("placeholder")
    }

    fn list_experiments(&self, view: ViewType) -> StoreResult<Vec<ExperimentSummary>> {
        unimplemented!("placeholder")
    }

    fn rename_experiment(&self, experiment_id: ExperimentId, new_name: &str) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn set_experiment_lifecycle(
        &self,
        experiment_id: ExperimentId,
        stage: LifecycleStage,
    ) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn set_experiment_tag(&self, experiment_id: ExperimentId, tag: &Tag) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn create_run(&self, new: &NewRun) -> StoreResult<Run> {
        unimplemented!("placeholder")
    }

    fn get_run(&self, run_id: &str) -> StoreResult<Run> {
        unimplemented!("placeholder")
    }

    fn update_run(&self, run_id: &str, update: &RunUpdate) -> StoreResult<RunInfo> {
        unimplemented!("placeholder")
    }

    fn move_run(&self, run_id: &str, experiment_id: ExperimentId) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn set_run_lifecycle(&self, run_id: &str, stage: LifecycleStage) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn log_batch(&self, run_id: &str, batch: &LogBatch) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn log_batches(&self, batches: &[(String, LogBatch)]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn append_metric(&self, run_id: &str, key: &str, points: &[MetricPoint]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn delete_tag(&self, run_id: &str, key: &str) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn metric_history(&self, run_id: &str, key: &str) -> StoreResult<Vec<MetricPoint>> {
        unimplemented!("placeholder")
    }

    fn metric_history_range(
        &self,
        run_id: &str,
        key: &str,
        offset: usize,
        limit: usize,
    ) -> StoreResult<MetricHistoryRange> {
        unimplemented!("placeholder")
    }

    fn delete_experiment_tag(&self, experiment_id: ExperimentId, key: &str) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn log_run_inputs(&self, run_id: &str, inputs: &[DatasetInput]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn log_run_model_inputs(&self, run_id: &str, models: &[ModelInput]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn log_run_outputs(&self, run_id: &str, outputs: &[ModelOutput]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn run_io(&self, run_id: &str) -> StoreResult<RunIo> {
        unimplemented!("placeholder")
    }

    fn runs_io(&self, run_ids: &[String]) -> StoreResult<Vec<RunIo>> {
        unimplemented!("placeholder")
    }

    fn dataset_summaries(
        &self,
        experiment_ids: &[ExperimentId],
        limit: usize,
    ) -> StoreResult<Vec<DatasetSummary>> {
        unimplemented!("placeholder")
    }
}

impl crate::store::IndexingStore for PostgresStore {
    fn import_experiment(&self, experiment: &ImportedExperiment) -> StoreResult<ExperimentId> {
        unimplemented!("placeholder")
    }

    fn import_runs(
        &self,
        runs: &[ImportedRun],
        mode: ImportMode,
        files: &[IndexFileState],
    ) -> StoreResult<Vec<ImportOutcome>> {
        unimplemented!("placeholder")
    }

    fn import_registered_model(&self, model: &ImportedRegisteredModel) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn index_file_states_under(&self, prefix: &str) -> StoreResult<Vec<IndexFileState>> {
        unimplemented!("placeholder")
    }

    fn record_index_files(&self, files: &[IndexFileState]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn indexed_sources_under(&self, prefix: &str) -> StoreResult<Vec<(String, String, bool)>> {
        unimplemented!("placeholder")
    }

    fn set_sources_missing(
        &self,
        source_paths: &[String],
        index_file_paths: &[String],
        missing: bool,
    ) -> StoreResult<u64> {
        unimplemented!("placeholder")
    }

    fn own_paths(&self) -> Vec<std::path::PathBuf> {
        unimplemented!("placeholder")
    }

    fn add_index_root(&self, path: &str, watched: bool) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn index_roots(&self) -> StoreResult<Vec<IndexRoot>> {
        unimplemented!("placeholder")
    }

    fn set_index_root_watched(&self, path: &str, watched: bool) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn remove_index_root(&self, path: &str) -> StoreResult<bool> {
        unimplemented!("placeholder")
    }

    fn import_logged_models(&self, models: &[ImportedLoggedModel]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }
}

impl crate::store::ProvenanceStore for PostgresStore {
    fn set_git_provenance(&self, run_id: &str, git: &GitProvenance) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn set_data_hash(&self, run_id: &str, data: &DataHash) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn record_artifact(&self, run_id: &str, file: &ArtifactFile) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn forget_artifacts(&self, run_id: &str, path: &str) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn list_artifacts(&self, run_id: &str) -> StoreResult<Vec<ArtifactFile>> {
        unimplemented!("placeholder")
    }

    fn cached_file_hashes(&self, keys: &[FileStatKey]) -> StoreResult<Vec<Option<String>>> {
        unimplemented!("placeholder")
    }

    fn record_file_hashes(&self, hashes: &[(FileStatKey, String)]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn record_data_manifest(&self, root_hash: &str, entries: &[ManifestEntry]) -> StoreResult<()> {
        unimplemented!("placeholder")
    }

    fn data_manifest(&self, root_hash: &str) -> StoreResult<Vec<ManifestEntry>> {
        unimplemented!("placeholder")
    }
}

