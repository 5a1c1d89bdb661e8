//! [`LocalApp`]: the store's operations plus the local shell's capabilities, behind one `call`.

use std::sync::{Arc, Mutex, PoisonError};

use cairn_app::{App, AppError};
use cairn_core::IndexingStore;
use cairn_core::SqliteStore;
use serde_json::Value;

use crate::commands;
use crate::folders::FolderWatchers;
use crate::location::{Places, StoreOrigin};
use crate::team::{Connect, TeamConnector};

/// What the desktop shell holds: an [`App`] over the store, the folders it follows, and how its
/// store was chosen.
#[derive(Debug, Clone)]
pub struct LocalApp {
    app: App,
    /// The app's store as the local file it is: the desktop shell always works on one.
    sqlite: Arc<SqliteStore>,
    /// Threads following watched folders, by path; shared by clones.
    folders: Arc<Mutex<FolderWatchers>>,
    /// Why the store is this one and where a new choice is remembered, when the shell said.
    source: Option<StoreSource>,
    /// The shell can reopen on another store (the desktop app).
    store_switching: bool,
    /// How the shell reaches a team server ("Push to team"), when it can.
    team_connector: Option<TeamConnector>,
}

/// How the shell chose the app's store: its origin, and the places a choice is looked up in.
#[derive(Debug, Clone)]
pub struct StoreSource {
    /// Why the open store is the one used.
    pub origin: StoreOrigin,
    /// Where `$CAIRN_STORE`, the settings file and the default store are.
    pub places: Places,
}

impl LocalApp {
    /// A local app over an open store.
    pub fn new(store: Arc<SqliteStore>) -> LocalApp {
        LocalApp {
            app: App::new(Arc::clone(&store) as Arc<dyn cairn_core::Store>),
            sqlite: store,
            folders: Arc::new(Mutex::new(FolderWatchers::default())),
            source: None,
            store_switching: false,
            team_connector: None,
        }
    }

    /// The app, able to push runs to a team server through clients `connect` makes.
    pub fn with_team_connector(mut self, connect: std::sync::Arc<Connect>) -> LocalApp {
        self.team_connector = Some(TeamConnector(connect));
        self
    }

    /// How the shell reaches a team server, when it can.
    pub fn team_connector(&self) -> Option<&TeamConnector> {
        self.team_connector.as_ref()
    }

    /// The team server settings file (`team.json` in the config folder), when there is a config
    /// folder.
    pub fn team_file(&self) -> Option<std::path::PathBuf> {
        let places = match &self.source {
            Some(source) => source.places.clone(),
            None => Places::from_env(),
        };
        let folder = places.settings_file?.parent()?.to_path_buf();
        Some(crate::team::team_file(&folder))
    }

    /// The app, told how its store was chosen (shown in Settings → Store).
    pub fn with_store_source(mut self, source: StoreSource) -> LocalApp {
        self.source = Some(source);
        self
    }

    /// The app, allowed to remember another store (`use_store`) because its shell can reopen on
    /// it.
    pub fn with_store_switching(mut self) -> LocalApp {
        self.store_switching = true;
        self
    }

    /// The store's operations, as any caller has them.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The store.
    pub fn store(&self) -> &SqliteStore {
        &self.sqlite
    }

    /// The store, shared.
    pub fn shared_store(&self) -> &Arc<SqliteStore> {
        &self.sqlite
    }

    /// Where the app announces changes and progress.
    pub fn events(&self) -> &cairn_app::events::EventHub {
        self.app.events()
    }

    /// How the store was chosen, when the shell said.
    pub fn store_source(&self) -> Option<&StoreSource> {
        self.source.as_ref()
    }

    /// Whether `use_store` may remember another store.
    pub fn store_switching(&self) -> bool {
        self.store_switching
    }

    /// The followed folders' threads.
    pub(crate) fn folders(&self) -> std::sync::MutexGuard<'_, FolderWatchers> {
        self.folders.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the store watcher and follows every folder the store lists as watched.
    pub fn start_watching(&self) -> Result<(), AppError> {
        for root in self.store().index_roots()? {
            if root.watched {
                self.follow(&root.path)?;
            }
        }
        self.app.start_watching()
    }

    /// Follows `path` (already canonical) until the app is dropped: a first pass, then one per
    /// burst of changes, with progress as events.
    pub fn follow(&self, path: &str) -> Result<(), AppError> {
        self.folders().start(&self.sqlite, self.app.events(), path)
    }

    /// Runs the command `name`: one of the local shell's own, or else the store's
    /// ([`App::call`]). Blocks: call it off the UI thread.
    pub fn call(&self, name: &str, args: Value) -> Result<Value, AppError> {
        match commands::find(name) {
            Some(command) => (command.run)(self, args),
            None => self.app.call(name, args),
        }
    }
}
