//! Two distributions side by side (a drift report's reference against current data): shares
//! per histogram bin for a numeric column, or per category, as paired bars.

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::style::Color;

use crate::axis::{format_number, nice_ticks};
use crate::frame::{self, Frame, PlotAxis};
use crate::output::{Drawing, render};
use crate::{ChartError, Format, PlotGeometry, Rendered, Rgb, Scale, Theme};

/// The reference's colour (blue).
const REFERENCE: Rgb = Rgb(0x44, 0x77, 0xaa);
/// The current data's colour (red).
const CURRENT: Rgb = Rgb(0xee, 0x66, 0x77);
/// Characters of a category name shown under its bars.
const LABEL_CHARS: usize = 10;

/// Shares to draw: over bins (`edges`, one more than the shares) or over `categories`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DistributionData<'a> {
    /// Bin edges for a numeric column; `None` for categories.
    pub edges: Option<&'a [f64]>,
    /// Category names (when `edges` is `None`).
    pub categories: &'a [String],
    /// The reference's share per bin or category.
    pub reference: &'a [f64],
    /// The current data's share per bin or category.
    pub current: &'a [f64],
}

/// How to draw the pair.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionOptions {
    /// Title (usually the column and its verdict).
    pub title: String,
    /// The x axis' name (the column).
    pub x_desc: String,
    /// Image width, pixels.
    pub width: u32,
    /// Image height, pixels.
    pub height: u32,
    /// Colours.
    pub theme: Theme,
    /// SVG or PNG.
    pub format: Format,
}

struct Pair<'a> {
    data: DistributionData<'a>,
    options: &'a DistributionOptions,
}

/// Renders the reference's and the current data's shares side by side.
pub fn render_distribution(
    data: DistributionData<'_>,
    options: &DistributionOptions,
) -> Result<Rendered, ChartError> {
    let bins = data.reference.len();
    let consistent = data.current.len() == bins
        && match data.edges {
            Some(edges) => edges.len() == bins + 1,
            None => data.categories.len() == bins,
        };
    if !consistent {
        return Err(ChartError::InvalidOptions(
            "the shares, edges and categories do not line up".into(),
        ));
    }
    let pair = Pair { data, options };
    Ok(render(&pair, options.width, options.height, options.format)?.0)
}

impl Pair<'_> {
    /// Each bar slot's left and right x.
    fn slots(&self) -> Vec<(f64, f64)> {
        match self.data.edges {
            Some(edges) => edges.windows(2).map(|pair| (pair[0], pair[1])).collect(),
            None => (0..self.data.reference.len())
                .map(|index| (index as f64 - 0.4, index as f64 + 0.4))
                .collect(),
        }
    }
}

impl Drawing for Pair<'_> {
    type Extra = ();

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, ()), ChartError> {
        let options = self.options;
        let theme = options.theme;
        let slots = self.slots();
        let x_range = match self.data.edges {
            Some(edges) => (
                edges.first().copied().unwrap_or(0.0),
                edges.last().copied().unwrap_or(1.0),
            ),
            None => (-0.6, slots.len() as f64 - 0.4),
        };
        let highest = self
            .data
            .reference
            .iter()
            .chain(self.data.current)
            .copied()
            .filter(|share| share.is_finite())
            .fold(0.0_f64, f64::max)
            .max(0.01);
        let y_range = (0.0, highest * 1.1);
        let frame = Frame {
            title: &options.title,
            x_desc: &options.x_desc,
            y_desc: "share of rows",
            theme,
        };
        let area = frame::prepare(root, &frame)?;
        let categories = self.data.categories;
        let x_ticks = match self.data.edges {
            Some(_) => nice_ticks(x_range.0, x_range.1, 8),
            None => (0..categories.len()).map(|index| index as f64).collect(),
        };
        let numeric = self.data.edges.is_some();
        let x_label = move |value: &f64| {
            if numeric {
                format_number(*value)
            } else {
                let index = value.round();
                if (value - index).abs() > 1e-9 || index < 0.0 {
                    return String::new();
                }
                categories
                    .get(index as usize)
                    .map(|name| name.chars().take(LABEL_CHARS).collect())
                    .unwrap_or_default()
            }
        };
        let y_label = |value: &f64| format!("{:.0}%", value * 100.0);
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
                ticks: nice_ticks(y_range.0, y_range.1, 5),
            },
            &x_label,
            &y_label,
        )?;
        let geometry = frame::geometry(&chart, x_range, y_range, Scale::Linear, Scale::Linear);
        frame::draw_note(root, "blue: reference · red: current", theme)?;
        let reference = theme.adapt(REFERENCE).plotters();
        let current = theme.adapt(CURRENT).plotters();
        let halves = slots.iter().enumerate().flat_map(|(index, (left, right))| {
            let middle = (left + right) / 2.0;
            [
                (*left, middle, self.data.reference[index], reference),
                (middle, *right, self.data.current[index], current),
            ]
        });
        chart.draw_series(
            halves
                .filter(|(_, _, share, _)| share.is_finite() && *share > 0.0)
                .map(|(left, right, share, colour)| {
                    Rectangle::new([(left, 0.0), (right, share)], colour.filled())
                }),
        )?;
        Ok((geometry, ()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_bins_and_categories_and_refuses_mismatches() {
        let options = DistributionOptions {
            title: "x".into(),
            x_desc: "x".into(),
            width: 360,
            height: 220,
            theme: Theme::Light,
            format: Format::Svg,
        };
        let edges = [0.0, 1.0, 2.0];
        let numeric = DistributionData {
            edges: Some(&edges),
            categories: &[],
            reference: &[0.5, 0.5],
            current: &[0.2, 0.8],
        };
        let svg = render_distribution(numeric, &options).unwrap();
        assert!(svg.svg().unwrap().contains("<svg"));
        let names = ["a".to_owned(), "b".to_owned()];
        let categorical = DistributionData {
            edges: None,
            categories: &names,
            reference: &[1.0, 0.0],
            current: &[0.5, 0.5],
        };
        assert!(render_distribution(categorical, &options).is_ok());
        let broken = DistributionData {
            current: &[1.0],
            ..categorical
        };
        assert!(render_distribution(broken, &options).is_err());
    }
}
