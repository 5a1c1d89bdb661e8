//! Compiles a [`Filter`] to a parameterised SQLite boolean expression over the `runs` table.
//! Values are always bound as parameters, never written into the SQL text.
//!
//! Metrics, params, tags and datasets are tested with subqueries on their tables: one clause per
//! AND group drives as `run.id IN (SELECT run_id ... WHERE key = ? AND ...)`, answered from the
//! `(key, value)` indexes, and the others are checked with correlated `EXISTS` lookups on the
//! `(run_id, key)` keys (see `sql_driver.rs`). Semantics follow MLflow's SQL store:
//! - a comparison on a param, tag or metric matches only runs that have the key, so
//!   `params.x != 'y'` skips runs without `x`;
//! - a metric is tested on its latest value, and NaN (stored as NULL) never matches a comparison;
//! - LIKE is case-sensitive and ILIKE ignores ASCII case (both through GLOB, see `glob.rs`);
//! - a dataset comparison matches when any of the run's input datasets matches.

use rusqlite::types::Value;

use super::ast::{
    CompareOp, Comparison, DatasetField, Field, Filter, Literal, Predicate, RunAttribute,
};
use super::glob::like_to_glob;
use super::sql_driver::{Role, and_roles, effective_role};

/// A piece of SQL with its `?` parameters, in the order they appear.
///
/// Fragments use positional `?` placeholders: when a fragment is pasted into a larger statement,
/// its parameters go into that statement's parameter list at the same place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlFragment {
    /// The SQL text.
    pub sql: String,
    /// The values bound to the `?` placeholders, in order.
    pub params: Vec<Value>,
}

impl SqlFragment {
    fn push_param(&mut self, value: Value) {
        self.sql.push('?');
        self.params.push(value);
    }
}

/// The filter as a boolean SQL expression to put after `WHERE` (parenthesised when compound).
/// `run_alias` is the name the caller gave the `runs` table (e.g. `r`); it must be a plain SQL
/// identifier.
pub fn compile_filter(filter: &Filter, run_alias: &str) -> SqlFragment {
    let mut out = SqlFragment::default();
    write_filter(filter, run_alias, Role::Driver, &mut out);
    out
}

fn write_filter(filter: &Filter, run: &str, role: Role, out: &mut SqlFragment) {
    let role = effective_role(filter, role);
    match filter {
        Filter::And(children) => {
            let roles = and_roles(children, role);
            write_group(children, &roles, " AND ", "1", run, out);
        }
        Filter::Or(children) => {
            let roles = vec![role; children.len()];
            write_group(children, &roles, " OR ", "0", run, out);
        }
        Filter::Compare(comparison) => write_comparison(comparison, run, role, out),
    }
}

fn write_group(
    children: &[Filter],
    roles: &[Role],
    separator: &str,
    when_empty: &str,
    run: &str,
    out: &mut SqlFragment,
) {
    if children.is_empty() {
        out.sql.push_str(when_empty);
        return;
    }
    out.sql.push('(');
    for (index, (child, role)) in children.iter().zip(roles).enumerate() {
        if index > 0 {
            out.sql.push_str(separator);
        }
        write_filter(child, run, *role, out);
    }
    out.sql.push(')');
}

fn write_comparison(comparison: &Comparison, run: &str, role: Role, out: &mut SqlFragment) {
    let predicate = &comparison.predicate;
    let keyed = |table, value_column, key: &str, out: &mut SqlFragment| {
        write_keyed(
            KeyedTest {
                run,
                table,
                value_column,
                key,
                predicate,
                role,
            },
            out,
        );
    };
    match &comparison.field {
        Field::Metric(key) => keyed("metric_series", "latest_value", key, out),
        Field::Param(key) => keyed("params", "value", key, out),
        Field::Tag(key) => keyed("tags", "value", key, out),
        Field::Attribute(attribute) => {
            let column = format!("{run}.{}", attribute_column(*attribute));
            write_test(&column, predicate, attribute.is_numeric(), out);
        }
        Field::Dataset(DatasetField::Context) => {
            write_subquery_start(run, "run_input_tags", "run_id", "", role, out);
            out.sql.push_str("key = ");
            out.push_param(Value::Text(DATASET_CONTEXT_TAG.to_owned()));
            out.sql.push_str(" AND ");
            write_test("value", predicate, false, out);
            out.sql.push(')');
        }
        Field::Dataset(field) => {
            let column = match field {
                DatasetField::Digest => "datasets.digest",
                _ => "datasets.name",
            };
            write_subquery_start(
                run,
                "run_inputs",
                "run_inputs.run_id",
                " JOIN datasets ON datasets.id = run_inputs.dataset_id",
                role,
                out,
            );
            write_test(column, predicate, false, out);
            out.sql.push(')');
        }
    }
}

/// Opens a subquery on `table` (plus `join`) up to its `WHERE `, as a driver
/// (`run.id IN (SELECT run_id FROM ... WHERE `) or a probe
/// (`EXISTS (SELECT 1 FROM ... WHERE run_id = run.id AND `); the caller closes it.
fn write_subquery_start(
    run: &str,
    table: &str,
    run_id_column: &str,
    join: &str,
    role: Role,
    out: &mut SqlFragment,
) {
    match role {
        Role::Driver => {
            out.sql.push_str(&format!(
                "{run}.id IN (SELECT {run_id_column} FROM {table}{join} WHERE "
            ));
        }
        Role::Probe => out.sql.push_str(&format!(
            "EXISTS (SELECT 1 FROM {table}{join} WHERE {run_id_column} = {run}.id AND "
        )),
    }
}

/// The input tag that holds a dataset's context (`train`, `eval`...).
const DATASET_CONTEXT_TAG: &str = "mlflow.data.context";

/// The `runs` column behind an attribute.
pub(crate) fn attribute_column(attribute: RunAttribute) -> &'static str {
    match attribute {
        RunAttribute::RunId => "run_uuid",
        RunAttribute::RunName => "name",
        RunAttribute::UserId => "user_id",
        RunAttribute::Status => "status",
        RunAttribute::ArtifactUri => "artifact_uri",
        RunAttribute::StartTime => "start_time_ms",
        RunAttribute::EndTime => "end_time_ms",
    }
}

/// A test on a key-value table (`params`, `tags`, `metric_series`).
struct KeyedTest<'a> {
    run: &'a str,
    table: &'a str,
    value_column: &'a str,
    key: &'a str,
    predicate: &'a Predicate,
    role: Role,
}

/// The run must have a row for the key whose value passes; IS NULL asks for no row at all (and
/// never drives: it is a `NOT EXISTS` lookup).
fn write_keyed(test: KeyedTest<'_>, out: &mut SqlFragment) {
    let KeyedTest {
        run,
        table,
        value_column,
        key,
        predicate,
        role,
    } = test;
    if *predicate == Predicate::IsNull {
        out.sql.push_str(&format!(
            "NOT EXISTS (SELECT 1 FROM {table} WHERE run_id = {run}.id AND key = "
        ));
        out.push_param(Value::Text(key.to_owned()));
        out.sql.push(')');
        return;
    }
    write_subquery_start(run, table, "run_id", "", role, out);
    out.sql.push_str("key = ");
    out.push_param(Value::Text(key.to_owned()));
    if *predicate != Predicate::IsNotNull {
        out.sql.push_str(" AND ");
        write_test(value_column, predicate, false, out);
    }
    out.sql.push(')');
}

/// `column <predicate>`. `integer_column` binds whole numbers as integers (start and end times).
fn write_test(column: &str, predicate: &Predicate, integer_column: bool, out: &mut SqlFragment) {
    match predicate {
        Predicate::Compare {
            op: op @ (CompareOp::Like | CompareOp::ILike),
            value,
        } => {
            let pattern = match value {
                Literal::Text(text) => text.clone(),
                Literal::Number(number) => number.to_string(),
            };
            if *op == CompareOp::Like {
                out.sql.push_str(column);
                out.sql.push_str(" GLOB ");
                out.push_param(Value::Text(like_to_glob(&pattern)));
            } else {
                // SQLite's lower() folds ASCII only, so the pattern is folded the same way.
                out.sql.push_str("lower(");
                out.sql.push_str(column);
                out.sql.push_str(") GLOB ");
                out.push_param(Value::Text(like_to_glob(&pattern.to_ascii_lowercase())));
            }
        }
        Predicate::Compare { op, value } => {
            out.sql.push_str(column);
            out.sql.push(' ');
            out.sql.push_str(op.as_str());
            out.sql.push(' ');
            out.push_param(literal_value(value, integer_column));
        }
        Predicate::In(values) | Predicate::NotIn(values) => {
            let negated = matches!(predicate, Predicate::NotIn(_));
            if values.is_empty() {
                out.sql.push_str(if negated { "1" } else { "0" });
                return;
            }
            out.sql.push_str(column);
            out.sql
                .push_str(if negated { " NOT IN (" } else { " IN (" });
            for (index, value) in values.iter().enumerate() {
                if index > 0 {
                    out.sql.push_str(", ");
                }
                out.push_param(Value::Text(value.clone()));
            }
            out.sql.push(')');
        }
        Predicate::IsNull | Predicate::IsNotNull => {
            out.sql.push_str(column);
            out.sql.push_str(if *predicate == Predicate::IsNull {
                " IS NULL"
            } else {
                " IS NOT NULL"
            });
        }
    }
}

fn literal_value(literal: &Literal, integer_column: bool) -> Value {
    match literal {
        Literal::Text(text) => Value::Text(text.clone()),
        // Whole numbers within i64 range compare with INTEGER columns exactly as integers.
        Literal::Number(number)
            if integer_column && number.fract() == 0.0 && number.abs() < 9.0e18 =>
        {
            Value::Integer(*number as i64)
        }
        Literal::Number(number) => Value::Real(*number),
    }
}

/// One comparison as a query whose rows are the integer ids of the runs it holds for (first
/// column), for executors that combine run sets outside SQL. Runs are not restricted to any
/// experiment or lifecycle stage: the caller intersects with its candidates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunIdQuery {
    /// `SELECT run_id ...` with its parameters.
    pub(crate) query: SqlFragment,
    /// Set for `IS NULL` on a param, tag or metric: the query lists the runs that *have* the key,
    /// and the comparison holds for every other run.
    pub(crate) complement: bool,
}

/// Compiles one comparison to a [`RunIdQuery`], with the semantics of [`compile_filter`]: the
/// same tests on the same columns, so the `(key, value)` indexes answer params, tags and metrics.
pub(crate) fn compile_comparison_run_ids(comparison: &Comparison) -> RunIdQuery {
    let mut out = SqlFragment::default();
    let predicate = &comparison.predicate;
    let keyed = |table: &str, column: &str, key: &str, out: &mut SqlFragment| {
        out.sql.push_str("SELECT run_id FROM ");
        out.sql.push_str(table);
        out.sql.push_str(" WHERE key = ");
        out.push_param(Value::Text(key.to_owned()));
        if !matches!(predicate, Predicate::IsNull | Predicate::IsNotNull) {
            out.sql.push_str(" AND ");
            write_test(column, predicate, false, out);
        }
    };
    let mut complement = false;
    match &comparison.field {
        Field::Metric(key) | Field::Param(key) | Field::Tag(key) => {
            let (table, column) = match &comparison.field {
                Field::Metric(_) => ("metric_series", "latest_value"),
                Field::Param(_) => ("params", "value"),
                _ => ("tags", "value"),
            };
            keyed(table, column, key, &mut out);
            complement = *predicate == Predicate::IsNull;
        }
        Field::Attribute(attribute) => {
            out.sql.push_str("SELECT id FROM runs WHERE ");
            write_test(
                attribute_column(*attribute),
                predicate,
                attribute.is_numeric(),
                &mut out,
            );
        }
        Field::Dataset(DatasetField::Context) => {
            out.sql
                .push_str("SELECT run_id FROM run_input_tags WHERE key = ");
            out.push_param(Value::Text(DATASET_CONTEXT_TAG.to_owned()));
            out.sql.push_str(" AND ");
            write_test("value", predicate, false, &mut out);
        }
        Field::Dataset(field) => {
            let column = match field {
                DatasetField::Digest => "datasets.digest",
                _ => "datasets.name",
            };
            out.sql.push_str(
                "SELECT run_inputs.run_id FROM run_inputs \
                 JOIN datasets ON datasets.id = run_inputs.dataset_id WHERE ",
            );
            write_test(column, predicate, false, &mut out);
        }
    }
    RunIdQuery {
        query: out,
        complement,
    }
}
