//! A whole copy in an MLflow server brought up to date with its source run, in place: a run
//! copied while it was still training, or logged to since, gets its new params, changed tags,
//! new metric points, dataset inputs, new or changed artifact files, status and end time — and
//! keeps its id, so the registry's versions and the links people shared keep pointing at it.
//! A copy that holds what its source does not (another value for a param, a point or metric
//! the source never had) cannot be brought up to date and is copied again.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use cairn_core::model::{DatasetInput, LifecycleStage, Run};
use serde_json::{Value, json};

use super::mlflow_runs::{
    COPIED_FROM, DestinationRun, PARENT_TAG, RUN_NAME_TAG, RunCopier, UPDATING,
};
use cairn_push::wire::{
    PointKey, files_under, history_points, id_text, metric_json, point_key, proxy_path,
};

/// What comparing a copy with its source found.
pub enum Comparison {
    /// The copy holds all of the source run.
    Same,
    /// The copy lacks some of the source run, sent by [`RunCopier::update`].
    Behind(Box<Missing>),
    /// The copy holds something the source does not: why.
    Diverged(String),
}

/// What a copy lacks of its source run.
#[derive(Default)]
pub struct Missing {
    params: Vec<Value>,
    tags: Vec<Value>,
    /// Tags the copy has and the source no longer does.
    deleted_tags: Vec<String>,
    /// Points to send, as log-batch takes them.
    metrics: Vec<Value>,
    /// The source's dataset inputs, all of them, when the copy has fewer.
    inputs: Vec<DatasetInput>,
    /// Artifact files (relative to the run's folder) the copy lacks or holds at another size.
    files: Vec<String>,
    /// Status, end time and name differ.
    info: bool,
}

impl RunCopier<'_> {
    /// Compares `there` (a whole copy) with `run`, reading the copy's metric histories and, when
    /// the run has files, its artifact listing.
    pub fn compare(&self, run: &Run, there: &DestinationRun) -> anyhow::Result<Comparison> {
        let mut missing = Missing::default();
        let held: HashMap<&str, &str> = there
            .params
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        for param in &run.params {
            match held.get(param.key.as_str()) {
                None => missing
                    .params
                    .push(json!({ "key": param.key, "value": param.value })),
                Some(value) if *value != param.value => {
                    return Ok(Comparison::Diverged(format!(
                        "its param '{}' is '{value}' where the source's is '{}'",
                        param.key, param.value
                    )));
                }
                Some(_) => {}
            }
        }
        if let Some((key, _)) = there
            .params
            .iter()
            .find(|(key, _)| !run.params.iter().any(|param| param.key == *key))
        {
            return Ok(Comparison::Diverged(format!(
                "it has a param '{key}' the source has not"
            )));
        }
        // A tag deleted at the source since is deleted from the copy too; the copy's own marker,
        // its parent link and the name a server gives an unnamed run stay.
        let source_named = run.tags.iter().any(|tag| tag.key == RUN_NAME_TAG);
        for (key, _) in &there.tags {
            let own =
                key == COPIED_FROM || key == PARENT_TAG || (key == RUN_NAME_TAG && !source_named);
            if !own && !run.tags.iter().any(|tag| tag.key == *key) {
                missing.deleted_tags.push(key.clone());
            }
        }
        for tag in &run.tags {
            if tag.key == COPIED_FROM || tag.key == PARENT_TAG {
                continue;
            }
            let same = there
                .tags
                .iter()
                .any(|(key, value)| *key == tag.key && *value == tag.value);
            if !same {
                missing
                    .tags
                    .push(json!({ "key": tag.key, "value": tag.value }));
            }
        }
        if let Some(key) = there
            .metric_keys
            .iter()
            .find(|key| !run.metrics.iter().any(|metric| metric.key == **key))
        {
            return Ok(Comparison::Diverged(format!(
                "it has a metric '{key}' the source has not"
            )));
        }
        for metric in &run.metrics {
            let copied = history_points(self.client, &there.run_id, &metric.key)?;
            if copied.len() as u64 == metric.point_count {
                continue;
            }
            // As sets: an MLflow server keeps a point logged twice exactly once (the point is
            // its SQL store's key), and a store that imported a file may hold such repeats.
            let copied: HashSet<PointKey> = copied.into_iter().collect();
            let history = self
                .source
                .metric_history(&run.info.run_id, &metric.key)
                .with_context(|| {
                    format!("reading metric '{}' of run {}", metric.key, run.info.run_id)
                })?;
            let keys: Vec<PointKey> = history.iter().map(point_key).collect();
            let held: HashSet<&PointKey> = keys.iter().collect();
            if copied.iter().any(|point| !held.contains(point)) {
                return Ok(Comparison::Diverged(format!(
                    "its metric '{}' has points the source has not",
                    metric.key
                )));
            }
            let mut sent = HashSet::new();
            for (point, key) in history.iter().zip(&keys) {
                if !copied.contains(key) && sent.insert(key) {
                    missing.metrics.push(metric_json(&metric.key, point));
                }
            }
        }
        let io = self
            .source
            .run_io(&run.info.run_id)
            .with_context(|| format!("reading the inputs of run {}", run.info.run_id))?;
        if there.inputs < io.dataset_inputs.len() {
            missing.inputs = io.dataset_inputs;
        }
        missing.files = self.files_missing(run, there)?;
        missing.info = there.status != run.info.status.as_str()
            || there.end_time_ms != run.info.end_time_ms
            // A server names a run created without a name itself.
            || (!run.info.run_name.is_empty() && there.run_name != run.info.run_name);
        // An update cut off is finished (its marker at least).
        let behind = there.updating
            || !(missing.params.is_empty()
                && missing.tags.is_empty()
                && missing.deleted_tags.is_empty()
                && missing.metrics.is_empty()
                && missing.files.is_empty()
                && missing.inputs.is_empty()
                && !missing.info);
        Ok(if behind {
            Comparison::Behind(Box::new(missing))
        } else {
            Comparison::Same
        })
    }

    /// Sends what `there` lacks of `run`, marked as being updated meanwhile (an update cut off
    /// is compared and finished by the next copy, the run keeping its id), then brings its
    /// status, end time and name.
    pub fn update(
        &mut self,
        run: &Run,
        there: &DestinationRun,
        missing: &Missing,
    ) -> anyhow::Result<()> {
        let id = &there.run_id;
        let entity = format!("run {} (copy {id})", run.info.run_id);
        if there.deleted {
            self.client
                .post("runs/restore", &json!({ "run_id": id }), &entity)?;
        }
        let marker = |value: String| json!({ "run_id": id, "key": COPIED_FROM, "value": value });
        self.client.post(
            "runs/set-tag",
            &marker(format!("{}{UPDATING}", run.info.run_id)),
            &entity,
        )?;
        self.log_in_batches(id, "params", &missing.params, &entity)?;
        self.log_in_batches(id, "tags", &missing.tags, &entity)?;
        for key in &missing.deleted_tags {
            self.client.post(
                "runs/delete-tag",
                &json!({ "run_id": id, "key": key }),
                &entity,
            )?;
        }
        self.log_in_batches(id, "metrics", &missing.metrics, &entity)?;
        // Both MLflow and Cairn keep a dataset input once, however often it is logged.
        self.log_inputs(id, &missing.inputs, &entity)?;
        if !missing.files.is_empty() {
            self.upload_files(run, &there.artifact_uri, &missing.files, &entity)?;
        }
        self.client
            .post("runs/set-tag", &marker(run.info.run_id.clone()), &entity)?;
        if missing.info {
            let mut update = json!({
                "run_id": id,
                "status": run.info.status.as_str(),
                "run_name": run.info.run_name,
            });
            if let Some(end) = run.info.end_time_ms {
                update["end_time"] = json!(end);
            }
            self.client.post("runs/update", &update, &entity)?;
        }
        if run.info.lifecycle_stage == LifecycleStage::Deleted {
            self.client
                .post("runs/delete", &json!({ "run_id": id }), &entity)?;
        }
        Ok(())
    }

    /// The run's files in Cairn's artifact folder that the copy's listing lacks or gives at
    /// another size; none when the destination keeps files elsewhere than its proxy.
    fn files_missing(&self, run: &Run, there: &DestinationRun) -> anyhow::Result<Vec<String>> {
        let Some(folder) = self.artifact_folder(run) else {
            return Ok(Vec::new());
        };
        let files = files_under(&folder)?;
        if files.is_empty() || proxy_path(&there.artifact_uri).is_none() {
            return Ok(Vec::new());
        }
        let held = self.listed_files(&there.run_id)?;
        Ok(files
            .into_iter()
            .filter(|(path, size)| held.get(path) != Some(size))
            .map(|(path, _)| path)
            .collect())
    }

    /// Every file the server lists for `run_id`, with its size.
    fn listed_files(&self, run_id: &str) -> anyhow::Result<HashMap<String, u64>> {
        let entity = format!("the artifact files of run {run_id}");
        let mut files = HashMap::new();
        let mut pending = vec![String::new()];
        let mut seen = HashSet::new();
        while let Some(folder) = pending.pop() {
            if !seen.insert(folder.clone()) {
                continue;
            }
            let mut query = vec![("run_id", run_id)];
            if !folder.is_empty() {
                query.push(("path", folder.as_str()));
            }
            let answer = self.client.get("artifacts/list", &query, &entity)?;
            for file in answer["files"].as_array().into_iter().flatten() {
                let Some(path) = file["path"].as_str() else {
                    continue;
                };
                if file["is_dir"].as_bool() == Some(true) {
                    pending.push(path.to_owned());
                } else {
                    let size = id_text(&file["file_size"]).and_then(|size| size.parse().ok());
                    files.insert(path.to_owned(), size.unwrap_or(u64::MAX));
                }
            }
        }
        Ok(files)
    }
}
