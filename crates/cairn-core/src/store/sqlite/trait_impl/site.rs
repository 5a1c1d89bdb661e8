//! [`StoreSite`] for the SQLite store: its file, the artifacts folder beside it, and a
//! `data_version` watch.

use std::path::Path;

use crate::error::StoreResult;
use crate::store::{ChangeWatch, ChangeWatcher, SqliteStore, StoreChange, StoreSite};

impl StoreSite for SqliteStore {
    fn location(&self) -> String {
        self.database_path().display().to_string()
    }

    fn schema_version(&self) -> i64 {
        crate::store::latest_schema_version()
    }

    fn artifact_root(&self) -> &Path {
        SqliteStore::artifact_root(self)
    }

    fn watch_changes(&self) -> StoreResult<Box<dyn ChangeWatcher>> {
        Ok(Box::new(SqliteStore::watch_changes(self)?))
    }
}

impl ChangeWatcher for ChangeWatch {
    fn poll(&mut self) -> StoreResult<Option<StoreChange>> {
        ChangeWatch::poll(self)
    }
}
