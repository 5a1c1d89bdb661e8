//! Commands of drag and drop and upload: files added to a run, folders and logs imported.

use serde::Deserialize;
use serde_json::Value;

use super::{Command, arguments, reply};
use crate::events::AppEvent;
use crate::files::{self, AddArtifactsRequest, UploadRequest};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "add_artifacts",
        run: add_artifacts,
    },
    Command {
        name: "upload_artifact",
        run: upload_artifact,
    },
    Command {
        name: "import_paths",
        run: import_paths,
    },
];

fn add_artifacts(app: &App, args: Value) -> Result<Value, AppError> {
    let request: AddArtifactsRequest = arguments("add_artifacts", args)?;
    let added = files::add_artifacts(app.store(), &request)?;
    app.events().publish(&AppEvent::RunsChanged {
        run_ids: vec![request.run_id],
    });
    reply(&added)
}

fn upload_artifact(app: &App, args: Value) -> Result<Value, AppError> {
    let request: UploadRequest = arguments("upload_artifact", args)?;
    let added = files::upload_artifact(app.store(), &request)?;
    app.events().publish(&AppEvent::RunsChanged {
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

fn import_paths(app: &App, args: Value) -> Result<Value, AppError> {
    let args: ImportArgs = arguments("import_paths", args)?;
    reply(&files::import_paths(
        app.store(),
        app.events(),
        &args.job,
        &args.paths,
    )?)
}
