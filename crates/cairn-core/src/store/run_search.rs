//! Run search: MLflow's filter and order_by over runs, paged, and the runs table's group-by.

use crate::error::StoreResult;
use crate::model::{Run, RunIo};
use crate::store::{ParamGroup, RunPage, RunSearch};

/// Searching runs: filter, order, page and count, and grouping by a param.
///
/// Part of [`crate::Store`]; every method validates its input as [`crate::validate`] says.
pub trait RunSearchStore: Send + Sync {
    /// Searches runs.
    fn search_runs(&self, search: &RunSearch) -> StoreResult<RunPage>;

    /// Searches runs and hands the page to `each` in order, in slices of at most `slice_runs`
    /// runs with their inputs and outputs, all read as of one moment, so that a large page is
    /// never held whole. Returns the page's `next_offset` and `total_count`; its `runs` is empty.
    fn search_runs_in_slices(
        &self,
        search: &RunSearch,
        slice_runs: usize,
        each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
    ) -> StoreResult<RunPage>;

    /// The search's runs (its experiments, view and filter; order and page ignored) grouped by
    /// the value of `param_key`, sorted by value with runs lacking the param last; with
    /// `metric_key`, each group summarises that metric's latest values.
    fn group_runs_by_param(
        &self,
        search: &RunSearch,
        param_key: &str,
        metric_key: Option<&str>,
    ) -> StoreResult<Vec<ParamGroup>>;
}
