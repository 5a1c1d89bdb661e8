//! Commands of the settings view: where the store is and why, choosing another store, and the
//! folders Cairn indexes or follows.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Command, arguments, reply};
use crate::folders::{folder_path, index_once, roots};
use crate::location::StoreOrigin;
use crate::{App, AppError, Store};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "app_info",
        run: app_info,
    },
    Command {
        name: "use_store",
        run: use_store,
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
    /// Why the store is this one: `flag`, `env`, `remembered` or `default`; `null` when the
    /// shell did not say.
    store_origin: Option<StoreOrigin>,
    /// The store remembered in the settings file, used by launches without `--store` and
    /// `$CAIRN_STORE`.
    remembered_store: Option<String>,
    /// The store in the user's data folder.
    default_store: Option<String>,
    /// The settings file holding the remembered store.
    settings_file: Option<String>,
    /// Why the settings file could not be read, when it could not.
    settings_error: Option<String>,
    /// This app can switch to another store (`use_store`): the desktop app.
    can_switch_store: bool,
}

fn path_text(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

fn app_info(app: &App, _args: Value) -> Result<Value, AppError> {
    let store = app.store();
    let experiments = crate::list_experiments(store)?;
    let run_count = experiments
        .iter()
        .map(|experiment| experiment.run_count)
        .sum();
    let source = app.store_source();
    let places = source.map(|source| &source.places);
    let (remembered_store, settings_error) = match places.map(|places| places.remembered()) {
        Some(Ok(remembered)) => (remembered.as_deref().map(path_text), None),
        Some(Err(error)) => (None, Some(error.message)),
        None => (None, None),
    };
    reply(&AppInfo {
        database_path: store.database_path().to_string_lossy().into_owned(),
        artifacts_path: store.artifact_root().to_string_lossy().into_owned(),
        schema_version: cairn_core::store::latest_schema_version(),
        run_count,
        experiment_count: experiments.len() as u64,
        version: env!("CARGO_PKG_VERSION"),
        store_origin: source.map(|source| source.origin),
        remembered_store,
        default_store: places
            .and_then(|places| places.default_store.as_deref())
            .map(path_text),
        settings_file: places
            .and_then(|places| places.settings_file.as_deref())
            .map(path_text),
        settings_error,
        can_switch_store: app.store_switching() && source.is_some(),
    })
}

#[derive(Deserialize)]
struct UseStoreArgs {
    /// A database file or a folder (meaning `<folder>/cairn.db`); `null` forgets the choice.
    path: Option<String>,
}

/// What `use_store` remembered.
#[derive(Debug, Serialize)]
struct StoreChoice {
    /// The database file launches without `--store` and `$CAIRN_STORE` now open.
    store: String,
    /// The remembered database file; `null` when back to the default store.
    remembered: Option<String>,
    /// The running app has another store open and must reopen to use this one.
    reopen: bool,
}

/// Remembers another store (or the default, for a `null` path) for the next launches, after
/// checking it is, or can be created as, a Cairn store. Only for shells that can reopen.
fn use_store(app: &App, args: Value) -> Result<Value, AppError> {
    let args: UseStoreArgs = arguments("use_store", args)?;
    let source = match app.store_source() {
        Some(source) if app.store_switching() => source,
        _ => {
            return Err(AppError {
                kind: "invalid",
                message: "the store of a running `cairn serve` cannot change; run \
                          `cairn store use PATH` and restart `cairn serve`"
                    .to_owned(),
            });
        }
    };
    let path = args
        .path
        .as_deref()
        .map(str::trim)
        .filter(|path| !path.is_empty());
    let remembered = source.places.use_store(path.map(std::path::Path::new))?;
    let store = source.places.without_overrides().locate(None)?.path;
    let reopen = !same_file(&store, app.store().database_path());
    reply(&StoreChoice {
        store: path_text(&store),
        remembered: remembered.as_deref().map(path_text),
        reopen,
    })
}

/// The two paths name the same file (both canonical when they exist).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
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
