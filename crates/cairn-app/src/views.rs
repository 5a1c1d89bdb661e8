//! The UI's transport types. Field names and shapes are the contract with the UI, which gets
//! their TypeScript twins generated (`ui/src/lib/backend/generated/commands.ts`, see
//! [`crate::commands::typescript`]).

use std::collections::{BTreeMap, BTreeSet};

use cairn_core::model::{ExperimentSummary, Run};
use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

/// One experiment in the sidebar.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExperimentView {
    /// The id, as a decimal string.
    pub experiment_id: String,
    /// Name.
    pub name: String,
    /// `active` or `deleted`.
    #[ts(type = "'active' | 'deleted'")]
    pub lifecycle_stage: &'static str,
    /// Active runs in it.
    pub run_count: u64,
    /// Epoch milliseconds.
    pub creation_time: Option<i64>,
    /// Epoch milliseconds.
    pub last_update_time: Option<i64>,
}

impl From<&ExperimentSummary> for ExperimentView {
    fn from(summary: &ExperimentSummary) -> ExperimentView {
        let experiment = &summary.experiment;
        ExperimentView {
            experiment_id: experiment.experiment_id.to_string(),
            name: experiment.name.clone(),
            lifecycle_stage: experiment.lifecycle_stage.as_str(),
            run_count: summary.active_run_count,
            creation_time: experiment.creation_time_ms,
            last_update_time: experiment.last_update_time_ms,
        }
    }
}

/// What the runs table asks for.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(default)]
pub struct ListRunsRequest {
    /// Experiments, as decimal strings; empty means all.
    pub experiment_ids: Vec<String>,
    /// MLflow search filter; empty matches everything.
    pub filter: String,
    /// Sort keys such as `metrics.val_acc DESC`.
    pub order_by: Vec<String>,
    /// Page size.
    pub max_results: usize,
    /// Rows to skip.
    pub offset: usize,
    /// Deleted runs instead of active ones (MLflow's `DELETED_ONLY` view).
    #[ts(optional = nullable)]
    pub deleted: bool,
}

impl Default for ListRunsRequest {
    fn default() -> Self {
        ListRunsRequest {
            experiment_ids: Vec::new(),
            filter: String::new(),
            order_by: Vec::new(),
            max_results: 1000,
            offset: 0,
            deleted: false,
        }
    }
}

/// A metric value; NaN and infinities travel as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
#[derive(Debug, Clone, Copy, PartialEq, TS)]
#[ts(type = "number | 'NaN' | 'Infinity' | '-Infinity'")]
pub struct MetricValue(pub f64);

impl Serialize for MetricValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0;
        if value.is_nan() {
            serializer.serialize_str("NaN")
        } else if value == f64::INFINITY {
            serializer.serialize_str("Infinity")
        } else if value == f64::NEG_INFINITY {
            serializer.serialize_str("-Infinity")
        } else {
            serializer.serialize_f64(value)
        }
    }
}

/// One row of the runs table.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunRow {
    /// Run id.
    pub run_id: String,
    /// Display name.
    pub run_name: String,
    /// Experiment id, as a decimal string.
    pub experiment_id: String,
    /// `RUNNING`, `FINISHED`...
    #[ts(type = "'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'")]
    pub status: &'static str,
    /// Epoch milliseconds.
    pub start_time: Option<i64>,
    /// Epoch milliseconds.
    pub end_time: Option<i64>,
    /// How the run reached the store.
    pub source_kind: &'static str,
    /// Who ran it.
    pub user_id: String,
    /// HEAD commit, full.
    pub git_commit: Option<String>,
    /// Uncommitted changes at run time.
    pub git_dirty: Option<bool>,
    /// Content hash of the first data input.
    pub data_hash: Option<String>,
    /// Params by key.
    pub params: BTreeMap<String, String>,
    /// Latest metric values by key.
    pub metrics: BTreeMap<String, MetricValue>,
    /// Tags by key.
    pub tags: BTreeMap<String, String>,
}

impl From<&Run> for RunRow {
    fn from(run: &Run) -> RunRow {
        let info = &run.info;
        RunRow {
            run_id: info.run_id.clone(),
            run_name: info.run_name.clone(),
            experiment_id: info.experiment_id.to_string(),
            status: info.status.as_str(),
            start_time: info.start_time_ms,
            end_time: info.end_time_ms,
            source_kind: info.source_kind.as_str(),
            user_id: info.user_id.clone(),
            git_commit: run.git.as_ref().and_then(|git| git.commit_sha.clone()),
            git_dirty: run.git.as_ref().and_then(|git| git.is_dirty),
            data_hash: run.data.first().map(|data| data.root_hash.clone()),
            params: run
                .params
                .iter()
                .map(|param| (param.key.clone(), param.value.clone()))
                .collect(),
            metrics: run
                .metrics
                .iter()
                .map(|metric| (metric.key.clone(), MetricValue(metric.latest.value)))
                .collect(),
            tags: run
                .tags
                .iter()
                .map(|tag| (tag.key.clone(), tag.value.clone()))
                .collect(),
        }
    }
}

/// One page of the runs table.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunsPage {
    /// The rows, in the requested order.
    pub runs: Vec<RunRow>,
    /// Every run matching the filter.
    pub total_count: u64,
    /// Offset of the next page, absent on the last.
    pub next_offset: Option<usize>,
    /// Param keys present on this page, sorted.
    pub param_keys: Vec<String>,
    /// Metric keys present on this page, sorted.
    pub metric_keys: Vec<String>,
    /// Tag keys present on this page, sorted (for filter completion).
    pub tag_keys: Vec<String>,
}

impl RunsPage {
    /// Builds a page from rows, collecting their keys.
    pub fn new(runs: Vec<RunRow>, total_count: u64, next_offset: Option<usize>) -> RunsPage {
        let param_keys: BTreeSet<&String> = runs.iter().flat_map(|run| run.params.keys()).collect();
        let metric_keys: BTreeSet<&String> =
            runs.iter().flat_map(|run| run.metrics.keys()).collect();
        let tag_keys: BTreeSet<&String> = runs.iter().flat_map(|run| run.tags.keys()).collect();
        let param_keys = param_keys.into_iter().cloned().collect();
        let metric_keys = metric_keys.into_iter().cloned().collect();
        let tag_keys = tag_keys.into_iter().cloned().collect();
        RunsPage {
            runs,
            total_count,
            next_offset,
            param_keys,
            metric_keys,
            tag_keys,
        }
    }
}

/// The latest point and size of one metric, for the run page.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MetricSummary {
    /// Key.
    pub key: String,
    /// Latest value.
    pub value: MetricValue,
    /// Its step.
    pub step: i64,
    /// Its time, epoch milliseconds.
    pub timestamp: i64,
    /// Points in the history.
    pub point_count: u64,
}

impl From<&cairn_core::model::LatestMetric> for MetricSummary {
    fn from(metric: &cairn_core::model::LatestMetric) -> MetricSummary {
        MetricSummary {
            key: metric.key.clone(),
            value: MetricValue(metric.latest.value),
            step: metric.latest.step,
            timestamp: metric.latest.timestamp_ms,
            point_count: metric.point_count,
        }
    }
}

/// A run's code provenance.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GitView {
    /// `repository` or `mlflow_tags`.
    pub origin: &'static str,
    /// Repository root.
    pub repo_root: Option<String>,
    /// HEAD commit.
    pub commit: Option<String>,
    /// Branch.
    pub branch: Option<String>,
    /// Remote, without credentials.
    pub remote_url: Option<String>,
    /// Uncommitted changes.
    pub dirty: Option<bool>,
    /// Artifact path of the uncommitted diff.
    pub diff_artifact: Option<String>,
    /// Untracked files.
    pub untracked_files: Vec<String>,
    /// Commit author.
    pub author: Option<String>,
    /// Commit time, epoch milliseconds.
    pub commit_time: Option<i64>,
    /// Commit summary line.
    pub commit_summary: Option<String>,
}

impl From<&cairn_core::model::GitProvenance> for GitView {
    fn from(git: &cairn_core::model::GitProvenance) -> GitView {
        let author = match (&git.author_name, &git.author_email) {
            (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
            (Some(name), None) => Some(name.clone()),
            (None, email) => email.clone(),
        };
        GitView {
            origin: git.origin.as_str(),
            repo_root: git.repo_root.clone(),
            commit: git.commit_sha.clone(),
            branch: git.branch.clone(),
            remote_url: git.remote_url.clone(),
            dirty: git.is_dirty,
            diff_artifact: git.diff_artifact.clone(),
            untracked_files: git.untracked_files.clone(),
            author,
            commit_time: git.commit_time_ms,
            commit_summary: git.commit_summary.clone(),
        }
    }
}

/// The content hash of one input.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DataView {
    /// Path as given.
    pub path: String,
    /// `file` or `directory`.
    #[ts(type = "'file' | 'directory'")]
    pub kind: &'static str,
    /// BLAKE3 root hash.
    pub hash: String,
    /// Total bytes.
    pub size_bytes: u64,
    /// Regular files.
    pub file_count: u64,
    /// DVC's md5, when tracked by DVC.
    pub dvc_md5: Option<String>,
}

impl From<&cairn_core::model::DataHash> for DataView {
    fn from(data: &cairn_core::model::DataHash) -> DataView {
        DataView {
            path: data.path.clone(),
            kind: data.kind.as_str(),
            hash: data.root_hash.clone(),
            size_bytes: data.size_bytes,
            file_count: data.file_count,
            dvc_md5: data.dvc_md5.clone(),
        }
    }
}

/// A model version, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModelVersionView {
    /// Registered model.
    pub name: String,
    /// Version number, as MLflow shows it (a string).
    pub version: String,
    /// `None`, `Staging`, `Production` or `Archived`.
    pub stage: &'static str,
    /// Aliases on it.
    pub aliases: Vec<String>,
    /// Where its files are.
    pub source: String,
    /// Epoch milliseconds.
    pub creation_time: i64,
}

impl From<&cairn_core::model::ModelVersion> for ModelVersionView {
    fn from(version: &cairn_core::model::ModelVersion) -> ModelVersionView {
        ModelVersionView {
            name: version.name.clone(),
            version: version.version.to_string(),
            stage: version.current_stage.as_str(),
            aliases: version.aliases.clone(),
            source: version.source.clone(),
            creation_time: version.creation_time_ms,
        }
    }
}

/// Everything about one run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunDetail {
    /// What the table shows.
    #[serde(flatten)]
    pub row: RunRow,
    /// Artifact root.
    pub artifact_uri: String,
    /// `active` or `deleted`.
    #[ts(type = "'active' | 'deleted'")]
    pub lifecycle_stage: &'static str,
    /// Where it was indexed from.
    pub source_path: Option<String>,
    /// Parent run, for nested runs.
    pub parent_run_id: Option<String>,
    /// Latest value and size of every metric, by key.
    #[serde(rename = "metric_summaries")]
    pub metrics: Vec<MetricSummary>,
    /// Code provenance.
    pub git: Option<GitView>,
    /// Data hashes.
    pub data: Vec<DataView>,
    /// Registered model versions made from this run.
    pub model_versions: Vec<ModelVersionView>,
}
