//! Commands of the settings view: where the store is, and the folders Cairn indexes or follows.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Command, arguments, reply};
use crate::folders::{folder_path, index_once, roots};
use crate::{App, AppError, Store};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "app_info",
        run: app_info,
    },
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

/// Where the store lives and what it holds.
#[derive(Debug, Serialize)]
struct AppInfo {
    /// The database file.
    database_path: String,
    /// The folder of artifacts stored by Cairn.
    artifacts_path: String,
    /// `PRAGMA user_version` of the schema this build writes.
    schema_version: i64,
    /// Active runs in active experiments.
    run_count: u64,
    /// Active experiments.
    experiment_count: u64,
    /// Cairn's version.
    version: &'static str,
}

fn app_info(app: &App, _args: Value) -> Result<Value, AppError> {
    let store = app.store();
    let experiments = crate::list_experiments(store)?;
    let run_count = experiments
        .iter()
        .map(|experiment| experiment.run_count)
        .sum();
    reply(&AppInfo {
        database_path: store.database_path().to_string_lossy().into_owned(),
        artifacts_path: store.artifact_root().to_string_lossy().into_owned(),
        schema_version: cairn_core::store::latest_schema_version(),
        run_count,
        experiment_count: experiments.len() as u64,
        version: env!("CARGO_PKG_VERSION"),
    })
}

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

fn list_folders(app: &App) -> Result<Vec<FolderView>, AppError> {
    let folders = app.folders();
    Ok(roots(app.store())?
        .into_iter()
        .map(|root| FolderView {
            active: folders.is_running(&root.path),
            path: root.path,
            watched: root.watched,
            added_time: root.added_ms,
        })
        .collect())
}

fn list_watched_folders(app: &App, _args: Value) -> Result<Value, AppError> {
    reply(&list_folders(app)?)
}

#[derive(Deserialize)]
struct PathArgs {
    path: String,
}

fn add_watched_folder(app: &App, args: Value) -> Result<Value, AppError> {
    let args: PathArgs = arguments("add_watched_folder", args)?;
    let path = folder_path(&args.path)?;
    app.store().set_index_root_watched(&path, true)?;
    app.folders()
        .start(app.shared_store(), app.events(), &path)?;
    reply(&list_folders(app)?)
}

fn remove_watched_folder(app: &App, args: Value) -> Result<Value, AppError> {
    let args: PathArgs = arguments("remove_watched_folder", args)?;
    let path = args.path.trim();
    // Stop the thread first, so a pass in progress does not add the folder back.
    app.folders().stop(path);
    if !app.store().remove_index_root(path)? {
        return Err(AppError {
            kind: "not_found",
            message: format!("no such folder in the list: {path}"),
        });
    }
    reply(&list_folders(app)?)
}

fn index_folder(app: &App, args: Value) -> Result<Value, AppError> {
    let args: PathArgs = arguments("index_folder", args)?;
    let path = folder_path(&args.path)?;
    reply(&index_once(app.store(), app.events(), &path)?)
}
