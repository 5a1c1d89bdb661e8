//! Files and folders named by a path on this machine, brought in by a local shell: copied into a
//! run's artifacts (drag and drop onto a run page) or handed to the indexer (folders and logs
//! dropped on the runs view), which reports progress as [`AppEvent::ImportProgress`] events.

use cairn_app::ErrorKind;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cairn_app::events::{AppEvent, EventHub, ImportProgress};
use cairn_app::files::{AddedArtifacts, safe_relative, write_artifact};
use cairn_app::{AppError, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

fn invalid(message: String) -> AppError {
    AppError {
        kind: ErrorKind::Invalid,
        message,
    }
}

/// The local files and folders to copy into a run's artifacts.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddArtifactsRequest {
    /// The run.
    pub run_id: String,
    /// Absolute paths of files or folders (folders are copied with their contents).
    pub paths: Vec<String>,
    /// Folder inside the run's artifacts to put them in; the root when empty.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub dest: String,
}

/// Copies local files and folders into a run's artifact folder and indexes each file with its
/// size and BLAKE3 hash. Symlinks inside dropped folders are not followed.
pub fn add_artifacts(
    store: &cairn_core::SqliteStore,
    request: &AddArtifactsRequest,
) -> Result<AddedArtifacts, AppError> {
    if request.paths.is_empty() {
        return Err(invalid("no files to add".to_owned()));
    }
    let dest = safe_relative(&request.dest)?;
    let mut sources = Vec::new();
    for path in &request.paths {
        let source = PathBuf::from(path);
        if !source.is_absolute() {
            return Err(invalid(format!("'{path}' is not an absolute path")));
        }
        let metadata = fs::metadata(&source)
            .map_err(|error| invalid(format!("cannot read '{path}': {error}")))?;
        let name = source
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .ok_or_else(|| invalid(format!("'{path}' has no file name")))?;
        let mut parts = dest.clone();
        parts.push(name);
        if metadata.is_dir() {
            collect_folder(&source, &parts, &mut sources)?;
        } else {
            sources.push((source, parts));
        }
    }
    let mut files = Vec::new();
    for (source, parts) in sources {
        let mut reader = fs::File::open(&source)
            .map_err(|error| invalid(format!("cannot read '{}': {error}", source.display())))?;
        files.push(write_artifact(store, &request.run_id, &parts, &mut reader)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(AddedArtifacts {
        run_id: request.run_id.clone(),
        files,
    })
}

/// Every regular file under `folder` with its artifact path parts (`prefix` + relative parts).
fn collect_folder(
    folder: &Path,
    prefix: &[String],
    out: &mut Vec<(PathBuf, Vec<String>)>,
) -> Result<(), AppError> {
    let entries = fs::read_dir(folder)
        .map_err(|error| invalid(format!("cannot read '{}': {error}", folder.display())))?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let mut parts = prefix.to_vec();
        parts.push(entry.file_name().to_string_lossy().into_owned());
        if kind.is_dir() {
            collect_folder(&entry.path(), &parts, out)?;
        } else if kind.is_file() {
            out.push((entry.path(), parts));
        }
    }
    Ok(())
}

/// A source the indexer could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportError {
    /// The file or folder.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportSummary {
    /// Runs that were not in the store before.
    pub runs_new: u64,
    /// Runs re-read because their source changed.
    pub runs_updated: u64,
    /// Runs whose source had not changed.
    pub runs_unchanged: u64,
    /// Metric points imported.
    pub points: u64,
    /// Files looked at.
    pub files_seen: u64,
    /// Registered models imported or refreshed.
    pub registered_models: u64,
    /// Sources that could not be read.
    pub errors: Vec<ImportError>,
}

impl From<&cairn_index::IndexReport> for ImportSummary {
    fn from(report: &cairn_index::IndexReport) -> ImportSummary {
        ImportSummary {
            runs_new: report.runs_new,
            runs_updated: report.runs_updated,
            runs_unchanged: report.runs_unchanged,
            points: report.points,
            files_seen: report.files_seen,
            registered_models: report.registered_models,
            errors: report
                .bad_files
                .iter()
                .map(|bad| ImportError {
                    path: bad.path.clone(),
                    reason: bad.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Publishes the indexer's progress, at most every 100 ms.
struct PublishProgress<'a> {
    events: &'a EventHub,
    job: &'a str,
    last: Option<Instant>,
}

impl cairn_index::Progress for PublishProgress<'_> {
    fn update(&mut self, report: &cairn_index::IndexReport, current: &Path) {
        if self
            .last
            .is_some_and(|last| last.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        self.events
            .publish(&AppEvent::ImportProgress(ImportProgress {
                job: self.job.to_owned(),
                current: current.display().to_string(),
                runs_new: report.runs_new,
                runs_updated: report.runs_updated,
                runs_unchanged: report.runs_unchanged,
                files_seen: report.files_seen,
                errors: report.bad_files.len() as u64,
                done: false,
            }));
    }
}

/// Indexes dropped folders and files (MLflow `mlruns/` folders or `mlflow.db`, TensorBoard event
/// files, Lightning/Keras CSV logs) into the store, publishing progress under `job`, then a
/// final `done` event and `runs_changed`.
pub fn import_paths(
    store: &dyn Store,
    events: &EventHub,
    job: &str,
    paths: &[String],
) -> Result<ImportSummary, AppError> {
    if paths.is_empty() {
        return Err(invalid("nothing to import".to_owned()));
    }
    let roots: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    if let Some(relative) = roots.iter().find(|path| !path.is_absolute()) {
        return Err(invalid(format!(
            "'{}' is not an absolute path",
            relative.display()
        )));
    }
    let mut progress = PublishProgress {
        events,
        job,
        last: None,
    };
    let report = cairn_index::index_paths(store, &roots, &mut progress)?;
    events.publish(&AppEvent::ImportProgress(ImportProgress {
        job: job.to_owned(),
        current: String::new(),
        runs_new: report.runs_new,
        runs_updated: report.runs_updated,
        runs_unchanged: report.runs_unchanged,
        files_seen: report.files_seen,
        errors: report.bad_files.len() as u64,
        done: true,
    }));
    if report.runs_new + report.runs_updated + report.registered_models > 0 {
        events.publish(&AppEvent::RunsChanged {
            run_ids: Vec::new(),
        });
    }
    Ok((&report).into())
}
