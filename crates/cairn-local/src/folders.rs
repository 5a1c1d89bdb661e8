//! Watched folders: folders the user asked Cairn to follow (kept in the store's `index_roots`),
//! each indexed on a background thread by `cairn_index::watch` — a first pass, then one per burst
//! of changes — and folders indexed once on request. Progress and results are published as
//! [`AppEvent::IndexProgress`] events; imported runs reach the UI through the store watcher.

use cairn_app::ErrorKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cairn_core::IndexingStore;
use cairn_core::{SqliteStore, Store};
use cairn_index::{IndexReport, Progress};

use cairn_app::AppError;
use cairn_app::events::{AppEvent, EventHub, IndexSummary};

/// Least time between two progress events of one pass.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

/// What one pass did, as the UI shows it.
pub(crate) fn summary_of(path: &str, report: &IndexReport) -> IndexSummary {
    IndexSummary {
        path: path.to_owned(),
        runs_new: report.runs_new,
        runs_updated: report.runs_updated,
        runs_unchanged: report.runs_unchanged,
        points: report.points,
        files_seen: report.files_seen,
        problems: report
            .bad_files
            .iter()
            .map(|bad| format!("{}: {}", bad.path, bad.reason))
            .collect(),
    }
}

/// Publishes a pass's progress, at most every [`PROGRESS_INTERVAL`].
struct EventProgress {
    path: String,
    events: EventHub,
    last: Option<Instant>,
}

impl Progress for EventProgress {
    fn update(&mut self, report: &IndexReport, _current: &Path) {
        if self
            .last
            .is_some_and(|last| last.elapsed() < PROGRESS_INTERVAL)
        {
            return;
        }
        self.last = Some(Instant::now());
        self.events.publish(&AppEvent::IndexProgress {
            summary: summary_of(&self.path, report),
            finished: false,
            error: None,
        });
    }
}

/// The folder as an absolute, canonical path; an error naming it when it is not a folder.
pub(crate) fn folder_path(path: &str) -> Result<String, AppError> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(AppError {
            kind: ErrorKind::Invalid,
            message: "the folder path is empty".to_owned(),
        });
    }
    let canonical = Path::new(trimmed)
        .canonicalize()
        .map_err(|error| AppError {
            kind: ErrorKind::Invalid,
            message: format!("cannot open the folder: {error}: {trimmed}"),
        })?;
    if !canonical.is_dir() {
        return Err(AppError {
            kind: ErrorKind::Invalid,
            message: format!("not a folder: {trimmed}"),
        });
    }
    Ok(canonical.to_string_lossy().into_owned())
}

/// Indexes `path` once (incrementally), publishing progress and the final summary.
pub(crate) fn index_once(
    store: &SqliteStore,
    events: &EventHub,
    path: &str,
) -> Result<IndexSummary, AppError> {
    let mut progress = EventProgress {
        path: path.to_owned(),
        events: events.clone(),
        last: None,
    };
    let result = cairn_index::index_paths(store, &[PathBuf::from(path)], &mut progress);
    finish(events, path, result)
}

fn finish(
    events: &EventHub,
    path: &str,
    result: cairn_core::StoreResult<IndexReport>,
) -> Result<IndexSummary, AppError> {
    match result {
        Ok(report) => {
            let summary = summary_of(path, &report);
            events.publish(&AppEvent::IndexProgress {
                summary: summary.clone(),
                finished: true,
                error: None,
            });
            Ok(summary)
        }
        Err(error) => {
            let error = AppError::from(error);
            events.publish(&AppEvent::IndexProgress {
                summary: summary_of(path, &IndexReport::default()),
                finished: true,
                error: Some(error.message.clone()),
            });
            Err(error)
        }
    }
}

/// One followed folder's thread; dropping it stops the thread and waits for it.
#[derive(Debug)]
struct FolderWatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for FolderWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The followed folders of one app, by path.
#[derive(Debug, Default)]
pub(crate) struct FolderWatchers {
    watchers: BTreeMap<String, FolderWatcher>,
}

impl FolderWatchers {
    /// Follows `path` unless it is followed already.
    pub(crate) fn start(
        &mut self,
        store: &Arc<SqliteStore>,
        events: &EventHub,
        path: &str,
    ) -> Result<(), AppError> {
        if self.watchers.contains_key(path) {
            return Ok(());
        }
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let store = Arc::clone(store);
        let events = events.clone();
        let folder = path.to_owned();
        let thread = std::thread::Builder::new()
            .name("cairn-folder-watch".to_owned())
            .spawn(move || {
                let ignored = store.own_paths();
                let mut progress = EventProgress {
                    path: folder.clone(),
                    events: events.clone(),
                    last: None,
                };
                let result = cairn_index::watch(
                    &*store,
                    &[PathBuf::from(&folder)],
                    &ignored,
                    &mut progress,
                    &stopping,
                    |report| {
                        events.publish(&AppEvent::IndexProgress {
                            summary: summary_of(&folder, report),
                            finished: true,
                            error: None,
                        });
                    },
                );
                if let Err(error) = result {
                    let _ = finish(&events, &folder, Err(error));
                }
            })
            .map_err(|error| AppError {
                kind: ErrorKind::Internal,
                message: format!("starting to watch {path}: {error}"),
            })?;
        self.watchers.insert(
            path.to_owned(),
            FolderWatcher {
                stop,
                thread: Some(thread),
            },
        );
        Ok(())
    }

    /// Stops following `path` (waits for a pass in progress to end).
    pub(crate) fn stop(&mut self, path: &str) {
        self.watchers.remove(path);
    }

    /// Whether `path` is followed by a running thread.
    pub(crate) fn is_running(&self, path: &str) -> bool {
        self.watchers
            .get(path)
            .and_then(|watcher| watcher.thread.as_ref())
            .is_some_and(|thread| !thread.is_finished())
    }
}

/// Every folder the store knows, for the settings view.
pub(crate) fn roots(store: &dyn Store) -> Result<Vec<cairn_core::IndexRoot>, AppError> {
    Ok(store.index_roots()?)
}
