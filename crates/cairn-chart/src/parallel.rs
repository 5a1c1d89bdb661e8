//! Parallel coordinates: one vertical axis per param or metric, one polyline per run, coloured
//! by a metric on a colour-blind-safe sequential scale (or by run colour). Axis names and end
//! values that do not fit the space between axes are shortened with "…"; in SVG the full text is
//! the label's `<title>` (its tooltip).

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Text};
use plotters::series::LineSeries;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, TextStyle};

use cairn_core::model::Run;

use crate::axis::format_number;
use crate::frame::{self, Frame, PlotAxis, thousands};
use crate::output::{Drawing, render};
use crate::palette::sequential_on;
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
    let (mut rendered, labels) = render(&parallel, options.width, options.height, options.format)?;
    if rendered.format == Format::Svg {
        let svg = String::from_utf8_lossy(&rendered.bytes).into_owned();
        rendered.bytes = with_tooltips(svg, &labels).into_bytes();
    }
    Ok(rendered)
}

/// Pixels kept clear between neighbouring labels.
const LABEL_GAP_PX: i32 = 8;
/// Pixels kept clear between a label and the image's edge.
const EDGE_PX: i32 = 4;
/// Axis names' font size (as the other charts' tick labels).
const NAME_SIZE: f64 = 12.0;
/// Axis end values' font size.
const END_SIZE: f64 = 11.0;

/// A label as drawn: its text (maybe shortened), the full text, and its horizontal extent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedLabel {
    /// What is drawn; empty when not even "…" fits.
    pub shown: String,
    /// The full text.
    pub full: String,
    /// Anchor point (the label is centred on `x`), image pixels.
    pub x: i32,
    pub y: i32,
    /// Left and right edges of the drawn text, image pixels.
    pub left: i32,
    pub right: i32,
}

impl PlacedLabel {
    fn shortened(&self) -> bool {
        self.shown != self.full
    }
}

/// Width of `text` in `style`, pixels (the shipped font's advances; generous for SVG, which
/// draws the same size a little smaller).
fn text_width(style: &TextStyle<'_>, text: &str) -> i32 {
    style.font.box_size(text).map_or(i32::MAX, |(width, _)| {
        i32::try_from(width).unwrap_or(i32::MAX)
    })
}

/// `text`, shortened with "…" to at most `limit` pixels in `style`; empty when "…" does not fit.
pub(crate) fn elide(style: &TextStyle<'_>, text: &str, limit: i32) -> String {
    if text_width(style, text) <= limit {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with "…" after it (widths grow with the prefix).
    let (mut low, mut high) = (0usize, chars.len());
    while low < high {
        let middle = (low + high).div_ceil(2);
        let candidate: String = chars[..middle].iter().chain(['…'].iter()).collect();
        if text_width(style, &candidate) <= limit {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    let shortened: String = chars[..low].iter().chain(['…'].iter()).collect();
    if text_width(style, &shortened) <= limit {
        shortened.trim_end().to_string()
    } else {
        String::new()
    }
}

/// `text` shortened to `limit` pixels; a field name that does not fit first loses its kind
/// (`params.optimizer` → `optimizer`), which says more than the kind's first letters.
fn shorten(style: &TextStyle<'_>, text: &str, limit: i32, field_name: bool) -> String {
    let whole = elide(style, text, limit);
    if whole == text || !field_name {
        return whole;
    }
    match text.split_once('.') {
        Some((_, key)) if !key.is_empty() => elide(style, key, limit),
        _ => whole,
    }
}

/// Labels centred on `xs` (ascending pixel positions) at height `y`, each shortened to the space
/// between its axis and the neighbouring ones and to the image's `width`. `field_names`: the
/// texts are `params.…`/`metrics.…` names.
pub(crate) fn place_labels(
    style: &TextStyle<'_>,
    texts: &[String],
    xs: &[i32],
    y: i32,
    width: i32,
    field_names: bool,
) -> Vec<PlacedLabel> {
    texts
        .iter()
        .zip(xs)
        .enumerate()
        .map(|(index, (text, &x))| {
            let before = index.checked_sub(1).and_then(|i| xs.get(i)).copied();
            let after = xs.get(index + 1).copied();
            // Each label may take up to half the distance to a neighbour, less half the gap,
            // on either side: neighbours then never meet.
            let half_room = [
                before.map(|b| (x - b - LABEL_GAP_PX) / 2),
                after.map(|a| (a - x - LABEL_GAP_PX) / 2),
                Some(x - EDGE_PX),
                Some(width - EDGE_PX - x),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(0)
            .max(0);
            let shown = shorten(style, text, half_room * 2, field_names);
            let drawn = if shown.is_empty() {
                0
            } else {
                text_width(style, &shown)
            };
            PlacedLabel {
                shown,
                full: text.clone(),
                x,
                y,
                left: x - drawn / 2,
                right: x - drawn / 2 + drawn,
            }
        })
        .collect()
}

fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// Gives each shortened label's `<text>` element its full text as a `<title>` (a tooltip).
fn with_tooltips(mut svg: String, labels: &[PlacedLabel]) -> String {
    for label in labels
        .iter()
        .filter(|label| label.shortened() && !label.shown.is_empty())
    {
        // plotters writes `<text x="X" y="Y" …>\nTEXT\n</text>`; position and text name the
        // label (the mesh's empty tick labels sit at the same positions).
        let opening = format!("<text x=\"{}\" y=\"{}\" ", label.x, label.y);
        let content = format!(">\n{}\n</text>", escape_xml(&label.shown));
        let mut from = 0;
        while let Some(start) = svg[from..].find(&opening).map(|offset| from + offset) {
            let Some(close) = svg[start..].find('>').map(|offset| start + offset) else {
                break;
            };
            if svg[close..].starts_with(&content) {
                let title = format!("<title>{}</title>", escape_xml(&label.full));
                svg.insert_str(close + 2, &title);
                break;
            }
            from = close;
        }
    }
    svg
}

impl Drawing for Parallel<'_> {
    /// The labels drawn, for tooltips.
    type Extra = Vec<PlacedLabel>;

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(PlotGeometry, Vec<PlacedLabel>), ChartError> {
        let options = self.options;
        let theme = options.theme;
        let count = self.dimensions.len();
        let x_range = (-0.25, count as f64 - 0.75);
        let y_range = (-0.08, 1.08);
        // Axis names are drawn below, shortened to fit; the mesh only draws the ticks.
        let x_label = |_: &f64| String::new();
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
        for index in 0..count {
            let x = index as f64;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, 1.0)],
                axis_colour.stroke_width(1),
            )))?;
        }
        let (image_width, _) = root.dim_in_pixel();
        let image_width = i32::try_from(image_width).unwrap_or(i32::MAX);
        let xs: Vec<i32> = (0..count)
            .map(|index| chart.backend_coord(&(index as f64, 0.0)).0)
            .collect();
        let top = chart.backend_coord(&(0.0, 1.0)).1;
        let bottom = chart.backend_coord(&(0.0, 0.0)).1;
        let names: Vec<String> = self.dimensions.iter().map(|d| d.label.clone()).collect();
        let highs: Vec<String> = self.dimensions.iter().map(|d| d.end_label(true)).collect();
        let lows: Vec<String> = self.dimensions.iter().map(|d| d.end_label(false)).collect();
        let name_style = frame::text_style(NAME_SIZE, theme.text());
        let end_style = frame::text_style(END_SIZE, theme.muted_text());
        // Names sit where the mesh would put tick labels: below the axis line and its tick.
        let names_y = geometry.bottom_px + 11;
        let mut placed = Vec::new();
        for (labels, style) in [
            (
                place_labels(&name_style, &names, &xs, names_y, image_width, true),
                name_style.pos(Pos::new(HPos::Center, VPos::Top)),
            ),
            (
                place_labels(&end_style, &highs, &xs, top, image_width, false),
                end_style.pos(Pos::new(HPos::Center, VPos::Bottom)),
            ),
            (
                place_labels(&end_style, &lows, &xs, bottom, image_width, false),
                end_style.pos(Pos::new(HPos::Center, VPos::Top)),
            ),
        ] {
            for label in &labels {
                if !label.shown.is_empty() {
                    root.draw(&Text::new(
                        label.shown.clone(),
                        (label.x, label.y),
                        style.clone(),
                    ))?;
                }
            }
            placed.extend(labels);
        }
        for (run_colour, colour_value, positions) in &self.lines {
            let colour = match (colour_value, self.colour_range) {
                (Some(value), Some((low, high))) => {
                    let t = if high > low {
                        (value - low) / (high - low)
                    } else {
                        0.5
                    };
                    sequential_on(theme, t)
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
        Ok((geometry, placed))
    }
}

#[cfg(test)]
mod tests {
    use cairn_core::model::{
        ExperimentId, LatestMetric, LifecycleStage, MetricPoint, Param, RunInfo, RunStatus,
        SourceKind,
    };

    use super::*;

    fn run(id: usize) -> Run {
        let value = |base: f64| base + id as f64 * 0.01;
        Run {
            info: RunInfo {
                run_id: format!("{id:04}"),
                experiment_id: ExperimentId(1),
                run_name: format!("run-{id}"),
                user_id: String::new(),
                status: RunStatus::Finished,
                start_time_ms: Some(0),
                end_time_ms: Some(1),
                lifecycle_stage: LifecycleStage::Active,
                artifact_uri: String::new(),
                source_kind: SourceKind::Cli,
                source_path: None,
                source_missing: false,
                parent_run_id: None,
            },
            params: vec![
                Param {
                    key: "optimizer_with_a_long_name".to_string(),
                    value: ["adam_with_warmup_and_decay", "sgd_nesterov_momentum"][id % 2]
                        .to_string(),
                },
                Param {
                    key: "learning_rate_schedule_peak".to_string(),
                    value: value(0.001).to_string(),
                },
            ],
            tags: Vec::new(),
            metrics: ["validation_accuracy_top1", "validation_loss_smoothed", "f1"]
                .into_iter()
                .enumerate()
                .map(|(index, key)| LatestMetric {
                    key: key.to_string(),
                    latest: MetricPoint {
                        step: 10,
                        timestamp_ms: 0,
                        value: value(index as f64),
                    },
                    point_count: 1,
                })
                .collect(),
            git: None,
            data: Vec::new(),
        }
    }

    fn options(width: u32) -> ParallelOptions {
        ParallelOptions {
            dimensions: [
                "params.optimizer_with_a_long_name",
                "params.learning_rate_schedule_peak",
                "metrics.validation_accuracy_top1",
                "metrics.validation_loss_smoothed",
                "metrics.f1",
            ]
            .into_iter()
            .map(Field::parse)
            .collect(),
            colour_by: None,
            title: None,
            width,
            height: 300,
            theme: Theme::Light,
            format: Format::Svg,
        }
    }

    fn draw(width: u32) -> (String, Vec<PlacedLabel>) {
        let runs: Vec<Run> = (0..6).map(run).collect();
        let options = options(width);
        let parallel = Parallel {
            dimensions: options
                .dimensions
                .iter()
                .map(|field| {
                    let column: Vec<_> = runs.iter().map(|r| field_value(r, field)).collect();
                    Dimension::new(field, &column)
                })
                .collect(),
            lines: Vec::new(),
            colour_range: None,
            options: &options,
        };
        let (rendered, labels) = render(&parallel, width, options.height, Format::Svg).unwrap();
        let svg = String::from_utf8(rendered.bytes).unwrap();
        (with_tooltips(svg, &labels), labels)
    }

    /// Labels drawn on the same row (the same height) pairwise, left to right.
    fn rows(labels: &[PlacedLabel]) -> Vec<Vec<&PlacedLabel>> {
        let mut heights: Vec<i32> = labels.iter().map(|label| label.y).collect();
        heights.sort_unstable();
        heights.dedup();
        heights
            .into_iter()
            .map(|y| {
                let mut row: Vec<&PlacedLabel> = labels
                    .iter()
                    .filter(|label| label.y == y && !label.shown.is_empty())
                    .collect();
                row.sort_by_key(|label| label.x);
                row
            })
            .collect()
    }

    #[test]
    fn at_a_narrow_width_no_two_labels_overlap_and_shortened_ones_keep_their_full_text() {
        let (svg, labels) = draw(360);
        assert_eq!(labels.len(), 15, "names, top values and bottom values");
        assert!(
            labels.iter().any(PlacedLabel::shortened),
            "at 360 px these names cannot fit whole"
        );
        for row in rows(&labels) {
            for pair in row.windows(2) {
                assert!(
                    pair[0].right + LABEL_GAP_PX <= pair[1].left,
                    "{:?} overlaps {:?}",
                    pair[0],
                    pair[1]
                );
            }
            for label in row {
                assert!(
                    label.left >= EDGE_PX && label.right <= 360 - EDGE_PX,
                    "{label:?}"
                );
            }
        }
        for label in labels.iter().filter(|label| label.shortened()) {
            let kept = label.shown.strip_suffix('…').unwrap_or(&label.shown);
            assert!(
                label.full.contains(kept) && kept.len() < label.full.len(),
                "{label:?}"
            );
            if !label.shown.is_empty() {
                let element = format!("<title>{}</title>{}\n</text>", label.full, label.shown);
                assert!(svg.contains(&element), "no tooltip for {label:?}");
            }
        }
    }

    #[test]
    fn a_name_too_long_for_its_space_drops_its_kind_first() {
        let (_, labels) = draw(560);
        let names: Vec<&str> = labels[..5]
            .iter()
            .map(|label| label.shown.as_str())
            .collect();
        assert!(
            names.contains(&"f1") || names.contains(&"metrics.f1"),
            "{names:?}"
        );
        assert!(
            names.iter().any(|name| name.starts_with("optimizer")),
            "{names:?}"
        );
        assert!(
            names.iter().all(|name| !name.starts_with("params.")),
            "{names:?}"
        );
    }

    #[test]
    fn at_a_wide_width_labels_are_whole_and_have_no_tooltip() {
        let (svg, labels) = draw(1600);
        assert!(labels.iter().all(|label| !label.shortened()), "{labels:?}");
        assert!(!svg.contains("<title>"));
        assert!(svg.contains(">\nparams.optimizer_with_a_long_name\n</text>"));
    }

    #[test]
    fn eliding_keeps_the_longest_prefix_that_fits() {
        crate::font::ensure_registered();
        let style = frame::text_style(NAME_SIZE, Theme::Light.text());
        let text = "metrics.validation_accuracy";
        let whole = text_width(&style, text);
        assert_eq!(elide(&style, text, whole), text);
        let short = elide(&style, text, whole / 2);
        assert!(short.ends_with('…') && text_width(&style, &short) <= whole / 2);
        let one_more: String = text.chars().take(short.chars().count()).collect();
        assert!(text_width(&style, &format!("{one_more}…")) > whole / 2);
        assert_eq!(elide(&style, text, 2), "");
    }
}
