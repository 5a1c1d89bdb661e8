//! [`App`]: the store and the event hub one UI session works with, and the one entry point for
//! its commands.

use std::sync::{Arc, Mutex, PoisonError};

use cairn_core::{SqliteStore, Store};
use serde_json::Value;

use crate::AppError;
use crate::commands;
use crate::events::EventHub;
use crate::folders::FolderWatchers;
use crate::watch::StoreWatcher;

/// What the desktop shell and `cairn serve` hold to answer the UI.
#[derive(Debug, Clone)]
pub struct App {
    store: Arc<SqliteStore>,
    events: EventHub,
    /// The store watcher, once started; shared by clones, stopped with the last one.
    watcher: Arc<Mutex<Option<StoreWatcher>>>,
    /// Threads following watched folders, by path; shared by clones.
    folders: Arc<Mutex<FolderWatchers>>,
}

impl App {
    /// An app over an open store.
    pub fn new(store: Arc<SqliteStore>) -> App {
        App {
            store,
            events: EventHub::default(),
            watcher: Arc::new(Mutex::new(None)),
            folders: Arc::new(Mutex::new(FolderWatchers::default())),
        }
    }

    /// Starts the store watcher (once per app): commits by any process become
    /// [`AppEvent::RunsChanged`](crate::events::AppEvent::RunsChanged) events on [`App::events`].
    /// Also starts following every watched folder the store lists.
    pub fn start_watching(&self) -> Result<(), AppError> {
        for root in self.store.index_roots()? {
            if root.watched {
                self.folders()
                    .start(&self.store, &self.events, &root.path)?;
            }
        }
        let mut watcher = self.watcher.lock().unwrap_or_else(PoisonError::into_inner);
        if watcher.is_none() {
            let watch = self.store.watch_changes()?;
            *watcher = Some(
                StoreWatcher::start(watch, self.events.clone()).map_err(|error| AppError {
                    kind: "internal",
                    message: format!("starting the store watcher: {error}"),
                })?,
            );
        }
        Ok(())
    }

    /// The store.
    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// The store, shared.
    pub fn shared_store(&self) -> &Arc<SqliteStore> {
        &self.store
    }

    /// Where the app announces changes and progress.
    pub fn events(&self) -> &EventHub {
        &self.events
    }

    /// The followed folders' threads.
    pub(crate) fn folders(&self) -> std::sync::MutexGuard<'_, FolderWatchers> {
        self.folders.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the command `name` with its argument object (`null` means no arguments). Blocks:
    /// call it off the UI thread or the async runtime.
    pub fn call(&self, name: &str, args: Value) -> Result<Value, AppError> {
        match commands::find(name) {
            Some(command) => (command.run)(self, args),
            None => Err(AppError {
                kind: "not_found",
                message: format!("no command '{name}'"),
            }),
        }
    }
}
