//! Compiles a run [`Filter`] to a PostgreSQL boolean expression over `runs r`, every value a
//! bound parameter. Params, tags, metrics and datasets are `EXISTS` subqueries on their tables
//! keyed by `(key, value)`: PostgreSQL's planner turns them into semi-joins (or hashed subplans
//! under OR) answered from the `(key, value) INCLUDE (run_id)` indexes, and picks the order
//! itself from its statistics, so no clause is hand-picked to drive.
//!
//! Semantics are those of the SQLite compiler (`search/sql.rs`), which are MLflow's:
//! - a comparison on a param, tag or metric matches only runs that have the key, so
//!   `params.x != 'y'` skips runs without `x`; `IS NULL` asks for no such key at all;
//! - a metric is tested on its latest value, and a NaN latest value (stored as NULL) never
//!   matches; a NaN on the right matches nothing either;
//! - LIKE is case-sensitive, ILIKE folds ASCII letters only, and neither has an escape
//!   character (`%` and `_` are always wildcards);
//! - strings compare by their bytes (`COLLATE "C"`), as SQLite's BINARY collation does;
//! - a dataset comparison matches when any of the run's input datasets matches.

use crate::search::{CompareOp, Comparison, DatasetField, Field, Filter, Literal, Predicate};

use super::attributes::{
    ColumnKind, attribute_column, indexed_by_bytes, indexed_by_trigrams, narrows_by_trigrams,
};
use super::sql::{SqlValue, Statement};

/// How many leading characters of a param or tag value its `value_head` column holds, which its
/// indexes carry (migrations 0004 and 0007: a whole value may be longer than an index entry).
const INDEXED_VALUE_CHARS: usize = 200;

/// The input tag that holds a dataset's context (`train`, `eval`...).
const DATASET_CONTEXT_TAG: &str = "mlflow.data.context";

/// Appends the filter as one parenthesised boolean expression on `runs r`.
pub(super) fn write_filter(filter: &Filter, out: &mut Statement) {
    match filter {
        Filter::And(children) => write_group(children, " AND ", "TRUE", out),
        Filter::Or(children) => write_group(children, " OR ", "FALSE", out),
        Filter::Compare(comparison) => write_comparison(comparison, out),
    }
}

fn write_group(children: &[Filter], separator: &str, when_empty: &str, out: &mut Statement) {
    if children.is_empty() {
        out.push(when_empty);
        return;
    }
    out.push("(");
    for (index, child) in children.iter().enumerate() {
        if index > 0 {
            out.push(separator);
        }
        write_filter(child, out);
    }
    out.push(")");
}

fn write_comparison(comparison: &Comparison, out: &mut Statement) {
    let predicate = &comparison.predicate;
    match &comparison.field {
        Field::Metric(key) => write_keyed("metric_series", key, ColumnKind::Float, predicate, out),
        Field::Param(key) => write_keyed("params", key, ColumnKind::Text, predicate, out),
        Field::Tag(key) => write_keyed("tags", key, ColumnKind::Text, predicate, out),
        Field::Attribute(attribute) => {
            let (column, kind) = attribute_column(*attribute);
            write_test(&format!("r.{column}"), kind, predicate, out);
        }
        Field::Dataset(DatasetField::Context) => {
            out.push("EXISTS (SELECT 1 FROM run_input_tags d WHERE d.run_id = r.id AND d.key = ");
            out.bind(SqlValue::Text(DATASET_CONTEXT_TAG.to_owned()));
            out.push(" AND ");
            write_test("d.value", ColumnKind::Text, predicate, out);
            out.push(")");
        }
        Field::Dataset(field) => {
            let column = match field {
                DatasetField::Digest => "d.digest",
                _ => "d.name",
            };
            out.push(
                "EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.id = i.dataset_id \
                 WHERE i.run_id = r.id AND ",
            );
            write_test(column, ColumnKind::Text, predicate, out);
            out.push(")");
        }
    }
}

/// A test on a key-value table (`params`, `tags`, `metric_series`): the run must have a row
/// for the key whose value passes; `IS NULL` asks for no row at all.
fn write_keyed(
    table: &str,
    key: &str,
    kind: ColumnKind,
    predicate: &Predicate,
    out: &mut Statement,
) {
    let value_column = if table == "metric_series" {
        "k.latest_value"
    } else {
        "k.value"
    };
    if *predicate == Predicate::IsNull {
        out.push("NOT ");
    }
    // The experiment is not named here, though a metric's row carries it: right after a bulk
    // load, before PostgreSQL's statistics catch up, the planner joined on it into a plan that
    // ran for minutes (one without it, seconds).
    out.push(&format!(
        "EXISTS (SELECT 1 FROM {table} k WHERE k.run_id = r.id AND k.key = "
    ));
    out.bind(SqlValue::Text(key.to_owned()));
    match predicate {
        Predicate::IsNull | Predicate::IsNotNull => {}
        // Equality tests the indexed head: both the `(key, value_head)` index that finds a rare
        // value's runs (in byte order, so the test is written in that collation) and the
        // `(run_id, key) INCLUDE (value_head)` one that probes a run hold it, so neither reads
        // the table. A value shorter than the head is whole when the head equals it; one as
        // long or longer is compared whole after. (One test, not two, for the usual short
        // value: PostgreSQL would multiply two estimates of the same match and misjudge how
        // many runs pass.)
        Predicate::Compare {
            op: CompareOp::Eq,
            value,
        } if kind == ColumnKind::Text => {
            let value = literal_text(value);
            let prefix: String = value.chars().take(INDEXED_VALUE_CHARS).collect();
            let whole = value.chars().count() >= INDEXED_VALUE_CHARS;
            out.push(" AND k.value_head COLLATE \"C\" = ");
            out.bind(SqlValue::Text(prefix));
            if whole {
                out.push(&format!(" AND {value_column} = "));
                out.bind(SqlValue::Text(value));
            }
        }
        _ => {
            out.push(" AND ");
            write_test(value_column, kind, predicate, out);
        }
    }
    out.push(")");
}

/// A literal compared with a text column: numbers as they were written.
fn literal_text(value: &Literal) -> String {
    match value {
        Literal::Text(text) => text.clone(),
        Literal::Number(number) => number.to_string(),
    }
}

/// `column <predicate>` for a column of `kind`.
fn write_test(column: &str, kind: ColumnKind, predicate: &Predicate, out: &mut Statement) {
    match predicate {
        Predicate::Compare {
            op: op @ (CompareOp::Like | CompareOp::ILike),
            value,
        } => {
            let pattern = literal_text(value);
            let text = match kind {
                ColumnKind::Text => column.to_owned(),
                ColumnKind::Float | ColumnKind::Integer => format!("{column}::text"),
            };
            // lower() under the C collation folds ASCII letters only, as SQLite's does.
            let folded = pattern.to_ascii_lowercase();
            let lowered = format!("lower({text} COLLATE \"C\")");
            let trigrams = indexed_by_trigrams(column);
            let narrows = trigrams && narrows_by_trigrams(&folded);
            match op {
                CompareOp::Like if narrows => {
                    // What matches also matches folded, which the trigram index can look up.
                    out.push("(");
                    write_like(&lowered, folded, out);
                    out.push(" AND ");
                    write_like(&text, pattern, out);
                    out.push(")");
                }
                CompareOp::Like => write_like(&text, pattern, out),
                // A test the trigram index cannot answer, as `IS TRUE` (the same in a filter)
                // keeps it from reading all of that index; the estimate still uses the index's
                // statistics.
                _ if trigrams && !narrows => {
                    out.push("(");
                    write_like(&lowered, folded, out);
                    out.push(") IS TRUE");
                }
                _ => write_like(&lowered, folded, out),
            }
        }
        Predicate::Compare { op, value } => write_compare(column, kind, *op, value, out),
        Predicate::In(values) | Predicate::NotIn(values) => {
            let negated = matches!(predicate, Predicate::NotIn(_));
            if values.is_empty() {
                out.push(if negated { "TRUE" } else { "FALSE" });
                return;
            }
            let list = match kind {
                ColumnKind::Text => SqlValue::TextList(values.clone()),
                // Numbers written as strings compare as numbers; other strings match nothing.
                ColumnKind::Float | ColumnKind::Integer => SqlValue::FloatList(
                    values
                        .iter()
                        .filter_map(|value| value.trim().parse::<f64>().ok())
                        .filter(|value| !value.is_nan())
                        .collect(),
                ),
            };
            let operand = match kind {
                ColumnKind::Integer => format!("{column}::float8"),
                _ => column.to_owned(),
            };
            out.push(&operand);
            out.push(if negated { " <> ALL(" } else { " = ANY(" });
            out.bind(list);
            out.push(")");
        }
        Predicate::IsNull => out.push(&format!("{column} IS NULL")),
        Predicate::IsNotNull => out.push(&format!("{column} IS NOT NULL")),
    }
}

/// `text LIKE pattern`, with no escape character (`%` and `_` are always wildcards).
fn write_like(text: &str, pattern: String, out: &mut Statement) {
    out.push(&format!("{text} LIKE "));
    out.bind(SqlValue::Text(pattern));
    out.push(" ESCAPE ''");
}

/// `column <op> value` (op is not LIKE or ILIKE).
fn write_compare(
    column: &str,
    kind: ColumnKind,
    op: CompareOp,
    value: &Literal,
    out: &mut Statement,
) {
    let sql_op = op.as_str();
    match kind {
        ColumnKind::Text => {
            let text = literal_text(value);
            // Equality is the same under every collation, and written in the one of the
            // column's index; order is by bytes.
            let collate =
                if matches!(op, CompareOp::Eq | CompareOp::NotEq) && !indexed_by_bytes(column) {
                    ""
                } else {
                    " COLLATE \"C\""
                };
            out.push(&format!("{column}{collate} {sql_op} "));
            out.bind(SqlValue::Text(text));
        }
        ColumnKind::Float | ColumnKind::Integer => {
            let number = match value {
                Literal::Number(number) => Some(*number),
                Literal::Text(text) => text.trim().parse::<f64>().ok(),
            };
            let Some(number) = number.filter(|number| !number.is_nan()) else {
                out.push("FALSE");
                return;
            };
            // Whole numbers compare with an integer column as integers (exactly).
            if kind == ColumnKind::Integer && number.fract() == 0.0 && number.abs() < 9.0e18 {
                out.push(&format!("{column} {sql_op} "));
                out.bind(SqlValue::Int(number as i64));
            } else {
                let operand = if kind == ColumnKind::Integer {
                    format!("{column}::float8")
                } else {
                    column.to_owned()
                };
                out.push(&format!("{operand} {sql_op} "));
                out.bind(SqlValue::Float(number));
            }
        }
    }
}
