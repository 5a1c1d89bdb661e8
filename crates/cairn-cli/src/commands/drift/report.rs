//! The report files `cairn drift --report PATH` writes, chosen by extension: HTML (one inline
//! SVG chart per column), Markdown (the charts as SVG files in `NAME_charts/` beside it, linked)
//! or JSON (the engine's report as is).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cairn_chart::{DistributionData, DistributionOptions, Format, Theme, render_distribution};
use cairn_drift::markdown::{format_score, markdown, rule, summary, unseen, verdict};
use cairn_drift::{ColumnDrift, DriftReport};

/// Chart size, pixels.
const CHART_WIDTH: u32 = 420;
const CHART_HEIGHT: u32 = 240;

/// The report as pretty-printed JSON (also what `cairn drift --json` prints).
pub fn to_json(report: &DriftReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// A column's reference-vs-current chart as SVG text.
pub fn chart_svg(column: &ColumnDrift) -> Result<String, String> {
    let distribution = &column.distribution;
    let data = DistributionData {
        edges: distribution.edges.as_deref(),
        categories: &distribution.categories,
        reference: &distribution.reference,
        current: &distribution.current,
    };
    let options = DistributionOptions {
        title: format!(
            "{} — {} {}",
            column.name,
            column.test.as_str(),
            verdict(column.drifted)
        ),
        x_desc: column.name.clone(),
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        theme: Theme::Light,
        format: Format::Svg,
    };
    let rendered = render_distribution(data, &options)
        .map_err(|error| format!("drawing the chart of '{}': {error}", column.name))?;
    Ok(rendered.svg().unwrap_or_default().to_owned())
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A self-contained HTML report.
pub fn to_html(report: &DriftReport) -> Result<String, String> {
    let mut out = String::from(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Data drift</title>\
         <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.drift{color:#b00;\
         font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:12px}</style></head><body>\n",
    );
    let _ = writeln!(
        out,
        "<h1>Data drift: {}</h1>\n<p>{}</p>\n<ul><li>Reference: <code>{}</code> ({})</li>\
         <li>Current: <code>{}</code> ({})</li><li>Tests: {}</li></ul>",
        if report.drifted { "DRIFT" } else { "no drift" },
        escape_html(&summary(report)),
        escape_html(&report.reference.source),
        escape_html(&report.reference.reading),
        escape_html(&report.current.source),
        escape_html(&report.current.reading),
        escape_html(&report.method),
    );
    out.push_str(
        "<table><tr><th>Column</th><th>Kind</th><th>Test</th><th>Score</th><th>Drift when</th>\
         <th>Result</th><th>Missing (ref / cur)</th><th>Notes</th></tr>\n",
    );
    for column in &report.columns {
        let notes: Vec<String> = [column.note.clone(), unseen(column)]
            .into_iter()
            .filter(|note| !note.is_empty())
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td>\
             <td>{} / {}</td><td>{}</td></tr>",
            escape_html(&column.name),
            column.kind.as_str(),
            column.test.label(),
            format_score(column.score),
            escape_html(&rule(column)),
            if column.drifted {
                " class=\"drift\""
            } else {
                ""
            },
            verdict(column.drifted),
            column.reference.missing,
            column.current.missing,
            escape_html(&notes.join("; ")),
        );
    }
    out.push_str("</table>\n");
    for skipped in &report.skipped {
        let _ = writeln!(
            out,
            "<p>Not compared: <code>{}</code> ({})</p>",
            escape_html(&skipped.name),
            escape_html(&skipped.reason)
        );
    }
    out.push_str("<h2>Distributions</h2>\n<div class=\"charts\">\n");
    for column in &report.columns {
        out.push_str("<figure>");
        out.push_str(&chart_svg(column)?);
        out.push_str("</figure>\n");
    }
    out.push_str("</div>\n</body></html>\n");
    Ok(out)
}

/// The folder the Markdown report's charts go in: `NAME_charts` beside `NAME.md`.
fn charts_dir(path: &Path) -> PathBuf {
    let stem = path.file_stem().map_or_else(
        || "drift".into(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    path.with_file_name(format!("{stem}_charts"))
}

/// A file name for a column's chart: its position and its name's safe characters.
fn chart_name(index: usize, column: &ColumnDrift) -> String {
    let safe: String = column
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("{:02}-{safe}.svg", index + 1)
}

/// Writes the report in the format the file name asks for.
pub fn write(report: &DriftReport, path: &Path) -> Result<(), String> {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    let fail = |error: std::io::Error, what: &Path| format!("writing {}: {error}", what.display());
    let text = if lower.ends_with(".json") {
        to_json(report)
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        to_html(report)?
    } else if lower.ends_with(".md") || lower.ends_with(".markdown") {
        let dir = charts_dir(path);
        std::fs::create_dir_all(&dir).map_err(|error| fail(error, &dir))?;
        let folder = dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (index, column) in report.columns.iter().enumerate() {
            let file = dir.join(chart_name(index, column));
            std::fs::write(&file, chart_svg(column)?).map_err(|error| fail(error, &file))?;
        }
        markdown(report, &|index, column| {
            Some(format!("![chart]({folder}/{})", chart_name(index, column)))
        })
    } else {
        return Err(format!(
            "report '{}': the name must end in .html, .md or .json",
            path.display()
        ));
    };
    std::fs::write(path, text).map_err(|error| fail(error, path))
}
