//! The run page on this machine: with its artifact folder's path, and "Open in folder", which
//! starts the system file manager.

use serde::Deserialize;
use ts_rs::TS;

use crate::LocalApp;
use crate::reveal::{Opener, reveal_artifact as reveal};
use cairn_app::commands::{Command, RunIdArgs};
use cairn_app::run_page_views::{RevealedFolder, RunPageView};
use cairn_app::{AppError, command};

pub(crate) const COMMANDS: &[Command<LocalApp>] =
    &[command!(get_run_page), command!(reveal_artifact)];

/// The store's run page, with the artifact folder's path on this machine.
fn get_run_page(local: &LocalApp, args: RunIdArgs) -> Result<RunPageView, AppError> {
    let store = local.store();
    cairn_app::run_page::get_run_page(store, store.artifact_root(), &args.run_id)
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct RevealArtifactArgs {
    run_id: String,
    /// The file or folder inside the run's artifacts; the folder itself when empty.
    #[serde(default)]
    #[ts(optional = nullable)]
    path: String,
}

fn reveal_artifact(local: &LocalApp, args: RevealArtifactArgs) -> Result<RevealedFolder, AppError> {
    let store = local.store();
    reveal(
        store,
        store.artifact_root(),
        &args.run_id,
        &args.path,
        &Opener::system(),
    )
}
