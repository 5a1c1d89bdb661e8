//! Cairn's indexer: walks folders, recognises what other tools wrote (MLflow file stores and
//! SQLite databases, TensorBoard event files, Lightning and Keras CSV logs) and imports it into
//! a [`cairn_core::Store`] in place, incrementally. Knows nothing of terminals: progress goes to
//! a [`Progress`] the caller supplies.
#![warn(missing_docs)]

mod csv_logs;
mod discover;
pub mod event;
mod files;
mod mlflow_db;
mod mlruns;
pub mod proto;
mod report;
mod tensorboard;
pub mod tfrecord;
mod watch;
mod yaml;

use std::path::{Path, PathBuf};

use cairn_core::Store;

pub use discover::{Source, discover};
pub use report::{BadFile, IndexReport};
pub use watch::watch;

/// Told about the indexer's progress after each source it handles, and every few hundred runs
/// within a large one.
pub trait Progress {
    /// `report` is the running total; `current` the source just handled.
    fn update(&mut self, report: &IndexReport, current: &Path);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&mut self, _report: &IndexReport, _current: &Path) {}
}

/// Indexes every path in `roots` (folders or single files) into `store`. Sources that cannot be
/// read are listed in the report and never stop the rest; only a store failure is an error.
pub fn index_paths(
    store: &dyn Store,
    roots: &[PathBuf],
    progress: &mut dyn Progress,
) -> cairn_core::StoreResult<IndexReport> {
    let mut report = IndexReport::default();
    let own: Vec<PathBuf> = store
        .own_paths()
        .into_iter()
        .map(|path| path.canonicalize().unwrap_or(path))
        .collect();
    for root in roots {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.clone());
        let root = root.canonicalize().unwrap_or(root);
        if !root.exists() {
            report.bad_files.push(BadFile {
                path: root.display().to_string(),
                reason: "does not exist".into(),
            });
            mark_missing_under(store, &root, &mut report)?;
            continue;
        }
        if own.iter().any(|own| root.starts_with(own)) {
            report.bad_files.push(BadFile {
                path: root.display().to_string(),
                reason: "is inside the store's own files (its database or artifact folder), \
                         which are never imported"
                    .into(),
            });
            continue;
        }
        // What this root lets the indexer read: the folder, or a single file's folder. It is
        // remembered, so the runs' files found there can be read later (and nothing else).
        let scope = if root.is_dir() {
            root.clone()
        } else {
            root.parent()
                .map_or_else(|| root.clone(), Path::to_path_buf)
        };
        store.add_index_root(&scope.to_string_lossy(), false)?;
        let sources = discover(&root, &own, &mut report);
        let prefix = root.to_string_lossy().into_owned();
        let known = files::KnownFiles::load(store, &prefix)?;
        for source in &sources {
            let result = match source {
                Source::Mlruns(path) => {
                    mlruns::index(store, path, &scope, &known, &mut report, progress)
                }
                Source::MlflowDb(path) => {
                    mlflow_db::index(store, path, &scope, &known, &mut report, progress)
                }
                Source::Tensorboard { run_dir, files } => {
                    tensorboard::index(store, run_dir, files, &known, &mut report)
                }
                Source::LightningCsv { run_dir, metrics } => {
                    csv_logs::index_lightning(store, run_dir, metrics, &known, &mut report)
                }
                Source::KerasCsv(path) => csv_logs::index_keras(store, path, &known, &mut report),
            };
            if let Err(error) = result {
                match error {
                    files::IndexError::Store(error) => return Err(error),
                    files::IndexError::Bad { path, reason } => report.bad_files.push(BadFile {
                        path: path.display().to_string(),
                        reason,
                    }),
                }
            }
            progress.update(&report, source.path());
        }
        mark_missing_under(store, &root, &mut report)?;
    }
    report.bad_files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// Flags runs indexed from under `root` whose source is gone, and clears the flag on those
/// whose source is back.
fn mark_missing_under(
    store: &dyn Store,
    root: &Path,
    report: &mut IndexReport,
) -> cairn_core::StoreResult<()> {
    let prefix = root.to_string_lossy();
    let mut gone = Vec::new();
    let mut back = Vec::new();
    for (_, source_path, missing) in store.indexed_sources_under(&prefix)? {
        let exists = Path::new(&source_path).exists();
        if !exists && !missing {
            gone.push(source_path);
        } else if exists && missing {
            back.push(source_path);
        }
    }
    gone.dedup();
    back.dedup();
    let gone_files: Vec<String> = store
        .index_file_states_under(&prefix)?
        .into_iter()
        .map(|state| state.path)
        .filter(|path| !Path::new(path.split('#').next().unwrap_or(path)).exists())
        .collect();
    report.runs_missing += store.set_sources_missing(&gone, &gone_files, true)?;
    store.set_sources_missing(&back, &[], false)?;
    Ok(())
}
