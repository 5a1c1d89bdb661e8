//! Charts for the compare view and the run page: a metric's history for several runs, scatter,
//! parallel coordinates and histograms, drawn by `cairn-chart` as SVG with the geometry the UI
//! needs for a hover crosshair. Line charts also return each run's drawn series (M4-reduced to
//! the plot's pixel columns, smoothed when smoothing is on) so the UI can read the value of
//! every run under the cursor without another round trip.

use cairn_chart::{
    ChartError, Field, Format, HistogramOptions, LineData, LineOptions, ParallelOptions,
    PlotGeometry, Rgb, Scale, ScatterOptions, Theme, XAxis, run_colours,
};
use cairn_core::Store;
use cairn_core::model::Run;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, ErrorKind};

/// The options every chart shares.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChartFrame {
    /// The runs, in legend order.
    pub run_ids: Vec<String>,
    /// Image width, pixels.
    pub width: u32,
    /// Image height, pixels.
    pub height: u32,
    /// `light` (default) or `dark`.
    #[serde(default)]
    #[ts(optional, type = "'light' | 'dark'")]
    pub theme: Option<String>,
}

/// What a line chart shows.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "LineChartArgs")]
pub struct LineChartRequest {
    /// Runs, size and theme.
    #[serde(flatten)]
    pub frame: ChartFrame,
    /// The metric's key.
    pub metric: String,
    /// `step` (default), `time` (since each run's first point) or `wall`.
    #[serde(default)]
    #[ts(optional, type = "'step' | 'time' | 'wall'")]
    pub x: Option<String>,
    /// EMA weight in [0, 1); absent or 0 draws the raw lines only.
    #[serde(default)]
    #[ts(optional)]
    pub smoothing: Option<f64>,
    /// Log10 y axis.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub log_y: bool,
    /// Zoom: only the points whose x lies in `[low, high]`, reduced per pixel over that range
    /// alone (a spike inside it stays visible); the x axis spans exactly this range.
    #[serde(default)]
    #[ts(optional)]
    pub x_range: Option<[f64; 2]>,
    /// Runs left off the chart (toggled off in its legend); they keep their colour and their
    /// place in `runs`, but are not read or drawn and do not count in `point_count`.
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub hidden_run_ids: Vec<String>,
}

/// What a scatter chart shows.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ScatterChartArgs")]
pub struct ScatterChartRequest {
    /// Runs, size and theme.
    #[serde(flatten)]
    pub frame: ChartFrame,
    /// `params.KEY` or `metrics.KEY` (a bare key is a metric).
    pub x: String,
    /// A metric, `metrics.KEY` or a bare key.
    pub y: String,
}

/// What a parallel-coordinates chart shows.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ParallelChartArgs")]
pub struct ParallelChartRequest {
    /// Runs, size and theme.
    #[serde(flatten)]
    pub frame: ChartFrame,
    /// One axis per field, `params.KEY` or `metrics.KEY`, left to right.
    pub dimensions: Vec<String>,
    /// Colour lines by this field's value instead of by run.
    #[serde(default)]
    #[ts(optional)]
    pub colour_by: Option<String>,
}

/// What a histogram shows.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "HistogramChartArgs")]
pub struct HistogramChartRequest {
    /// Runs, size and theme.
    #[serde(flatten)]
    pub frame: ChartFrame,
    /// The field counted, `metrics.KEY` (or a bare key) or a numeric `params.KEY`.
    pub field: String,
    /// Number of bins; chosen from the data when absent.
    #[serde(default)]
    #[ts(optional)]
    pub bins: Option<usize>,
}

/// The plot area of a chart, as [`PlotGeometry`] describes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(rename = "PlotGeometry")]
pub struct GeometryView {
    /// Pixel column of the plot area's left edge.
    pub left_px: i32,
    /// Pixel row of its top edge.
    pub top_px: i32,
    /// Pixel column of its right edge.
    pub right_px: i32,
    /// Pixel row of its bottom edge.
    pub bottom_px: i32,
    /// Data shown from left to right.
    pub x_range: [f64; 2],
    /// Data shown from bottom to top.
    pub y_range: [f64; 2],
    /// `linear` or `log10`.
    #[ts(type = "'linear' | 'log10'")]
    pub x_scale: &'static str,
    /// `linear` or `log10`.
    #[ts(type = "'linear' | 'log10'")]
    pub y_scale: &'static str,
}

impl From<&PlotGeometry> for GeometryView {
    fn from(geometry: &PlotGeometry) -> GeometryView {
        let scale = |scale: Scale| match scale {
            Scale::Linear => "linear",
            Scale::Log10 => "log10",
        };
        GeometryView {
            left_px: geometry.left_px,
            top_px: geometry.top_px,
            right_px: geometry.right_px,
            bottom_px: geometry.bottom_px,
            x_range: [geometry.x_range.0, geometry.x_range.1],
            y_range: [geometry.y_range.0, geometry.y_range.1],
            x_scale: scale(geometry.x_scale),
            y_scale: scale(geometry.y_scale),
        }
    }
}

/// A run on a chart and its colour there.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChartRun {
    /// Run id.
    pub run_id: String,
    /// Display name.
    pub name: String,
    /// `#rrggbb`, the same for this run on every chart of the same runs and theme.
    pub colour: String,
}

/// One run's line as drawn: finite `[x, y]` points in x order of logging, M4-reduced.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "ChartSeries")]
pub struct SeriesView {
    /// Run id.
    pub run_id: String,
    /// `[x, value]` pairs (smoothed values when smoothing is on).
    pub points: Vec<[f64; 2]>,
}

/// A rendered chart.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChartView {
    /// The SVG document.
    pub svg: String,
    /// Where the plot area is and what it shows.
    pub geometry: GeometryView,
    /// Points in the data (line charts: history points; others: runs plotted).
    pub point_count: usize,
    /// Whether fewer points were drawn than the data has (line charts only).
    pub downsampled: bool,
    /// The runs, in the order asked, with their colours.
    pub runs: Vec<ChartRun>,
    /// Line charts: each run's drawn series, for reading values under the cursor.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub series: Vec<SeriesView>,
}

fn invalid(field: &str, message: impl std::fmt::Display) -> AppError {
    AppError {
        kind: ErrorKind::Invalid,
        message: format!("{field}: {message}"),
    }
}

fn chart_error(error: ChartError) -> AppError {
    match error {
        ChartError::Store(error) => error.into(),
        ChartError::InvalidOptions(message) => AppError {
            kind: ErrorKind::Invalid,
            message,
        },
        other => AppError {
            kind: ErrorKind::Internal,
            message: other.to_string(),
        },
    }
}

struct Frame {
    runs: Vec<Run>,
    theme: Theme,
}

/// Checks the shared options and reads the runs; an unknown id is `not_found` naming it.
fn load_frame(store: &dyn Store, frame: &ChartFrame) -> Result<Frame, AppError> {
    if frame.run_ids.is_empty() {
        return Err(invalid("runIds", "give at least one run"));
    }
    let theme = match frame.theme.as_deref() {
        None => Theme::Light,
        Some(text) => Theme::parse(text)
            .ok_or_else(|| invalid("theme", format!("expected light or dark, got '{text}'")))?,
    };
    let side = SIDE_PX;
    if !side.contains(&frame.width) {
        return Err(invalid(
            "width",
            format!(
                "{} is outside {}..={}",
                frame.width,
                side.start(),
                side.end()
            ),
        ));
    }
    if !side.contains(&frame.height) {
        return Err(invalid(
            "height",
            format!(
                "{} is outside {}..={}",
                frame.height,
                side.start(),
                side.end()
            ),
        ));
    }
    let runs = frame
        .run_ids
        .iter()
        .map(|run_id| store.get_run(run_id).map_err(AppError::from))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Frame { runs, theme })
}

/// The sizes cairn-chart accepts, pixels per side.
const SIDE_PX: std::ops::RangeInclusive<u32> = 120..=8_000;

fn chart_runs(runs: &[Run], theme: Theme) -> Vec<ChartRun> {
    let ids: Vec<&str> = runs.iter().map(|run| run.info.run_id.as_str()).collect();
    runs.iter()
        .zip(run_colours(&ids, theme))
        .map(|(run, colour)| ChartRun {
            run_id: run.info.run_id.clone(),
            name: run.info.run_name.clone(),
            colour: colour.hex(),
        })
        .collect()
}

fn svg_text(rendered: cairn_chart::Rendered) -> Result<String, AppError> {
    String::from_utf8(rendered.bytes).map_err(|error| AppError {
        kind: ErrorKind::Internal,
        message: format!("the chart's SVG is not UTF-8: {error}"),
    })
}

/// One metric's history for several runs, over the whole history or, zoomed, over `x_range`
/// only.
pub fn line_chart(store: &dyn Store, request: &LineChartRequest) -> Result<ChartView, AppError> {
    let x_axis = match request.x.as_deref() {
        None => XAxis::Step,
        Some(text) => XAxis::parse(text)
            .ok_or_else(|| invalid("x", format!("expected step, time or wall, got '{text}'")))?,
    };
    if let Some(weight) = request.smoothing
        && !(weight.is_finite() && (0.0..1.0).contains(&weight))
    {
        return Err(invalid(
            "smoothing",
            format!("{weight} must be at least 0 and below 1"),
        ));
    }
    if let Some([low, high]) = request.x_range
        && !(low.is_finite() && high.is_finite() && low < high)
    {
        return Err(invalid(
            "xRange",
            format!("[{low}, {high}]: give two finite ends, the first below the second"),
        ));
    }
    if request.metric.trim().is_empty() {
        return Err(invalid("metric", "give a metric key"));
    }
    if let Some(unknown) = request
        .hidden_run_ids
        .iter()
        .find(|id| !request.frame.run_ids.contains(id))
    {
        return Err(invalid(
            "hiddenRunIds",
            format!("'{unknown}' is not one of runIds"),
        ));
    }
    let frame = load_frame(store, &request.frame)?;
    let runs = chart_runs(&frame.runs, frame.theme);
    // Colours are taken over every run, hidden or not, so toggling one changes no other.
    let ids: Vec<&str> = frame
        .runs
        .iter()
        .map(|run| run.info.run_id.as_str())
        .collect();
    let (shown, colours): (Vec<Run>, Vec<Rgb>) = frame
        .runs
        .iter()
        .zip(run_colours(&ids, frame.theme))
        .filter(|(run, _)| !request.hidden_run_ids.contains(&run.info.run_id))
        .map(|(run, colour)| (run.clone(), colour))
        .unzip();
    let options = LineOptions {
        metric: request.metric.clone(),
        title: None,
        x_axis,
        log_y: request.log_y,
        smoothing: request.smoothing.filter(|weight| *weight > 0.0),
        width: request.frame.width,
        height: request.frame.height,
        theme: frame.theme,
        format: Format::Svg,
        x_range: request.x_range.map(|[low, high]| (low, high)),
        // The UI shows both itself: the legend as toggles, the counts in the caption.
        legend: false,
        note: false,
        colours,
    };
    let data = LineData::load(store, &shown, &options).map_err(chart_error)?;
    let line = cairn_chart::render_line_data(&data, &options).map_err(chart_error)?;
    let series = shown
        .iter()
        .zip(line.drawn)
        .map(|(run, points)| SeriesView {
            run_id: run.info.run_id.clone(),
            points: points.into_iter().map(|(x, y)| [x, y]).collect(),
        })
        .collect();
    Ok(ChartView {
        geometry: (&line.chart.geometry).into(),
        point_count: line.stats.points_total,
        downsampled: line.stats.downsampled,
        runs,
        series,
        svg: svg_text(line.chart)?,
    })
}

/// One point per run: a param or metric against a metric.
pub fn scatter_chart(
    store: &dyn Store,
    request: &ScatterChartRequest,
) -> Result<ChartView, AppError> {
    if request.x.trim().is_empty() {
        return Err(invalid("x", "give a param or metric"));
    }
    if request.y.trim().is_empty() {
        return Err(invalid("y", "give a metric"));
    }
    let frame = load_frame(store, &request.frame)?;
    let options = ScatterOptions {
        x: Field::parse(&request.x),
        y: Field::parse(&request.y),
        title: None,
        width: request.frame.width,
        height: request.frame.height,
        theme: frame.theme,
        format: Format::Svg,
    };
    let rendered = cairn_chart::render_scatter(&frame.runs, &options).map_err(chart_error)?;
    let plotted = frame
        .runs
        .iter()
        .filter(|run| {
            cairn_chart::field_value(run, &options.x).is_some()
                && cairn_chart::field_value(run, &options.y).is_some()
        })
        .count();
    finish(rendered, plotted, &frame)
}

/// One polyline per run across params and metrics.
pub fn parallel_chart(
    store: &dyn Store,
    request: &ParallelChartRequest,
) -> Result<ChartView, AppError> {
    if request.dimensions.len() < 2 {
        return Err(invalid("dimensions", "give at least two fields"));
    }
    let frame = load_frame(store, &request.frame)?;
    let options = ParallelOptions {
        dimensions: request.dimensions.iter().map(|d| Field::parse(d)).collect(),
        colour_by: request
            .colour_by
            .as_deref()
            .filter(|text| !text.trim().is_empty())
            .map(Field::parse),
        title: None,
        width: request.frame.width,
        height: request.frame.height,
        theme: frame.theme,
        format: Format::Svg,
    };
    let rendered = cairn_chart::render_parallel(&frame.runs, &options).map_err(chart_error)?;
    let plotted = frame.runs.len();
    finish(rendered, plotted, &frame)
}

/// How a field's values fall across runs.
pub fn histogram_chart(
    store: &dyn Store,
    request: &HistogramChartRequest,
) -> Result<ChartView, AppError> {
    if request.field.trim().is_empty() {
        return Err(invalid("field", "give a metric or param"));
    }
    if request.bins == Some(0) {
        return Err(invalid("bins", "must be at least 1"));
    }
    let frame = load_frame(store, &request.frame)?;
    let options = HistogramOptions {
        field: Field::parse(&request.field),
        bins: request.bins,
        title: None,
        width: request.frame.width,
        height: request.frame.height,
        theme: frame.theme,
        format: Format::Svg,
    };
    let rendered = cairn_chart::render_histogram(&frame.runs, &options).map_err(chart_error)?;
    let plotted = frame
        .runs
        .iter()
        .filter(|run| cairn_chart::field_value(run, &options.field).is_some())
        .count();
    finish(rendered, plotted, &frame)
}

fn finish(
    rendered: cairn_chart::Rendered,
    point_count: usize,
    frame: &Frame,
) -> Result<ChartView, AppError> {
    Ok(ChartView {
        geometry: (&rendered.geometry).into(),
        point_count,
        downsampled: false,
        runs: chart_runs(&frame.runs, frame.theme),
        series: Vec::new(),
        svg: svg_text(rendered)?,
    })
}
