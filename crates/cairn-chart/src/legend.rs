//! A line chart's legend, laid out in rows below the plot area so it never covers a line: a
//! colour swatch and the run's name per entry, as many entries per row as fit the width.

use plotters::backend::DrawingBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{PathElement, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::frame::text_style;
use crate::{ChartError, Rgb, Theme};

/// Height of one row of entries, pixels.
pub(crate) const ROW_PX: u32 = 18;
/// Most rows drawn; entries past them are summed up as "+N more".
const MAX_ROWS: usize = 4;
/// Swatch length and the gaps around an entry, pixels.
const SWATCH_PX: i32 = 16;
const GAP_PX: i32 = 18;
/// The font's average advance at 12 px, a little generous (DejaVu Sans).
const CHAR_PX: i32 = 7;
const SIDE_MARGIN_PX: i32 = 16;

/// One legend entry.
pub(crate) struct Entry {
    pub name: String,
    pub colour: Option<Rgb>,
}

/// Entries placed in rows: `(row, x)` per entry, left to right.
pub(crate) struct Layout {
    pub placed: Vec<(usize, i32)>,
    pub rows: usize,
}

fn entry_width(name: &str) -> i32 {
    let chars = i32::try_from(name.chars().count()).unwrap_or(i32::MAX / CHAR_PX);
    SWATCH_PX + 6 + chars * CHAR_PX + GAP_PX
}

/// Where each entry goes in a strip `width` pixels wide; entries that do not fit in
/// [`MAX_ROWS`] rows are left out (the caller says how many with a last entry).
pub(crate) fn layout(names: &[&str], width: u32) -> Layout {
    let right = i32::try_from(width).unwrap_or(i32::MAX) - SIDE_MARGIN_PX;
    let mut placed = Vec::with_capacity(names.len());
    let (mut row, mut x) = (0usize, SIDE_MARGIN_PX);
    for name in names {
        let advance = entry_width(name);
        if x > SIDE_MARGIN_PX && x + advance - GAP_PX > right {
            row += 1;
            x = SIDE_MARGIN_PX;
        }
        if row >= MAX_ROWS {
            break;
        }
        placed.push((row, x));
        x += advance;
    }
    let rows = placed.last().map_or(0, |(row, _)| row + 1);
    Layout { placed, rows }
}

/// Lays out `entries` for a strip `width` wide; when not all fit, the last placed entry becomes
/// "+N more runs". Returns the entries to draw and their layout.
pub(crate) fn fit(mut entries: Vec<Entry>, width: u32) -> (Vec<Entry>, Layout) {
    let names: Vec<&str> = entries.iter().map(|entry| entry.name.as_str()).collect();
    let mut placed = layout(&names, width);
    if placed.placed.len() < entries.len() {
        // Room for the summary: drop entries until "+N more runs" fits in the last slot.
        loop {
            let kept = placed.placed.len().saturating_sub(1);
            let more = Entry {
                name: format!("+{} more runs", entries.len() - kept),
                colour: None,
            };
            entries.truncate(kept);
            entries.push(more);
            let names: Vec<&str> = entries.iter().map(|entry| entry.name.as_str()).collect();
            placed = layout(&names, width);
            if placed.placed.len() == entries.len() || kept == 0 {
                break;
            }
        }
    }
    (entries, placed)
}

/// Draws the entries on `strip` (the area below the plot) as `layout` placed them.
pub(crate) fn draw<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    layout: &Layout,
    theme: Theme,
) -> Result<(), ChartError> {
    let row_px = i32::try_from(ROW_PX).unwrap_or(18);
    for (entry, &(row, x)) in entries.iter().zip(&layout.placed) {
        let y = i32::try_from(row).unwrap_or(0) * row_px + row_px / 2;
        let text_colour = match entry.colour {
            Some(colour) => {
                strip.draw(&PathElement::new(
                    vec![(x, y), (x + SWATCH_PX, y)],
                    colour.plotters().stroke_width(3),
                ))?;
                theme.text()
            }
            None => theme.muted_text(),
        };
        strip.draw(&Text::new(
            entry.name.clone(),
            (x + SWATCH_PX + 6, y),
            text_style(12.0, text_colour).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_wrap_into_rows_and_the_rest_are_summed_up() {
        let names: Vec<String> = (0..40).map(|i| format!("run-{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let wide = layout(&refs[..3], 1200);
        assert_eq!(wide.rows, 1);
        let narrow = layout(&refs[..3], 200);
        assert_eq!(narrow.rows, 2, "two short names per row at 200 px");
        let entries = names
            .iter()
            .map(|name| Entry {
                name: name.clone(),
                colour: Some(Rgb(0, 0, 0)),
            })
            .collect();
        let (kept, placed) = fit(entries, 400);
        assert_eq!(placed.rows, MAX_ROWS);
        assert_eq!(kept.len(), placed.placed.len());
        let last = kept
            .last()
            .map(|entry| entry.name.clone())
            .unwrap_or_default();
        assert_eq!(last, format!("+{} more runs", 40 - (kept.len() - 1)));
    }
}
