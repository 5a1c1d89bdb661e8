//! The compare view's drift section on this machine: the data two runs used, read from where
//! they recorded it (their `--data` paths, re-hashed, or their logged datasets' local sources),
//! compared column by column. Only a shell on the user's machine may read those paths.

use cairn_app::commands::Command;
use cairn_app::monitoring::DriftView;
use cairn_app::{AppError, ErrorKind, command};
use cairn_drift::{DriftOptions, ReadOptions};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::LocalApp;
use crate::run_data::paired_data;

pub(crate) const COMMANDS: &[Command<LocalApp>] = &[command!(compare_run_data)];

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct CompareRunDataArgs {
    /// The reference run (the left of the comparison).
    reference_run: String,
    /// The run compared with it.
    current_run: String,
}

/// The drift between two runs' data.
#[derive(Debug, Serialize, TS)]
struct RunDataDrift {
    /// The reference run's table and how it was found.
    reference_data: String,
    /// The current run's table and how it was found.
    current_data: String,
    /// The report.
    drift: DriftView,
}

fn compare_run_data(local: &LocalApp, args: CompareRunDataArgs) -> Result<RunDataDrift, AppError> {
    let invalid = |message: String| AppError::new(ErrorKind::Invalid, message);
    let (reference, current) =
        paired_data(local.store(), &args.reference_run, &args.current_run).map_err(invalid)?;
    let report = cairn_drift::compare_files(
        &reference.path,
        &current.path,
        ReadOptions::default(),
        &DriftOptions::default(),
    )
    .map_err(|error| invalid(error.to_string()))?;
    Ok(RunDataDrift {
        reference_data: format!("{} ({})", reference.path.display(), reference.describe()),
        current_data: format!("{} ({})", current.path.display(), current.describe()),
        drift: DriftView::of(&report),
    })
}
