//! The compare view's data: several runs side by side with their colours and data inputs, and
//! what differs between two of them (params, code, data).

use std::collections::BTreeSet;
use std::path::Path;

use cairn_chart::{Theme, run_colours};
use cairn_core::Store;
use cairn_core::model::Run;
use serde::Serialize;
use ts_rs::TS;

use crate::artifact_files;
use crate::remote_artifacts::{self, RemoteArtifacts};
use crate::views::{DataView, GitView, RunRow};
use crate::{AppError, ErrorKind};

/// One compared run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CompareRun {
    /// What the runs table shows (params, latest metrics, tags, commit).
    #[serde(flatten)]
    pub row: RunRow,
    /// Experiment name.
    pub experiment_name: String,
    /// The run's colour on light backgrounds, as on every chart of these runs.
    pub colour_light: String,
    /// The run's colour on dark backgrounds.
    pub colour_dark: String,
    /// Every data input with its content hash.
    pub data: Vec<DataView>,
    /// Code provenance.
    pub git: Option<GitView>,
}

/// The compared runs in the order asked, with the union of their keys.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Comparison {
    /// The runs.
    pub runs: Vec<CompareRun>,
    /// Param keys of any run, sorted.
    pub param_keys: Vec<String>,
    /// Metric keys of any run, sorted.
    pub metric_keys: Vec<String>,
}

/// Reads the runs to compare; an unknown id is `not_found` naming it. Repeated ids count once.
pub fn compare_runs(store: &dyn Store, run_ids: &[String]) -> Result<Comparison, AppError> {
    if run_ids.is_empty() {
        return Err(AppError {
            kind: ErrorKind::Invalid,
            message: "runIds: give at least one run to compare".to_owned(),
        });
    }
    let mut seen = BTreeSet::new();
    let mut runs: Vec<Run> = Vec::with_capacity(run_ids.len());
    for run_id in run_ids {
        if seen.insert(run_id.as_str()) {
            runs.push(store.get_run(run_id)?);
        }
    }
    let ids: Vec<&str> = runs.iter().map(|run| run.info.run_id.as_str()).collect();
    let light = run_colours(&ids, Theme::Light);
    let dark = run_colours(&ids, Theme::Dark);
    let mut experiment_names = std::collections::BTreeMap::new();
    let mut compared = Vec::with_capacity(runs.len());
    for ((run, light), dark) in runs.iter().zip(light).zip(dark) {
        let experiment_id = run.info.experiment_id;
        let experiment_name = match experiment_names.get(&experiment_id) {
            Some(name) => String::clone(name),
            None => {
                let name = store.get_experiment(experiment_id)?.name;
                experiment_names.insert(experiment_id, name.clone());
                name
            }
        };
        compared.push(CompareRun {
            row: RunRow::from(run),
            experiment_name,
            colour_light: light.hex(),
            colour_dark: dark.hex(),
            data: run.data.iter().map(Into::into).collect(),
            git: run.git.as_ref().map(Into::into),
        });
    }
    let param_keys: BTreeSet<&String> = compared.iter().flat_map(|r| r.row.params.keys()).collect();
    let metric_keys: BTreeSet<&String> =
        compared.iter().flat_map(|r| r.row.metrics.keys()).collect();
    let param_keys = param_keys.into_iter().cloned().collect();
    let metric_keys = metric_keys.into_iter().cloned().collect();
    Ok(Comparison {
        runs: compared,
        param_keys,
        metric_keys,
    })
}

/// A value on each side of a diff; `null` where a side lacks it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "Change")]
pub struct ChangeView {
    /// Param key, `commit`, data path or file path.
    pub key: String,
    /// Run A's value.
    pub a: Option<String>,
    /// Run B's value.
    pub b: Option<String>,
}

/// Files that differ inside one data input.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DataFilesView {
    /// The data input's path.
    pub path: String,
    /// Files added (`a` null), removed (`b` null) or changed, by relative path.
    pub files: Vec<ChangeView>,
}

/// What differs between runs A and B.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunDiffView {
    /// Run A's id.
    pub run_a: String,
    /// Run B's id.
    pub run_b: String,
    /// Params whose values differ, sorted by key.
    pub params: Vec<ChangeView>,
    /// Each side's commit (`+dirty` when uncommitted changes were recorded), when they differ.
    pub code: Option<ChangeView>,
    /// Data inputs whose hashes differ, by path.
    pub data: Vec<ChangeView>,
    /// Files that differ in data inputs both runs used.
    pub data_files: Vec<DataFilesView>,
    /// Warnings for a person (different data, only uncommitted changes differ).
    pub warnings: Vec<String>,
    /// The uncommitted changes each dirty side recorded (`cairn run` saves them as an artifact).
    pub uncommitted: Vec<UncommittedView>,
}

/// The uncommitted diff a run recorded when it started.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UncommittedView {
    /// The run.
    pub run_id: String,
    /// The diff text (unified diff), at most [`UNCOMMITTED_MAX_BYTES`].
    pub diff: String,
    /// The file was longer and was cut.
    pub truncated: bool,
}

/// The most of an uncommitted diff sent to the UI.
pub const UNCOMMITTED_MAX_BYTES: usize = 256 * 1024;

/// Compares runs A and B (`cairn diff`); `artifact_root` is the store's artifact folder, where
/// `mlflow-artifacts:/` locations (and so the runs' saved uncommitted diffs) live, unless the
/// server keeps them in an object store (`remote`).
pub fn diff_runs(
    store: &dyn Store,
    artifact_root: &Path,
    remote: Option<&dyn RemoteArtifacts>,
    run_a: &str,
    run_b: &str,
) -> Result<RunDiffView, AppError> {
    let diff = cairn_provenance::diff_runs(store, run_a, run_b)?;
    let mut uncommitted = Vec::new();
    if diff.code.is_some() || !diff.warnings.is_empty() {
        for run_id in [run_a, run_b] {
            let run = store.get_run(run_id)?;
            if let Some(view) = uncommitted_diff(store, &run, artifact_root, remote)? {
                uncommitted.push(view);
            }
        }
    }
    let change = |change: &cairn_provenance::Change| ChangeView {
        key: change.key.clone(),
        a: change.a.clone(),
        b: change.b.clone(),
    };
    Ok(RunDiffView {
        run_a: run_a.to_owned(),
        run_b: run_b.to_owned(),
        params: diff.params.iter().map(change).collect(),
        code: diff.code.as_ref().map(change),
        data: diff.data.iter().map(change).collect(),
        data_files: diff
            .data_files
            .iter()
            .map(|(path, files)| DataFilesView {
                path: path.clone(),
                files: files
                    .iter()
                    .map(|file| ChangeView {
                        key: file.rel_path.clone(),
                        a: file.a.clone(),
                        b: file.b.clone(),
                    })
                    .collect(),
            })
            .collect(),
        warnings: diff.warnings,
        uncommitted,
    })
}

/// The uncommitted diff `run` saved, when it is dirty and the file is in its artifact folder on
/// this machine (inside the store's roots: see [`artifact_files::run_folder`]) or, for an
/// `mlflow-artifacts:/` location on a server that keeps them in an object store, there.
fn uncommitted_diff(
    store: &dyn Store,
    run: &Run,
    artifact_root: &Path,
    remote: Option<&dyn RemoteArtifacts>,
) -> Result<Option<UncommittedView>, AppError> {
    let Some(git) = run.git.as_ref().filter(|git| git.is_dirty == Some(true)) else {
        return Ok(None);
    };
    let Some(relative) = git.diff_artifact.as_deref() else {
        return Ok(None);
    };
    let limit = u64::try_from(UNCOMMITTED_MAX_BYTES).unwrap_or(u64::MAX);
    let remote_root = remote.zip(remote_artifacts::store_key(&run.info.artifact_uri));
    let read = match remote_root {
        Some((remote, root)) => {
            remote_artifacts::read_text(remote, &remote_artifacts::join(&root, relative), limit)
        }
        None => {
            let folder = match artifact_files::run_folder(store, artifact_root, run) {
                Ok(Some(folder)) => folder,
                Ok(None) => return Ok(None),
                Err(error) if error.kind == ErrorKind::Forbidden => return Ok(None),
                Err(error) => return Err(error),
            };
            artifact_files::read_text(&folder, relative, limit, false)
        }
    };
    match read {
        Ok(excerpt) => Ok(Some(UncommittedView {
            run_id: run.info.run_id.clone(),
            diff: excerpt.text,
            truncated: excerpt.truncated,
        })),
        Err(error) if error.kind == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(AppError {
            kind: error.kind,
            message: format!("run {}: {}", run.info.run_id, error.message),
        }),
    }
}
