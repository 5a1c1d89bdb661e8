//! Run search in PostgreSQL: the filter, order and page of a [`RunSearch`] as one statement over
//! `runs` (the filter compiled by `filter.rs`, sort keys joined by `order.rs`), a separate
//! `count(*)` when the total is asked for, and the page's runs loaded in a fixed number of
//! statements. Everything is read in the caller's one read-only snapshot.

mod attributes;
mod filter;
mod groups;
mod order;
mod sql;
#[cfg(test)]
mod tests;

use postgres::Transaction;

use crate::error::{StoreError, StoreResult};
use crate::model::{Run, RunInfo, RunIo, ViewType};
use crate::store::{MAX_RESULTS_LIMIT, RunPage, RunSearch};

use super::row::{RUN_INFO_COLUMNS, run_info};
use super::{run_io, run_load, statements};
use sql::{SqlValue, Statement};

pub(super) use groups::group_by_param;

/// A page before its runs are loaded: their keys and infos, in order.
struct InfoPage {
    infos: Vec<(i64, RunInfo)>,
    next_offset: Option<usize>,
    total_count: Option<u64>,
}

pub(super) fn search_runs(tx: &mut Transaction<'_>, search: &RunSearch) -> StoreResult<RunPage> {
    let mut runs = Vec::new();
    let mut page = walk_page(tx, search, usize::MAX, false, &mut |slice, _| {
        runs.extend(slice);
        Ok(())
    })?;
    page.runs = runs;
    Ok(page)
}

/// Runs the search and hands its runs to `each` in slices of at most `slice_runs`, with their
/// inputs and outputs; the returned page's `runs` is empty.
pub(super) fn search_runs_in_slices(
    tx: &mut Transaction<'_>,
    search: &RunSearch,
    slice_runs: usize,
    each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
) -> StoreResult<RunPage> {
    walk_page(tx, search, slice_runs, true, each)
}

/// The page of `search`, its runs handed to `each` in slices, with their inputs and outputs
/// when `with_io` (five statements a slice that a plain page does not need).
fn walk_page(
    tx: &mut Transaction<'_>,
    search: &RunSearch,
    slice_runs: usize,
    with_io: bool,
    each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
) -> StoreResult<RunPage> {
    if search.max_results == 0 || search.max_results > MAX_RESULTS_LIMIT {
        return Err(StoreError::invalid(
            "max_results",
            format!("{} is outside 1..={MAX_RESULTS_LIMIT}", search.max_results),
        ));
    }
    let page = search_infos(tx, search)?;
    let mut infos = page.infos.into_iter().peekable();
    while infos.peek().is_some() {
        let slice: Vec<(i64, RunInfo)> = infos.by_ref().take(slice_runs.max(1)).collect();
        let pks: Vec<i64> = slice.iter().map(|(pk, _)| *pk).collect();
        let (loaded, present) = run_load::load(tx, slice)?;
        let ios = if with_io {
            let mut by_pk = run_io::by_run_pk(tx, &pks, present)?;
            pks.iter()
                .map(|pk| by_pk.remove(pk).unwrap_or_default())
                .collect()
        } else {
            Vec::new()
        };
        each(loaded, ios)?;
    }
    Ok(RunPage {
        runs: Vec::new(),
        next_offset: page.next_offset,
        total_count: page.total_count,
    })
}

/// The `WHERE` condition of a search (experiments, view and filter) on `runs r`, its parameters
/// first in `statement`.
fn write_conditions(search: &RunSearch, statement: &mut Statement) {
    write_conditions_but(search, None, statement);
}

/// The one experiment of a search whose page `part` reads through its first sort key's metric
/// rows, which then test the experiment themselves (see [`order::compile_order`]).
fn experiment_in_order(search: &RunSearch, part: order::Part) -> Option<i64> {
    let by_metric = matches!(
        search.order_by.first().map(|entry| &entry.field),
        Some(crate::search::Field::Metric(_))
    );
    match (search.experiment_ids.as_slice(), part) {
        ([only], order::Part::Valued | order::Part::Nan) if by_metric => Some(only.0),
        _ => None,
    }
}

/// [`write_conditions`], without the test of the experiment `tested_elsewhere` when there is one.
fn write_conditions_but(
    search: &RunSearch,
    tested_elsewhere: Option<i64>,
    statement: &mut Statement,
) {
    statement.push("TRUE");
    match search.experiment_ids.as_slice() {
        [] => {}
        [_] if tested_elsewhere.is_some() => {}
        // One experiment as `=`, so that `runs_by_experiment` hands over its runs already in
        // the default order and a page stops reading when it is full.
        [only] => {
            statement.push(" AND r.experiment_id = ");
            statement.bind(SqlValue::Int(only.0));
        }
        many => {
            statement.push(" AND r.experiment_id = ANY(");
            statement.bind(SqlValue::IntList(many.iter().map(|id| id.0).collect()));
            statement.push(")");
        }
    }
    let stage = match search.view {
        ViewType::ActiveOnly => Some("active"),
        ViewType::DeletedOnly => Some("deleted"),
        ViewType::All => None,
    };
    if let Some(stage) = stage {
        statement.push(" AND r.lifecycle_stage = ");
        statement.bind(SqlValue::Text(stage.to_owned()));
    }
    if let Some(filter) = &search.filter {
        statement.push(" AND ");
        filter::write_filter(filter, statement);
    }
}

/// The statement counting a search's runs.
fn count_statement(search: &RunSearch) -> Statement {
    let mut statement = Statement::default();
    statement.push("SELECT count(*) FROM runs r WHERE ");
    write_conditions(search, &mut statement);
    statement
}

/// The runs read for a page: those before it, the page, and one more, which tells whether
/// another page follows.
fn rows_wanted(search: &RunSearch) -> usize {
    search
        .offset
        .saturating_add(search.max_results)
        .saturating_add(1)
}

/// The statement reading `limit` of a search's run infos in `part`, from its first.
fn page_statement(search: &RunSearch, part: order::Part, limit: usize) -> Statement {
    let experiment = experiment_in_order(search, part);
    let mut conditions = Statement::default();
    write_conditions_but(search, experiment, &mut conditions);
    let mut statement = conditions.clone();
    let order = order::compile_order(&search.order_by, part, experiment, &mut statement);
    let limit = statement.placeholder(SqlValue::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    statement.sql = format!(
        "SELECT {RUN_INFO_COLUMNS} FROM runs r{joins} WHERE {conditions} AND {part}
         ORDER BY {terms} LIMIT {limit}",
        joins = order.joins,
        conditions = conditions.sql,
        part = order.part_condition,
        terms = order.terms,
    );
    statement
}

/// One page of `search` (already validated), before its runs are loaded: its runs read part by
/// part (see [`order::Part`]) until the page and one more run are there, the runs before the
/// offset skipped.
fn search_infos(tx: &mut Transaction<'_>, search: &RunSearch) -> StoreResult<InfoPage> {
    let total_count = if search.count_total {
        let count = count_statement(search);
        let total: i64 = match rows_of(tx, &count)?.first() {
            Some(row) => row.try_get(0)?,
            None => 0,
        };
        Some(total.unsigned_abs())
    } else {
        None
    };
    let wanted = rows_wanted(search);
    let mut infos = Vec::new();
    for part in order::parts(&search.order_by) {
        let page = page_statement(search, *part, wanted - infos.len());
        // A part read through its metric's rows tests their experiment, not the run's: a series
        // begun while its run was being moved can keep the old one. Such a run is never shown
        // in the experiment it left.
        let experiment = experiment_in_order(search, *part);
        for row in rows_of(tx, &page)? {
            let (pk, info) = run_info(&row, 0)?;
            let elsewhere = experiment.is_some_and(|experiment| info.experiment_id.0 != experiment);
            if !elsewhere {
                infos.push((pk, info));
            }
        }
        if infos.len() >= wanted {
            break;
        }
    }
    let mut infos: Vec<(i64, RunInfo)> = infos.into_iter().skip(search.offset).collect();
    let next_offset = (infos.len() > search.max_results).then(|| {
        infos.truncate(search.max_results);
        search.offset.saturating_add(search.max_results)
    });
    Ok(InfoPage {
        infos,
        next_offset,
        total_count,
    })
}

/// The rows of a search statement, prepared with its values written in. A plan is made for a
/// search's own values, never for any value: one kept for a common param value would serve a
/// rare one, walking a whole metric index that the common one stops early in. Prepared per set
/// of values, the same search asked again (a page refreshed, a view polling) is planned once,
/// which was a third of PostgreSQL's time for a filtered page.
fn rows_of(tx: &mut Transaction<'_>, statement: &Statement) -> StoreResult<Vec<postgres::Row>> {
    if let Some(text) = statement.inlined()
        && let Some(prepared) = statements::prepared_search(tx, &text)?
    {
        return Ok(tx.query(&prepared, &[])?);
    }
    Ok(tx.query_typed(&statement.sql, &statement.typed_values())?)
}

/// PostgreSQL's plan of a search, as it ran (`EXPLAIN ANALYZE`): the page's statement, then the
/// count's when the total is asked for.
pub(super) fn explain(tx: &mut Transaction<'_>, search: &RunSearch) -> StoreResult<Vec<String>> {
    let wanted = rows_wanted(search);
    let mut statements: Vec<Statement> = order::parts(&search.order_by)
        .iter()
        .map(|part| page_statement(search, *part, wanted))
        .collect();
    if search.count_total {
        statements.push(count_statement(search));
    }
    let mut lines = Vec::new();
    for statement in statements {
        let sql = format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {}", statement.sql);
        for row in tx.query_typed(&sql, &statement.typed_values())? {
            lines.push(row.get(0));
        }
    }
    Ok(lines)
}
