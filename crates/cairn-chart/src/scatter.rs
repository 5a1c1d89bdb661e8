//! Scatter: one point per run, a param or metric on x against a metric on y. A param that is
//! not numeric for every run goes on a category axis (points jittered within their category).

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Circle;
use plotters::style::Color;

use cairn_core::model::Run;

use crate::axis::{format_number, nice_ticks, padded_range};
use crate::frame::{self, Frame, PlotAxis, thousands};
use crate::output::{Drawing, render};
use crate::{
    ChartError, Field, FieldValue, Format, PlotGeometry, Rendered, Rgb, Scale, Theme, field_value,
    run_colours,
};

/// How to draw a scatter chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterOptions {
    /// What x shows.
    pub x: Field,
    /// What y shows (must be numeric).
    pub y: Field,
    /// Title; "Y vs X" when `None`.
    pub title: Option<String>,
    /// Image width, pixels.
    pub width: u32,
    /// Image height, pixels.
    pub height: u32,
    /// Colours.
    pub theme: Theme,
    /// SVG or PNG.
    pub format: Format,
}

/// Where a scatter point came from and where it goes.
struct Point {
    colour: Rgb,
    x: f64,
    y: f64,
}

struct Scatter<'a> {
    points: Vec<Point>,
    categories: Option<Vec<String>>,
    skipped: usize,
    options: &'a ScatterOptions,
}

/// Renders one point per run of `runs` (runs lacking either value, or with a non-finite one,
/// are counted and left out).
pub fn render_scatter(runs: &[Run], options: &ScatterOptions) -> Result<Rendered, ChartError> {
    let values: Vec<(&Run, FieldValue, Option<FieldValue>)> = runs
        .iter()
        .filter_map(|run| {
            field_value(run, &options.x).map(|x| (run, x, field_value(run, &options.y)))
        })
        .collect();
    let categorical = values
        .iter()
        .any(|(_, x, _)| matches!(x, FieldValue::Category(_)));
    let category_of = |value: &FieldValue| match value {
        FieldValue::Category(text) => text.clone(),
        FieldValue::Number(number) => format_number(*number),
    };
    let categories = categorical.then(|| {
        let mut names: Vec<String> = values.iter().map(|(_, x, _)| category_of(x)).collect();
        names.sort();
        names.dedup();
        names
    });
    let ids: Vec<&str> = values
        .iter()
        .map(|(run, _, _)| run.info.run_id.as_str())
        .collect();
    let colours = run_colours(&ids, options.theme);
    let mut points = Vec::new();
    for ((run, x, y), colour) in values.iter().zip(colours) {
        let Some(FieldValue::Number(y)) = y else {
            continue;
        };
        let x = match (&categories, x) {
            (Some(names), value) => {
                let index = names.binary_search(&category_of(value)).unwrap_or_default();
                index as f64 + jitter(&run.info.run_id)
            }
            (None, FieldValue::Number(number)) => *number,
            (None, FieldValue::Category(_)) => continue,
        };
        if x.is_finite() && y.is_finite() {
            points.push(Point { colour, x, y: *y });
        }
    }
    let scatter = Scatter {
        skipped: runs.len() - points.len(),
        points,
        categories,
        options,
    };
    Ok(render(&scatter, options.width, options.height, options.format)?.0)
}

/// A stable offset in [-0.2, 0.2] so runs in one category do not hide each other.
fn jitter(run_id: &str) -> f64 {
    let hash = run_id.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    (f64::from(hash % 1001) / 1000.0 - 0.5) * 0.4
}

impl Drawing for Scatter<'_> {
    type Extra = ();

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, ()), ChartError> {
        let options = self.options;
        let theme = options.theme;
        let extent = |select: fn(&Point) -> f64| {
            let low = self.points.iter().map(select).fold(f64::INFINITY, f64::min);
            let high = self
                .points
                .iter()
                .map(select)
                .fold(f64::NEG_INFINITY, f64::max);
            padded_range(low, high).unwrap_or((0.0, 1.0))
        };
        let (x_range, x_ticks) = match &self.categories {
            Some(names) => (
                (-0.5, names.len().max(1) as f64 - 0.5),
                (0..names.len()).map(|index| index as f64).collect(),
            ),
            None => {
                let range = extent(|point| point.x);
                (range, nice_ticks(range.0, range.1, 10))
            }
        };
        let y_range = extent(|point| point.y);
        let y_ticks = nice_ticks(y_range.0, y_range.1, 8);
        let categories = self.categories.clone();
        let x_label = move |value: &f64| match &categories {
            Some(names) => names
                .get(value.round().max(0.0) as usize)
                .cloned()
                .unwrap_or_default(),
            None => format_number(*value),
        };
        let y_label = |value: &f64| format_number(*value);
        let title = options
            .title
            .clone()
            .unwrap_or_else(|| format!("{} vs {}", options.y.label(), options.x.label()));
        let x_desc = options.x.label();
        let y_desc = options.y.label();
        let frame = Frame {
            title: &title,
            x_desc: &x_desc,
            y_desc: &y_desc,
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
        let geometry = frame::geometry(&chart, x_range, y_range, Scale::Linear, Scale::Linear);
        let mut note = format!("{} runs", thousands(self.points.len()));
        if self.skipped > 0 {
            note.push_str(&format!(
                " · {} without both values",
                thousands(self.skipped)
            ));
        }
        frame::draw_note(root, &note, theme)?;
        if self.points.is_empty() {
            frame::draw_empty(&chart, theme, "no run has both values")?;
            return Ok((geometry, ()));
        }
        chart.draw_series(self.points.iter().map(|point| {
            Circle::new(
                (point.x, point.y),
                4,
                point.colour.plotters().mix(0.85).filled(),
            )
        }))?;
        Ok((geometry, ()))
    }
}
