//! The most common search, as one statement: every run of one experiment in one lifecycle stage,
//! newest first, no filter, no count. The `runs_by_experiment` index already holds those runs
//! by start time, so SQLite reads just the page (ties on start time sorted by run id), where the
//! set executor would first read every run of the experiment into a set.

use rusqlite::Connection;

use crate::error::StoreResult;
use crate::model::ViewType;
use crate::store::RunSearch;

use super::super::row::{RUN_INFO_COLUMNS, run_info};
use super::InfoPage;
use super::order::is_default_order;

/// The page, when `search` is that case; `None` otherwise.
pub(super) fn page(connection: &Connection, search: &RunSearch) -> StoreResult<Option<InfoPage>> {
    let ([experiment_id], Some(stage)) = (search.experiment_ids.as_slice(), stage(search.view))
    else {
        return Ok(None);
    };
    if search.filter.is_some() || search.count_total || !is_default_order(&search.order_by) {
        return Ok(None);
    }
    let mut statement = connection.prepare_cached(&newest_first_sql())?;
    let limit = i64::try_from(search.max_results.saturating_add(1)).unwrap_or(i64::MAX);
    let offset = i64::try_from(search.offset).unwrap_or(i64::MAX);
    let mut infos = statement
        .query_map(
            rusqlite::params![experiment_id.0, stage, limit, offset],
            run_info,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let next_offset = (infos.len() > search.max_results).then(|| {
        infos.truncate(search.max_results);
        search.offset.saturating_add(search.max_results)
    });
    Ok(Some(InfoPage {
        infos,
        next_offset,
        total_count: None,
    }))
}

/// The statement; start time DESC puts missing start times last, as MLflow does.
pub(super) fn newest_first_sql() -> String {
    format!(
        "SELECT {RUN_INFO_COLUMNS} FROM runs r
         WHERE r.experiment_id = ?1 AND r.lifecycle_stage = ?2
         ORDER BY r.start_time_ms DESC, r.run_uuid LIMIT ?3 OFFSET ?4"
    )
}

fn stage(view: ViewType) -> Option<&'static str> {
    match view {
        ViewType::ActiveOnly => Some("active"),
        ViewType::DeletedOnly => Some("deleted"),
        ViewType::All => None,
    }
}
