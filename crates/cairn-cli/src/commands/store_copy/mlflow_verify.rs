//! The check at the end of a copy into an MLflow server: every source run read back through
//! the REST API, its params, tags and metric points counted on both sides, and the registry's
//! versions, naming what differs.

use std::collections::{HashMap, HashSet};

use cairn_core::Store;
use cairn_core::model::ViewType;
use serde::Serialize;

use super::mlflow_registry::copied_versions;
use super::mlflow_runs::{COPIED_FROM, RUN_NAME_TAG, destination_run, source_runs};
use cairn_push::MlflowApi;
use cairn_push::wire::{PointKey, history_len, point_key};

/// Differences listed at most; past that only their number.
const MAX_LISTED: usize = 20;

/// What one side holds, as the check counts it.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub experiments: u64,
    pub runs: u64,
    pub params: u64,
    /// Run tags; on the destination without the tags the copy adds itself ([`COPIED_FROM`], and
    /// the `mlflow.runName` an MLflow server adds when the source had none).
    pub tags: u64,
    /// Metric points; on the source a point held twice exactly counts once, as an MLflow
    /// server keeps it.
    pub metric_points: u64,
    pub model_versions: u64,
}

/// The check's outcome.
#[derive(Debug, Default, Serialize)]
pub struct Verification {
    pub source: Counts,
    pub destination: Counts,
    /// What differs, one line each (the first [`MAX_LISTED`]).
    pub differences: Vec<String>,
    /// How many differences there were in all.
    pub difference_count: u64,
}

impl Verification {
    pub fn verified(&self) -> bool {
        self.difference_count == 0 && self.source == self.destination
    }

    fn differ(&mut self, what: String) {
        self.difference_count += 1;
        if self.differences.len() < MAX_LISTED {
            self.differences.push(what);
        }
    }
}

/// Counts both sides; `runs` maps source to destination run ids.
pub fn verify(
    client: &dyn MlflowApi,
    source: &dyn Store,
    runs: &HashMap<String, String>,
) -> anyhow::Result<Verification> {
    let mut check = Verification::default();
    for summary in source.list_experiments(ViewType::All)? {
        let experiment = &summary.experiment;
        check.source.experiments += 1;
        let found = client.try_get(
            "experiments/get-by-name",
            &[("experiment_name", experiment.name.as_str())],
        );
        match found {
            Ok(answer)
                if answer["experiment"]["lifecycle_stage"].as_str()
                    == Some(experiment.lifecycle_stage.as_str()) =>
            {
                check.destination.experiments += 1;
            }
            Ok(_) => check.differ(format!(
                "experiment '{}' is not {} on the destination",
                experiment.name,
                experiment.lifecycle_stage.as_str()
            )),
            Err(_) => check.differ(format!(
                "experiment '{}' is missing on the destination",
                experiment.name
            )),
        }
        for run in source_runs(source, experiment.experiment_id)? {
            let id = &run.info.run_id;
            check.source.runs += 1;
            check.source.params += run.params.len() as u64;
            let source_tags = run.tags.iter().filter(|tag| tag.key != COPIED_FROM).count();
            check.source.tags += source_tags as u64;
            let Some(new_id) = runs.get(id) else {
                check.source.metric_points +=
                    run.metrics.iter().map(|m| m.point_count).sum::<u64>();
                check.differ(format!("run {id} was not copied"));
                continue;
            };
            let answer = client.get(
                "runs/get",
                &[("run_id", new_id.as_str())],
                &format!("run {new_id} (copy of {id})"),
            )?;
            let there = destination_run(&answer["run"]);
            check.destination.runs += 1;
            check.destination.params += there.params.len() as u64;
            let source_named = run.tags.iter().any(|tag| tag.key == RUN_NAME_TAG);
            let tags = there
                .tags
                .iter()
                .filter(|(key, _)| key != COPIED_FROM && (source_named || key != RUN_NAME_TAG))
                .count();
            check.destination.tags += tags as u64;
            if there.params.len() != run.params.len() {
                check.differ(format!(
                    "run {id}: {} params, its copy {new_id} {}",
                    run.params.len(),
                    there.params.len()
                ));
            }
            if tags != source_tags {
                check.differ(format!(
                    "run {id}: {} tags, its copy {new_id} {tags}",
                    source_tags
                ));
            }
            for metric in &run.metrics {
                let count = history_len(client, new_id, &metric.key)?;
                check.destination.metric_points += count;
                // A point the source holds twice exactly is one point to an MLflow server.
                let expected = if count == metric.point_count {
                    count
                } else {
                    let history = source.metric_history(id, &metric.key)?;
                    let distinct: HashSet<PointKey> = history.iter().map(point_key).collect();
                    distinct.len() as u64
                };
                check.source.metric_points += expected;
                if count != expected {
                    check.differ(format!(
                        "run {id}: metric '{}' has {expected} points, its copy {new_id} {count}",
                        metric.key
                    ));
                }
            }
        }
    }
    for model in source.list_registered_models()? {
        let versions = source.list_model_versions(&model.name)?;
        check.source.model_versions += versions.len() as u64;
        let there = copied_versions(client, &model.name)?;
        for version in &versions {
            if there.contains_key(&version.version) {
                check.destination.model_versions += 1;
            } else {
                check.differ(format!(
                    "version {} of registered model '{}' is missing on the destination",
                    version.version, model.name
                ));
            }
        }
    }
    Ok(check)
}
