//! The local shell's command table: operations that take a path on this machine, start a
//! program or choose the store. [`LocalApp::call`](crate::LocalApp::call) looks here first, then
//! in the store's table.
//!
//! Commands are written as in `cairn-app` (`fn name(&LocalApp, NameArgs) -> Result<View,
//! AppError>`, listed with [`cairn_app::command!`]); [`typescript`] writes the UI's twin,
//! `ui/src/lib/backend/generated/local-commands.ts`, and a test fails when it is stale. A local
//! command with a store command's name (`get_run_page`, `app_info`) answers it with what only
//! this machine may tell, and must keep the store command's argument and result types.

mod drift;
mod files;
mod folders;
mod reveal;
mod store;
mod team;
pub mod typescript;

use cairn_app::commands::Command;

use crate::LocalApp;

/// Every subject's table, searched in order.
const TABLES: &[&[Command<LocalApp>]] = &[
    drift::COMMANDS,
    files::COMMANDS,
    folders::COMMANDS,
    reveal::COMMANDS,
    store::COMMANDS,
    team::COMMANDS,
];

/// Every command of the local shell's table.
pub fn all() -> impl Iterator<Item = &'static Command<LocalApp>> {
    TABLES.iter().flat_map(|table| table.iter())
}

pub(crate) fn find(name: &str) -> Option<&'static Command<LocalApp>> {
    all().find(|command| command.name == name)
}

/// Every local command's name, for tests that check no HTTP route reaches them.
pub fn names() -> impl Iterator<Item = &'static str> {
    all().map(|command| command.name)
}
