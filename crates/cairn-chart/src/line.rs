//! The line chart: one metric's history for N runs, each run in its own colour, with optional
//! smoothing (raw line faded behind), a linear or log y axis and M4 downsampling to the pixel
//! width.

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::series::LineSeries;
use plotters::style::Color;

use crate::axis::{
    format_duration, format_number, format_wall, log_ticks, nice_ticks, padded_range,
};
use crate::frame::{self, Frame, PlotAxis, thousands};
use crate::legend;
use crate::line_data::{LineData, parallel_map, shaping};
use crate::output::{Drawing, render};
use crate::series::Segments;
use crate::{
    ChartError, Format, PlotGeometry, Rendered, Rgb, RunSeries, Scale, Theme, XAxis, run_colours,
};
use cairn_core::Store;
use cairn_core::model::Run;

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
    /// Only the points whose x lies in `(low, high)` (ends included), M4-reduced to the pixel
    /// columns of that range: a zoom. The x axis spans exactly this range. `None`: every point.
    pub x_range: Option<(f64, f64)>,
    /// Draw the legend (below the plot, never over the lines). Off when the caller shows its
    /// own, as the app does.
    pub legend: bool,
    /// Write the point counts in the top right corner. Off when the caller shows them itself.
    pub note: bool,
    /// Each run's colour, in the runs' order; empty: derived from the run ids (see
    /// [`crate::run_colours`]). Lets a chart that hides some runs keep everyone's colours.
    pub colours: Vec<Rgb>,
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
            x_range: None,
            legend: true,
            note: true,
            colours: Vec::new(),
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
    /// Each run's line as drawn (smoothed when smoothing), in the runs' order: `(x, value)`,
    /// M4-reduced, gaps and restarts joined; values as logged (not log10 on a log axis).
    pub drawn: Vec<Vec<(f64, f64)>>,
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
    let colours = if options.colours.is_empty() {
        let ids: Vec<&str> = data.runs.iter().map(|run| run.run_id.as_str()).collect();
        run_colours(&ids, options.theme)
    } else if options.colours.len() == data.runs.len() {
        options.colours.clone()
    } else {
        return Err(ChartError::InvalidOptions(format!(
            "{} colours for {} runs",
            options.colours.len(),
            data.runs.len()
        )));
    };
    let prepared = Prepared {
        colours,
        data,
        options,
    };
    let (chart, (stats, drawn)) = render(&prepared, options.width, options.height, options.format)?;
    Ok(RenderedLine {
        chart,
        stats,
        drawn,
    })
}

struct Prepared<'a> {
    data: &'a LineData,
    colours: Vec<Rgb>,
    options: &'a LineOptions,
}

impl Drawing for Prepared<'_> {
    type Extra = (LineStats, Vec<Vec<(f64, f64)>>);

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, Self::Extra), ChartError> {
        let options = self.options;
        let theme = options.theme;
        let extent = self.data.extent();
        let (x_data, y_plot) = extent.unwrap_or(((0.0, 1.0), (0.0, 1.0)));
        let x_range = match options.x_range {
            Some(range) => range,
            None if x_data.0 == x_data.1 => padded_range(x_data.0, x_data.1).unwrap_or((0.0, 1.0)),
            None => x_data,
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
        // The legend goes in rows below the plot, never over the lines.
        let (width, height) = root.dim_in_pixel();
        let legend_entries = if options.legend && !runs.is_empty() {
            let entries = runs
                .iter()
                .zip(&self.colours)
                .map(|(run, colour)| legend::Entry {
                    name: legend_name(&run.run_name),
                    colour: Some(*colour),
                })
                .collect();
            Some(legend::fit(entries, width))
        } else {
            None
        };
        let legend_px = legend_entries
            .as_ref()
            .map_or(0, |(_, layout)| legend::ROW_PX * layout.rows as u32 + 6)
            .min(height / 3);
        root.fill(&theme.background().plotters())?;
        let (upper, strip) = root.split_vertically(height - legend_px);
        if let Some((entries, layout)) = &legend_entries {
            legend::draw(&strip, entries, layout, theme)?;
        }
        let area = frame::prepare(&upper, &frame)?;
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
        if options.note {
            frame::draw_note(root, &note(&stats), theme)?;
        }
        let drawn: Vec<Vec<(f64, f64)>> = downsampled
            .iter()
            .map(|(raw, smoothed)| {
                let shown = smoothed.as_ref().unwrap_or(raw);
                let points = shown.segments.iter().flatten();
                if log_y {
                    points.map(|&(x, y)| (x, 10f64.powf(y))).collect()
                } else {
                    points.copied().collect()
                }
            })
            .collect();

        if extent.is_none() {
            frame::draw_empty(&chart, theme, "no data")?;
            return Ok((geometry, (stats, drawn)));
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

        Ok((geometry, (stats, drawn)))
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
