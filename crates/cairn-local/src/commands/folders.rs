//! Commands of the folders Cairn indexes on this machine: indexed once, or followed live.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Command;
use crate::LocalApp;
use crate::folders::{folder_path, index_once, roots};
use cairn_app::AppError;
use cairn_app::commands::{arguments, reply};
use cairn_core::IndexingStore as _;

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "list_watched_folders",
        run: list_watched_folders,
    },
    Command {
        name: "add_watched_folder",
        run: add_watched_folder,
    },
    Command {
        name: "remove_watched_folder",
        run: remove_watched_folder,
    },
    Command {
        name: "index_folder",
        run: index_folder,
    },
];

/// A folder in the settings list.
#[derive(Debug, Serialize)]
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

fn list_watched_folders(local: &LocalApp, _args: Value) -> Result<Value, AppError> {
    reply(&list_folders(local)?)
}

#[derive(Deserialize)]
struct PathArgs {
    path: String,
}

fn add_watched_folder(local: &LocalApp, args: Value) -> Result<Value, AppError> {
    let args: PathArgs = arguments("add_watched_folder", args)?;
    let path = folder_path(&args.path)?;
    local.store().set_index_root_watched(&path, true)?;
    local
        .folders()
        .start(local.app().shared_store(), local.app().events(), &path)?;
    reply(&list_folders(local)?)
}

fn remove_watched_folder(local: &LocalApp, args: Value) -> Result<Value, AppError> {
    let args: PathArgs = arguments("remove_watched_folder", args)?;
    let path = args.path.trim();
    // Stop the thread first, so a pass in progress does not add the folder back.
    local.folders().stop(path);
    if !local.store().remove_index_root(path)? {
        return Err(AppError {
            kind: "not_found",
            message: format!("no such folder in the list: {path}"),
        });
    }
    reply(&list_folders(local)?)
}

fn index_folder(local: &LocalApp, args: Value) -> Result<Value, AppError> {
    let args: PathArgs = arguments("index_folder", args)?;
    let path = folder_path(&args.path)?;
    reply(&index_once(local.store(), local.app().events(), &path)?)
}
