//! Commands of the folders Cairn indexes on this machine: indexed once, or followed live.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::LocalApp;
use crate::folders::{folder_path, index_once, roots};
use cairn_app::commands::{Command, NoArgs};
use cairn_app::events::IndexSummary;
use cairn_app::{AppError, ErrorKind, command};
use cairn_core::IndexingStore as _;

pub(crate) const COMMANDS: &[Command<LocalApp>] = &[
    command!(list_watched_folders),
    command!(add_watched_folder),
    command!(remove_watched_folder),
    command!(index_folder),
];

/// A folder Cairn indexes; `watched` ones are followed live, `active` while their watcher runs.
#[derive(Debug, Serialize, TS)]
struct FolderView {
    path: String,
    /// Followed live.
    watched: bool,
    /// A watcher thread is running for it now.
    active: bool,
    /// Epoch milliseconds.
    added_time: i64,
}

fn list_folders(local: &LocalApp) -> Result<Vec<FolderView>, AppError> {
    let folders = local.folders();
    Ok(roots(local.store())?
        .into_iter()
        .map(|root| FolderView {
            active: folders.is_running(&root.path),
            path: root.path,
            watched: root.watched,
            added_time: root.added_ms,
        })
        .collect())
}

fn list_watched_folders(local: &LocalApp, _: NoArgs) -> Result<Vec<FolderView>, AppError> {
    list_folders(local)
}

/// A folder on this machine.
#[derive(Deserialize, TS)]
struct FolderPathArgs {
    path: String,
}

fn add_watched_folder(local: &LocalApp, args: FolderPathArgs) -> Result<Vec<FolderView>, AppError> {
    let path = folder_path(&args.path)?;
    local.store().set_index_root_watched(&path, true)?;
    local
        .folders()
        .start(local.shared_store(), local.app().events(), &path)?;
    list_folders(local)
}

fn remove_watched_folder(
    local: &LocalApp,
    args: FolderPathArgs,
) -> Result<Vec<FolderView>, AppError> {
    let path = args.path.trim();
    // Stop the thread first, so a pass in progress does not add the folder back.
    local.folders().stop(path);
    if !local.store().remove_index_root(path)? {
        return Err(AppError {
            kind: ErrorKind::NotFound,
            message: format!("no such folder in the list: {path}"),
        });
    }
    list_folders(local)
}

fn index_folder(local: &LocalApp, args: FolderPathArgs) -> Result<IndexSummary, AppError> {
    let path = folder_path(&args.path)?;
    index_once(local.store(), local.app().events(), &path)
}
