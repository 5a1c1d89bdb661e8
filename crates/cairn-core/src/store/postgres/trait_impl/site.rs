//! [`StoreSite`] for the PostgreSQL store: its URL without the password, the artifacts folder
//! it was given, and a `LISTEN/NOTIFY` watch.

use std::path::Path;

use crate::error::StoreResult;
use crate::store::postgres::PostgresStore;
use crate::store::postgres::changes::PostgresChangeWatch;
use crate::store::{ChangeWatcher, ConnectionUse, StoreSite};

impl StoreSite for PostgresStore {
    fn location(&self) -> String {
        PostgresStore::location(self).to_owned()
    }

    fn schema_version(&self) -> i64 {
        crate::store::postgres::migrate::latest_version()
    }

    fn artifact_root(&self) -> &Path {
        PostgresStore::artifact_root(self)
    }

    fn watch_changes(&self) -> StoreResult<Box<dyn ChangeWatcher>> {
        Ok(Box::new(PostgresChangeWatch::start(self)?))
    }

    fn connections(&self) -> Option<ConnectionUse> {
        Some(self.pool_use())
    }
}
