//! Commands of the runs table beyond listing: grouping by a param.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Command;
use crate::command;
use crate::views::{ListRunsRequest, MetricValue};
use crate::{App, AppError, ErrorKind, run_search};

pub(crate) const COMMANDS: &[Command<App>] = &[command!(group_runs)];

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct GroupRunsArgs {
    request: ListRunsRequest,
    /// The param key to group by.
    group_by: String,
    /// A metric to summarise per group (the sort column, when it is a metric).
    #[serde(default)]
    #[ts(optional = nullable)]
    metric: Option<String>,
}

/// One group of the runs table: runs sharing a param value.
#[derive(Debug, Serialize, TS)]
#[ts(rename = "RunGroup")]
struct RunGroupView {
    /// The param's value; null for runs without the param.
    value: Option<String>,
    run_count: u64,
    /// Summary of the requested metric over the group, when any run has a finite value.
    metric: Option<GroupMetricView>,
}

/// A metric summarised over a group's runs with a finite latest value.
#[derive(Debug, Serialize, TS)]
#[ts(rename = "GroupMetric")]
struct GroupMetricView {
    min: MetricValue,
    max: MetricValue,
    mean: MetricValue,
    count: u64,
}

/// Every group of the filtered runs, sorted by value, runs without the param last.
#[derive(Debug, Serialize, TS)]
#[ts(rename = "RunGroups")]
struct RunGroupsView {
    group_by: String,
    groups: Vec<RunGroupView>,
    total_count: u64,
}

fn group_runs(app: &App, args: GroupRunsArgs) -> Result<RunGroupsView, AppError> {
    let key = args.group_by.trim();
    if key.is_empty() {
        return Err(AppError {
            kind: ErrorKind::Invalid,
            message: "arguments of 'group_runs': groupBy is empty".to_owned(),
        });
    }
    let search = run_search(&args.request)?;
    let metric = args
        .metric
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let groups = app.store().group_runs_by_param(&search, key, metric)?;
    let total_count = groups.iter().map(|group| group.run_count).sum();
    Ok(RunGroupsView {
        group_by: key.to_owned(),
        total_count,
        groups: groups
            .into_iter()
            .map(|group| RunGroupView {
                value: group.value,
                run_count: group.run_count,
                metric: group.metric.map(|metric| GroupMetricView {
                    min: MetricValue(metric.min),
                    max: MetricValue(metric.max),
                    mean: MetricValue(metric.mean),
                    count: metric.count,
                }),
            })
            .collect(),
    })
}
