//! [`App`]: the store and the event hub one UI session works with, and the one entry point for
//! the store's commands — all any caller of the store may do (see [`crate::commands`]).

use std::sync::{Arc, Mutex, PoisonError};

use cairn_core::Store;
use serde_json::Value;

use crate::commands;
use crate::events::EventHub;
use crate::watch::StoreWatcher;
use crate::{AppError, ErrorKind};

/// What `cairn serve` holds to answer the UI; the desktop shell holds it inside a `LocalApp`.
#[derive(Debug, Clone)]
pub struct App {
    store: Arc<dyn Store>,
    events: EventHub,
    /// The store watcher, once started; shared by clones, stopped with the last one.
    watcher: Arc<Mutex<Option<StoreWatcher>>>,
    /// Where `mlflow-artifacts:/` files are read when they are not on this machine.
    remote_artifacts: Option<Arc<dyn crate::remote_artifacts::RemoteArtifacts>>,
}

impl App {
    /// An app over an open store.
    pub fn new(store: Arc<dyn Store>) -> App {
        App {
            store,
            events: EventHub::default(),
            watcher: Arc::new(Mutex::new(None)),
            remote_artifacts: None,
        }
    }

    /// The same app reading `mlflow-artifacts:/` files through `remote` (a server whose
    /// artifacts are in an object store).
    pub fn with_remote_artifacts(
        mut self,
        remote: Arc<dyn crate::remote_artifacts::RemoteArtifacts>,
    ) -> App {
        self.remote_artifacts = Some(remote);
        self
    }

    /// Where `mlflow-artifacts:/` files are read when they are not on this machine.
    pub fn remote_artifacts(&self) -> Option<&dyn crate::remote_artifacts::RemoteArtifacts> {
        self.remote_artifacts.as_deref()
    }

    /// Starts the store watcher (once per app): commits by any process become
    /// [`AppEvent::RunsChanged`](crate::events::AppEvent::RunsChanged) events on [`App::events`].
    pub fn start_watching(&self) -> Result<(), AppError> {
        let mut watcher = self.watcher.lock().unwrap_or_else(PoisonError::into_inner);
        if watcher.is_none() {
            let watch = self.store.watch_changes()?;
            *watcher = Some(
                StoreWatcher::start(watch, self.events.clone()).map_err(|error| AppError {
                    kind: ErrorKind::Internal,
                    message: format!("starting the store watcher: {error}"),
                })?,
            );
        }
        Ok(())
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// The store, shared.
    pub fn shared_store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Where the app announces changes and progress.
    pub fn events(&self) -> &EventHub {
        &self.events
    }

    /// Runs the command `name` with its argument object (`null` means no arguments). Blocks:
    /// call it off the UI thread or the async runtime.
    pub fn call(&self, name: &str, args: Value) -> Result<Value, AppError> {
        match commands::find(name) {
            Some(command) => (command.run)(self, args),
            None => Err(AppError {
                kind: ErrorKind::NotFound,
                message: format!("no command '{name}'"),
            }),
        }
    }
}
