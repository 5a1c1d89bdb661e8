//! The local shell's command table: operations that take a path on this machine, start a
//! program or choose the store. [`LocalApp::call`](crate::LocalApp::call) looks here first, then
//! in the store's table.

mod files;
mod folders;
mod reveal;
mod store;

use serde_json::Value;

use crate::LocalApp;
use cairn_app::AppError;

/// One named operation of the local shell.
pub(crate) struct Command {
    /// The name the UI calls it by (`add_artifacts`).
    pub name: &'static str,
    /// Runs it with the call's argument object.
    pub run: fn(&LocalApp, Value) -> Result<Value, AppError>,
}

/// Every subject's table, searched in order.
const TABLES: &[&[Command]] = &[
    files::COMMANDS,
    folders::COMMANDS,
    reveal::COMMANDS,
    store::COMMANDS,
];

pub(crate) fn find(name: &str) -> Option<&'static Command> {
    TABLES
        .iter()
        .flat_map(|table| table.iter())
        .find(|command| command.name == name)
}

/// Every local command's name, for tests that check no HTTP route reaches them.
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLES
        .iter()
        .flat_map(|table| table.iter())
        .map(|command| command.name)
}
