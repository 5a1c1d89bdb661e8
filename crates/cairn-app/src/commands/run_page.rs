//! Commands of the run page: the page, artifact previews and data manifests. ("Open in folder"
//! starts a program on the host: it is the desktop's, in `cairn-local`.)

use serde::Deserialize;
use serde_json::Value;

use super::{Command, arguments, reply};
use crate::artifact_files;
use crate::{App, AppError, run_page};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "get_run_page",
        run: get_run_page,
    },
    Command {
        name: "read_artifact",
        run: read_artifact,
    },
    Command {
        name: "data_manifest",
        run: data_manifest,
    },
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunIdArgs {
    run_id: String,
}

fn get_run_page(app: &App, args: Value) -> Result<Value, AppError> {
    let args: RunIdArgs = arguments("get_run_page", args)?;
    let store = app.store();
    let mut page = run_page::get_run_page(store, store.artifact_root(), &args.run_id)?;
    // Where the folder is on the host is the local shell's to show (cairn-local).
    page.artifact_dir = None;
    reply(&page)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadArtifactArgs {
    run_id: String,
    path: String,
    #[serde(default)]
    max_bytes: Option<u64>,
    #[serde(default)]
    from_end: bool,
}

fn read_artifact(app: &App, args: Value) -> Result<Value, AppError> {
    let args: ReadArtifactArgs = arguments("read_artifact", args)?;
    let store = app.store();
    reply(&artifact_files::read_artifact(
        store,
        store.artifact_root(),
        &args.run_id,
        &args.path,
        args.max_bytes,
        args.from_end,
    )?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestArgs {
    root_hash: String,
    #[serde(default = "default_manifest_limit")]
    limit: usize,
}

fn default_manifest_limit() -> usize {
    1000
}

fn data_manifest(app: &App, args: Value) -> Result<Value, AppError> {
    let args: ManifestArgs = arguments("data_manifest", args)?;
    reply(&run_page::data_manifest(
        app.store(),
        &args.root_hash,
        args.limit,
    )?)
}
