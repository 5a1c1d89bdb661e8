//! Where the store lives: `--store`, else `$CAIRN_STORE`, else the user's data folder.

use std::path::{Path, PathBuf};

use cairn_core::SqliteStore;

use crate::AppError;

/// The environment variable naming the store's database file.
pub const STORE_ENV: &str = "CAIRN_STORE";

/// `$CAIRN_STORE` when set, else `$XDG_DATA_HOME/cairn/cairn.db` (or the platform's equal).
pub fn default_store_path() -> Result<PathBuf, AppError> {
    if let Some(path) = std::env::var_os(STORE_ENV).filter(|path| !path.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("dev", "cairn", "cairn")
        .map(|dirs| dirs.data_dir().join("cairn.db"))
        .ok_or_else(|| AppError {
            kind: "invalid",
            message: format!(
                "no home folder to keep the store in; pass --store PATH or set {STORE_ENV}"
            ),
        })
}

/// Opens the store at `path`, or at [`default_store_path`] when `None`.
pub fn open_store(path: Option<&Path>) -> Result<SqliteStore, AppError> {
    let path = match path {
        Some(path) => path.to_path_buf(),
        None => default_store_path()?,
    };
    Ok(SqliteStore::open(&path)?)
}
