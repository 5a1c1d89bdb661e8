//! Commands of the charts and the compare view: line, scatter, parallel-coordinates and
//! histogram charts as SVG with their geometry, the compared runs, and a two-run diff.

use serde::Deserialize;
use ts_rs::TS;

use super::Command;
use crate::charts::{
    ChartView, HistogramChartRequest, LineChartRequest, ParallelChartRequest, ScatterChartRequest,
};
use crate::command;
use crate::compare::{Comparison, RunDiffView};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command<App>] = &[
    command!(line_chart),
    command!(scatter_chart),
    command!(parallel_chart),
    command!(histogram_chart),
    command!(compare_runs),
    command!(diff_runs),
];

fn line_chart(app: &App, request: LineChartRequest) -> Result<ChartView, AppError> {
    crate::charts::line_chart(app.store(), &request)
}

fn scatter_chart(app: &App, request: ScatterChartRequest) -> Result<ChartView, AppError> {
    crate::charts::scatter_chart(app.store(), &request)
}

fn parallel_chart(app: &App, request: ParallelChartRequest) -> Result<ChartView, AppError> {
    crate::charts::parallel_chart(app.store(), &request)
}

fn histogram_chart(app: &App, request: HistogramChartRequest) -> Result<ChartView, AppError> {
    crate::charts::histogram_chart(app.store(), &request)
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct CompareRunsArgs {
    run_ids: Vec<String>,
}

fn compare_runs(app: &App, args: CompareRunsArgs) -> Result<Comparison, AppError> {
    crate::compare::compare_runs(app.store(), &args.run_ids)
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct DiffRunsArgs {
    run_a: String,
    run_b: String,
}

fn diff_runs(app: &App, args: DiffRunsArgs) -> Result<RunDiffView, AppError> {
    let store = app.store();
    crate::compare::diff_runs(
        store,
        store.artifact_root(),
        app.remote_artifacts(),
        &args.run_a,
        &args.run_b,
    )
}
