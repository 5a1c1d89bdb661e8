//! Compiles an order_by list to the SQL that follows `ORDER BY`, with MLflow's rules: missing
//! values (and NaN metrics) last in both directions, then `start_time DESC` unless start_time was
//! already ordered by, then `run_uuid` so that the order is total and pages are stable.

use rusqlite::types::Value;

use super::ast::{Field, OrderBy, RunAttribute};
use super::sql::{SqlFragment, attribute_column};

/// The list to put after `ORDER BY`. An empty `order` gives MLflow's default,
/// `start_time DESC, run_uuid`. Dataset entries (which the parser refuses) are skipped.
/// `run_alias` is the name the caller gave the `runs` table; it must be a plain SQL identifier.
///
/// Ordering by a metric, param or tag uses a correlated scalar subquery on the
/// `UNIQUE (run_id, key)` / primary-key index, one per run that passes the filter.
pub fn compile_order_by(order: &[OrderBy], run_alias: &str) -> SqlFragment {
    let run = run_alias;
    let mut out = SqlFragment::default();
    let mut terms: Vec<String> = Vec::new();
    for entry in order {
        let term = match &entry.field {
            Field::Attribute(attribute) => attribute_term(run, *attribute, entry.descending),
            Field::Metric(key) => {
                out.params.push(Value::Text(key.clone()));
                metric_term(run, entry.descending)
            }
            Field::Param(key) | Field::Tag(key) => {
                out.params.push(Value::Text(key.clone()));
                let table = if matches!(entry.field, Field::Param(_)) {
                    "params"
                } else {
                    "tags"
                };
                let subquery =
                    format!("(SELECT value FROM {table} WHERE run_id = {run}.id AND key = ?)");
                // NULL (no such key) sorts first ascending and last descending in SQLite.
                if entry.descending {
                    format!("{subquery} DESC")
                } else {
                    format!("{subquery} ASC NULLS LAST")
                }
            }
            Field::Dataset(_) => continue,
        };
        terms.push(term);
    }
    let orders_by_start_time = order
        .iter()
        .any(|entry| entry.field == Field::Attribute(RunAttribute::StartTime));
    if !orders_by_start_time {
        terms.push(attribute_term(run, RunAttribute::StartTime, true));
    }
    terms.push(format!("{run}.run_uuid ASC"));
    out.sql = terms.join(", ");
    out
}

fn attribute_term(run: &str, attribute: RunAttribute, descending: bool) -> String {
    let column = attribute_column(attribute);
    let nullable = matches!(attribute, RunAttribute::StartTime | RunAttribute::EndTime);
    match (descending, nullable) {
        // NULL is the smallest value in SQLite, so DESC already puts it last.
        (true, _) => format!("{run}.{column} DESC"),
        (false, true) => format!("{run}.{column} ASC NULLS LAST"),
        (false, false) => format!("{run}.{column} ASC"),
    }
}

/// One sort key for a metric's latest value, ascending in SQLite's order, whatever the direction:
/// - a number sorts as itself (ASC) or negated (DESC), so larger comes first for DESC;
/// - NaN becomes the text 'NaN', which SQLite sorts after every number;
/// - a run without the metric gets NULL, put last by NULLS LAST.
///
/// This is MLflow's order (values, then NaN, then missing) with one subquery per run.
fn metric_term(run: &str, descending: bool) -> String {
    let value = if descending {
        "-latest_value"
    } else {
        "latest_value"
    };
    format!(
        "(SELECT CASE WHEN latest_is_nan THEN 'NaN' ELSE {value} END FROM metric_series \
         WHERE run_id = {run}.id AND key = ?) ASC NULLS LAST"
    )
}
