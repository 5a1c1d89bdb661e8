//! The line chart: one metric's history for N runs, each run in its own colour, with optional
//! smoothing (raw line faded behind), a linear or log y axis and M4 downsampling to the pixel
//! width.

use plotters::backend::DrawingBackend;
use plotters::chart::SeriesLabelPosition;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::PathElement;
use plotters::series::LineSeries;
use plotters::style::Color;

use crate::axis::{
    format_duration, format_number, format_wall, log_ticks, nice_ticks, padded_range,
};
use crate::frame::{self, Frame, PlotAxis, thousands};
use crate::line_data::{LineData, parallel_map, shaping};
use crate::output::{Drawing, render};
use crate::series::Segments;
use crate::{
    ChartError, Format, PlotGeometry, Rendered, Rgb, RunSeries, Scale, Theme, XAxis, run_colours,
};
use cairn_core::Store;
use cairn_core::model::Run;

/// Most runs named in the legend; the rest are summed up as "+N more".
const LEGEND_MAX_RUNS: usize = 12;

/// How to draw a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LineOptions {
    /// The metric's key (y axis title).
    pub metric: String,
    /// Title; the metric's key when `None`.
    pub title: Option<String>,
    /// What x shows.
    pub x_axis: XAxis,
    /// Log10 y axis (values ≤ 0 are gaps).
    pub log_y: bool,
    /// EMA weight in [0, 1); the raw line is drawn faded behind the smoothed one.
    pub smoothing: Option<f64>,
    /// Image width, pixels.
    pub width: u32,
    /// Image height, pixels.
    pub height: u32,
    /// Colours.
    pub theme: Theme,
    /// SVG or PNG.
    pub format: Format,
}

impl Default for LineOptions {
    fn default() -> Self {
        LineOptions {
            metric: String::new(),
            title: None,
            x_axis: XAxis::Step,
            log_y: false,
            smoothing: None,
            width: 1200,
            height: 600,
            theme: Theme::Light,
            format: Format::Svg,
        }
    }
}

/// What a line chart drew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineStats {
    /// Runs on the chart.
    pub runs: usize,
    /// Points in the histories.
    pub points_total: usize,
    /// Points that could not be drawn (NaN, ±Inf, ≤ 0 on a log axis): gaps.
    pub points_skipped: usize,
    /// Raw points drawn after downsampling (smoothed lines draw as many again).
    pub points_drawn: usize,
    /// Whether downsampling dropped any point.
    pub downsampled: bool,
}

/// A rendered line chart with what it drew.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedLine {
    /// The image and its geometry.
    pub chart: Rendered,
    /// Point counts.
    pub stats: LineStats,
}

/// Renders one metric's history for every run in `runs`, in their order.
pub fn render_line(runs: &[RunSeries], options: &LineOptions) -> Result<RenderedLine, ChartError> {
    let data = LineData::from_series(runs, options)?;
    render_line_data(&data, options)
}

/// Reads `options.metric` for every run in `runs` from `store` and renders it (the fast path:
/// histories are streamed from the store into the chart's columns, see [`LineData::load`]).
pub fn render_line_from_store(
    store: &dyn Store,
    runs: &[Run],
    options: &LineOptions,
) -> Result<RenderedLine, ChartError> {
    let data = LineData::load(store, runs, options)?;
    render_line_data(&data, options)
}

/// Renders prepared histories. `options` must ask for the x axis, y scale and smoothing the
/// data was prepared for; size, theme, format and titles are free.
pub fn render_line_data(
    data: &LineData,
    options: &LineOptions,
) -> Result<RenderedLine, ChartError> {
    if shaping(options)? != data.shaping {
        return Err(ChartError::InvalidOptions(
            "the line data was prepared for another x axis, y scale or smoothing".to_string(),
        ));
    }
    let ids: Vec<&str> = data.runs.iter().map(|run| run.run_id.as_str()).collect();
    let prepared = Prepared {
        colours: run_colours(&ids, options.theme),
        data,
        options,
    };
    let (chart, stats) = render(&prepared, options.width, options.height, options.format)?;
    Ok(RenderedLine { chart, stats })
}

struct Prepared<'a> {
    data: &'a LineData,
    colours: Vec<Rgb>,
    options: &'a LineOptions,
}

impl Drawing for Prepared<'_> {
    type Extra = LineStats;

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, LineStats), ChartError> {
        let options = self.options;
        let theme = options.theme;
        let extent = self.data.extent();
        let (x_data, y_plot) = extent.unwrap_or(((0.0, 1.0), (0.0, 1.0)));
        let x_range = if x_data.0 == x_data.1 {
            padded_range(x_data.0, x_data.1).unwrap_or((0.0, 1.0))
        } else {
            x_data
        };
        let mut y_range = padded_range(y_plot.0, y_plot.1).unwrap_or((0.0, 1.0));
        if options.log_y {
            // Keep 10^y finite and non-zero at both ends of the axis.
            let (lowest, highest) = (f64::MIN_POSITIVE.log10(), f64::MAX.log10());
            y_range = (y_range.0.max(lowest), y_range.1.min(highest));
        }
        let y_ticks = if options.log_y {
            log_ticks(y_range.0, y_range.1)
        } else {
            nice_ticks(y_range.0, y_range.1, 8)
        };
        let x_ticks = nice_ticks(x_range.0, x_range.1, 10);
        let x_span = x_range.1 - x_range.0;

        let runs = &self.data.runs;
        let mut stats = LineStats {
            runs: runs.len(),
            points_total: self.data.points_total(),
            ..LineStats::default()
        };

        let title = options
            .title
            .clone()
            .unwrap_or_else(|| options.metric.clone());
        let x_axis = options.x_axis;
        let x_label = move |value: &f64| match x_axis {
            XAxis::Step => format_number(*value),
            XAxis::RelativeTime => format_duration(*value, x_span),
            XAxis::WallTime => format_wall(*value, x_span),
        };
        let log_y = options.log_y;
        let y_label = move |value: &f64| {
            if log_y {
                format_number(10f64.powf(*value))
            } else {
                format_number(*value)
            }
        };
        let frame = Frame {
            title: &title,
            x_desc: x_axis.label(),
            y_desc: &options.metric,
            theme,
        };
        let area = frame::prepare(root, &frame)?;
        let mut chart = frame::build(
            &area,
            &frame,
            PlotAxis {
                low: x_range.0,
                high: x_range.1,
                ticks: x_ticks,
            },
            PlotAxis {
                low: y_range.0,
                high: y_range.1,
                ticks: y_ticks,
            },
            &x_label,
            &y_label,
        )?;
        let (x_scale, y_scale, y_data_range) = if log_y {
            (
                Scale::Linear,
                Scale::Log10,
                (10f64.powf(y_range.0), 10f64.powf(y_range.1)),
            )
        } else {
            (Scale::Linear, Scale::Linear, y_range)
        };
        let geometry = frame::geometry(&chart, x_range, y_data_range, x_scale, y_scale);

        // Split at gaps and restarts, and M4 to the plot area's pixel columns, run by run.
        let columns = u32::try_from(geometry.width_px() + 1).unwrap_or(1).max(1);
        let downsample = Some((x_range, columns));
        let downsampled: Vec<(Segments, Option<Segments>)> = parallel_map(runs, |run| {
            (
                run.segments(&run.values, log_y, downsample),
                run.smoothed
                    .as_deref()
                    .map(|smoothed| run.segments(smoothed, log_y, downsample)),
            )
        });
        let mut drawable = 0;
        for (raw, _) in &downsampled {
            drawable += raw.drawable;
            stats.points_skipped += raw.skipped;
            stats.points_drawn += raw.segments.iter().map(Vec::len).sum::<usize>();
        }
        stats.downsampled = stats.points_drawn < drawable;
        frame::draw_note(root, &note(&stats), theme)?;

        if extent.is_none() {
            frame::draw_empty(&chart, theme, "no data")?;
            return Ok((geometry, stats));
        }

        let line_width = if runs.len() <= 10 { 2 } else { 1 };
        let smoothing = options.smoothing.is_some_and(|weight| weight > 0.0);
        // Raw lines first (faded when smoothing), so smoothed lines sit on top.
        for (colour, (raw, _)) in self.colours.iter().zip(&downsampled) {
            let colour = colour.plotters();
            let style = if smoothing {
                colour.mix(0.25).stroke_width(1)
            } else {
                colour.mix(1.0).stroke_width(line_width)
            };
            for segment in &raw.segments {
                chart.draw_series(LineSeries::new(segment.iter().copied(), style))?;
            }
        }
        if smoothing {
            for (colour, (_, smoothed)) in self.colours.iter().zip(&downsampled) {
                let colour = colour.plotters();
                for segment in smoothed.iter().flat_map(|smoothed| &smoothed.segments) {
                    chart.draw_series(LineSeries::new(
                        segment.iter().copied(),
                        colour.stroke_width(line_width),
                    ))?;
                }
            }
        }

        // Legend: entries are attached to empty series so they do not depend on drawn data.
        for (run, colour) in runs.iter().zip(&self.colours).take(LEGEND_MAX_RUNS) {
            let colour = colour.plotters();
            chart
                .draw_series(LineSeries::new(std::iter::empty(), colour))?
                .label(legend_name(&run.run_name))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(3))
                });
        }
        if runs.len() > LEGEND_MAX_RUNS {
            let muted = theme.muted_text().plotters();
            chart
                .draw_series(LineSeries::new(std::iter::empty(), muted))?
                .label(format!("+{} more runs", runs.len() - LEGEND_MAX_RUNS))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], muted));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(theme.background().plotters().mix(0.85))
            .border_style(theme.grid_bold().plotters())
            .label_font(frame::text_style(12.0, theme.text()))
            .draw()?;
        Ok((geometry, stats))
    }
}

fn legend_name(name: &str) -> String {
    const MAX_CHARS: usize = 40;
    if name.chars().count() <= MAX_CHARS {
        name.to_string()
    } else {
        let kept: String = name.chars().take(MAX_CHARS - 1).collect();
        format!("{kept}…")
    }
}

/// "3 runs · 1,234 points", plus what was downsampled or skipped.
fn note(stats: &LineStats) -> String {
    let runs = if stats.runs == 1 { "run" } else { "runs" };
    let mut note = format!(
        "{} {runs} · {} points",
        stats.runs,
        thousands(stats.points_total)
    );
    if stats.downsampled {
        note.push_str(&format!(
            " · downsampled to {} (min/max per pixel)",
            thousands(stats.points_drawn)
        ));
    }
    if stats.points_skipped > 0 {
        note.push_str(&format!(
            " · {} not drawable (gaps)",
            thousands(stats.points_skipped)
        ));
    }
    note
}
