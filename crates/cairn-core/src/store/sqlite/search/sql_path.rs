//! Run search as one SQL statement (the compiled filter and order over `runs`), for stores whose
//! run ids are too sparse for the set-based executor; also the reference it is tested against.

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::error::StoreResult;
use crate::search::{compile_filter, compile_order_by};
use crate::store::{RunPage, RunSearch};

use super::super::row::{RUN_INFO_COLUMNS, run_info};
use super::super::runs;
use super::InfoPage;

/// One page of `search` (already validated), runs loaded: the grouping pass reads through it, and
/// it is the reference the set-based executor is tested against.
pub(super) fn search_runs(connection: &Connection, search: &RunSearch) -> StoreResult<RunPage> {
    let page = search_infos(connection, search)?;
    Ok(RunPage {
        runs: runs::load(connection, page.infos)?,
        next_offset: page.next_offset,
        total_count: page.total_count,
    })
}

/// One page of `search` (already validated), before its runs are loaded.
pub(super) fn search_infos(connection: &Connection, search: &RunSearch) -> StoreResult<InfoPage> {
    let (mut conditions, mut parameters) = super::scope::scope_conditions(search, "r");
    if let Some(filter) = &search.filter {
        let fragment = compile_filter(filter, "r");
        conditions.push(format!("({})", fragment.sql));
        parameters.extend(fragment.params);
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let total_count = if search.count_total {
        let sql = format!("SELECT count(*) FROM runs r {where_clause}");
        let count: i64 = connection
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(parameters.iter()), |row| {
                row.get(0)
            })?;
        Some(count.unsigned_abs())
    } else {
        None
    };
    let order = compile_order_by(&search.order_by, "r");
    parameters.extend(order.params);
    parameters.push(Value::Integer(
        i64::try_from(search.max_results + 1).unwrap_or(i64::MAX),
    ));
    parameters.push(Value::Integer(
        i64::try_from(search.offset).unwrap_or(i64::MAX),
    ));
    let sql = format!(
        "SELECT {RUN_INFO_COLUMNS} FROM runs r {where_clause} ORDER BY {} LIMIT ? OFFSET ?",
        order.sql
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let mut infos = statement
        .query_map(rusqlite::params_from_iter(parameters.iter()), run_info)?
        .collect::<Result<Vec<_>, _>>()?;
    let next_offset = (infos.len() > search.max_results).then(|| {
        infos.truncate(search.max_results);
        search.offset + search.max_results
    });
    Ok(InfoPage {
        infos,
        next_offset,
        total_count,
    })
}
