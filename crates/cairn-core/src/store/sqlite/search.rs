//! Run search: the filter, order and page of [`RunSearch`] over `runs`, evaluated as sets of run
//! ids. SQLite answers each clause from an index (every value a bound parameter); the sets are
//! combined, counted and ordered here, where SQLite would probe row by row. Stores with sparse run
//! ids take the one-statement SQL path instead.

mod filter;
mod groups;
mod order;
mod run_set;
mod scope;
mod sort_keys;
mod sql_path;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::{StoreError, StoreResult};
use crate::model::RunInfo;
use crate::store::{MAX_RESULTS_LIMIT, RunPage, RunSearch};

use super::row::{RUN_INFO_COLUMNS, run_info};
use super::runs;

pub(super) use groups::group_by_param;

pub(super) fn search_runs(connection: &Connection, search: &RunSearch) -> StoreResult<RunPage> {
    if search.max_results == 0 || search.max_results > MAX_RESULTS_LIMIT {
        return Err(StoreError::invalid(
            "max_results",
            format!("{} is outside 1..={MAX_RESULTS_LIMIT}", search.max_results),
        ));
    }
    // One read transaction, so that every query sees the same runs.
    let snapshot = connection
        .is_autocommit()
        .then(|| connection.unchecked_transaction())
        .transpose()?;
    let page = match scope::id_bound(connection)? {
        Some(bound) => search_sets(connection, search, bound),
        None => sql_path::search_runs(connection, search),
    };
    drop(snapshot);
    page
}

/// The set-based executor; run ids are below `bound`.
fn search_sets(connection: &Connection, search: &RunSearch, bound: usize) -> StoreResult<RunPage> {
    let candidates = scope::candidates(connection, search, bound)?;
    let members = match &search.filter {
        Some(filter) => filter::select(connection, filter, &candidates, bound)?,
        None => candidates,
    };
    let total = members.len();
    let need = search.offset.saturating_add(search.max_results);
    let first = order::first_in_order(connection, &search.order_by, &members, bound, need)?;
    let page = first.get(search.offset..).unwrap_or_default();
    Ok(RunPage {
        runs: runs::load(connection, run_infos(connection, page)?)?,
        next_offset: (total > need).then_some(need),
        total_count: search.count_total.then_some(total as u64),
    })
}

/// The runs' infos, in the order of `ids`.
fn run_infos(connection: &Connection, ids: &[u32]) -> StoreResult<Vec<(i64, RunInfo)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = format!(
        "[{}]",
        ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    );
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {RUN_INFO_COLUMNS} FROM runs r WHERE r.id IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut found: HashMap<i64, RunInfo> = statement
        .query_map([json], run_info)?
        .collect::<Result<_, _>>()?;
    Ok(ids
        .iter()
        .filter_map(|&id| {
            found
                .remove(&i64::from(id))
                .map(|info| (i64::from(id), info))
        })
        .collect())
}
