//! Commands of the runs view: experiments, runs, one run.

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, NoArgs};
use crate::command;
use crate::views::{ExperimentView, ListRunsRequest, RunDetail, RunsPage};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command<App>] = &[
    command!(list_experiments),
    command!(list_runs),
    command!(get_run_detail),
];

fn list_experiments(app: &App, _: NoArgs) -> Result<Vec<ExperimentView>, AppError> {
    crate::list_experiments(app.store())
}

#[derive(Deserialize, TS)]
struct ListRunsArgs {
    request: ListRunsRequest,
}

fn list_runs(app: &App, args: ListRunsArgs) -> Result<RunsPage, AppError> {
    crate::list_runs(app.store(), &args.request)
}

/// The run a command is about.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunIdArgs {
    /// Run id.
    pub run_id: String,
}

fn get_run_detail(app: &App, args: RunIdArgs) -> Result<RunDetail, AppError> {
    crate::get_run_detail(app.store(), &args.run_id)
}
