//! [`Store`] for [`SqliteStore`]: each method picks a read or a write transaction and hands the
//! work to the module that owns the subject.

use crate::error::StoreResult;
use crate::model::{
    ArtifactFile, DataHash, DatasetInput, Experiment, ExperimentId, ExperimentSummary,
    GitProvenance, LifecycleStage, LogBatch, LoggedModel, LoggedModelMetric, LoggedModelStatus,
    MetricColumnSet, MetricColumns, MetricPoint, ModelOutput, ModelVersion, NewExperiment,
    NewLoggedModel, NewModelVersion, NewRun, Param, RegisteredModel, RegistryHistoryEntry, Run,
    RunInfo, RunIo, RunUpdate, StageTransition, Tag, ViewType,
};
use crate::model::{FileStatKey, ManifestEntry};
use crate::model::{
    ImportMode, ImportOutcome, ImportedExperiment, ImportedLoggedModel, ImportedRegisteredModel,
    ImportedRun, IndexFileState,
};
use crate::store::{IndexRoot, MetricHistoryRange, ParamGroup, RunPage, RunSearch, Store};
use crate::validate;

use super::{
    SqliteStore, artifacts, data_hashes, experiments, import, index_state, logged_models,
    logged_models_import, metrics, provenance, registry, registry_edit, run_io, runs, search,
    writes,
};

impl Store for SqliteStore {
    fn create_experiment(&self, new: &NewExperiment) -> StoreResult<ExperimentId> {
        self.write(|tx| experiments::create(tx, new))
    }

    fn get_experiment(&self, experiment_id: ExperimentId) -> StoreResult<Experiment> {
        self.read(|db| experiments::get(db, experiment_id))
    }

    fn get_experiment_by_name(&self, name: &str) -> StoreResult<Experiment> {
        self.read(|db| experiments::get_by_name(db, name))
    }

    fn list_experiments(&self, view: ViewType) -> StoreResult<Vec<ExperimentSummary>> {
        self.read(|db| experiments::list(db, view))
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
        self.write(|tx| {
            experiments::active(tx, experiment_id)?;
            experiments::set_tag(tx, experiment_id, tag)
        })
    }

    fn create_run(&self, new: &NewRun) -> StoreResult<Run> {
        self.write(|tx| runs::create(tx, new))
    }

    fn get_run(&self, run_id: &str) -> StoreResult<Run> {
        self.read(|db| runs::get(db, run_id))
    }

    fn update_run(&self, run_id: &str, update: &RunUpdate) -> StoreResult<RunInfo> {
        self.write(|tx| runs::update(tx, run_id, update))
    }

    fn set_run_lifecycle(&self, run_id: &str, stage: LifecycleStage) -> StoreResult<()> {
        self.write(|tx| runs::set_lifecycle(tx, run_id, stage))
    }

    fn search_runs(&self, search: &RunSearch) -> StoreResult<RunPage> {
        self.read(|db| search::search_runs(db, &self.scope_cache, search))
    }

    fn search_runs_in_slices(
        &self,
        search: &RunSearch,
        slice_runs: usize,
        each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
    ) -> StoreResult<RunPage> {
        self.read(|db| {
            search::search_runs_in_slices(db, &self.scope_cache, search, slice_runs, each)
        })
    }

    fn group_runs_by_param(
        &self,
        search: &RunSearch,
        param_key: &str,
        metric_key: Option<&str>,
    ) -> StoreResult<Vec<ParamGroup>> {
        self.read(|db| search::group_by_param(db, &self.scope_cache, search, param_key, metric_key))
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
        self.write(|tx| writes::append_metric(tx, run_id, key, points))
    }

    fn delete_tag(&self, run_id: &str, key: &str) -> StoreResult<()> {
        self.write(|tx| writes::delete_tag(tx, run_id, key))
    }

    fn metric_history(&self, run_id: &str, key: &str) -> StoreResult<Vec<MetricPoint>> {
        self.read(|db| metrics::history(db, run_id, key))
    }

    fn metric_history_range(
        &self,
        run_id: &str,
        key: &str,
        offset: usize,
        limit: usize,
    ) -> StoreResult<MetricHistoryRange> {
        self.read(|db| metrics::history_range(db, run_id, key, offset, limit))
    }

    fn visit_metric_history(
        &self,
        run_id: &str,
        key: &str,
        set: MetricColumnSet,
        visit: &mut dyn FnMut(&MetricColumns),
    ) -> StoreResult<()> {
        self.read(|db| metrics::visit_history(db, run_id, key, set, visit))
    }

    fn set_git_provenance(&self, run_id: &str, git: &GitProvenance) -> StoreResult<()> {
        self.write(|tx| provenance::set_git(tx, run_id, git))
    }

    fn set_data_hash(&self, run_id: &str, data: &DataHash) -> StoreResult<()> {
        self.write(|tx| provenance::set_data(tx, run_id, data))
    }

    fn create_registered_model(
        &self,
        name: &str,
        description: &str,
        tags: &[Tag],
    ) -> StoreResult<RegisteredModel> {
        self.write(|tx| registry::create_model(tx, name, description, tags))
    }

    fn get_registered_model(&self, name: &str) -> StoreResult<RegisteredModel> {
        self.read(|db| registry::get_model(db, name))
    }

    fn list_registered_models(&self) -> StoreResult<Vec<RegisteredModel>> {
        self.read(registry::list_models)
    }

    fn create_model_version(&self, new: &NewModelVersion) -> StoreResult<ModelVersion> {
        self.write(|tx| registry::create_version(tx, new))
    }

    fn get_model_version(&self, name: &str, version: u64) -> StoreResult<ModelVersion> {
        self.read(|db| registry::get_version(db, name, version))
    }

    fn list_model_versions(&self, name: &str) -> StoreResult<Vec<ModelVersion>> {
        self.read(|db| registry::list_versions(db, name))
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
        self.read(|db| registry::history(db, name))
    }

    fn delete_experiment_tag(&self, experiment_id: ExperimentId, key: &str) -> StoreResult<()> {
        self.write(|tx| experiments::delete_tag(tx, experiment_id, key))
    }

    fn log_run_inputs(&self, run_id: &str, inputs: &[DatasetInput]) -> StoreResult<()> {
        self.write(|tx| run_io::log_inputs(tx, run_id, inputs))
    }

    fn log_run_outputs(&self, run_id: &str, outputs: &[ModelOutput]) -> StoreResult<()> {
        self.write(|tx| run_io::log_outputs(tx, run_id, outputs))
    }

    fn run_io(&self, run_id: &str) -> StoreResult<RunIo> {
        self.read(|db| run_io::get(db, run_id))
    }

    fn runs_io(&self, run_ids: &[String]) -> StoreResult<Vec<RunIo>> {
        self.read(|db| run_io::get_many(db, run_ids))
    }

    fn create_logged_model(&self, new: &NewLoggedModel) -> StoreResult<LoggedModel> {
        self.write(|tx| logged_models::create(tx, new))
    }

    fn get_logged_model(&self, model_id: &str) -> StoreResult<LoggedModel> {
        self.read(|db| logged_models::get(db, model_id))
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
        self.read(|db| logged_models::list(db, experiment_ids))
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
        self.read(|db| registry_edit::version_by_alias(db, name, alias))
    }

    fn record_artifact(&self, run_id: &str, file: &ArtifactFile) -> StoreResult<()> {
        self.write(|tx| artifacts::record(tx, run_id, file))
    }

    fn forget_artifacts(&self, run_id: &str, path: &str) -> StoreResult<()> {
        self.write(|tx| artifacts::forget(tx, run_id, path))
    }

    fn list_artifacts(&self, run_id: &str) -> StoreResult<Vec<ArtifactFile>> {
        self.read(|db| artifacts::list(db, run_id))
    }

    // Indexing

    fn import_experiment(&self, experiment: &ImportedExperiment) -> StoreResult<ExperimentId> {
        self.write(|tx| import::import_experiment(tx, experiment))
    }

    fn import_runs(
        &self,
        runs: &[ImportedRun],
        mode: ImportMode,
        files: &[IndexFileState],
    ) -> StoreResult<Vec<ImportOutcome>> {
        self.write(|tx| {
            let outcomes = runs
                .iter()
                .map(|run| import::import_run(tx, run, mode))
                .collect::<StoreResult<Vec<_>>>()?;
            index_state::record(tx, files)?;
            Ok(outcomes)
        })
    }

    fn import_registered_model(&self, model: &ImportedRegisteredModel) -> StoreResult<()> {
        self.write(|tx| import::import_registered_model(tx, model))
    }

    fn index_file_states_under(&self, prefix: &str) -> StoreResult<Vec<IndexFileState>> {
        self.read(|db| index_state::states_under(db, prefix))
    }

    fn record_index_files(&self, files: &[IndexFileState]) -> StoreResult<()> {
        self.write(|tx| index_state::record(tx, files))
    }

    fn indexed_sources_under(&self, prefix: &str) -> StoreResult<Vec<(String, String, bool)>> {
        self.read(|db| index_state::indexed_sources_under(db, prefix))
    }

    fn set_sources_missing(
        &self,
        source_paths: &[String],
        index_file_paths: &[String],
        missing: bool,
    ) -> StoreResult<u64> {
        self.write(|tx| {
            index_state::set_missing(tx, index_file_paths, missing)?;
            import::set_source_missing(tx, source_paths, missing)
        })
    }

    fn own_paths(&self) -> Vec<std::path::PathBuf> {
        let database = self.database_path().to_path_buf();
        let mut paths = vec![self.artifact_root().to_path_buf()];
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut name = database.clone().into_os_string();
            name.push(suffix);
            paths.push(std::path::PathBuf::from(name));
        }
        paths.push(database);
        paths
    }

    fn add_index_root(&self, path: &str, watched: bool) -> StoreResult<()> {
        self.write(|tx| index_state::add_root(tx, path, watched))
    }

    fn index_roots(&self) -> StoreResult<Vec<IndexRoot>> {
        self.read(index_state::roots)
    }

    fn set_index_root_watched(&self, path: &str, watched: bool) -> StoreResult<()> {
        self.write(|tx| index_state::set_root_watched(tx, path, watched))
    }

    fn remove_index_root(&self, path: &str) -> StoreResult<bool> {
        self.write(|tx| index_state::remove_root(tx, path))
    }

    fn import_logged_models(&self, models: &[ImportedLoggedModel]) -> StoreResult<()> {
        self.write(|tx| {
            models
                .iter()
                .try_for_each(|model| logged_models_import::import(tx, model))
        })
    }

    fn logged_model_count(&self) -> StoreResult<u64> {
        self.read(logged_models_import::count)
    }

    // Provenance
    fn cached_file_hashes(&self, keys: &[FileStatKey]) -> StoreResult<Vec<Option<String>>> {
        self.read(|db| data_hashes::cached(db, keys))
    }

    fn record_file_hashes(&self, hashes: &[(FileStatKey, String)]) -> StoreResult<()> {
        self.write(|tx| data_hashes::record_cache(tx, hashes))
    }

    fn record_data_manifest(&self, root_hash: &str, entries: &[ManifestEntry]) -> StoreResult<()> {
        self.write(|tx| data_hashes::record_manifest(tx, root_hash, entries))
    }

    fn data_manifest(&self, root_hash: &str) -> StoreResult<Vec<ManifestEntry>> {
        self.read(|db| data_hashes::manifest(db, root_hash))
    }
}
