//! "Open in folder" on the run page: starts the system file manager.

use serde::Deserialize;
use serde_json::Value;

use super::Command;
use crate::LocalApp;
use crate::reveal::{Opener, reveal_artifact};
use cairn_app::AppError;
use cairn_app::commands::{arguments, reply};

pub(crate) const COMMANDS: &[Command] = &[Command {
    name: "reveal_artifact",
    run: reveal,
}];

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
