//! What every chart shares: background, title, the note in the corner, axes with our own tick
//! positions and labels, and reading the plot area's geometry back.

use plotters::backend::DrawingBackend;
use plotters::chart::{ChartBuilder, ChartContext};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::DrawingArea;
use plotters::element::Text;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, IntoFont, TextStyle};

use crate::font::FONT_FAMILY;
use crate::{ChartError, PlotGeometry, Scale, Theme};

/// A linear axis in plot space with tick positions we chose (plotters draws grid lines and
/// labels at exactly these).
#[derive(Debug, Clone)]
pub(crate) struct PlotAxis {
    pub low: f64,
    pub high: f64,
    pub ticks: Vec<f64>,
}

impl Ranged for PlotAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        RangedCoordf64::from(self.low..self.high).map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.low..self.high
    }
}

pub(crate) type Chart2d<'a, DB> =
    ChartContext<'a, DB, plotters::coord::cartesian::Cartesian2d<PlotAxis, PlotAxis>>;

/// Text around the plot.
pub(crate) struct Frame<'a> {
    pub title: &'a str,
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub theme: Theme,
}

pub(crate) fn text_style(size: f64, colour: crate::Rgb) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&colour.plotters())
}

/// Fills the background, writes the title (top left), and returns the area left for the chart.
pub(crate) fn prepare<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame<'_>,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let theme = frame.theme;
    root.fill(&theme.background().plotters())?;
    root.draw(&Text::new(
        frame.title.to_string(),
        (16, 10),
        text_style(18.0, theme.text()),
    ))?;
    Ok(root.margin(40, 12, 12, 24))
}

/// A note in the top right corner (point counts, what was left out).
pub(crate) fn draw_note<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    note: &str,
    theme: Theme,
) -> Result<(), ChartError> {
    if note.is_empty() {
        return Ok(());
    }
    let (width, _) = root.dim_in_pixel();
    let width = i32::try_from(width).unwrap_or(i32::MAX);
    root.draw(&Text::new(
        note.to_string(),
        (width - 16, 14),
        text_style(12.0, theme.muted_text()).pos(Pos::new(HPos::Right, VPos::Top)),
    ))?;
    Ok(())
}

/// Builds the chart on `area` with our axes and draws its mesh and labels.
pub(crate) fn build<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    frame: &Frame<'_>,
    x: PlotAxis,
    y: PlotAxis,
    x_label: &dyn Fn(&f64) -> String,
    y_label: &dyn Fn(&f64) -> String,
) -> Result<Chart2d<'a, DB>, ChartError> {
    let theme = frame.theme;
    let mut chart = ChartBuilder::on(area)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .x_desc(frame.x_desc)
        .y_desc(frame.y_desc)
        .axis_style(theme.muted_text().plotters())
        .bold_line_style(theme.grid_bold().plotters().stroke_width(1))
        .light_line_style(theme.grid_light().plotters().stroke_width(1))
        .label_style(text_style(12.0, theme.text()))
        .axis_desc_style(text_style(13.0, theme.text()))
        .x_label_formatter(x_label)
        .y_label_formatter(y_label)
        .draw()?;
    Ok(chart)
}

/// The plot area of `chart` in pixels, with the data ranges and scales it shows.
pub(crate) fn geometry<DB: DrawingBackend>(
    chart: &Chart2d<'_, DB>,
    x_range: (f64, f64),
    y_range: (f64, f64),
    x_scale: Scale,
    y_scale: Scale,
) -> PlotGeometry {
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    PlotGeometry {
        left_px: x_pixels.start,
        top_px: y_pixels.start,
        right_px: x_pixels.end - 1,
        bottom_px: y_pixels.end - 1,
        x_range,
        y_range,
        x_scale,
        y_scale,
    }
}

/// "No data" in the middle of the plot area.
pub(crate) fn draw_empty<DB: DrawingBackend>(
    chart: &Chart2d<'_, DB>,
    theme: Theme,
    message: &str,
) -> Result<(), ChartError> {
    let area = chart.plotting_area();
    let (x_pixels, y_pixels) = area.get_pixel_range();
    let centre = (
        (x_pixels.end - x_pixels.start) / 2,
        (y_pixels.end - y_pixels.start) / 2,
    );
    area.strip_coord_spec().draw(&Text::new(
        message.to_string(),
        centre,
        text_style(14.0, theme.muted_text()).pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
