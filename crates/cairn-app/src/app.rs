//! [`App`]: the store and the event hub one UI session works with, and the one entry point for
//! its commands.

use std::sync::{Arc, Mutex, PoisonError};

use cairn_core::{SqliteStore, Store};
use serde_json::Value;

use crate::AppError;
use crate::commands;
use crate::events::EventHub;
use crate::folders::FolderWatchers;
use crate::location::{Places, StoreOrigin};
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
    /// Why the store is this one and where a new choice is remembered, when the shell said.
    source: Option<StoreSource>,
    /// The shell can reopen on another store (the desktop app; not `cairn serve`).
    store_switching: bool,
}

/// How the shell chose the app's store: its origin, and the places a choice is looked up in.
#[derive(Debug, Clone)]
pub struct StoreSource {
    /// Why the open store is the one used.
    pub origin: StoreOrigin,
    /// Where `$CAIRN_STORE`, the settings file and the default store are.
    pub places: Places,
}

impl App {
    /// An app over an open store.
    pub fn new(store: Arc<SqliteStore>) -> App {
        App {
            store,
            events: EventHub::default(),
            watcher: Arc::new(Mutex::new(None)),
            folders: Arc::new(Mutex::new(FolderWatchers::default())),
            source: None,
            store_switching: false,
        }
    }

    /// The app, told how its store was chosen (shown in Settings → Store).
    pub fn with_store_source(mut self, source: StoreSource) -> App {
        self.source = Some(source);
        self
    }

    /// The app, allowed to remember another store (`use_store`) because its shell can reopen on
    /// it. Only the desktop shell does: a store cannot change under a running `cairn serve`.
    pub fn with_store_switching(mut self) -> App {
        self.store_switching = true;
        self
    }

    /// How the store was chosen, when the shell said.
    pub fn store_source(&self) -> Option<&StoreSource> {
        self.source.as_ref()
    }

    /// Whether `use_store` may remember another store.
    pub fn store_switching(&self) -> bool {
        self.store_switching
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
