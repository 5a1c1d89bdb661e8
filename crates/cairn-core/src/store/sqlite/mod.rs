//! [`SqliteStore`]: the store in one SQLite file, with artifacts in a folder beside it.
//!
//! One writer connection behind a mutex takes every write, in `BEGIN IMMEDIATE` transactions;
//! readers come from a small pool and, thanks to WAL, never wait for the writer.

mod accounts;
mod artifacts;
mod changes;
mod data_hashes;
mod experiments;
mod import;
mod index_state;
mod logged_models;
mod logged_models_import;
mod metrics;
mod migrate;
mod monitoring;
mod provenance;
mod registry;
mod registry_edit;
mod row;
mod run_io;
mod runs;
mod search;
mod trait_impl;
mod writes;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{StoreError, StoreResult};

pub use changes::ChangeWatch;
pub use migrate::latest_version as latest_schema_version;

/// How long a connection waits for another process's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Idle read connections kept open.
const MAX_IDLE_READERS: usize = 4;

/// How hard a commit tries to survive a power cut: SQLite's `synchronous` setting on every
/// connection of the store. Both keep the database uncorrupted (WAL); they differ in what a power
/// loss or OS crash may take with it. A process crash loses no acknowledged commit with either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=NORMAL` (the default): the WAL is synced at checkpoints, not at every
    /// commit, so a power cut may lose the last commits; ingest is several times faster.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit is synced to disk before it is acknowledged.
    Full,
}

impl Durability {
    /// The value of `PRAGMA synchronous` for it.
    fn pragma_value(self) -> &'static str {
        match self {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        }
    }
}

/// The SQLite-backed store.
pub struct SqliteStore {
    database_path: PathBuf,
    artifact_root: PathBuf,
    durability: Durability,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The runs of recent searches' experiments, kept while no run was added or removed.
    scope_cache: search::ScopeCache,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("database_path", &self.database_path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store whose database is `database_path`, and brings its
    /// schema up to date. Artifacts live in `<stem>-artifacts/` beside the database.
    pub fn open(database_path: &Path) -> StoreResult<SqliteStore> {
        Self::open_with_durability(database_path, Durability::default())
    }

    /// [`SqliteStore::open`] with every connection set to `durability`.
    pub fn open_with_durability(
        database_path: &Path,
        durability: Durability,
    ) -> StoreResult<SqliteStore> {
        Self::open_inner(database_path, migrate::latest_version(), durability)
    }

    /// Opens the store migrated only up to `schema_version`; for upgrade tests.
    #[doc(hidden)]
    pub fn open_at_version(database_path: &Path, schema_version: i64) -> StoreResult<SqliteStore> {
        Self::open_inner(database_path, schema_version, Durability::default())
    }

    fn open_inner(
        database_path: &Path,
        schema_version: i64,
        durability: Durability,
    ) -> StoreResult<SqliteStore> {
        if let Some(parent) = database_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                action: "creating the store folder",
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let mut writer = open_connection(database_path, durability)?;
        migrate::migrate_to(&mut writer, database_path, schema_version)?;
        use_write_ahead_log(&writer)?;
        let stem = database_path.file_stem().map_or_else(
            || "cairn".into(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        let artifact_root = database_path.with_file_name(format!("{stem}-artifacts"));
        Ok(SqliteStore {
            database_path: database_path.to_path_buf(),
            artifact_root,
            durability,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            scope_cache: search::ScopeCache::default(),
        })
    }

    /// The database file.
    pub fn database_path(&self) -> &Path {
        &self.database_path
    }

    /// The folder holding artifacts stored by Cairn itself.
    pub fn artifact_root(&self) -> &Path {
        &self.artifact_root
    }

    /// The durability every connection was opened with.
    pub fn durability(&self) -> Durability {
        self.durability
    }

    /// `PRAGMA synchronous` as the writer connection and a reader connection report it (0 OFF,
    /// 1 NORMAL, 2 FULL): what is really in effect, for tests and diagnostics.
    pub fn synchronous_in_effect(&self) -> StoreResult<(i64, i64)> {
        let query = |connection: &Connection| -> StoreResult<i64> {
            Ok(connection.query_row("PRAGMA synchronous", [], |row| row.get(0))?)
        };
        let writer = query(&lock(&self.writer))?;
        let reader = self.read(query)?;
        Ok((writer, reader))
    }

    /// Runs `work` with a read connection.
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let pooled = lock(&self.readers).pop();
        let connection = match pooled {
            Some(connection) => connection,
            None => open_connection(&self.database_path, self.durability)?,
        };
        let result = work(&connection);
        let mut idle = lock(&self.readers);
        if idle.len() < MAX_IDLE_READERS {
            idle.push(connection);
        }
        result
    }

    /// Runs `work` in one write transaction; commits when it succeeds, rolls back otherwise.
    pub(crate) fn write<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut writer = lock(&self.writer);
        let transaction = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&transaction)?;
        transaction.commit()?;
        Ok(value)
    }
}

/// Puts the database in WAL mode (a no-op once it is). Switching needs the file to itself, and
/// SQLite answers "database is locked" at once, without waiting in its busy handler, while
/// another connection holds it — as when several processes open a new store together (the
/// desktop app, `cairn serve` and `cairn index --watch` started at once) — so the switch is
/// tried again until the busy timeout has passed.
fn use_write_ahead_log(connection: &Connection) -> StoreResult<()> {
    let started = Instant::now();
    loop {
        match connection.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other.map_err(StoreError::from),
        }
    }
}

fn open_connection(path: &Path, durability: Durability) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // One plan per statement, whatever its parameters: otherwise SQLite plans a cached statement
    // again each time a parameter it may plan by changes (an equality with an ORDER BY, such as
    // a series' points in order), which cost a chart of 20 runs a tenth of its time.
    connection.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    connection.pragma_update(None, "synchronous", durability.pragma_value())?;
    connection.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32768;
         PRAGMA mmap_size = 268435456;",
    )?;
    connection.set_prepared_statement_cache_capacity(64);
    Ok(connection)
}

/// Locks a mutex, recovering it if a thread panicked while holding it: every change happens in
/// a transaction, so a panic mid-way leaves nothing half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::{Durability, open_connection};

    #[test]
    fn cached_statements_are_not_planned_again_for_new_parameters() {
        let dir = tempfile::tempdir().unwrap();
        let connection = open_connection(&dir.path().join("plans.db"), Durability::Normal).unwrap();
        connection
            .execute_batch(
                "CREATE TABLE points (series INTEGER NOT NULL, seq INTEGER NOT NULL, v INTEGER,
                 PRIMARY KEY (series, seq)) WITHOUT ROWID;
                 INSERT INTO points VALUES (1, 1, 10), (1, 2, 11), (2, 1, 20);",
            )
            .unwrap();
        let sql = "SELECT v FROM points WHERE series = ?1 ORDER BY seq";
        for series in [1_i64, 2, 1, 3] {
            let mut statement = connection.prepare_cached(sql).unwrap();
            let values: Vec<i64> = statement
                .query_map([series], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let expected: &[i64] = match series {
                1 => &[10, 11],
                2 => &[20],
                _ => &[],
            };
            assert_eq!(values, expected);
            assert_eq!(statement.get_status(StatementStatus::RePrepare), 0);
        }
    }
}
