//! [`App`]: the store and the event hub one UI session works with, and the one entry point for
//! its commands.

use std::sync::Arc;

use cairn_core::SqliteStore;
use serde_json::Value;

use crate::AppError;
use crate::commands;
use crate::events::EventHub;

/// What the desktop shell and `cairn serve` hold to answer the UI.
#[derive(Debug, Clone)]
pub struct App {
    store: Arc<SqliteStore>,
    events: EventHub,
}

impl App {
    /// An app over an open store.
    pub fn new(store: Arc<SqliteStore>) -> App {
        App {
            store,
            events: EventHub::default(),
        }
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
