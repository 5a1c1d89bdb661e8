//! Histogram of a run value (usually a final metric) across runs.

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::Rectangle;
use plotters::style::Color;

use cairn_core::model::Run;

use crate::axis::{format_number, nice_ticks};
use crate::frame::{self, Frame, PlotAxis, thousands};
use crate::output::{Drawing, render};
use crate::{
    ChartError, Field, FieldValue, Format, PlotGeometry, Rendered, Rgb, Scale, Theme, field_value,
};

/// How to draw a histogram.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramOptions {
    /// The value counted (numeric).
    pub field: Field,
    /// Number of bins; Sturges' rule when `None`.
    pub bins: Option<usize>,
    /// Title; "distribution of FIELD" when `None`.
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

struct Histogram<'a> {
    /// Bin edges, `counts.len() + 1` of them.
    edges: Vec<f64>,
    counts: Vec<usize>,
    values: usize,
    skipped: usize,
    options: &'a HistogramOptions,
}

/// Counts bins of `values` (finite ones only): `bins` equal-width bins from the smallest to the
/// largest value (a unit-wide range around a single value); the last bin includes its right edge.
pub(crate) fn bin(values: &[f64], bins: usize) -> (Vec<f64>, Vec<usize>) {
    let bins = bins.max(1);
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if !low.is_finite() {
        (0.0, 1.0)
    } else if low == high {
        (low - 0.5, high + 0.5)
    } else {
        (low, high)
    };
    let width = (high - low) / bins as f64;
    let edges: Vec<f64> = (0..=bins).map(|index| low + width * index as f64).collect();
    let mut counts = vec![0; bins];
    for value in values {
        let index = (((value - low) / width).floor() as usize).min(bins - 1);
        counts[index] += 1;
    }
    (edges, counts)
}

/// Renders the distribution of `options.field` over `runs`.
pub fn render_histogram(runs: &[Run], options: &HistogramOptions) -> Result<Rendered, ChartError> {
    if options.bins.is_some_and(|bins| !(1..=1000).contains(&bins)) {
        return Err(ChartError::InvalidOptions(
            "bins must be 1 to 1000".to_string(),
        ));
    }
    let values: Vec<f64> = runs
        .iter()
        .filter_map(|run| match field_value(run, &options.field) {
            Some(FieldValue::Number(value)) if value.is_finite() => Some(value),
            _ => None,
        })
        .collect();
    let bins = options.bins.unwrap_or_else(|| {
        // Sturges: ceil(log2 n) + 1.
        (usize::BITS - values.len().max(1).leading_zeros()) as usize + 1
    });
    let (edges, counts) = bin(&values, bins);
    let histogram = Histogram {
        edges,
        counts,
        values: values.len(),
        skipped: runs.len() - values.len(),
        options,
    };
    Ok(render(&histogram, options.width, options.height, options.format)?.0)
}

impl Drawing for Histogram<'_> {
    type Extra = ();

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, ()), ChartError> {
        let options = self.options;
        let theme = options.theme;
        let x_range = (
            self.edges.first().copied().unwrap_or(0.0),
            self.edges.last().copied().unwrap_or(1.0),
        );
        let highest = self.counts.iter().copied().max().unwrap_or(0).max(1);
        let y_range = (0.0, highest as f64 * 1.1);
        let mut y_ticks = nice_ticks(y_range.0, y_range.1, 6);
        y_ticks.retain(|tick| tick.fract() == 0.0);
        let title = options
            .title
            .clone()
            .unwrap_or_else(|| format!("distribution of {}", options.field.label()));
        let x_desc = options.field.label();
        let frame = Frame {
            title: &title,
            x_desc: &x_desc,
            y_desc: "runs",
            theme,
        };
        let area = frame::prepare(root, &frame)?;
        let x_label = |value: &f64| format_number(*value);
        let y_label = |value: &f64| format_number(*value);
        let mut chart = frame::build(
            &area,
            &frame,
            PlotAxis {
                low: x_range.0,
                high: x_range.1,
                ticks: nice_ticks(x_range.0, x_range.1, 10),
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
        let mut note = format!(
            "{} runs · {} bins",
            thousands(self.values),
            self.counts.len()
        );
        if self.skipped > 0 {
            note.push_str(&format!(" · {} without a value", thousands(self.skipped)));
        }
        frame::draw_note(root, &note, theme)?;
        if self.values == 0 {
            frame::draw_empty(&chart, theme, "no run has this value")?;
            return Ok((geometry, ()));
        }
        let fill = theme.adapt(Rgb(0x44, 0x77, 0xaa)).plotters();
        let border = theme.background().plotters();
        chart.draw_series(
            self.counts
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(index, count)| {
                    Rectangle::new(
                        [
                            (self.edges[index], 0.0),
                            (self.edges[index + 1], *count as f64),
                        ],
                        fill.filled(),
                    )
                }),
        )?;
        chart.draw_series(
            self.counts
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(index, count)| {
                    Rectangle::new(
                        [
                            (self.edges[index], 0.0),
                            (self.edges[index + 1], *count as f64),
                        ],
                        border.stroke_width(1),
                    )
                }),
        )?;
        Ok((geometry, ()))
    }
}

#[cfg(test)]
mod tests {
    use super::bin;

    #[test]
    fn bins_cover_the_range_and_count_every_value() {
        let (edges, counts) = bin(&[0.0, 0.1, 0.5, 0.99, 1.0], 2);
        assert_eq!(edges, vec![0.0, 0.5, 1.0]);
        assert_eq!(counts, vec![2, 3]);
        let (edges, counts) = bin(&[3.0], 4);
        assert_eq!((edges.len(), counts.iter().sum::<usize>()), (5, 1));
        let (_, counts) = bin(&[], 3);
        assert_eq!(counts, vec![0, 0, 0]);
    }
}
