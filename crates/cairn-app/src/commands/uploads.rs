//! Files sent as bytes (the browser's *Add files…*): any caller may add them to a run logged to
//! Cairn.

use serde_json::Value;

use super::{Command, arguments, reply};
use crate::events::AppEvent;
use crate::files::{self, UploadRequest};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command] = &[Command {
    name: "upload_artifact",
    run: upload_artifact,
}];

fn upload_artifact(app: &App, args: Value) -> Result<Value, AppError> {
    let request: UploadRequest = arguments("upload_artifact", args)?;
    let added = files::upload_artifact(app.store(), &request)?;
    app.events().publish(&AppEvent::RunsChanged {
        run_ids: vec![request.run_id],
    });
    reply(&added)
}
