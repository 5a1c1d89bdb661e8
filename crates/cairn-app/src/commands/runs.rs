//! Commands of the runs view: experiments, runs, one run.

use serde::Deserialize;
use serde_json::Value;

use super::{Command, arguments, reply};
use crate::views::ListRunsRequest;
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "list_experiments",
        run: list_experiments,
    },
    Command {
        name: "list_runs",
        run: list_runs,
    },
    Command {
        name: "get_run_detail",
        run: get_run_detail,
    },
];

fn list_experiments(app: &App, _args: Value) -> Result<Value, AppError> {
    reply(&crate::list_experiments(app.store())?)
}

#[derive(Deserialize)]
struct ListRunsArgs {
    request: ListRunsRequest,
}

fn list_runs(app: &App, args: Value) -> Result<Value, AppError> {
    let args: ListRunsArgs = arguments("list_runs", args)?;
    reply(&crate::list_runs(app.store(), &args.request)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RunIdArgs {
    run_id: String,
}

fn get_run_detail(app: &App, args: Value) -> Result<Value, AppError> {
    let args: RunIdArgs = arguments("get_run_detail", args)?;
    reply(&crate::get_run_detail(app.store(), &args.run_id)?)
}
