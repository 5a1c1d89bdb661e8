//! Parallel coordinates: one vertical axis per param or metric, one polyline per run, coloured
//! by a metric on a colour-blind-safe sequential scale (or by run colour).

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Text};
use plotters::series::LineSeries;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use cairn_core::model::Run;

use crate::axis::format_number;
use crate::frame::{self, Frame, PlotAxis, thousands};
use crate::output::{Drawing, render};
use crate::palette::sequential;
use crate::{
    ChartError, Field, FieldValue, Format, PlotGeometry, Rendered, Rgb, Scale, Theme, field_value,
    run_colours,
};

/// How to draw parallel coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelOptions {
    /// The axes, left to right.
    pub dimensions: Vec<Field>,
    /// Colour lines by this numeric value (low = purple, high = yellow); by run when `None`.
    pub colour_by: Option<Field>,
    /// Title; "parallel coordinates" when `None`.
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

/// One axis: how values map to [0, 1] and what its ends say.
struct Dimension {
    label: String,
    /// Sorted category names when the axis is categorical.
    categories: Option<Vec<String>>,
    low: f64,
    high: f64,
}

impl Dimension {
    fn new(field: &Field, values: &[Option<FieldValue>]) -> Dimension {
        let categorical = values
            .iter()
            .any(|value| matches!(value, Some(FieldValue::Category(_))));
        if categorical {
            let mut names: Vec<String> = values.iter().flatten().map(category_name).collect();
            names.sort();
            names.dedup();
            return Dimension {
                label: field.label(),
                low: 0.0,
                high: names.len().saturating_sub(1) as f64,
                categories: Some(names),
            };
        }
        let numbers = values.iter().filter_map(|value| match value {
            Some(FieldValue::Number(number)) if number.is_finite() => Some(*number),
            _ => None,
        });
        let (low, high) = numbers.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), n| {
            (low.min(n), high.max(n))
        });
        Dimension {
            label: field.label(),
            categories: None,
            low,
            high,
        }
    }

    /// Position on the axis in [0, 1]; `None` for a missing or non-finite value.
    fn position(&self, value: &FieldValue) -> Option<f64> {
        let raw = match (&self.categories, value) {
            (Some(names), value) => names.binary_search(&category_name(value)).ok()? as f64,
            (None, FieldValue::Number(number)) if number.is_finite() => *number,
            _ => return None,
        };
        Some(if self.high > self.low {
            (raw - self.low) / (self.high - self.low)
        } else {
            0.5
        })
    }

    fn end_label(&self, top: bool) -> String {
        match &self.categories {
            Some(names) => {
                let name = if top { names.last() } else { names.first() };
                name.cloned().unwrap_or_default()
            }
            None if self.low.is_finite() => format_number(if top { self.high } else { self.low }),
            None => String::new(),
        }
    }
}

fn category_name(value: &FieldValue) -> String {
    match value {
        FieldValue::Category(text) => text.clone(),
        FieldValue::Number(number) => format_number(*number),
    }
}

/// One run's polyline: its run colour, its colour value, its position on each axis.
type Line = (Rgb, Option<f64>, Vec<Option<f64>>);

struct Parallel<'a> {
    dimensions: Vec<Dimension>,
    lines: Vec<Line>,
    colour_range: Option<(f64, f64)>,
    options: &'a ParallelOptions,
}

/// Renders `runs` across `options.dimensions`.
pub fn render_parallel(runs: &[Run], options: &ParallelOptions) -> Result<Rendered, ChartError> {
    if options.dimensions.len() < 2 {
        return Err(ChartError::InvalidOptions(
            "parallel coordinates need at least two dimensions".to_string(),
        ));
    }
    let values: Vec<Vec<Option<FieldValue>>> = options
        .dimensions
        .iter()
        .map(|field| runs.iter().map(|run| field_value(run, field)).collect())
        .collect();
    let dimensions: Vec<Dimension> = options
        .dimensions
        .iter()
        .zip(&values)
        .map(|(field, column)| Dimension::new(field, column))
        .collect();
    let colour_values: Vec<Option<f64>> = runs
        .iter()
        .map(
            |run| match options.colour_by.as_ref().and_then(|f| field_value(run, f)) {
                Some(FieldValue::Number(value)) if value.is_finite() => Some(value),
                _ => None,
            },
        )
        .collect();
    let colour_range =
        colour_values
            .iter()
            .flatten()
            .fold(None, |range: Option<(f64, f64)>, value| {
                Some(range.map_or((*value, *value), |(low, high)| {
                    (low.min(*value), high.max(*value))
                }))
            });
    let ids: Vec<&str> = runs.iter().map(|run| run.info.run_id.as_str()).collect();
    let run_colours = run_colours(&ids, options.theme);
    let lines = (0..runs.len())
        .map(|index| {
            let positions = dimensions
                .iter()
                .zip(&values)
                .map(|(dimension, column)| {
                    column[index]
                        .as_ref()
                        .and_then(|value| dimension.position(value))
                })
                .collect();
            (run_colours[index], colour_values[index], positions)
        })
        .collect();
    let parallel = Parallel {
        dimensions,
        lines,
        colour_range,
        options,
    };
    Ok(render(&parallel, options.width, options.height, options.format)?.0)
}

impl Drawing for Parallel<'_> {
    type Extra = ();

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, ()), ChartError> {
        let options = self.options;
        let theme = options.theme;
        let count = self.dimensions.len();
        let x_range = (-0.25, count as f64 - 0.75);
        let y_range = (-0.08, 1.08);
        let labels: Vec<String> = self.dimensions.iter().map(|d| d.label.clone()).collect();
        let x_label = move |value: &f64| {
            labels
                .get(value.round().max(0.0) as usize)
                .cloned()
                .unwrap_or_default()
        };
        let y_label = |_: &f64| String::new();
        let title = options
            .title
            .clone()
            .unwrap_or_else(|| "parallel coordinates".to_string());
        let frame = Frame {
            title: &title,
            x_desc: "",
            y_desc: "",
            theme,
        };
        let area = frame::prepare(root, &frame)?;
        let mut chart = frame::build(
            &area,
            &frame,
            PlotAxis {
                low: x_range.0,
                high: x_range.1,
                ticks: (0..count).map(|index| index as f64).collect(),
            },
            PlotAxis {
                low: y_range.0,
                high: y_range.1,
                ticks: Vec::new(),
            },
            &x_label,
            &y_label,
        )?;
        let geometry = frame::geometry(&chart, x_range, y_range, Scale::Linear, Scale::Linear);
        let mut note = format!("{} runs", thousands(self.lines.len()));
        if let (Some(field), Some((low, high))) = (&options.colour_by, self.colour_range) {
            note.push_str(&format!(
                " · colour: {} {} (purple) to {} (yellow)",
                field.label(),
                format_number(low),
                format_number(high)
            ));
        }
        frame::draw_note(root, &note, theme)?;

        let axis_colour = theme.text().plotters();
        for (index, dimension) in self.dimensions.iter().enumerate() {
            let x = index as f64;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, 1.0)],
                axis_colour.stroke_width(1),
            )))?;
            let style = frame::text_style(11.0, theme.muted_text());
            chart.draw_series([
                Text::new(
                    dimension.end_label(true),
                    (x, 1.0),
                    style.pos(Pos::new(HPos::Center, VPos::Bottom)),
                ),
                Text::new(
                    dimension.end_label(false),
                    (x, 0.0),
                    style.pos(Pos::new(HPos::Center, VPos::Top)),
                ),
            ])?;
        }
        for (run_colour, colour_value, positions) in &self.lines {
            let colour = match (colour_value, self.colour_range) {
                (Some(value), Some((low, high))) => {
                    let t = if high > low {
                        (value - low) / (high - low)
                    } else {
                        0.5
                    };
                    sequential(t)
                }
                (None, Some(_)) => theme.grid_bold(),
                (_, None) => *run_colour,
            };
            let style = colour.plotters().mix(0.8).stroke_width(1);
            let mut segment: Vec<(f64, f64)> = Vec::new();
            for (index, position) in positions.iter().enumerate() {
                match position {
                    Some(y) => segment.push((index as f64, *y)),
                    None => {
                        if segment.len() > 1 {
                            chart.draw_series(LineSeries::new(segment.drain(..), style))?;
                        }
                        segment.clear();
                    }
                }
            }
            if segment.len() > 1 {
                chart.draw_series(LineSeries::new(segment, style))?;
            }
        }
        Ok((geometry, ()))
    }
}
