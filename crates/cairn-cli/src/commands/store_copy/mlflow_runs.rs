//! The runs of a copy into an MLflow server: each created with its start time, name and user
//! and the tag [`COPIED_FROM`], its params, tags and full metric histories sent with log-batch
//! within MLflow's limits, its dataset inputs with log-inputs, its artifact files uploaded
//! through the server's proxy, then brought to its status and end time (and deleted when it
//! is). A copy found already there is kept, brought up to date when its source has changed
//! since ([`super::mlflow_update`]); one left half-copied, or holding what its source does not,
//! is deleted and copied again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use cairn_core::Store;
use cairn_core::model::{ExperimentId, LifecycleStage, Run, ViewType};
use cairn_core::store::RunSearch;
use serde_json::{Value, json};

use super::mlflow_update::Comparison;
use cairn_push::MlflowApi;
use cairn_push::wire::{dataset_input_json, files_under, metric_json, pairs, proxy_path};

/// The tag each copied run (and model version) carries: the source's id.
pub const COPIED_FROM: &str = "cairn.copied_from";
/// After the source's id in [`COPIED_FROM`] while a run is being copied: a copy cut off before
/// its end (its artifact files, say, half sent) is known as such however its status reads.
const COPYING: &str = " (copying)";
/// After the source's id in [`COPIED_FROM`] while a whole copy is being brought up to date: an
/// update cut off is finished by the next copy (it only adds what is missing).
pub(super) const UPDATING: &str = " (updating)";
/// The tag MLflow keeps in step with a run's name.
pub(super) const RUN_NAME_TAG: &str = "mlflow.runName";
/// MLflow's log-batch limits: params and tags per request, metrics per request.
const PARAMS_TAGS_PER_BATCH: usize = 100;
const METRICS_PER_BATCH: usize = 1000;
/// Dataset inputs per log-inputs request.
const DATASETS_PER_BATCH: usize = 1000;
/// Runs per search page, at both ends.
const PAGE: usize = 1000;

/// A run already in the destination carrying [`COPIED_FROM`].
#[derive(Debug, Clone)]
pub struct DestinationRun {
    pub run_id: String,
    /// Its copy ran to the end (its [`COPIED_FROM`] tag no longer says it is being copied).
    pub whole: bool,
    /// An update of it was cut off (its [`COPIED_FROM`] tag says it is being updated).
    pub updating: bool,
    pub status: String,
    pub end_time_ms: Option<i64>,
    pub run_name: String,
    pub deleted: bool,
    pub params: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    pub metric_keys: Vec<String>,
    /// How many dataset inputs it has.
    pub inputs: usize,
    pub artifact_uri: String,
}

/// What the runs of a copy came to.
#[derive(Debug, Default)]
pub struct RunsReport {
    pub copied: u64,
    pub skipped: u64,
    /// Copies brought up to date with their source in place.
    pub updated: u64,
    /// Half-copied runs deleted (and copied again).
    pub discarded: u64,
    pub artifact_files: u64,
    /// Artifact files not uploaded: the destination keeps them elsewhere than its proxy.
    pub artifact_files_skipped: u64,
    /// Why files were skipped, once per destination location kind.
    pub notes: Vec<String>,
}

/// Copies runs into one destination experiment, remembering source → destination run ids.
pub struct RunCopier<'a> {
    pub client: &'a dyn MlflowApi,
    pub source: &'a dyn Store,
    pub artifact_root: &'a Path,
    /// Source run id → destination run id.
    pub mapping: HashMap<String, String>,
    pub report: RunsReport,
    /// Active destination runs whose parent was not copied yet when they were, or whose
    /// parent tag there is stale: (destination run, source parent, the tag's value there).
    pub unlinked: Vec<(String, String, String)>,
}

pub(super) const PARENT_TAG: &str = "mlflow.parentRunId";

impl RunCopier<'_> {
    /// Copies every run of the source experiment `from` into the destination experiment `to`.
    pub fn copy_experiment(&mut self, from: ExperimentId, to: &str) -> anyhow::Result<()> {
        let mut existing = copies_in(self.client, to)?;
        let mut runs = source_runs(self.source, from)?;
        // Parents usually start before their children: their new ids are known in time.
        runs.sort_by_key(|run| run.info.start_time_ms.unwrap_or(i64::MAX));
        for run in &runs {
            let candidates = existing.remove(&run.info.run_id).unwrap_or_default();
            let mut kept = None;
            for candidate in candidates {
                if kept.is_some() {
                    self.report.notes.push(format!(
                        "run {}: a second copy of it ({}) was deleted there",
                        run.info.run_id, candidate.run_id
                    ));
                    self.discard(&candidate)?;
                    self.report.discarded += 1;
                    continue;
                }
                let comparison = if !candidate.whole {
                    Comparison::Diverged("its copy was cut off before its end".to_owned())
                } else {
                    self.compare(run, &candidate)?
                };
                match comparison {
                    Comparison::Same => {
                        self.report.skipped += 1;
                        kept = Some(candidate);
                    }
                    Comparison::Behind(missing) => {
                        self.update(run, &candidate, &missing)?;
                        self.report.updated += 1;
                        kept = Some(DestinationRun {
                            deleted: run.info.lifecycle_stage == LifecycleStage::Deleted,
                            ..candidate
                        });
                    }
                    Comparison::Diverged(why) => {
                        self.report.notes.push(format!(
                            "run {} was copied again: {why} (copy {}, now deleted there)",
                            run.info.run_id, candidate.run_id
                        ));
                        self.discard(&candidate)?;
                        self.report.discarded += 1;
                    }
                }
            }
            match kept {
                Some(there) => {
                    let parent = run.tags.iter().find(|tag| tag.key == PARENT_TAG);
                    let tagged = there.tags.iter().find(|(key, _)| key == PARENT_TAG);
                    if let (Some(parent), Some((_, value))) = (parent, tagged)
                        && run.info.lifecycle_stage == LifecycleStage::Active
                        && self.mapping.get(&parent.value) != Some(value)
                    {
                        self.unlinked.push((
                            there.run_id.clone(),
                            parent.value.clone(),
                            value.clone(),
                        ));
                    }
                    self.align_lifecycle(run, &there)?;
                    self.mapping.insert(run.info.run_id.clone(), there.run_id);
                }
                None => {
                    self.copy_run(run, to)?;
                    self.report.copied += 1;
                }
            }
        }
        Ok(())
    }

    /// Points the parent tag of each run in [`RunCopier::unlinked`] at its parent's copy, now
    /// that every run is copied (a child can come before its parent: nested runs made with
    /// `start_run(nested=True)` may sit in another experiment, copied earlier).
    pub fn link_parents(&mut self) -> anyhow::Result<()> {
        for (run_id, parent, value) in std::mem::take(&mut self.unlinked) {
            let Some(copy) = self.mapping.get(&parent) else {
                continue;
            };
            if *copy == value {
                continue;
            }
            self.client.post(
                "runs/set-tag",
                &json!({ "run_id": run_id, "key": PARENT_TAG, "value": copy }),
                &format!("the parent of run {run_id}"),
            )?;
        }
        Ok(())
    }

    /// Deletes a half-copied run, its [`COPIED_FROM`] tag first so that no later copy finds it.
    fn discard(&self, there: &DestinationRun) -> anyhow::Result<()> {
        let entity = format!("half-copied run {}", there.run_id);
        let id = json!({ "run_id": there.run_id });
        if there.deleted {
            self.client.post("runs/restore", &id, &entity)?;
        }
        self.client.post(
            "runs/delete-tag",
            &json!({ "run_id": there.run_id, "key": COPIED_FROM }),
            &entity,
        )?;
        self.client.post("runs/delete", &id, &entity)?;
        Ok(())
    }

    fn align_lifecycle(&self, run: &Run, there: &DestinationRun) -> anyhow::Result<()> {
        let deleted = run.info.lifecycle_stage == LifecycleStage::Deleted;
        let entity = format!("run {} (copy of {})", there.run_id, run.info.run_id);
        let id = json!({ "run_id": there.run_id });
        match (deleted, there.deleted) {
            (true, false) => self.client.post("runs/delete", &id, &entity).map(|_| ()),
            (false, true) => self.client.post("runs/restore", &id, &entity).map(|_| ()),
            _ => Ok(()),
        }
    }

    fn copy_run(&mut self, run: &Run, experiment_id: &str) -> anyhow::Result<()> {
        let info = &run.info;
        let entity = format!("run {}", info.run_id);
        let mut create = json!({
            "experiment_id": experiment_id,
            "user_id": info.user_id,
            "run_name": info.run_name,
            "tags": [{ "key": COPIED_FROM, "value": format!("{}{COPYING}", info.run_id) }],
        });
        if let Some(start) = info.start_time_ms {
            create["start_time"] = json!(start);
        }
        let created = self.client.post("runs/create", &create, &entity)?;
        let new_id = created["run"]["info"]["run_id"]
            .as_str()
            .with_context(|| {
                format!(
                    "{}: {entity}: runs/create answered no run id",
                    self.client.server()
                )
            })?
            .to_owned();
        let artifact_uri = created["run"]["info"]["artifact_uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let entity = format!("run {} (copy {new_id})", info.run_id);
        self.mapping.insert(info.run_id.clone(), new_id.clone());

        let params: Vec<Value> = run
            .params
            .iter()
            .map(|param| json!({ "key": param.key, "value": param.value }))
            .collect();
        self.log_in_batches(&new_id, "params", &params, &entity)?;
        // A store that was itself copied from elsewhere may carry the marker: this copy's wins.
        let tags: Vec<Value> = run
            .tags
            .iter()
            .filter(|tag| tag.key != COPIED_FROM)
            .map(|tag| {
                let value = match tag.key.as_str() {
                    PARENT_TAG => self.mapping.get(&tag.value).unwrap_or(&tag.value),
                    _ => &tag.value,
                };
                json!({ "key": tag.key, "value": value })
            })
            .collect();
        if let Some(parent) = run.tags.iter().find(|tag| tag.key == PARENT_TAG)
            && !self.mapping.contains_key(&parent.value)
            && info.lifecycle_stage == LifecycleStage::Active
        {
            self.unlinked
                .push((new_id.clone(), parent.value.clone(), parent.value.clone()));
        }
        self.log_in_batches(&new_id, "tags", &tags, &entity)?;
        for metric in &run.metrics {
            let history = self
                .source
                .metric_history(&info.run_id, &metric.key)
                .with_context(|| format!("reading metric '{}' of {entity}", metric.key))?;
            for chunk in history.chunks(METRICS_PER_BATCH) {
                let metrics: Vec<Value> = chunk
                    .iter()
                    .map(|point| metric_json(&metric.key, point))
                    .collect();
                self.log_batch(&new_id, json!({ "metrics": metrics }), &entity)?;
            }
        }
        let io = self
            .source
            .run_io(&info.run_id)
            .with_context(|| format!("reading the inputs of {entity}"))?;
        self.log_inputs(&new_id, &io.dataset_inputs, &entity)?;
        self.upload_artifacts(run, &artifact_uri, &entity)?;
        // Everything is there: the copy is whole (before a deletion, which ends tagging).
        self.client.post(
            "runs/set-tag",
            &json!({ "run_id": new_id, "key": COPIED_FROM, "value": info.run_id }),
            &entity,
        )?;

        let mut update = json!({
            "run_id": new_id,
            "status": info.status.as_str(),
            "run_name": info.run_name,
        });
        if let Some(end) = info.end_time_ms {
            update["end_time"] = json!(end);
        }
        self.client.post("runs/update", &update, &entity)?;
        if info.lifecycle_stage == LifecycleStage::Deleted {
            self.client
                .post("runs/delete", &json!({ "run_id": new_id }), &entity)?;
        }
        Ok(())
    }

    /// Sends dataset inputs with log-inputs within its limit per request.
    pub(super) fn log_inputs(
        &self,
        run_id: &str,
        inputs: &[cairn_core::model::DatasetInput],
        entity: &str,
    ) -> anyhow::Result<()> {
        for chunk in inputs.chunks(DATASETS_PER_BATCH) {
            let datasets: Vec<Value> = chunk.iter().map(dataset_input_json).collect();
            self.client.post(
                "runs/log-inputs",
                &json!({ "run_id": run_id, "datasets": datasets }),
                entity,
            )?;
        }
        Ok(())
    }

    /// Sends `items` (params, tags or metrics, as `field` names them) with log-batch within
    /// MLflow's limit for that field per request.
    pub(super) fn log_in_batches(
        &self,
        run_id: &str,
        field: &str,
        items: &[Value],
        entity: &str,
    ) -> anyhow::Result<()> {
        let per_request = match field {
            "metrics" => METRICS_PER_BATCH,
            _ => PARAMS_TAGS_PER_BATCH,
        };
        for chunk in items.chunks(per_request) {
            self.log_batch(run_id, json!({ field: chunk }), entity)?;
        }
        Ok(())
    }

    fn log_batch(&self, run_id: &str, mut body: Value, entity: &str) -> anyhow::Result<()> {
        body["run_id"] = json!(run_id);
        self.client
            .post("runs/log-batch", &body, entity)
            .map(|_| ())
    }

    /// Uploads the files Cairn keeps for `run` in its artifact folder.
    fn upload_artifacts(
        &mut self,
        run: &Run,
        destination_uri: &str,
        entity: &str,
    ) -> anyhow::Result<()> {
        let Some(folder) = self.artifact_folder(run) else {
            return Ok(());
        };
        let files: Vec<String> = files_under(&folder)?
            .into_iter()
            .map(|(relative, _)| relative)
            .collect();
        self.upload_files(run, destination_uri, &files, entity)
    }

    /// The folder of `run`'s files in Cairn's artifact folder, when the server stored them.
    pub(super) fn artifact_folder(&self, run: &Run) -> Option<PathBuf> {
        let rest = run.info.artifact_uri.strip_prefix("mlflow-artifacts:")?;
        cairn_app::artifact_files::folder_from_uri(
            self.artifact_root,
            &format!("mlflow-artifacts:{rest}"),
        )
    }

    /// Uploads `files` (relative to `run`'s artifact folder) behind the destination's proxy;
    /// counts them as skipped, with a note, when the destination keeps files elsewhere.
    pub(super) fn upload_files(
        &mut self,
        run: &Run,
        destination_uri: &str,
        files: &[String],
        entity: &str,
    ) -> anyhow::Result<()> {
        let Some(folder) = self.artifact_folder(run) else {
            return Ok(());
        };
        if files.is_empty() {
            return Ok(());
        }
        let Some(prefix) = proxy_path(destination_uri) else {
            if self.report.artifact_files_skipped == 0 {
                self.report.notes.push(format!(
                    "the destination keeps artifacts at '{destination_uri}', not behind its \
                     mlflow-artifacts proxy: artifact files were skipped (first: {entity})"
                ));
            }
            self.report.artifact_files_skipped += files.len() as u64;
            return Ok(());
        };
        for relative in files {
            let path = format!("{prefix}/{relative}");
            self.client.put_artifact(
                &path,
                &folder.join(relative),
                &format!("artifact '{relative}' of {entity}"),
            )?;
            self.report.artifact_files += 1;
        }
        Ok(())
    }
}

/// Every run of the source experiment, deleted ones included.
pub fn source_runs(source: &dyn Store, experiment: ExperimentId) -> anyhow::Result<Vec<Run>> {
    let mut runs = Vec::new();
    let mut offset = 0;
    loop {
        let page = source.search_runs(&RunSearch {
            experiment_ids: vec![experiment],
            view: ViewType::All,
            max_results: PAGE,
            offset,
            ..RunSearch::default()
        })?;
        let empty = page.runs.is_empty();
        runs.extend(page.runs);
        match page.next_offset {
            Some(next) if !empty => offset = next,
            _ => return Ok(runs),
        }
    }
}

/// The runs of destination experiment `experiment_id` that carry [`COPIED_FROM`], by source id.
pub fn copies_in(
    client: &dyn MlflowApi,
    experiment_id: &str,
) -> anyhow::Result<HashMap<String, Vec<DestinationRun>>> {
    let mut found: HashMap<String, Vec<DestinationRun>> = HashMap::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({
            "experiment_ids": [experiment_id],
            "filter": format!("tags.`{COPIED_FROM}` LIKE '%'"),
            "run_view_type": "ALL",
            "max_results": PAGE,
        });
        if let Some(token) = &token {
            body["page_token"] = json!(token);
        }
        let page = client.post(
            "runs/search",
            &body,
            &format!("the copied runs of experiment {experiment_id}"),
        )?;
        for run in page["runs"].as_array().into_iter().flatten() {
            let there = destination_run(run);
            let source_id = there
                .tags
                .iter()
                .find(|(key, _)| key == COPIED_FROM)
                .map(|(_, value)| value.clone());
            if let Some(source_id) = source_id {
                let source_id = source_id
                    .strip_suffix(COPYING)
                    .or_else(|| source_id.strip_suffix(UPDATING))
                    .unwrap_or(&source_id)
                    .to_owned();
                found.entry(source_id).or_default().push(there);
            }
        }
        match page["next_page_token"].as_str() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(found),
        }
    }
}

/// A run as MLflow's JSON gives it.
pub fn destination_run(run: &Value) -> DestinationRun {
    let tags = pairs(&run["data"]["tags"]);
    let marker = tags
        .iter()
        .find(|(key, _)| key == COPIED_FROM)
        .map(|(_, value)| value.as_str());
    let mut metric_keys: Vec<String> = run["data"]["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|metric| metric["key"].as_str().map(str::to_owned))
        .collect();
    metric_keys.sort();
    metric_keys.dedup();
    DestinationRun {
        run_id: run["info"]["run_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        status: run["info"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        end_time_ms: run["info"]["end_time"].as_i64().or_else(|| {
            run["info"]["end_time"]
                .as_str()
                .and_then(|t| t.parse().ok())
        }),
        run_name: run["info"]["run_name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        deleted: run["info"]["lifecycle_stage"].as_str() == Some("deleted"),
        params: pairs(&run["data"]["params"]),
        inputs: run["inputs"]["dataset_inputs"]
            .as_array()
            .map_or(0, Vec::len),
        artifact_uri: run["info"]["artifact_uri"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        whole: !marker.is_some_and(|value| value.ends_with(COPYING)),
        updating: marker.is_some_and(|value| value.ends_with(UPDATING)),
        tags,
        metric_keys,
    }
}
