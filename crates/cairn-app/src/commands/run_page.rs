//! Commands of the run page: the page, artifact previews and data manifests. ("Open in folder"
//! starts a program on the host: it is the desktop's, in `cairn-local`.)

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, RunIdArgs};
use crate::command;
use crate::run_page_views::{ArtifactPreview, ManifestView, RunPageView};
use crate::{App, AppError, artifact_files, remote_artifacts, run_page};

pub(crate) const COMMANDS: &[Command<App>] = &[
    command!(get_run_page),
    command!(read_artifact),
    command!(data_manifest),
];

fn get_run_page(app: &App, args: RunIdArgs) -> Result<RunPageView, AppError> {
    let store = app.store();
    let mut page = run_page::get_run_page_with(
        store,
        store.artifact_root(),
        app.remote_artifacts(),
        &args.run_id,
    )?;
    // Where the folder is on the host is the local shell's to show (cairn-local).
    page.artifact_dir = None;
    Ok(page)
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct ReadArtifactArgs {
    run_id: String,
    path: String,
    #[serde(default)]
    #[ts(optional)]
    max_bytes: Option<u64>,
    #[serde(default)]
    #[ts(optional = nullable)]
    from_end: bool,
}

fn read_artifact(app: &App, args: ReadArtifactArgs) -> Result<ArtifactPreview, AppError> {
    let store = app.store();
    if let Some(remote) = app.remote_artifacts() {
        let run = store.get_run(&args.run_id)?;
        if let Some(root) = remote_artifacts::store_key(&run.info.artifact_uri) {
            let key = remote_artifacts::join(&root, &args.path);
            return remote_artifacts::preview(
                remote,
                &key,
                &args.path,
                args.max_bytes,
                args.from_end,
            );
        }
    }
    artifact_files::read_artifact(
        store,
        store.artifact_root(),
        &args.run_id,
        &args.path,
        args.max_bytes,
        args.from_end,
    )
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct DataManifestArgs {
    root_hash: String,
    #[serde(default = "default_manifest_limit")]
    #[ts(optional = nullable)]
    limit: usize,
}

fn default_manifest_limit() -> usize {
    1000
}

fn data_manifest(app: &App, args: DataManifestArgs) -> Result<ManifestView, AppError> {
    run_page::data_manifest(app.store(), &args.root_hash, args.limit)
}
