//! Compiles an order_by list to PostgreSQL: one `LEFT JOIN` per metric, param or tag sort key
//! (on its `(run_id, key)` unique index) and the `ORDER BY` terms, with MLflow's rules: missing
//! values (and NaN metrics) last in both directions, NaN before missing; then `start_time DESC`
//! (missing last) unless start_time was already ordered by; then `run_uuid`, so that the order is
//! total and pages are stable. Strings sort by their bytes (`COLLATE "C"`), as in SQLite.

use crate::search::{Field, OrderBy, RunAttribute};

use super::attributes::{ColumnKind, attribute_column};
use super::sql::{SqlValue, Statement};

/// The joins a search needs for its sort keys, and the list that follows `ORDER BY`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct CompiledOrder {
    /// `LEFT JOIN ...` clauses, to follow `FROM runs r`.
    pub(super) joins: String,
    /// The `ORDER BY` list.
    pub(super) terms: String,
}

/// Compiles `order`, binding its keys into `statement` (whose other parameters may come before
/// or after: placeholders are numbered, not positional). Dataset entries, which the parser
/// refuses, are skipped.
pub(super) fn compile_order(order: &[OrderBy], statement: &mut Statement) -> CompiledOrder {
    let mut joins = String::new();
    let mut terms: Vec<String> = Vec::new();
    for (index, entry) in order.iter().enumerate() {
        let direction = if entry.descending { "DESC" } else { "ASC" };
        let alias = format!("o{index}");
        match &entry.field {
            Field::Metric(key) => {
                let key = statement.placeholder(SqlValue::Text(key.clone()));
                joins.push_str(&format!(
                    " LEFT JOIN metric_series {alias} ON {alias}.run_id = r.id AND {alias}.key = {key}"
                ));
                // Values, then NaN (stored as a row with a NULL value), then runs without the
                // metric (no row): both columns come from the `(key, latest_value) INCLUDE
                // (run_id)` index, so the join reads no table rows.
                terms.push(format!("{alias}.latest_value {direction} NULLS LAST"));
                terms.push(format!("{alias}.run_id IS NULL"));
            }
            Field::Param(key) | Field::Tag(key) => {
                let table = if matches!(entry.field, Field::Param(_)) {
                    "params"
                } else {
                    "tags"
                };
                let key = statement.placeholder(SqlValue::Text(key.clone()));
                joins.push_str(&format!(
                    " LEFT JOIN {table} {alias} ON {alias}.run_id = r.id AND {alias}.key = {key}"
                ));
                terms.push(format!(
                    "{alias}.value COLLATE \"C\" {direction} NULLS LAST"
                ));
            }
            Field::Attribute(attribute) => terms.push(attribute_term(*attribute, direction)),
            Field::Dataset(_) => {}
        }
    }
    let orders_by_start_time = order
        .iter()
        .any(|entry| entry.field == Field::Attribute(RunAttribute::StartTime));
    if !orders_by_start_time {
        terms.push(attribute_term(RunAttribute::StartTime, "DESC"));
    }
    terms.push("r.run_uuid".to_owned());
    CompiledOrder {
        joins,
        terms: terms.join(", "),
    }
}

fn attribute_term(attribute: RunAttribute, direction: &str) -> String {
    match attribute_column(attribute) {
        (column, ColumnKind::Text) => format!("r.{column} COLLATE \"C\" {direction}"),
        (column, _) => format!("r.{column} {direction} NULLS LAST"),
    }
}
