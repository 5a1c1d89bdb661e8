//! `cairn plot line|scatter|parallel|hist`: charts of runs to SVG or PNG files.

use std::path::Path;

use anyhow::{Context, bail};
use cairn_app::views::ListRunsRequest;
use cairn_chart::{
    Field, Format, HistogramOptions, LineOptions, ParallelOptions, PlotGeometry, Rendered,
    ScatterOptions, Theme, XAxis,
};
use cairn_core::Store;
use cairn_core::model::Run;

use crate::args::{ImageArgs, PlotCommand, RunSelection};

pub fn plot(store: &dyn Store, command: PlotCommand, json: bool) -> anyhow::Result<()> {
    let (rendered, image, summary) = match command {
        PlotCommand::Line(args) => {
            let runs = select_runs(store, &args.selection)?;
            let options = LineOptions {
                metric: args.metric.clone(),
                title: args.image.title.clone(),
                x_axis: XAxis::parse(&args.x).unwrap_or_default(),
                log_y: args.log_y,
                smoothing: args.smooth,
                width: args.image.width,
                height: args.image.height,
                theme: theme(&args.image),
                format: format(&args.image.output)?,
                ..LineOptions::default()
            };
            // Histories stream from the store into the chart's columns (no point-by-point copy).
            let data = cairn_chart::LineData::load(store, &runs, &options)?;
            if data.points_total() == 0 {
                bail!("no selected run has the metric '{}'", args.metric);
            }
            let line = cairn_chart::render_line_data(&data, &options)?;
            let stats = line.stats;
            let mut summary = format!("{} runs, {} points", stats.runs, stats.points_total);
            if stats.downsampled {
                summary.push_str(&format!(", downsampled to {}", stats.points_drawn));
            }
            (line.chart, args.image, summary)
        }
        PlotCommand::Scatter(args) => {
            let runs = select_runs(store, &args.selection)?;
            let options = ScatterOptions {
                x: Field::parse(&args.x),
                y: Field::parse(&args.y),
                title: args.image.title.clone(),
                width: args.image.width,
                height: args.image.height,
                theme: theme(&args.image),
                format: format(&args.image.output)?,
            };
            let rendered = cairn_chart::render_scatter(&runs, &options)?;
            (rendered, args.image, format!("{} runs", runs.len()))
        }
        PlotCommand::Parallel(args) => {
            let runs = select_runs(store, &args.selection)?;
            let options = ParallelOptions {
                dimensions: args.dimensions.iter().map(|d| Field::parse(d)).collect(),
                colour_by: args.color_by.as_deref().map(Field::parse),
                title: args.image.title.clone(),
                width: args.image.width,
                height: args.image.height,
                theme: theme(&args.image),
                format: format(&args.image.output)?,
            };
            let rendered = cairn_chart::render_parallel(&runs, &options)?;
            (rendered, args.image, format!("{} runs", runs.len()))
        }
        PlotCommand::Hist(args) => {
            let runs = select_runs(store, &args.selection)?;
            let options = HistogramOptions {
                field: Field::parse(&args.metric),
                bins: args.bins,
                title: args.image.title.clone(),
                width: args.image.width,
                height: args.image.height,
                theme: theme(&args.image),
                format: format(&args.image.output)?,
            };
            let rendered = cairn_chart::render_histogram(&runs, &options)?;
            (rendered, args.image, format!("{} runs", runs.len()))
        }
    };
    write(&rendered, &image.output)?;
    if json {
        return super::print_json(&serde_json::json!({
            "output": image.output.display().to_string(),
            "plot_area": geometry_json(&rendered.geometry),
        }));
    }
    outln!("wrote {} ({summary})", image.output.display())?;
    Ok(())
}

/// The runs a chart shows: by id in the order given, else by filter and experiment, newest
/// first, at most `--limit`.
fn select_runs(store: &dyn Store, selection: &RunSelection) -> anyhow::Result<Vec<Run>> {
    if !selection.runs.is_empty() {
        return selection
            .runs
            .iter()
            .map(|run_id| {
                store
                    .get_run(run_id)
                    .with_context(|| format!("--runs {run_id}"))
            })
            .collect();
    }
    let mut experiment_ids = Vec::new();
    for name in &selection.experiments {
        let experiment = store
            .get_experiment_by_name(name)
            .with_context(|| format!("--experiment {name}"))?;
        experiment_ids.push(experiment.experiment_id.to_string());
    }
    let request = ListRunsRequest {
        experiment_ids,
        filter: selection.filter.clone().unwrap_or_default(),
        order_by: Vec::new(),
        max_results: selection
            .limit
            .clamp(1, cairn_core::store::MAX_RESULTS_LIMIT),
        offset: 0,
        ..ListRunsRequest::default()
    };
    let search = cairn_app::run_search(&request)?;
    let runs = store.search_runs(&search)?.runs;
    if runs.is_empty() {
        bail!("no runs match; pass --runs ID... or a --filter/--experiment that selects some");
    }
    Ok(runs)
}

fn theme(image: &ImageArgs) -> Theme {
    Theme::parse(&image.theme).unwrap_or_default()
}

fn format(path: &Path) -> anyhow::Result<Format> {
    Format::from_path(path)
        .with_context(|| format!("the output must end in .svg or .png: {}", path.display()))
}

fn write(rendered: &Rendered, path: &Path) -> anyhow::Result<()> {
    std::fs::write(path, &rendered.bytes).with_context(|| format!("writing {}", path.display()))
}

fn geometry_json(geometry: &PlotGeometry) -> serde_json::Value {
    let scale = |scale: cairn_chart::Scale| match scale {
        cairn_chart::Scale::Linear => "linear",
        cairn_chart::Scale::Log10 => "log10",
    };
    serde_json::json!({
        "left_px": geometry.left_px,
        "top_px": geometry.top_px,
        "right_px": geometry.right_px,
        "bottom_px": geometry.bottom_px,
        "x_range": [geometry.x_range.0, geometry.x_range.1],
        "y_range": [geometry.y_range.0, geometry.y_range.1],
        "x_scale": scale(geometry.x_scale),
        "y_scale": scale(geometry.y_scale),
    })
}
