//! Commands of native drag and drop: local files copied into a run, folders and logs imported.

use serde::Deserialize;
use serde_json::Value;

use super::Command;
use crate::LocalApp;
use crate::add_files::{self, AddArtifactsRequest};
use cairn_app::AppError;
use cairn_app::commands::{arguments, reply};
use cairn_app::events::AppEvent;

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "add_artifacts",
        run: add_artifacts,
    },
    Command {
        name: "import_paths",
        run: import_paths,
    },
];

fn add_artifacts(local: &LocalApp, args: Value) -> Result<Value, AppError> {
    let request: AddArtifactsRequest = arguments("add_artifacts", args)?;
    let added = add_files::add_artifacts(local.store(), &request)?;
    local.app().events().publish(&AppEvent::RunsChanged {
        run_ids: vec![request.run_id],
    });
    reply(&added)
}

#[derive(Deserialize)]
struct ImportArgs {
    paths: Vec<String>,
    #[serde(default)]
    job: String,
}

fn import_paths(local: &LocalApp, args: Value) -> Result<Value, AppError> {
    let args: ImportArgs = arguments("import_paths", args)?;
    reply(&add_files::import_paths(
        local.store(),
        local.app().events(),
        &args.job,
        &args.paths,
    )?)
}
