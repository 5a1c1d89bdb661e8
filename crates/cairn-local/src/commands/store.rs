//! Commands of Settings → Store on this machine: where the store lives and why, and choosing
//! another store for the next launches.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::LocalApp;
use cairn_app::commands::{AppInfo, Command, NoArgs, store_info};
use cairn_app::{AppError, ErrorKind, command};

pub(crate) const COMMANDS: &[Command<LocalApp>] = &[command!(app_info), command!(use_store)];

fn path_text(path: &std::path::Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The store's `app_info` with what only this machine's shell may tell: the store's paths, why it
/// is the one open, the remembered and default stores.
fn app_info(local: &LocalApp, _: NoArgs) -> Result<AppInfo, AppError> {
    let mut info = store_info(local.app())?;
    let store = local.store();
    info.database_path = Some(path_text(store.database_path()));
    info.artifacts_path = Some(path_text(store.artifact_root()));
    info.local_shell = true;
    if let Some(source) = local.store_source() {
        let places = &source.places;
        match places.remembered() {
            Ok(remembered) => info.remembered_store = remembered.as_deref().map(path_text),
            Err(error) => info.settings_error = Some(error.message),
        }
        info.store_origin = Some(source.origin.name());
        info.default_store = places.default_store.as_deref().map(path_text);
        info.settings_file = places.settings_file.as_deref().map(path_text);
        info.can_switch_store = local.store_switching();
    }
    Ok(info)
}

#[derive(Deserialize, TS)]
struct UseStoreArgs {
    /// A database file or a folder (meaning `<folder>/cairn.db`); `null` forgets the choice.
    path: Option<String>,
}

/// What `use_store` remembered.
#[derive(Debug, Serialize, TS)]
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
fn use_store(local: &LocalApp, args: UseStoreArgs) -> Result<StoreChoice, AppError> {
    let source = match local.store_source() {
        Some(source) if local.store_switching() => source,
        _ => {
            return Err(AppError {
                kind: ErrorKind::Invalid,
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
    let reopen = !same_file(&store, local.store().database_path());
    Ok(StoreChoice {
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
