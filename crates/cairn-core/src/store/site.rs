//! Where a store lives and how its readers learn of commits: what a server or an app needs of
//! any backend besides its data — the folder its artifacts default to, a name to print, and a
//! watch that reports commits made by any process.

use std::path::Path;

use crate::error::StoreResult;

/// A commit noticed by a [`ChangeWatcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreChange {
    /// Runs created or changed since the last poll, sorted; empty when the commit touched
    /// nothing the watch can attribute to a run (a finished run's tag, a deletion, the registry).
    pub run_ids: Vec<String>,
}

/// Notices commits to one store, by this process or any other.
pub trait ChangeWatcher: Send {
    /// `None` when nothing was committed since the last poll; otherwise which runs changed.
    /// Never blocks for long: callers poll it a few times a second.
    fn poll(&mut self) -> StoreResult<Option<StoreChange>>;
}

/// Where a store lives.
pub trait StoreSite: Send + Sync + std::fmt::Debug {
    /// The store as a person would name it: a file path, or a database URL without its
    /// password.
    fn location(&self) -> String;

    /// The schema version this build keeps the store at (each backend numbers its own
    /// migrations).
    fn schema_version(&self) -> i64;

    /// The folder holding artifacts stored by Cairn itself when no other artifact storage is
    /// configured.
    fn artifact_root(&self) -> &Path;

    /// A watch over this store's commits, starting from what is committed now.
    fn watch_changes(&self) -> StoreResult<Box<dyn ChangeWatcher>>;

    /// The store's pooled connections to a database server, for a store that has them.
    fn connections(&self) -> Option<ConnectionUse> {
        None
    }
}

/// A store's pool of connections to its database server, at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionUse {
    /// Open and waiting for work.
    pub idle: usize,
    /// Serving a request.
    pub busy: usize,
    /// The most the pool opens at once; requests past it wait for one to come back.
    pub limit: usize,
    /// Requests waiting now for a connection to come back.
    pub waiting: usize,
    /// Requests that waited in vain and were answered 503, since the store was opened.
    pub gave_up: u64,
}
