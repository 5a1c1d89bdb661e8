//! Files sent as bytes (the browser's *Add files…*): any caller may add them to a run logged to
//! Cairn.

use super::Command;
use crate::command;
use crate::events::AppEvent;
use crate::files::{self, AddedArtifact, UploadRequest};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command<App>] = &[command!(upload_artifact)];

fn upload_artifact(app: &App, request: UploadRequest) -> Result<AddedArtifact, AppError> {
    let added = files::upload_artifact_with(app.store(), app.remote_artifacts(), &request)?;
    app.events().publish(&AppEvent::RunsChanged {
        run_ids: vec![request.run_id],
    });
    Ok(added)
}
