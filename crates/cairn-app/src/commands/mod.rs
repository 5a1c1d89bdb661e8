//! The store's command table: every operation on the store the UI can call, by name, with JSON
//! arguments and a JSON result. `cairn serve`'s `POST /app/api/<command>` dispatches here through
//! [`App::call`], and so does the desktop shell, whose `LocalApp` (crate `cairn-local`) adds the
//! commands only a shell on the user's machine may run. Nothing in this table takes a path on the
//! host, starts a program or changes which store is open: any caller of the store may run it.
//!
//! Each subject keeps its own table ([`Command`] entries) in its own file; argument structs
//! deserialise from the call's JSON object, and a bad argument is an `invalid` error naming it.

mod charts;
mod demo;
mod registry;
mod run_page;
mod runs;
mod runs_view;
mod store_info;
mod uploads;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use store_info::{AppInfo, store_info};

use crate::{App, AppError};

/// One named operation.
pub(crate) struct Command {
    /// The name the UI calls it by (`list_runs`).
    pub name: &'static str,
    /// Runs it with the call's argument object.
    pub run: fn(&App, Value) -> Result<Value, AppError>,
}

/// Every subject's table, searched in order.
const TABLES: &[&[Command]] = &[
    runs::COMMANDS,
    registry::COMMANDS,
    charts::COMMANDS,
    run_page::COMMANDS,
    runs_view::COMMANDS,
    store_info::COMMANDS,
    uploads::COMMANDS,
    demo::COMMANDS,
];

pub(crate) fn find(name: &str) -> Option<&'static Command> {
    TABLES
        .iter()
        .flat_map(|table| table.iter())
        .find(|command| command.name == name)
}

/// The call's arguments as `T`; a missing or mistyped field is an `invalid` error that names it.
pub fn arguments<T: DeserializeOwned>(command: &str, args: Value) -> Result<T, AppError> {
    let args = if args.is_null() {
        Value::Object(serde_json::Map::new())
    } else {
        args
    };
    serde_json::from_value(args).map_err(|error| AppError {
        kind: "invalid",
        message: format!("arguments of '{command}': {error}"),
    })
}

/// A result as JSON.
pub fn reply<T: Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|error| AppError {
        kind: "internal",
        message: format!("encoding the result: {error}"),
    })
}

/// Every command's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLES
        .iter()
        .flat_map(|table| table.iter())
        .map(|command| command.name)
}
