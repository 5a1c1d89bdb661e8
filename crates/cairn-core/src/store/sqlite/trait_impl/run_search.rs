//! [`RunSearchStore`] for [`SqliteStore`]: run search.

use crate::error::StoreResult;
use crate::model::{Run, RunIo};
use crate::store::{ParamGroup, RunPage, RunSearch, RunSearchStore};

use super::super::{SqliteStore, search};

impl RunSearchStore for SqliteStore {
    fn search_runs(&self, search: &RunSearch) -> StoreResult<RunPage> {
        self.read(|db| search::search_runs(db, &self.scope_cache, search))
    }

    fn search_runs_in_slices(
        &self,
        search: &RunSearch,
        slice_runs: usize,
        each: &mut dyn FnMut(Vec<Run>, Vec<RunIo>) -> StoreResult<()>,
    ) -> StoreResult<RunPage> {
        self.read(|db| {
            search::search_runs_in_slices(db, &self.scope_cache, search, slice_runs, each)
        })
    }

    fn group_runs_by_param(
        &self,
        search: &RunSearch,
        param_key: &str,
        metric_key: Option<&str>,
    ) -> StoreResult<Vec<ParamGroup>> {
        self.read(|db| search::group_by_param(db, &self.scope_cache, search, param_key, metric_key))
    }
}
