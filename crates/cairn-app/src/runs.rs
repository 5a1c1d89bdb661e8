//! Listing experiments and runs for the runs view.

use cairn_core::model::{ExperimentId, ViewType};
use cairn_core::search::{parse_filter, parse_order_by};
use cairn_core::{RunSearch, Store, StoreError};

use crate::AppError;
use crate::views::{ExperimentView, ListRunsRequest, RunRow, RunsPage};

/// Active experiments with their run counts, sorted by name.
pub fn list_experiments(store: &dyn Store) -> Result<Vec<ExperimentView>, AppError> {
    Ok(store
        .list_experiments(ViewType::ActiveOnly)?
        .iter()
        .map(ExperimentView::from)
        .collect())
}

/// One page of runs matching a filter, in the requested order.
pub fn list_runs(store: &dyn Store, request: &ListRunsRequest) -> Result<RunsPage, AppError> {
    let search = run_search(request)?;
    let page = store.search_runs(&search)?;
    Ok(RunsPage::new(
        page.runs.iter().map(RunRow::from).collect(),
        page.total_count.unwrap_or(0),
        page.next_offset,
    ))
}

/// Parses the request's experiment ids, filter and order into a [`RunSearch`].
pub fn run_search(request: &ListRunsRequest) -> Result<RunSearch, AppError> {
    let experiment_ids = request
        .experiment_ids
        .iter()
        .map(|id| {
            id.trim().parse().map(ExperimentId).map_err(|_| {
                AppError::from(StoreError::invalid(
                    "experiment id",
                    format!("'{id}' is not a number"),
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let filter = parse_filter(&request.filter).map_err(StoreError::from)?;
    let order_by = request
        .order_by
        .iter()
        .filter(|clause| !clause.trim().is_empty())
        .map(|clause| parse_order_by(clause).map_err(StoreError::from))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RunSearch {
        experiment_ids,
        filter,
        order_by,
        view: if request.deleted {
            ViewType::DeletedOnly
        } else {
            ViewType::ActiveOnly
        },
        max_results: request.max_results,
        offset: request.offset,
        count_total: true,
    })
}
