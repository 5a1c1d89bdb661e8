//! Grouping a search's runs by the value of one param, with a summary of one metric per group
//! (the runs table's "group by"), as one `GROUP BY` statement: the param and the metric are
//! `LEFT JOIN`ed on their `(run_id, key)` unique indexes, and only finite latest values count
//! in the summary (NaN is stored as NULL, which aggregates skip; infinities are filtered out).

use postgres::Transaction;

use crate::error::StoreResult;
use crate::store::{GroupMetric, ParamGroup, RunSearch};

use super::sql::{SqlValue, Statement};
use super::write_conditions;

/// The groups of the search's runs by `param_key`, sorted by value (by bytes) with runs lacking
/// the param last; `metric_key` is summarised over each group's runs with a finite latest value.
pub(in crate::store::postgres) fn group_by_param(
    tx: &mut Transaction<'_>,
    search: &RunSearch,
    param_key: &str,
    metric_key: Option<&str>,
) -> StoreResult<Vec<ParamGroup>> {
    let mut statement = Statement::default();
    write_conditions(search, &mut statement);
    let param = statement.placeholder(SqlValue::Text(param_key.to_owned()));
    let (metric_join, summary) = match metric_key {
        Some(metric_key) => {
            let metric = statement.placeholder(SqlValue::Text(metric_key.to_owned()));
            let finite = "m.latest_value NOT IN ('Infinity'::float8, '-Infinity'::float8)";
            (
                format!(" LEFT JOIN metric_series m ON m.run_id = r.id AND m.key = {metric}"),
                format!(
                    "min(m.latest_value) FILTER (WHERE {finite}), \
                     max(m.latest_value) FILTER (WHERE {finite}), \
                     avg(m.latest_value) FILTER (WHERE {finite}), \
                     count(m.latest_value) FILTER (WHERE {finite})"
                ),
            )
        }
        None => (
            String::new(),
            "NULL::float8, NULL::float8, NULL::float8, 0::int8".to_owned(),
        ),
    };
    let sql = format!(
        "SELECT p.value, count(*), {summary}
         FROM runs r LEFT JOIN params p ON p.run_id = r.id AND p.key = {param}{metric_join}
         WHERE {conditions}
         GROUP BY p.value",
        conditions = statement.sql,
    );
    let rows = tx.query_typed(&sql, &statement.typed_values())?;
    let mut groups: Vec<ParamGroup> = rows
        .iter()
        .map(|row| {
            let counted: i64 = row.get(5);
            let metric = match (row.get(2), row.get(3), row.get(4)) {
                (Some(min), Some(max), Some(mean)) if counted > 0 => Some(GroupMetric {
                    min,
                    max,
                    mean,
                    count: counted.unsigned_abs(),
                }),
                _ => None,
            };
            ParamGroup {
                value: row.get(0),
                run_count: row.get::<_, i64>(1).unsigned_abs(),
                metric,
            }
        })
        .collect();
    // By value in bytes' order; `None` (runs without the param) last.
    groups.sort_by(|a, b| match (&a.value, &b.value) {
        (Some(a), Some(b)) => a.cmp(b),
        (a, b) => a.is_none().cmp(&b.is_none()),
    });
    Ok(groups)
}
