//! Run search: the filter, order and page of [`RunSearch`] over `runs`, evaluated as sets of run
//! ids. SQLite answers each clause from an index (every value a bound parameter); the sets are
//! combined, counted and ordered here, where SQLite would probe row by row. Stores with sparse run
//! ids take the one-statement SQL path instead, and so does the plain newest-first page of one
//! experiment, which its index answers directly.

mod filter;
mod groups;
mod newest_first;
mod order;
mod run_set;
mod scope;
mod sort_keys;
mod sql_path;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::Connection;

use crate::error::{StoreError, StoreResult};
use crate::model::{Run, RunInfo, RunIo};
use crate::store::{MAX_RESULTS_LIMIT, RunPage, RunSearch};

use super::row::{RUN_INFO_COLUMNS, run_info};
use super::{run_io, runs};

/// A page before its runs are loaded: their keys and infos, in order.
pub(super) struct InfoPage {
    pub(super) infos: Vec<(i64, RunInfo)>,
    pub(super) next_offset: Option<usize>,
    pub(super) total_count: Option<u64>,
}

pub(super) use groups::group_by_param;
pub(crate) use scope::ScopeCache;

pub(super) fn search_runs(
    connection: &Connection,
    cache: &ScopeCache,
    search: &RunSearch,
) -> StoreResult<RunPage> {
    let mut runs = Vec::new();
    let mut page =
        search_runs_in_slices(connection, cache, search, usize::MAX, &mut |slice, _| {
            runs.extend(slice);
            Ok(())
        })?;
    page.runs = runs;
    Ok(page)
}

/// Runs the search and hands its runs to `each` in slices of at most `slice_runs`, with their
/// inputs and outputs, all in one read transaction; the returned page's `runs` is empty.
pub(super) fn search_runs_in_slices(
    connection: &Connection,
    cache: &ScopeCache,
    search: &RunSearch,
    slice_runs: usize,
    each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
) -> StoreResult<RunPage> {
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
    let page = match newest_first::page(connection, search)? {
        Some(page) => page,
        None => match scope::id_bound(connection)? {
            Some(bound) => search_sets(connection, cache, search, bound)?,
            None => sql_path::search_infos(connection, search)?,
        },
    };
    let mut infos = page.infos.into_iter().peekable();
    while infos.peek().is_some() {
        let slice: Vec<(i64, RunInfo)> = infos.by_ref().take(slice_runs.max(1)).collect();
        let run_ids: Vec<String> = slice.iter().map(|(_, info)| info.run_id.clone()).collect();
        let runs = runs::load(connection, slice)?;
        let ios = run_io::get_many(connection, &run_ids)?;
        each(runs, ios)?;
    }
    drop(snapshot);
    Ok(RunPage {
        runs: Vec::new(),
        next_offset: page.next_offset,
        total_count: page.total_count,
    })
}

/// The set-based executor; run ids are below `bound`.
fn search_sets(
    connection: &Connection,
    cache: &ScopeCache,
    search: &RunSearch,
    bound: usize,
) -> StoreResult<InfoPage> {
    let candidates = scope::candidates(connection, cache, search, bound)?;
    let members = match &search.filter {
        Some(filter) => filter::select(connection, filter, &candidates, bound)?,
        None => Arc::unwrap_or_clone(candidates),
    };
    let total = members.len();
    let need = search.offset.saturating_add(search.max_results);
    let first = order::first_in_order(connection, &search.order_by, &members, bound, need)?;
    let page = first.get(search.offset..).unwrap_or_default();
    Ok(InfoPage {
        infos: run_infos(connection, page)?,
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
