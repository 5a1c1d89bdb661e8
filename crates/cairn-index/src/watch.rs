//! Following folders live: after a first pass, every change under the roots triggers another
//! (incremental, so cheap) pass once the writes settle.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use cairn_core::{Store, StoreError, StoreResult};
use notify::{RecursiveMode, Watcher};

use crate::{IndexReport, Progress, index_paths};

/// Quiet time after the last change before a pass starts.
const SETTLE: Duration = Duration::from_millis(300);
/// How often `stop` is looked at while nothing happens.
const POLL: Duration = Duration::from_millis(200);

/// Indexes `roots`, then again after every change under them, until `stop` is set. `on_pass`
/// gets each pass's report (the first one included). Changes to a path in `ignored` or below it
/// (the store's own files, when they lie inside a root) do not trigger a pass; paths are
/// compared whole component by component, so `cairn.db` does not cover `cairn.db-wal`.
pub fn watch(
    store: &dyn Store,
    roots: &[PathBuf],
    ignored: &[PathBuf],
    progress: &mut dyn Progress,
    stop: &AtomicBool,
    mut on_pass: impl FnMut(&IndexReport),
) -> StoreResult<()> {
    let (sender, receiver) = mpsc::channel();
    let ignored: Vec<PathBuf> = ignored.iter().map(|path| comparable(path)).collect();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return;
        };
        let relevant = event
            .paths
            .iter()
            .any(|path| !ignored.iter().any(|ignored| path.starts_with(ignored)));
        if relevant {
            let _ = sender.send(());
        }
    })
    .map_err(watch_error)?;
    for root in roots {
        if root.exists() {
            // Watched by its canonical path, so events name paths the way `ignored` does.
            watcher
                .watch(&comparable(root), RecursiveMode::Recursive)
                .map_err(watch_error)?;
        }
        if root.is_dir() {
            store.add_index_root(&root.to_string_lossy(), true)?;
        }
    }
    on_pass(&index_paths(store, roots, progress)?);
    while !stop.load(Ordering::Relaxed) {
        match receiver.recv_timeout(POLL) {
            Ok(()) => {
                // Let a burst of writes finish, then index once.
                while receiver.recv_timeout(SETTLE).is_ok() {}
                on_pass(&index_paths(store, roots, progress)?);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// `path` absolute with symbolic links resolved, as far as it exists: a file not created yet
/// (the store's `-wal`) is its canonical folder joined with its name.
fn comparable(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => comparable(parent).join(name),
        _ => absolute,
    }
}

fn watch_error(error: notify::Error) -> StoreError {
    StoreError::Io {
        action: "watching for changes",
        path: error.paths.first().cloned().unwrap_or_default(),
        source: std::io::Error::other(error.to_string()),
    }
}
