//! Which experiment a `cairn run` wrapper starts in: `--experiment`, else what the mlflow
//! client in the child would pick by itself (`MLFLOW_EXPERIMENT_NAME`, `MLFLOW_EXPERIMENT_ID`,
//! Default).

use anyhow::Context;
use cairn_core::model::{ExperimentId, NewExperiment};
use cairn_core::{Store, StoreError};

/// The experiment the wrapper starts in, and the name the child is told, if any.
pub(super) struct WrapperExperiment {
    pub id: ExperimentId,
    pub name: String,
    /// `--experiment`: the child gets it as `MLFLOW_EXPERIMENT_NAME` (and no
    /// `MLFLOW_EXPERIMENT_ID`); otherwise the child's environment says as the user's does.
    pub pass_name: Option<String>,
}

impl WrapperExperiment {
    /// `--experiment`, else `$MLFLOW_EXPERIMENT_NAME`, else `$MLFLOW_EXPERIMENT_ID`, else
    /// Default: what the mlflow client in the child picks when the script does not choose.
    pub(super) fn choose(
        store: &dyn Store,
        flag: Option<&str>,
    ) -> anyhow::Result<WrapperExperiment> {
        let from_env = |key: &str| std::env::var(key).ok().filter(|value| !value.is_empty());
        if let Some(name) = flag
            .map(str::to_string)
            .or_else(|| from_env("MLFLOW_EXPERIMENT_NAME"))
        {
            let id = experiment_named(store, &name)?;
            let pass_name = flag.map(|_| name.clone());
            return Ok(WrapperExperiment {
                id,
                name,
                pass_name,
            });
        }
        let id = match from_env("MLFLOW_EXPERIMENT_ID") {
            Some(text) => ExperimentId(text.trim().parse().with_context(|| {
                format!("MLFLOW_EXPERIMENT_ID must be an experiment id, got '{text}'")
            })?),
            None => ExperimentId::DEFAULT,
        };
        let experiment = store
            .get_experiment(id)
            .with_context(|| format!("finding experiment {} (MLFLOW_EXPERIMENT_ID)", id.0))?;
        Ok(WrapperExperiment {
            id,
            name: experiment.name,
            pass_name: None,
        })
    }
}

/// The experiment named `name`, created when missing.
fn experiment_named(store: &dyn Store, name: &str) -> anyhow::Result<ExperimentId> {
    match store.get_experiment_by_name(name) {
        Ok(experiment) => Ok(experiment.experiment_id),
        Err(StoreError::ExperimentNotFound { .. }) => store
            .create_experiment(&NewExperiment {
                name: name.to_string(),
                artifact_location: None,
                tags: Vec::new(),
                experiment_id: None,
            })
            .with_context(|| format!("creating experiment {name}")),
        Err(error) => Err(error).with_context(|| format!("finding experiment {name}")),
    }
}
