//! `app_info` as any caller of the store sees it: what the store holds and this build's version.
//! Where the store lives on the host is the local shell's to tell (`cairn-local` fills it in).

use serde::Serialize;
use ts_rs::TS;

use super::{Command, NoArgs};
use crate::command;
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command<App>] = &[command!(app_info)];

/// Where the store lives and what it holds. The paths and the store's origin are `null` for a
/// caller that is not a shell on the store's own machine.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    /// The database file.
    pub database_path: Option<String>,
    /// The folder of artifacts stored by Cairn.
    pub artifacts_path: Option<String>,
    /// The version of the store's schema (SQLite's `user_version`, or PostgreSQL's migration
    /// number), as this build keeps it.
    pub schema_version: i64,
    /// Active runs in active experiments.
    pub run_count: u64,
    /// Active experiments.
    pub experiment_count: u64,
    /// Cairn's version.
    pub version: &'static str,
    /// Why the store is this one: `flag`, `env`, `remembered` or `default`.
    #[ts(type = "'flag' | 'env' | 'remembered' | 'default' | null")]
    pub store_origin: Option<&'static str>,
    /// The store remembered in the settings file.
    pub remembered_store: Option<String>,
    /// The store in the user's data folder.
    pub default_store: Option<String>,
    /// The settings file holding the remembered store.
    pub settings_file: Option<String>,
    /// Why the settings file could not be read, when it could not.
    pub settings_error: Option<String>,
    /// This app can switch to another store (`use_store`): the desktop app.
    pub can_switch_store: bool,
    /// The caller is a shell on this machine: it may name host paths (import, index, watch,
    /// reveal). False over HTTP.
    pub local_shell: bool,
}

/// What the store holds, without any path on the host.
pub fn store_info(app: &App) -> Result<AppInfo, AppError> {
    let experiments = crate::list_experiments(app.store())?;
    Ok(AppInfo {
        database_path: None,
        artifacts_path: None,
        schema_version: app.store().schema_version(),
        run_count: experiments
            .iter()
            .map(|experiment| experiment.run_count)
            .sum(),
        experiment_count: experiments.len() as u64,
        version: env!("CARGO_PKG_VERSION"),
        store_origin: None,
        remembered_store: None,
        default_store: None,
        settings_file: None,
        settings_error: None,
        can_switch_store: false,
        local_shell: false,
    })
}

fn app_info(app: &App, _: NoArgs) -> Result<AppInfo, AppError> {
    store_info(app)
}
