//! Commands of native drag and drop: local files copied into a run, folders and logs imported.

use serde::Deserialize;
use ts_rs::TS;

use crate::LocalApp;
use crate::add_files::{self, AddArtifactsRequest, ImportSummary};
use cairn_app::commands::Command;
use cairn_app::events::AppEvent;
use cairn_app::files::AddedArtifacts;
use cairn_app::{AppError, command};

pub(crate) const COMMANDS: &[Command<LocalApp>] =
    &[command!(add_artifacts), command!(import_paths)];

fn add_artifacts(
    local: &LocalApp,
    request: AddArtifactsRequest,
) -> Result<AddedArtifacts, AppError> {
    let added = add_files::add_artifacts(local.store(), &request)?;
    local.app().events().publish(&AppEvent::RunsChanged {
        run_ids: vec![request.run_id],
    });
    Ok(added)
}

#[derive(Deserialize, TS)]
struct ImportPathsArgs {
    paths: Vec<String>,
    /// The UI's id for this import: progress events carry it.
    #[serde(default)]
    #[ts(optional = nullable)]
    job: String,
}

fn import_paths(local: &LocalApp, args: ImportPathsArgs) -> Result<ImportSummary, AppError> {
    add_files::import_paths(local.store(), local.app().events(), &args.job, &args.paths)
}
