//! One run's push: find the server's run ([`SOURCE_RUN_TAG`], or what the local run remembers),
//! else create it; then send what it lacks — params, tags (provenance included), the missing
//! tail of each metric's history in log-batch requests, dataset inputs, artifact files, model
//! versions — and bring it to the local run's status and end time last.

use std::collections::{HashMap, HashSet};
use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use anyhow::Context;
use cairn_core::model::{LifecycleStage, MetricPoint, Run};
use serde_json::{Value, json};

use crate::api::CallError;
use crate::push::{RunPushed, SOURCE_RUN_TAG, Shared};
use crate::pushed_to::{PUSHED_TO_TAG, remember, remembered};
use crate::wire::{columns, dataset_input_json, history_len, id_text, metric_json, pairs};

/// Cairn's route for whole stretches of metric histories.
const APPEND_METRICS: &str = "/api/2.0/cairn/runs/append-metrics";

/// Most points in one `append-metrics` request (the server takes up to 200,000).
const COLUMNAR_POINTS: usize = 100_000;

/// MLflow's log-batch limit of params, and of tags, per request.
const PARAMS_TAGS_PER_BATCH: usize = 100;
/// Dataset inputs per log-inputs request.
const DATASETS_PER_BATCH: usize = 100;
/// Local tags that describe the local copy, never sent.
const LOCAL_ONLY_TAGS: &[&str] = &[PUSHED_TO_TAG, SOURCE_RUN_TAG, "cairn.copied_from"];

/// The server's run as the push needs to know it.
#[derive(Debug, Default)]
pub(crate) struct RemoteRun {
    pub run_id: String,
    pub experiment_id: String,
    pub artifact_uri: String,
    pub run_name: String,
    pub status: String,
    pub end_time: Option<i64>,
    pub params: HashMap<String, String>,
    pub tags: HashMap<String, String>,
    pub metric_keys: HashSet<String>,
    /// (name, digest) of its dataset inputs.
    pub datasets: HashSet<(String, String)>,
    /// Created by this push: nothing to compare.
    pub fresh: bool,
}

impl RemoteRun {
    fn from_json(run: &Value, fresh: bool) -> RemoteRun {
        let info = &run["info"];
        let data = &run["data"];
        RemoteRun {
            run_id: info["run_id"].as_str().unwrap_or_default().to_owned(),
            experiment_id: text_id(&info["experiment_id"]),
            artifact_uri: info["artifact_uri"].as_str().unwrap_or_default().to_owned(),
            run_name: info["run_name"].as_str().unwrap_or_default().to_owned(),
            status: info["status"].as_str().unwrap_or_default().to_owned(),
            end_time: info["end_time"]
                .as_i64()
                .or_else(|| info["end_time"].as_str().and_then(|text| text.parse().ok())),
            params: pairs(&data["params"]).into_iter().collect(),
            tags: pairs(&data["tags"]).into_iter().collect(),
            metric_keys: data["metrics"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|metric| metric["key"].as_str().map(str::to_owned))
                .collect(),
            datasets: run["inputs"]["dataset_inputs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|input| {
                    let dataset = &input["dataset"];
                    (
                        dataset["name"].as_str().unwrap_or_default().to_owned(),
                        dataset["digest"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
            fresh,
        }
    }

    fn is_deleted(run: &Value) -> bool {
        run["info"]["lifecycle_stage"].as_str() == Some("deleted")
    }
}

/// Pushes one run.
pub(crate) struct RunPusher<'s, 'a> {
    pub shared: &'s Shared<'a>,
    pub run_id: &'s str,
    pub result: RunPushed,
    /// `run <id>` (and its server run, once known), as errors name it.
    pub entity: String,
}

impl<'s, 'a> RunPusher<'s, 'a> {
    pub fn new(shared: &'s Shared<'a>, run_id: &'s str) -> RunPusher<'s, 'a> {
        RunPusher {
            shared,
            run_id,
            result: RunPushed {
                run_id: run_id.to_owned(),
                ..RunPushed::default()
            },
            entity: format!("run {run_id}"),
        }
    }

    fn dry(&self) -> bool {
        self.shared.options.dry_run
    }

    /// Pushes the run; what was sent, or the first error (naming the run).
    pub fn push(mut self) -> anyhow::Result<RunPushed> {
        let store = self.shared.store;
        let run = store
            .get_run(self.run_id)
            .with_context(|| format!("run {}: reading it from the local store", self.run_id))?;
        anyhow::ensure!(
            run.info.lifecycle_stage != LifecycleStage::Deleted,
            "run {} is deleted in the local store; restore it to push it",
            self.run_id
        );
        let local_experiment = store
            .get_experiment(run.info.experiment_id)
            .with_context(|| format!("run {}: reading its experiment", self.run_id))?;
        let (name, tags) = match &self.shared.options.experiment {
            Some(name) => (name.clone(), Vec::new()),
            None => (
                local_experiment.name.clone(),
                local_experiment
                    .tags
                    .iter()
                    .map(|tag| (tag.key.clone(), tag.value.clone()))
                    .collect(),
            ),
        };
        let experiment_id = self.shared.experiment_id(&name, &tags)?;
        self.result.experiment = name;
        let remote = match self.find_remote(&run, &experiment_id)? {
            Some(remote) => remote,
            None if self.dry() => {
                self.result.created = true;
                RemoteRun {
                    fresh: true,
                    ..RemoteRun::default()
                }
            }
            None => self.create(&run, &experiment_id)?,
        };
        if !remote.run_id.is_empty() {
            self.result.remote_run_id = Some(remote.run_id.clone());
            self.entity = format!("run {} (server run {})", self.run_id, remote.run_id);
        }
        self.push_params(&run, &remote)?;
        self.push_tags(&run, &remote)?;
        self.push_metrics(&run, &remote)?;
        self.push_datasets(&remote)?;
        self.push_artifacts(&run, &remote)?;
        self.finish(&run, &remote)?;
        if self.dry() {
            self.check_run_writable(&run, &remote, &experiment_id)?;
        }
        self.push_versions(&remote)?;
        if !self.dry() {
            self.shared
                .remote_ids
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(self.run_id.to_owned(), remote.run_id.clone());
            remember(store, &run, &self.shared.server_key, &remote.run_id).with_context(|| {
                format!(
                    "run {}: pushed, but remembering where in the local store",
                    self.run_id
                )
            })?;
        }
        Ok(self.result)
    }

    /// The server's run for this one: the one the local run remembers, else an active run of the
    /// same id (copied there with its id), else the active run of the experiment tagged with its
    /// id.
    fn find_remote(&self, run: &Run, experiment_id: &str) -> anyhow::Result<Option<RemoteRun>> {
        let api = self.shared.api;
        if let Some(remote_id) = remembered(&run.tags, &self.shared.server_key)
            && let Some(there) = self.active_remote_run(&remote_id)?
        {
            let ours = pairs(&there["data"]["tags"])
                .iter()
                .any(|(key, value)| key == SOURCE_RUN_TAG && value == self.run_id);
            if ours {
                return Ok(Some(RemoteRun::from_json(&there, false)));
            }
        }
        // A run copied to the server with its id (`cairn store copy` seeding a team server) is
        // the same run.
        if let Some(there) = self.active_remote_run(self.run_id)? {
            return Ok(Some(RemoteRun::from_json(&there, false)));
        }
        if experiment_id.is_empty() {
            return Ok(None);
        }
        let filter = format!(
            "tags.`{SOURCE_RUN_TAG}` = '{}'",
            self.run_id.replace('\'', "\\'")
        );
        let page = api.post(
            "runs/search",
            &json!({
                "experiment_ids": [experiment_id],
                "filter": filter,
                "run_view_type": "ACTIVE_ONLY",
                "max_results": 10,
            }),
            &self.entity,
        )?;
        let Some(found) = page["runs"].as_array().and_then(|runs| runs.first()) else {
            return Ok(None);
        };
        let remote_id = found["info"]["run_id"].as_str().unwrap_or_default();
        // A search's runs carry no inputs: the run in full.
        let answer = api.get("runs/get", &[("run_id", remote_id)], &self.entity)?;
        Ok(Some(RemoteRun::from_json(&answer["run"], false)))
    }

    /// The server's active run `run_id` as `runs/get` answers it; `None` when it has none, or
    /// one this caller may not see.
    fn active_remote_run(&self, run_id: &str) -> anyhow::Result<Option<Value>> {
        let api = self.shared.api;
        match api.try_get("runs/get", &[("run_id", run_id)]) {
            Ok(mut answer) if !RemoteRun::is_deleted(&answer["run"]) => {
                Ok(Some(answer["run"].take()))
            }
            Ok(_) => Ok(None),
            Err(error) if error.is_missing() || error.is_refused() => Ok(None),
            Err(error) => Err(crate::api::explain(
                api.server(),
                error,
                "GET",
                "runs/get",
                &self.entity,
            )),
        }
    }

    fn create(&mut self, run: &Run, experiment_id: &str) -> anyhow::Result<RemoteRun> {
        let info = &run.info;
        let mut body = json!({
            "experiment_id": experiment_id,
            "user_id": info.user_id,
            "run_name": info.run_name,
            "tags": [{ "key": SOURCE_RUN_TAG, "value": info.run_id }],
        });
        if let Some(start) = info.start_time_ms {
            body["start_time"] = json!(start);
        }
        let created = self.shared.api.post("runs/create", &body, &self.entity)?;
        let remote = RemoteRun::from_json(&created["run"], true);
        anyhow::ensure!(
            !remote.run_id.is_empty(),
            "{}: {}: runs/create answered no run id",
            self.shared.api.server(),
            self.entity
        );
        self.result.created = true;
        Ok(remote)
    }

    fn log_batch(&self, remote: &RemoteRun, mut body: Value) -> anyhow::Result<()> {
        body["run_id"] = json!(remote.run_id);
        self.shared
            .api
            .post("runs/log-batch", &body, &self.entity)
            .map(|_| ())
    }

    fn push_params(&mut self, run: &Run, remote: &RemoteRun) -> anyhow::Result<()> {
        let mut missing = Vec::new();
        for param in &run.params {
            match remote.params.get(&param.key) {
                Some(value) if *value == param.value => {}
                Some(value) => anyhow::bail!(
                    "{}: param '{}' is '{}' here but '{value}' on {} (params cannot change)",
                    self.entity,
                    param.key,
                    param.value,
                    self.shared.api.server()
                ),
                None => missing.push(json!({ "key": param.key, "value": param.value })),
            }
        }
        self.result.params = missing.len() as u64;
        if !self.dry() {
            for chunk in missing.chunks(PARAMS_TAGS_PER_BATCH) {
                self.log_batch(remote, json!({ "params": chunk }))?;
            }
        }
        Ok(())
    }

    /// The tags the server's run should have: the local run's (its parent's id mapped to the
    /// parent's server run), plus its provenance as tags.
    fn wanted_tags(&mut self, run: &Run) -> Vec<(String, String)> {
        let mut tags: Vec<(String, String)> = Vec::new();
        for tag in &run.tags {
            if LOCAL_ONLY_TAGS.contains(&tag.key.as_str()) {
                continue;
            }
            if tag.key == "mlflow.parentRunId" {
                match self.parent_remote_id(&tag.value) {
                    Some(remote) => tags.push((tag.key.clone(), remote)),
                    None => self.result.notes.push(format!(
                        "its parent run {} is not on the server: mlflow.parentRunId left out",
                        tag.value
                    )),
                }
                continue;
            }
            tags.push((tag.key.clone(), tag.value.clone()));
        }
        crate::provenance::provenance_tags(run, &mut tags, &mut self.result.notes);
        tags
    }

    fn parent_remote_id(&self, parent: &str) -> Option<String> {
        let pushed = self
            .shared
            .remote_ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(parent)
            .cloned();
        pushed.or_else(|| {
            let run = self.shared.store.get_run(parent).ok()?;
            remembered(&run.tags, &self.shared.server_key)
        })
    }

    fn push_tags(&mut self, run: &Run, remote: &RemoteRun) -> anyhow::Result<()> {
        let missing: Vec<Value> = self
            .wanted_tags(run)
            .into_iter()
            .filter(|(key, value)| match remote.tags.get(key) {
                // A server with accounts names the user itself.
                Some(_) if key == "mlflow.user" => false,
                Some(there) => there != value,
                None => true,
            })
            .map(|(key, value)| json!({ "key": key, "value": value }))
            .collect();
        self.result.tags = missing.len() as u64;
        if !self.dry() {
            for chunk in missing.chunks(PARAMS_TAGS_PER_BATCH) {
                self.log_batch(remote, json!({ "tags": chunk }))?;
            }
        }
        Ok(())
    }

    /// Each metric's points the server lacks: it holds a prefix of the local history (pushes
    /// send each history in order), so the tail after its count — column by column to a Cairn
    /// server, else in `log-batch` requests across keys.
    fn push_metrics(&mut self, run: &Run, remote: &RemoteRun) -> anyhow::Result<()> {
        let mut tails: Vec<(String, Vec<MetricPoint>)> = Vec::new();
        for metric in &run.metrics {
            let there = if remote.fresh || !remote.metric_keys.contains(&metric.key) {
                0
            } else {
                history_len(self.shared.api, &remote.run_id, &metric.key)
                    .with_context(|| format!("{}: counting its points", self.entity))?
            };
            if there >= metric.point_count {
                continue;
            }
            self.result.points += metric.point_count - there;
            if self.dry() {
                continue;
            }
            let history: Vec<MetricPoint> = self
                .shared
                .store
                .metric_history(self.run_id, &metric.key)
                .with_context(|| format!("{}: reading metric '{}'", self.entity, metric.key))?;
            let skip = usize::try_from(there).unwrap_or(usize::MAX);
            tails.push((metric.key.clone(), history.into_iter().skip(skip).collect()));
        }
        if tails.is_empty() {
            return Ok(());
        }
        if self.shared.columnar.load(Ordering::Relaxed) && self.append_columns(remote, &tails)? {
            return Ok(());
        }
        let per_batch = self.shared.options.metrics_per_batch.max(1);
        let mut batch: Vec<Value> = Vec::with_capacity(per_batch);
        for (key, points) in &tails {
            for point in points {
                batch.push(metric_json(key, point));
                if batch.len() == per_batch {
                    self.log_batch(remote, json!({ "metrics": batch }))?;
                    batch.clear();
                }
            }
        }
        if !batch.is_empty() {
            self.log_batch(remote, json!({ "metrics": batch }))?;
        }
        Ok(())
    }

    /// Sends the tails through Cairn's `append-metrics`, in requests of at most
    /// [`COLUMNAR_POINTS`] points. `false` (nothing sent) when the server does not have the route.
    fn append_columns(
        &self,
        remote: &RemoteRun,
        tails: &[(String, Vec<MetricPoint>)],
    ) -> anyhow::Result<bool> {
        let mut requests: Vec<Vec<Value>> = vec![Vec::new()];
        let mut in_request = 0;
        for (key, points) in tails {
            for piece in points.chunks(COLUMNAR_POINTS) {
                if in_request + piece.len() > COLUMNAR_POINTS && in_request > 0 {
                    requests.push(Vec::new());
                    in_request = 0;
                }
                in_request += piece.len();
                if let Some(last) = requests.last_mut() {
                    last.push(columns(key, piece));
                }
            }
        }
        for (index, metrics) in requests.into_iter().enumerate() {
            let body = json!({ "run_id": remote.run_id, "metrics": metrics });
            match self.shared.api.try_post(APPEND_METRICS, &body) {
                Ok(_) => {}
                // A server without the route (MLflow's) answers the first request 404.
                Err(CallError::Api(error))
                    if index == 0
                        && error.status == 404
                        && error.code != "RESOURCE_DOES_NOT_EXIST" =>
                {
                    self.shared.columnar.store(false, Ordering::Relaxed);
                    return Ok(false);
                }
                Err(error) => {
                    return Err(crate::api::explain(
                        self.shared.api.server(),
                        error,
                        "POST",
                        APPEND_METRICS,
                        &self.entity,
                    ));
                }
            }
        }
        Ok(true)
    }

    fn push_datasets(&mut self, remote: &RemoteRun) -> anyhow::Result<()> {
        let io = self
            .shared
            .store
            .run_io(self.run_id)
            .with_context(|| format!("{}: reading its inputs", self.entity))?;
        let missing: Vec<Value> = io
            .dataset_inputs
            .iter()
            .filter(|input| {
                let key = (input.dataset.name.clone(), input.dataset.digest.clone());
                !remote.datasets.contains(&key)
            })
            .map(dataset_input_json)
            .collect();
        self.result.datasets = missing.len() as u64;
        if !self.dry() {
            for chunk in missing.chunks(DATASETS_PER_BATCH) {
                self.shared.api.post(
                    "runs/log-inputs",
                    &json!({ "run_id": remote.run_id, "datasets": chunk }),
                    &self.entity,
                )?;
            }
        }
        Ok(())
    }

    /// On a dry run, after the run's own steps have counted what they would send: an error when
    /// something would be written to the run and the server says the caller may not write into
    /// its experiment (the one it would be created in, or the one the server's run is in).
    fn check_run_writable(
        &self,
        run: &Run,
        remote: &RemoteRun,
        experiment_id: &str,
    ) -> anyhow::Result<()> {
        if self.result.nothing_new() && !needs_update(run, remote) {
            return Ok(());
        }
        let (experiment, entity) = if remote.fresh {
            (
                experiment_id,
                format!("experiment '{}'", self.result.experiment),
            )
        } else {
            (
                remote.experiment_id.as_str(),
                format!(
                    "experiment {} of server run {}",
                    remote.experiment_id, remote.run_id
                ),
            )
        };
        if experiment.is_empty() {
            return Ok(());
        }
        self.shared
            .write_access
            .experiment(self.shared.api, experiment, &entity)
    }

    /// The local run's status, end time and name, when the server's differ.
    fn finish(&mut self, run: &Run, remote: &RemoteRun) -> anyhow::Result<()> {
        let info = &run.info;
        if !needs_update(run, remote) || self.dry() {
            return Ok(());
        }
        let mut update = json!({
            "run_id": remote.run_id,
            "status": info.status.as_str(),
            "run_name": info.run_name,
        });
        if let Some(end) = info.end_time_ms {
            update["end_time"] = json!(end);
        }
        self.shared
            .api
            .post("runs/update", &update, &self.entity)
            .map(|_| ())
    }
}

/// Whether the server's run differs from the local one in status, end time or name.
fn needs_update(run: &Run, remote: &RemoteRun) -> bool {
    let info = &run.info;
    remote.status != info.status.as_str()
        || remote.end_time != info.end_time_ms
        || remote.run_name != info.run_name
}

/// The id in a JSON value, or an empty string.
pub(crate) fn text_id(value: &Value) -> String {
    id_text(value).unwrap_or_default()
}
