//! Commands of a model version's Monitoring tab.

use serde::Deserialize;
use ts_rs::TS;

use super::Command;
use crate::command;
use crate::monitoring::{self, BatchDetailView, MonitoringView};
use crate::{App, AppError, ErrorKind};

pub(crate) const COMMANDS: &[Command<App>] =
    &[command!(get_monitoring), command!(get_monitoring_batch)];

/// A model version.
#[derive(Deserialize, TS)]
struct VersionArgs {
    name: String,
    version: u64,
}

fn get_monitoring(app: &App, args: VersionArgs) -> Result<MonitoringView, AppError> {
    monitoring::monitoring_view(app.store(), &args.name, args.version)
}

/// A batch of a model version.
#[derive(Deserialize, TS)]
struct BatchArgs {
    name: String,
    version: u64,
    id: String,
}

fn get_monitoring_batch(app: &App, args: BatchArgs) -> Result<BatchDetailView, AppError> {
    let id = args.id.parse::<i64>().map_err(|_| {
        AppError::new(
            ErrorKind::Invalid,
            format!("batch id '{}' is not a number", args.id),
        )
    })?;
    monitoring::monitoring_batch(app.store(), &args.name, args.version, id)
}
