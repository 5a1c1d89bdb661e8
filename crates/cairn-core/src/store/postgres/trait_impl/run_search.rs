//! [`RunSearchStore`] for [`PostgresStore`]: run search, each answer read in one snapshot.

use crate::error::StoreResult;
use crate::model::{Run, RunIo};
use crate::store::postgres::{PostgresStore, search};
use crate::store::{ParamGroup, RunPage, RunSearch, RunSearchStore};

impl RunSearchStore for PostgresStore {
    fn search_runs(&self, search: &RunSearch) -> StoreResult<RunPage> {
        self.keep_statistics();
        self.read(|tx| search::search_runs(tx, search))
    }

    fn search_runs_in_slices(
        &self,
        search: &RunSearch,
        slice_runs: usize,
        each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
    ) -> StoreResult<RunPage> {
        self.keep_statistics();
        self.read(|tx| search::search_runs_in_slices(tx, search, slice_runs, each))
    }

    fn group_runs_by_param(
        &self,
        search: &RunSearch,
        param_key: &str,
        metric_key: Option<&str>,
    ) -> StoreResult<Vec<ParamGroup>> {
        self.keep_statistics();
        self.read(|tx| search::group_by_param(tx, search, param_key, metric_key))
    }
}
