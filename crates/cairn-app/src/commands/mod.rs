//! The store's command table: every operation on the store the UI can call, by name, with JSON
//! arguments and a JSON result. `cairn serve`'s `POST /app/api/<command>` dispatches here through
//! [`App::call`], and so does the desktop shell, whose `LocalApp` (crate `cairn-local`) adds the
//! commands only a shell on the user's machine may run. Nothing in this table takes a path on the
//! host, starts a program or changes which store is open: any caller of the store may run it.
//!
//! A command is written once, as a function `fn name(&App, NameArgs) -> Result<View, AppError>`,
//! and listed as [`command!`](crate::command)`(name)` in its subject's table: the macro takes the
//! name from the function, deserialises the argument struct from the call's JSON object (a bad
//! argument is an `invalid` error naming it), serialises the result, and records both types for
//! [`typescript`], which writes the UI's twin (`ui/src/lib/backend/generated/commands.ts`; a test
//! fails when that file is stale).

mod charts;
mod demo;
mod monitoring;
mod registry;
mod run_edits;
mod run_page;
mod runs;
mod runs_view;
mod store_info;
pub mod typescript;
mod uploads;

use serde::de::{DeserializeOwned, Deserializer, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use runs::RunIdArgs;
pub use store_info::{AppInfo, store_info};

use crate::{App, AppError, ErrorKind};

/// One named operation over a context `C`: [`App`] here, `LocalApp` in `cairn-local`. Made by
/// [`command!`](crate::command) from the function that runs it.
pub struct Command<C: 'static> {
    /// The name the UI calls it by (`list_runs`): the function's name.
    pub name: &'static str,
    /// Runs it with the call's argument object.
    pub run: fn(&C, Value) -> Result<Value, AppError>,
    /// Its argument and result types in TypeScript.
    pub signature: fn(&ts_rs::Config) -> typescript::Signature,
}

/// A [`Command`] for the function `$function` (`fn(&C, Args) -> Result<Out, AppError>`), called
/// by its name; `Args: Deserialize + TS`, `Out: Serialize + TS`.
#[macro_export]
macro_rules! command {
    ($function:ident) => {
        $crate::commands::Command {
            name: stringify!($function),
            run: |context, args| {
                $crate::commands::invoke(stringify!($function), context, args, $function)
            },
            signature: |config| $crate::commands::typescript::signature(config, $function),
        }
    };
}

/// Every subject's table, searched in order.
const TABLES: &[&[Command<App>]] = &[
    runs::COMMANDS,
    registry::COMMANDS,
    monitoring::COMMANDS,
    charts::COMMANDS,
    run_page::COMMANDS,
    run_edits::COMMANDS,
    runs_view::COMMANDS,
    store_info::COMMANDS,
    uploads::COMMANDS,
    demo::COMMANDS,
];

/// Every command of the store's table.
pub fn all() -> impl Iterator<Item = &'static Command<App>> {
    TABLES.iter().flat_map(|table| table.iter())
}

pub(crate) fn find(name: &str) -> Option<&'static Command<App>> {
    all().find(|command| command.name == name)
}

/// Every command's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    all().map(|command| command.name)
}

/// Runs `function` with the call's JSON arguments and returns its result as JSON.
pub fn invoke<C, A: DeserializeOwned, O: Serialize>(
    command: &str,
    context: &C,
    args: Value,
    function: fn(&C, A) -> Result<O, AppError>,
) -> Result<Value, AppError> {
    let args = arguments(command, args)?;
    reply(&function(context, args)?)
}

/// The call's arguments as `T`; a missing or mistyped field is an `invalid` error that names it.
fn arguments<T: DeserializeOwned>(command: &str, args: Value) -> Result<T, AppError> {
    let args = if args.is_null() {
        Value::Object(serde_json::Map::new())
    } else {
        args
    };
    serde_json::from_value(args).map_err(|error| AppError {
        kind: ErrorKind::Invalid,
        message: format!("arguments of '{command}': {error}"),
    })
}

/// A result as JSON.
fn reply<T: Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|error| AppError {
        kind: ErrorKind::Internal,
        message: format!("encoding the result: {error}"),
    })
}

/// The arguments of a command that takes none: whatever the caller sends is ignored.
#[derive(Debug, Clone, Copy, Default, TS)]
#[ts(type = "Record<string, never>")]
pub struct NoArgs;

impl<'de> Deserialize<'de> for NoArgs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NoArgs, D::Error> {
        IgnoredAny::deserialize(deserializer)?;
        Ok(NoArgs)
    }
}

/// The result of a command that returns nothing to show: `{}`.
#[derive(Debug, Clone, Copy, Default, Serialize, TS)]
#[ts(type = "Record<string, never>")]
pub struct Done {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use std::collections::BTreeSet;

    use serde_json::json;

    use super::{Done, NoArgs, arguments, names, reply};

    #[test]
    fn command_names_are_unique() {
        let mut seen = BTreeSet::new();
        for name in names() {
            assert!(seen.insert(name), "two commands are called '{name}'");
        }
    }

    #[test]
    fn commands_without_arguments_ignore_what_they_are_sent() {
        for args in [json!(null), json!({}), json!({"stray": 1}), json!([1, 2])] {
            arguments::<NoArgs>("list_models", args).unwrap();
        }
        assert_eq!(reply(&Done {}).unwrap(), json!({}));
    }
}
