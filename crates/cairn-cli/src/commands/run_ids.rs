//! Run ids as people type them: `cairn runs list` shows the first 8 characters, and any unique
//! beginning of at least 4 hex characters names the run, as git takes a commit's. A beginning
//! that names several runs is an error listing them; a whole id is taken as it is.

use anyhow::bail;
use cairn_core::Store;
use cairn_core::model::ViewType;
use cairn_core::store::RunSearch;

/// The shortest beginning taken.
const MIN_PREFIX: usize = 4;

/// A whole MLflow run id's length.
const FULL_LENGTH: usize = 32;

/// The whole id of the run `given` names.
pub fn resolve(store: &dyn Store, given: &str) -> anyhow::Result<String> {
    let short = given.len() >= MIN_PREFIX
        && given.len() < FULL_LENGTH
        && given.bytes().all(|byte| byte.is_ascii_hexdigit());
    if !short {
        return Ok(given.to_owned());
    }
    let prefix = given.to_ascii_lowercase();
    let experiment_ids = store
        .list_experiments(ViewType::All)?
        .into_iter()
        .map(|summary| summary.experiment.experiment_id)
        .collect();
    let search = RunSearch {
        experiment_ids,
        view: ViewType::All,
        filter: cairn_core::search::parse_filter(&format!("attributes.run_id LIKE '{prefix}%'"))
            .map_err(|error| anyhow::anyhow!("run id '{given}': {}", error.message))?,
        max_results: 6,
        ..RunSearch::default()
    };
    let found: Vec<String> = store
        .search_runs(&search)?
        .runs
        .into_iter()
        .map(|run| run.info.run_id)
        .filter(|id| id.starts_with(&prefix))
        .collect();
    match found.as_slice() {
        [] => Ok(given.to_owned()),
        [only] => Ok(only.clone()),
        many => bail!(
            "run id '{given}' is the beginning of several runs ({}{}): give more of it",
            many.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
            if many.len() > 5 { ", ..." } else { "" }
        ),
    }
}

/// [`resolve`] for each of `given`.
pub fn resolve_all(store: &dyn Store, given: &[String]) -> anyhow::Result<Vec<String>> {
    given.iter().map(|id| resolve(store, id)).collect()
}
