//! `cairn runs list` and `cairn runs show`.

use anyhow::Context;
use cairn_app::views::{ListRunsRequest, RunDetail, RunRow, RunsPage};
use cairn_core::Store;
use cairn_core::model::ViewType;

use crate::args::RunsListArgs;
use crate::output::{Table, format_duration, format_metric, format_time, short};

pub fn list(store: &dyn Store, args: &RunsListArgs, json: bool) -> anyhow::Result<()> {
    let mut experiment_ids = Vec::new();
    for name in &args.experiments {
        let experiment = store
            .get_experiment_by_name(name)
            .with_context(|| format!("--experiment {name}"))?;
        experiment_ids.push(experiment.experiment_id.to_string());
    }
    let request = ListRunsRequest {
        experiment_ids,
        filter: args.filter.clone(),
        order_by: args.order_by.clone(),
        max_results: args.limit.clamp(1, cairn_core::store::MAX_RESULTS_LIMIT),
        offset: 0,
        ..ListRunsRequest::default()
    };
    let mut search = cairn_app::run_search(&request)?;
    if args.all {
        search.view = ViewType::All;
    }
    let page = store.search_runs(&search)?;
    let page = RunsPage::new(
        page.runs.iter().map(RunRow::from).collect(),
        page.total_count.unwrap_or(0),
        page.next_offset,
    );
    if json {
        return super::print_json(&page.runs);
    }
    let mut header = vec![
        "RUN".to_string(),
        "NAME".to_string(),
        "STATUS".to_string(),
        "START".to_string(),
        "DURATION".to_string(),
        "COMMIT".to_string(),
    ];
    header.extend(page.metric_keys.iter().cloned());
    header.extend(page.param_keys.iter().map(|key| format!("params.{key}")));
    let mut table = Table::new(header);
    for run in &page.runs {
        let mut cells = vec![
            short(&run.run_id),
            run.run_name.clone(),
            run.status.to_string(),
            run.start_time.map(format_time).unwrap_or_default(),
            duration(run),
            commit(run),
        ];
        cells.extend(page.metric_keys.iter().map(|key| {
            run.metrics
                .get(key)
                .map(|value| format_metric(value.0))
                .unwrap_or_default()
        }));
        cells.extend(
            page.param_keys
                .iter()
                .map(|key| run.params.get(key).cloned().unwrap_or_default()),
        );
        table.row(cells);
    }
    table.print()?;
    if page.total_count > page.runs.len() as u64 {
        outln!(
            "({} of {} runs; raise --limit to see more)",
            page.runs.len(),
            page.total_count
        )?;
    }
    Ok(())
}

pub fn show(store: &dyn Store, run_id: &str, json: bool) -> anyhow::Result<()> {
    let detail = cairn_app::get_run_detail(store, run_id)?;
    if json {
        return super::print_json(&detail);
    }
    print_detail(&detail)?;
    Ok(())
}

fn print_detail(detail: &RunDetail) -> std::io::Result<()> {
    let run = &detail.row;
    outln!("Run {} ({})", run.run_name, run.run_id)?;
    let mut overview = Table::plain();
    overview.row(["experiment".into(), run.experiment_id.clone()]);
    overview.row(["status".into(), run.status.to_string()]);
    overview.row(["lifecycle".into(), detail.lifecycle_stage.to_string()]);
    overview.row(["user".into(), run.user_id.clone()]);
    overview.row([
        "start".into(),
        run.start_time.map(format_time).unwrap_or_default(),
    ]);
    overview.row(["duration".into(), duration(run)]);
    overview.row(["source".into(), run.source_kind.to_string()]);
    if let Some(path) = &detail.source_path {
        overview.row(["source path".into(), path.clone()]);
    }
    if let Some(parent) = &detail.parent_run_id {
        overview.row(["parent run".into(), parent.clone()]);
    }
    overview.row(["artifacts".into(), detail.artifact_uri.clone()]);
    overview.print()?;
    section(
        "Params",
        run.params.iter().map(|(k, v)| [k.clone(), v.clone()]),
    )?;
    let mut metrics = Table::new(["METRIC", "LATEST", "STEP", "POINTS"]);
    for metric in &detail.metrics {
        metrics.row([
            metric.key.clone(),
            format_metric(metric.value.0),
            metric.step.to_string(),
            metric.point_count.to_string(),
        ]);
    }
    if !detail.metrics.is_empty() {
        outln!("\nMetrics")?;
        metrics.print()?;
    }
    section("Tags", run.tags.iter().map(|(k, v)| [k.clone(), v.clone()]))?;
    if let Some(git) = &detail.git {
        let mut rows = vec![
            ["commit".to_string(), git.commit.clone().unwrap_or_default()],
            ["branch".to_string(), git.branch.clone().unwrap_or_default()],
            [
                "remote".to_string(),
                git.remote_url.clone().unwrap_or_default(),
            ],
            [
                "dirty".to_string(),
                git.dirty.map(|d| d.to_string()).unwrap_or_default(),
            ],
            [
                "repository".to_string(),
                git.repo_root.clone().unwrap_or_default(),
            ],
            [
                "summary".to_string(),
                git.commit_summary.clone().unwrap_or_default(),
            ],
            ["learned from".to_string(), git.origin.to_string()],
        ];
        rows.retain(|[_, value]| !value.is_empty());
        section("Code", rows.into_iter())?;
    }
    section(
        "Data",
        detail.data.iter().map(|data| {
            [
                data.path.clone(),
                format!("{} ({}, {} files)", data.hash, data.kind, data.file_count),
            ]
        }),
    )?;
    section(
        "Registered versions",
        detail.model_versions.iter().map(|version| {
            [
                format!("{} v{}", version.name, version.version),
                format!("{} {}", version.stage, version.aliases.join(" "))
                    .trim()
                    .to_string(),
            ]
        }),
    )
}

fn section(title: &str, rows: impl Iterator<Item = [String; 2]>) -> std::io::Result<()> {
    let mut table = Table::plain();
    for row in rows {
        table.row(row);
    }
    if !table.is_empty() {
        outln!("\n{title}")?;
        table.print()?;
    }
    Ok(())
}

fn duration(run: &RunRow) -> String {
    match (run.start_time, run.end_time) {
        (Some(start), Some(end)) => format_duration(end - start),
        _ => String::new(),
    }
}

fn commit(run: &RunRow) -> String {
    match (&run.git_commit, run.git_dirty) {
        (Some(commit), Some(true)) => format!("{}*", short(commit)),
        (Some(commit), _) => short(commit),
        _ => String::new(),
    }
}
