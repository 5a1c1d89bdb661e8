//! A drift report as Markdown: the verdict, how each table was read, one row per column and the
//! columns left out. The CLI's `.md` report adds chart links; a gate's history record uses it
//! as is.

use std::fmt::Write as _;

use crate::engine::{ColumnDrift, DriftReport};

/// A score as reports print it: four significant digits, scientific below 0.0001.
pub fn format_score(score: f64) -> String {
    if score.is_nan() {
        "—".to_owned()
    } else if score == 0.0 {
        "0".to_owned()
    } else if score.abs() < 1e-4 {
        format!("{score:.3e}")
    } else {
        format!("{score:.4}")
    }
}

/// `drifted` as reports spell it.
pub fn verdict(drifted: bool) -> &'static str {
    if drifted { "DRIFT" } else { "ok" }
}

/// The comparison each column's score is judged by (`p < 0.05`, `≥ 0.1`).
pub fn rule(column: &ColumnDrift) -> String {
    if column.test.is_p_value() {
        format!("p < {}", column.threshold)
    } else {
        format!("≥ {}", column.threshold)
    }
}

/// Unseen categories in words (empty when none).
pub fn unseen(column: &ColumnDrift) -> String {
    if column.unseen_rows == 0 {
        return String::new();
    }
    format!(
        "{} row(s) in unseen categories: {}",
        column.unseen_rows,
        column.unseen_categories.join(", ")
    )
}

/// The dataset verdict in one line.
pub fn summary(report: &DriftReport) -> String {
    format!(
        "{} of {} column(s) drifted ({:.0}%; the dataset drifts at {:.0}%): {}",
        report.drifted_columns,
        report.columns.len(),
        report.drift_share * 100.0,
        report.share_threshold * 100.0,
        if report.drifted { "DRIFT" } else { "no drift" }
    )
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown; `chart` gives a column's chart link (by index), if any.
pub fn markdown(
    report: &DriftReport,
    chart: &dyn Fn(usize, &ColumnDrift) -> Option<String>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Data drift: {}\n",
        if report.drifted { "DRIFT" } else { "no drift" }
    );
    let _ = writeln!(out, "{}\n", summary(report));
    let _ = writeln!(
        out,
        "- Reference: `{}` ({} file(s); {})\n- Current: `{}` ({} file(s); {})\n- Tests: {}\n",
        report.reference.source,
        report.reference.files,
        report.reference.reading,
        report.current.source,
        report.current.files,
        report.current.reading,
        report.method
    );
    out.push_str(
        "| Column | Kind | Test | Score | Drift when | Result | Missing (ref / cur) | Notes |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for (index, column) in report.columns.iter().enumerate() {
        let mut notes: Vec<String> = Vec::new();
        if !column.note.is_empty() {
            notes.push(column.note.clone());
        }
        let unseen = unseen(column);
        if !unseen.is_empty() {
            notes.push(unseen);
        }
        if let Some(link) = chart(index, column) {
            notes.push(link);
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} / {} | {} |",
            escape(&column.name),
            column.kind.as_str(),
            column.test.label(),
            format_score(column.score),
            rule(column),
            verdict(column.drifted),
            column.reference.missing,
            column.current.missing,
            escape(&notes.join("; "))
        );
    }
    if !report.skipped.is_empty() {
        out.push_str("\nNot compared:\n\n");
        for skipped in &report.skipped {
            let _ = writeln!(out, "- `{}`: {}", skipped.name, skipped.reason);
        }
    }
    out
}
