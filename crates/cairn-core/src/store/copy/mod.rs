//! Copying one store into another through the store interface — SQLite to PostgreSQL and back
//! — with ids, histories, provenance and the registry kept, so a laptop's history can seed a
//! team server and a team can leave.
//!
//! The copy is resumable: experiments, models and versions are upserted by name, and a run
//! already in the destination with the same fields, params, tags and latest metrics is skipped,
//! so running it again after an interruption carries on where it stopped. A destination holding
//! anything else is refused before a write ([`check_destination`]). At the end both stores'
//! [`Census`] must agree.

mod census;
mod destination;
mod monitoring;
mod runs;

pub use census::{Census, census};
pub use destination::check_destination;

use crate::error::StoreResult;
use crate::model::{
    ImportedExperiment, ImportedLoggedModel, ImportedModelVersion, ImportedRegisteredModel,
    ViewType,
};
use crate::store::Store;

/// Runs copied per transaction in the destination.
pub const RUNS_PER_BATCH: usize = 100;

/// What a copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Experiments written.
    pub experiments: u64,
    /// Runs written.
    pub runs_copied: u64,
    /// Runs already in the destination as they are in the source.
    pub runs_skipped: u64,
    /// LoggedModels written.
    pub logged_models: u64,
    /// Registered models written.
    pub registered_models: u64,
    /// Monitoring batches of model versions written (with their versions' references).
    pub monitoring_batches: u64,
    /// The source's census, taken after the copy.
    pub source: Census,
    /// The destination's census, taken after the copy.
    pub destination: Census,
}

impl CopyReport {
    /// Whether the destination holds everything the source does: equal counts and metric
    /// checksum.
    pub fn verified(&self) -> bool {
        self.source == self.destination
    }
}

/// Progress as the copy goes: (runs done, runs in all).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// Copies everything in `source` into `destination`; see the module documentation.
pub fn copy_store(
    source: &dyn Store,
    destination: &dyn Store,
    progress: Progress<'_>,
) -> StoreResult<CopyReport> {
    check_destination(source, destination)?;
    let mut report = CopyReport::default();
    let experiments = source.list_experiments(ViewType::All)?;
    for summary in &experiments {
        let experiment = source.get_experiment(summary.experiment.experiment_id)?;
        destination.import_experiment(&ImportedExperiment {
            name: experiment.name.clone(),
            source_id: Some(experiment.experiment_id),
            artifact_location: Some(experiment.artifact_location.clone()),
            lifecycle_stage: experiment.lifecycle_stage,
            creation_time_ms: experiment.creation_time_ms,
            last_update_time_ms: experiment.last_update_time_ms,
            tags: experiment.tags.clone(),
        })?;
        report.experiments += 1;
    }
    let experiment_ids: Vec<_> = experiments
        .iter()
        .map(|summary| summary.experiment.experiment_id)
        .collect();

    let models: Vec<ImportedLoggedModel> = source
        .list_logged_models(&experiment_ids)?
        .into_iter()
        .map(|model| ImportedLoggedModel {
            model_id: model.model_id,
            experiment_id: model.experiment_id,
            name: model.name,
            artifact_location: model.artifact_location,
            creation_time_ms: model.creation_time_ms,
            last_updated_time_ms: model.last_updated_time_ms,
            status: model.status.as_str().to_owned(),
            status_message: model.status_message,
            model_type: model.model_type,
            source_run_id: model.source_run_id,
            lifecycle_stage: crate::model::LifecycleStage::Active,
            params: model.params,
            tags: model.tags,
            metrics: model.metrics,
        })
        .collect();
    destination.import_logged_models(&models)?;
    report.logged_models = models.len() as u64;

    let (copied, skipped) = runs::copy_runs(source, destination, &experiment_ids, progress)?;
    report.runs_copied = copied;
    report.runs_skipped = skipped;

    for model in source.list_registered_models()? {
        let listed = source.list_model_versions(&model.name)?;
        let numbers: Vec<u64> = listed.iter().map(|version| version.version).collect();
        let name = model.name.clone();
        let versions = listed
            .into_iter()
            .map(|version| ImportedModelVersion {
                version: version.version,
                creation_time_ms: version.creation_time_ms,
                last_updated_time_ms: version.last_updated_time_ms,
                user_id: version.user_id,
                current_stage: Some(version.current_stage),
                description: version.description,
                source: version.source,
                run_id: version.run_id,
                status: version.status.as_str().to_owned(),
                logged_model_id: version.logged_model_id,
                storage_location: None,
                tags: version.tags,
            })
            .collect();
        let history = source.registry_history(&model.name)?;
        destination.import_registered_model(&ImportedRegisteredModel {
            history: Some(history),
            name: model.name,
            description: model.description,
            creation_time_ms: model.creation_time_ms,
            last_updated_time_ms: model.last_updated_time_ms,
            tags: model.tags,
            versions,
            aliases: model.aliases,
        })?;
        report.registered_models += 1;
        report.monitoring_batches +=
            monitoring::copy_monitoring(source, destination, &name, &numbers)?;
    }

    report.source = census(source)?;
    report.destination = census(destination)?;
    Ok(report)
}
