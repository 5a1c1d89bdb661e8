//! The run page on this machine: with its artifact folder's path, and "Open in folder", which
//! starts the system file manager.

use serde::Deserialize;
use serde_json::Value;

use super::Command;
use crate::LocalApp;
use crate::reveal::{Opener, reveal_artifact};
use cairn_app::AppError;
use cairn_app::commands::{arguments, reply};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "get_run_page",
        run: run_page,
    },
    Command {
        name: "reveal_artifact",
        run: reveal,
    },
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunIdArgs {
    run_id: String,
}

/// The store's run page, with the artifact folder's path on this machine.
fn run_page(local: &LocalApp, args: Value) -> Result<Value, AppError> {
    let args: RunIdArgs = arguments("get_run_page", args)?;
    let store = local.store();
    reply(&cairn_app::run_page::get_run_page(
        store,
        store.artifact_root(),
        &args.run_id,
    )?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevealArgs {
    run_id: String,
    #[serde(default)]
    path: String,
}

fn reveal(local: &LocalApp, args: Value) -> Result<Value, AppError> {
    let args: RevealArgs = arguments("reveal_artifact", args)?;
    let store = local.store();
    reply(&reveal_artifact(
        store,
        store.artifact_root(),
        &args.run_id,
        &args.path,
        &Opener::system(),
    )?)
}
