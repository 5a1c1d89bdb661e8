//! Commands of the charts and the compare view: line, scatter, parallel-coordinates and
//! histogram charts as SVG with their geometry, the compared runs, and a two-run diff.

use serde::Deserialize;
use serde_json::Value;

use super::{Command, arguments, reply};
use crate::charts::{
    HistogramChartRequest, LineChartRequest, ParallelChartRequest, ScatterChartRequest,
};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "line_chart",
        run: line_chart,
    },
    Command {
        name: "scatter_chart",
        run: scatter_chart,
    },
    Command {
        name: "parallel_chart",
        run: parallel_chart,
    },
    Command {
        name: "histogram_chart",
        run: histogram_chart,
    },
    Command {
        name: "compare_runs",
        run: compare_runs,
    },
    Command {
        name: "diff_runs",
        run: diff_runs,
    },
];

fn line_chart(app: &App, args: Value) -> Result<Value, AppError> {
    let request: LineChartRequest = arguments("line_chart", args)?;
    reply(&crate::charts::line_chart(app.store(), &request)?)
}

fn scatter_chart(app: &App, args: Value) -> Result<Value, AppError> {
    let request: ScatterChartRequest = arguments("scatter_chart", args)?;
    reply(&crate::charts::scatter_chart(app.store(), &request)?)
}

fn parallel_chart(app: &App, args: Value) -> Result<Value, AppError> {
    let request: ParallelChartRequest = arguments("parallel_chart", args)?;
    reply(&crate::charts::parallel_chart(app.store(), &request)?)
}

fn histogram_chart(app: &App, args: Value) -> Result<Value, AppError> {
    let request: HistogramChartRequest = arguments("histogram_chart", args)?;
    reply(&crate::charts::histogram_chart(app.store(), &request)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompareArgs {
    run_ids: Vec<String>,
}

fn compare_runs(app: &App, args: Value) -> Result<Value, AppError> {
    let args: CompareArgs = arguments("compare_runs", args)?;
    reply(&crate::compare::compare_runs(app.store(), &args.run_ids)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiffArgs {
    run_a: String,
    run_b: String,
}

fn diff_runs(app: &App, args: Value) -> Result<Value, AppError> {
    let args: DiffArgs = arguments("diff_runs", args)?;
    let store = app.store();
    reply(&crate::compare::diff_runs(
        store,
        store.artifact_root(),
        &args.run_a,
        &args.run_b,
    )?)
}
