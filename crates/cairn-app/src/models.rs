//! The registry screens' reads: the models list, one model with its versions (and each source
//! run's key metrics and params), and the side-by-side comparison the confirmation dialog shows
//! before a version changes stage or takes an alias.

use std::collections::{BTreeMap, BTreeSet};

use cairn_core::Store;
use cairn_core::model::{ModelStage, ModelVersion, RegisteredModel, Run};
use serde::Serialize;
use ts_rs::TS;

use crate::AppError;
use crate::registry::HistoryView;
use crate::views::MetricValue;

/// Who the registry history says made a change, for every shell (the UI when it sends no name,
/// the CLI always): `$CAIRN_USER`, else `$USER`, else `$USERNAME`, else `app`.
pub fn app_user() -> String {
    ["CAIRN_USER", "USER", "USERNAME"]
        .iter()
        .filter_map(|key| std::env::var(key).ok())
        .map(|value| value.trim().to_owned())
        .find(|value| !value.is_empty())
        .unwrap_or_else(|| "app".to_owned())
}

/// The version a stage currently holds, as the models list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StageLatest {
    /// `Staging`, `Production`, `None` or `Archived`.
    pub stage: &'static str,
    /// The highest version in that stage.
    pub version: u64,
}

/// One row of the models list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModelSummary {
    /// Unique name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The highest version in each stage that has one, in stage order.
    pub latest_versions: Vec<StageLatest>,
    /// Alias → version.
    pub aliases: BTreeMap<String, u64>,
    /// How many versions it has.
    pub version_count: u64,
    /// Epoch milliseconds.
    pub creation_time: i64,
    /// Epoch milliseconds.
    pub last_updated_time: i64,
    /// Tags by key.
    pub tags: BTreeMap<String, String>,
}

impl ModelSummary {
    fn new(model: &RegisteredModel, version_count: u64) -> ModelSummary {
        ModelSummary {
            name: model.name.clone(),
            description: model.description.clone(),
            latest_versions: model
                .latest_versions
                .iter()
                .map(|version| StageLatest {
                    stage: version.current_stage.as_str(),
                    version: version.version,
                })
                .collect(),
            aliases: model.aliases.iter().cloned().collect(),
            version_count,
            creation_time: model.creation_time_ms,
            last_updated_time: model.last_updated_time_ms,
            tags: tag_map(&model.tags),
        }
    }
}

/// Every registered model, by name.
pub fn list_models(store: &dyn Store) -> Result<Vec<ModelSummary>, AppError> {
    let mut models = Vec::new();
    for model in store.list_registered_models()? {
        let count = store.list_model_versions(&model.name)?.len() as u64;
        models.push(ModelSummary::new(&model, count));
    }
    models.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(models)
}

/// What a version's source run contributes to comparisons; `None` fields when the run is not
/// in the store (registered from elsewhere, or deleted).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunSummary {
    /// Run id.
    pub run_id: String,
    /// Display name.
    pub run_name: String,
    /// Experiment id, as a decimal string.
    pub experiment_id: String,
    /// Latest value of each metric.
    pub metrics: BTreeMap<String, MetricValue>,
    /// Params by key.
    pub params: BTreeMap<String, String>,
    /// HEAD commit the run was made from.
    pub git_commit: Option<String>,
    /// Uncommitted changes at run time.
    pub git_dirty: Option<bool>,
    /// Content hash of each data input, by path.
    pub data_hashes: BTreeMap<String, String>,
}

impl From<&Run> for RunSummary {
    fn from(run: &Run) -> RunSummary {
        RunSummary {
            run_id: run.info.run_id.clone(),
            run_name: run.info.run_name.clone(),
            experiment_id: run.info.experiment_id.to_string(),
            metrics: run
                .metrics
                .iter()
                .map(|metric| (metric.key.clone(), MetricValue(metric.latest.value)))
                .collect(),
            params: run
                .params
                .iter()
                .map(|param| (param.key.clone(), param.value.clone()))
                .collect(),
            git_commit: run.git.as_ref().and_then(|git| git.commit_sha.clone()),
            git_dirty: run.git.as_ref().and_then(|git| git.is_dirty),
            data_hashes: run
                .data
                .iter()
                .map(|data| (data.path.clone(), data.root_hash.clone()))
                .collect(),
        }
    }
}

/// One version on the model page.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VersionDetail {
    /// Version number.
    pub version: u64,
    /// `None`, `Staging`, `Production` or `Archived`.
    pub stage: &'static str,
    /// Aliases pointing at it.
    pub aliases: Vec<String>,
    /// Where its files are.
    pub source: String,
    /// `READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`.
    pub status: &'static str,
    /// Who registered it.
    pub user_id: String,
    /// Free text.
    pub description: String,
    /// Epoch milliseconds.
    pub creation_time: i64,
    /// Epoch milliseconds.
    pub last_updated_time: i64,
    /// Tags by key.
    pub tags: BTreeMap<String, String>,
    /// The run it came from, as recorded.
    pub run_id: Option<String>,
    /// That run, when the store has it.
    pub run: Option<RunSummary>,
}

/// A model with every version, newest first, and its registry history, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModelDetail {
    /// The list row.
    pub model: ModelSummary,
    /// Every version, newest first.
    pub versions: Vec<VersionDetail>,
    /// Every change, oldest first.
    pub history: Vec<HistoryView>,
}

fn source_run(store: &dyn Store, version: &ModelVersion) -> Option<RunSummary> {
    let run_id = version.run_id.as_deref()?;
    store.get_run(run_id).ok().map(|run| (&run).into())
}

fn version_detail(store: &dyn Store, version: &ModelVersion) -> VersionDetail {
    VersionDetail {
        version: version.version,
        stage: version.current_stage.as_str(),
        aliases: version.aliases.clone(),
        source: version.source.clone(),
        status: version.status.as_str(),
        user_id: version.user_id.clone(),
        description: version.description.clone(),
        creation_time: version.creation_time_ms,
        last_updated_time: version.last_updated_time_ms,
        tags: tag_map(&version.tags),
        run_id: version.run_id.clone(),
        run: source_run(store, version),
    }
}

/// One model, its versions and its history.
pub fn get_model(store: &dyn Store, name: &str) -> Result<ModelDetail, AppError> {
    let model = store.get_registered_model(name)?;
    let mut versions = store.list_model_versions(name)?;
    versions.sort_by_key(|version| std::cmp::Reverse(version.version));
    Ok(ModelDetail {
        model: ModelSummary::new(&model, versions.len() as u64),
        versions: versions
            .iter()
            .map(|version| version_detail(store, version))
            .collect(),
        history: crate::registry::model_history(store, name)?,
    })
}

/// One metric or param of the comparison: both sides' values and whether they differ.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CompareRow<T> {
    /// Metric or param key.
    pub key: String,
    /// The candidate's value.
    pub candidate: Option<T>,
    /// The current version's value.
    pub current: Option<T>,
    /// The values differ (or only one side has the key).
    pub differs: bool,
}

/// The candidate version beside the one it would replace, for the confirmation dialog.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VersionComparison {
    /// The version about to change.
    pub candidate: VersionDetail,
    /// The version it is compared with (holding the target stage or alias); `None` when there is
    /// none.
    pub current: Option<VersionDetail>,
    /// Metrics of both source runs, by key.
    pub metrics: Vec<CompareRow<MetricValue>>,
    /// Params of both source runs, by key.
    pub params: Vec<CompareRow<String>>,
    /// The two runs were made from different commits (both known).
    pub commit_differs: bool,
    /// The two runs read different data (a path hashed differently, or hashed on one side only).
    pub data_differs: bool,
}

/// Compares version `candidate` of `name` with version `current` (when given).
pub fn compare_versions(
    store: &dyn Store,
    name: &str,
    candidate: u64,
    current: Option<u64>,
) -> Result<VersionComparison, AppError> {
    let candidate = version_detail(store, &store.get_model_version(name, candidate)?);
    let current = match current {
        Some(version) => Some(version_detail(
            store,
            &store.get_model_version(name, version)?,
        )),
        None => None,
    };
    let left = candidate.run.as_ref();
    let right = current.as_ref().and_then(|version| version.run.as_ref());
    let metrics = compare_maps(
        left.map(|run| &run.metrics),
        right.map(|run| &run.metrics),
        |a, b| a.0 == b.0 || (a.0.is_nan() && b.0.is_nan()),
    );
    let params = compare_maps(
        left.map(|run| &run.params),
        right.map(|run| &run.params),
        |a, b| a == b,
    );
    let commit_differs = match (
        left.and_then(|run| run.git_commit.as_ref()),
        right.and_then(|run| run.git_commit.as_ref()),
    ) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    };
    let data_differs = match (left, right) {
        (Some(a), Some(b)) => a.data_hashes != b.data_hashes,
        _ => false,
    };
    Ok(VersionComparison {
        candidate,
        current,
        metrics,
        params,
        commit_differs,
        data_differs,
    })
}

fn compare_maps<T: Clone>(
    left: Option<&BTreeMap<String, T>>,
    right: Option<&BTreeMap<String, T>>,
    same: impl Fn(&T, &T) -> bool,
) -> Vec<CompareRow<T>> {
    let empty = BTreeMap::new();
    let left = left.unwrap_or(&empty);
    let right_present = right.is_some();
    let right = right.unwrap_or(&empty);
    let keys: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    keys.into_iter()
        .map(|key| {
            let candidate = left.get(key).cloned();
            let current = right.get(key).cloned();
            let differs = right_present
                && match (&candidate, &current) {
                    (Some(a), Some(b)) => !same(a, b),
                    _ => true,
                };
            CompareRow {
                key: key.clone(),
                candidate,
                current,
                differs,
            }
        })
        .collect()
}

/// The version currently in `stage` other than `except` (the highest), for the dialog.
pub fn version_in_stage(
    store: &dyn Store,
    name: &str,
    stage: ModelStage,
    except: u64,
) -> Result<Option<u64>, AppError> {
    Ok(store
        .list_model_versions(name)?
        .iter()
        .filter(|version| version.current_stage == stage && version.version != except)
        .map(|version| version.version)
        .max())
}

fn tag_map(tags: &[cairn_core::model::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|tag| (tag.key.clone(), tag.value.clone()))
        .collect()
}
