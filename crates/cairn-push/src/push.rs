//! The push: local runs sent to a team's MLflow-compatible server, each one at most once. The
//! remote run carries [`SOURCE_RUN_TAG`] (the local id), and is looked up by it before anything
//! is created; then only what the server lacks is sent ([`crate::push_run`]). Runs go in
//! parallel, parents before their children; a failed run is reported by id and the others go
//! on. After a run is pushed, the local run remembers where ([`crate::pushed_to`]).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use anyhow::Context;
use cairn_core::Store;
use cairn_core::model::{ModelVersion, RegisteredModel};
use serde::Serialize;
use serde_json::json;

use crate::api::MlflowApi;
use crate::push_run::RunPusher;
use crate::wire::id_text;
use crate::write_access::WriteAccess;

/// The tag every pushed run carries on the server: the local run's id.
pub const SOURCE_RUN_TAG: &str = "cairn.source_run_id";
/// The tag every pushed model version carries on the server: the local version's number.
pub const SOURCE_VERSION_TAG: &str = "cairn.source_version";
/// MLflow's log-batch limit of metrics per request (Cairn's server keeps it too).
pub const MLFLOW_METRICS_PER_BATCH: usize = 1000;

/// How to push.
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// The server's experiment to push into; `None`: the local run's experiment's name.
    pub experiment: Option<String>,
    /// Only read the server and say what would be sent.
    pub dry_run: bool,
    /// Runs pushed at once.
    pub workers: usize,
    /// Metric points per log-batch request.
    pub metrics_per_batch: usize,
    /// Move an alias the server's model already has on another version to the pushed one;
    /// otherwise it stays, and the push says so.
    pub move_aliases: bool,
}

impl Default for PushOptions {
    fn default() -> PushOptions {
        PushOptions {
            experiment: None,
            dry_run: false,
            workers: 4,
            metrics_per_batch: MLFLOW_METRICS_PER_BATCH,
            move_aliases: false,
        }
    }
}

/// What one run's push sent (or, on a dry run, would send).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunPushed {
    /// The local run.
    pub run_id: String,
    /// The run on the server; `None` on a dry run that would create it.
    pub remote_run_id: Option<String>,
    /// The server's experiment, by name.
    pub experiment: String,
    /// The server's run was created by this push.
    pub created: bool,
    pub params: u64,
    pub tags: u64,
    /// Metric points.
    pub points: u64,
    pub datasets: u64,
    /// Artifact files uploaded.
    pub files: u64,
    /// Artifact files not uploaded: the server keeps the run's artifacts elsewhere than its
    /// proxy.
    pub files_skipped: u64,
    pub model_versions: u64,
    /// LoggedModels (MLflow 3's `models:/m-...`) created on the server for those versions.
    pub logged_models: u64,
    /// What the user should know (files skipped, a parent not pushed).
    pub notes: Vec<String>,
}

impl RunPushed {
    /// Whether this push sent nothing (the server had it all).
    pub fn nothing_new(&self) -> bool {
        !self.created
            && self.params
                + self.tags
                + self.points
                + self.datasets
                + self.files
                + self.model_versions
                == 0
    }
}

/// A run whose push failed, and why (never a credential).
#[derive(Debug, Clone, Serialize)]
pub struct RunFailed {
    pub run_id: String,
    pub error: String,
}

/// What a push did, run by run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PushReport {
    /// The server, without credentials.
    pub server: String,
    pub dry_run: bool,
    pub pushed: Vec<RunPushed>,
    pub failed: Vec<RunFailed>,
}

impl PushReport {
    /// Sums over the pushed runs: (runs created, params, points, files, model versions).
    pub fn totals(&self) -> PushTotals {
        let mut totals = PushTotals::default();
        for run in &self.pushed {
            totals.runs += 1;
            totals.created += u64::from(run.created);
            totals.params += run.params;
            totals.tags += run.tags;
            totals.points += run.points;
            totals.files += run.files;
            totals.model_versions += run.model_versions;
        }
        totals
    }
}

/// [`PushReport::totals`].
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct PushTotals {
    pub runs: u64,
    pub created: u64,
    pub params: u64,
    pub tags: u64,
    pub points: u64,
    pub files: u64,
    pub model_versions: u64,
}

/// What the push shares between its workers.
pub(crate) struct Shared<'a> {
    pub store: &'a dyn Store,
    pub api: &'a dyn MlflowApi,
    pub options: &'a PushOptions,
    /// The key the local runs remember the server by.
    pub server_key: String,
    /// Server experiment ids by name.
    experiments: Mutex<HashMap<String, String>>,
    /// Local run id → server run id, for the runs pushed so far (children name parents).
    pub remote_ids: Mutex<HashMap<String, String>>,
    /// Local registered models (with their versions) by the run id of their versions.
    pub versions_by_run: HashMap<String, Vec<(RegisteredModel, ModelVersion)>>,
    /// Whether the server may take metric histories column by column (a Cairn server does;
    /// turned off at the first server that does not know the route).
    pub columnar: std::sync::atomic::AtomicBool,
    /// On a dry run, what the server says the caller may write into.
    pub write_access: WriteAccess,
}

impl Shared<'_> {
    /// The server's experiment named `name`: created when missing (on a dry run, an empty id
    /// then); an error when deleted.
    pub fn experiment_id(&self, name: &str, tags: &[(String, String)]) -> anyhow::Result<String> {
        let mut known = self
            .experiments
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = known.get(name) {
            return Ok(id.clone());
        }
        let entity = format!("experiment '{name}'");
        let found = self
            .api
            .try_get("experiments/get-by-name", &[("experiment_name", name)]);
        let id = match found {
            Ok(answer) => {
                let id = id_text(&answer["experiment"]["experiment_id"]);
                let id = id.with_context(|| {
                    format!(
                        "{}: {entity}: the answer has no experiment id",
                        self.api.server()
                    )
                })?;
                anyhow::ensure!(
                    answer["experiment"]["lifecycle_stage"].as_str() != Some("deleted"),
                    "{}: {entity} is deleted there; restore it on the server, or push into \
                     another experiment with --experiment",
                    self.api.server()
                );
                id
            }
            Err(error) if error.is_missing() && self.options.dry_run => String::new(),
            Err(error) if error.is_missing() => {
                let tags: Vec<_> = tags
                    .iter()
                    .map(|(key, value)| json!({ "key": key, "value": value }))
                    .collect();
                let created = self.api.post(
                    "experiments/create",
                    &json!({ "name": name, "tags": tags }),
                    &entity,
                );
                match created {
                    Ok(created) => id_text(&created["experiment_id"]).with_context(|| {
                        format!(
                            "{}: {entity}: the answer has no experiment id",
                            self.api.server()
                        )
                    })?,
                    // Another push created it meanwhile.
                    Err(_) => {
                        let answer = self.api.get(
                            "experiments/get-by-name",
                            &[("experiment_name", name)],
                            &entity,
                        )?;
                        id_text(&answer["experiment"]["experiment_id"]).unwrap_or_default()
                    }
                }
            }
            Err(error) => {
                return Err(crate::api::explain(
                    self.api.server(),
                    error,
                    "GET",
                    "experiments/get-by-name",
                    &entity,
                ));
            }
        };
        known.insert(name.to_owned(), id.clone());
        Ok(id)
    }
}

/// Pushes the local runs `run_ids` of `store` to the server behind `api`. `progress` hears
/// (runs done, runs in all) after each run.
pub fn push_runs(
    store: &dyn Store,
    api: &dyn MlflowApi,
    run_ids: &[String],
    options: &PushOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> anyhow::Result<PushReport> {
    let mut unique = Vec::new();
    let mut seen = HashSet::new();
    for id in run_ids {
        let id = id.trim();
        if !id.is_empty() && seen.insert(id.to_owned()) {
            unique.push(id.to_owned());
        }
    }
    let shared = Shared {
        store,
        api,
        options,
        server_key: api.server().to_owned(),
        experiments: Mutex::new(HashMap::new()),
        remote_ids: Mutex::new(HashMap::new()),
        versions_by_run: versions_by_run(store).context("reading the local registry")?,
        columnar: std::sync::atomic::AtomicBool::new(true),
        write_access: WriteAccess::default(),
    };
    let mut report = PushReport {
        server: api.server().to_owned(),
        dry_run: options.dry_run,
        ..PushReport::default()
    };
    let results: Mutex<Vec<Result<RunPushed, RunFailed>>> = Mutex::new(Vec::new());
    let done = AtomicUsize::new(0);
    let total = unique.len();
    for wave in waves(store, &unique) {
        let next = AtomicUsize::new(0);
        let workers = options.workers.clamp(1, 64).min(wave.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(run_id) = wave.get(index) else {
                            break;
                        };
                        let result =
                            RunPusher::new(&shared, run_id)
                                .push()
                                .map_err(|error| RunFailed {
                                    run_id: run_id.clone(),
                                    error: format!("{error:#}"),
                                });
                        results
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(result);
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                    }
                });
            }
        });
    }
    let mut results = results.into_inner().unwrap_or_else(PoisonError::into_inner);
    let order: HashMap<&String, usize> = unique.iter().enumerate().map(|(i, id)| (id, i)).collect();
    results.sort_by_key(|result| {
        let id = match result {
            Ok(pushed) => &pushed.run_id,
            Err(failed) => &failed.run_id,
        };
        order.get(id).copied().unwrap_or(usize::MAX)
    });
    for result in results {
        match result {
            Ok(pushed) => report.pushed.push(pushed),
            Err(failed) => report.failed.push(failed),
        }
    }
    Ok(report)
}

/// The runs in waves: a run whose parent is pushed too goes in a wave after its parent's, so
/// the child's `mlflow.parentRunId` can name the parent's server run.
fn waves(store: &dyn Store, run_ids: &[String]) -> Vec<Vec<String>> {
    let wanted: HashSet<&String> = run_ids.iter().collect();
    let parent_of: HashMap<&String, String> = run_ids
        .iter()
        .filter_map(|id| {
            let run = store.get_run(id).ok()?;
            let parent = run.info.parent_run_id.or_else(|| {
                run.tags
                    .iter()
                    .find(|tag| tag.key == "mlflow.parentRunId")
                    .map(|tag| tag.value.clone())
            })?;
            wanted.contains(&parent).then_some((id, parent))
        })
        .collect();
    let depth = |id: &String| {
        let mut depth = 0;
        let mut current = id;
        // Bounded: a cycle of parents (a broken store) cannot loop forever.
        while let Some(parent) = parent_of.get(current) {
            depth += 1;
            if depth > run_ids.len() {
                break;
            }
            match run_ids.iter().find(|candidate| *candidate == parent) {
                Some(next) => current = next,
                None => break,
            }
        }
        depth
    };
    let mut waves: Vec<Vec<String>> = Vec::new();
    for id in run_ids {
        let level = depth(id).min(run_ids.len());
        if waves.len() <= level {
            waves.resize(level + 1, Vec::new());
        }
        waves[level].push(id.clone());
    }
    waves.retain(|wave| !wave.is_empty());
    waves
}

/// Every local model version made from a run, with its registered model, by that run's id.
fn versions_by_run(
    store: &dyn Store,
) -> anyhow::Result<HashMap<String, Vec<(RegisteredModel, ModelVersion)>>> {
    let mut found: HashMap<String, Vec<(RegisteredModel, ModelVersion)>> = HashMap::new();
    for model in store.list_registered_models()? {
        let versions = store.list_model_versions(&model.name).with_context(|| {
            format!("reading the versions of registered model '{}'", model.name)
        })?;
        for version in versions {
            if let Some(run_id) = version.run_id.clone() {
                found
                    .entry(run_id)
                    .or_default()
                    .push((model.clone(), version));
            }
        }
    }
    for versions in found.values_mut() {
        versions.sort_by(|a, b| (&a.1.name, a.1.version).cmp(&(&b.1.name, b.1.version)));
    }
    Ok(found)
}
