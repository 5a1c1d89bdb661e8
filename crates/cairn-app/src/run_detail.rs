//! Everything about one run, for the run page and `cairn runs show`.

use cairn_core::Store;

use crate::AppError;
use crate::views::{RunDetail, RunRow};

/// One run with its metrics' history sizes, provenance and the model versions made from it.
pub fn get_run_detail(store: &dyn Store, run_id: &str) -> Result<RunDetail, AppError> {
    let run = store.get_run(run_id)?;
    let mut model_versions = Vec::new();
    for model in store.list_registered_models()? {
        for version in store.list_model_versions(&model.name)? {
            if version.run_id.as_deref() == Some(run_id) {
                model_versions.push((&version).into());
            }
        }
    }
    Ok(RunDetail {
        row: RunRow::from(&run),
        artifact_uri: run.info.artifact_uri.clone(),
        lifecycle_stage: run.info.lifecycle_stage.as_str(),
        source_path: run.info.source_path.clone(),
        parent_run_id: run.info.parent_run_id.clone(),
        metrics: run.metrics.iter().map(Into::into).collect(),
        git: run.git.as_ref().map(Into::into),
        data: run.data.iter().map(Into::into).collect(),
        model_versions,
    })
}
