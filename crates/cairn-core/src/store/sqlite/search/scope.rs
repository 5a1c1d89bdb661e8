//! The runs a search looks at: the requested experiments in the requested lifecycle view, read
//! from the covering `runs_by_experiment` index, and the bound on run ids that sizes every set.

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::error::StoreResult;
use crate::model::ViewType;
use crate::store::RunSearch;

use super::run_set::RunSet;

/// Ids up to this bound are always dense enough for bitsets and per-id arrays.
const ALWAYS_DENSE: i64 = 1 << 20;
/// Above [`ALWAYS_DENSE`], ids must cover at least a quarter of their range...
const MIN_DENSITY: i64 = 4;
/// ...and stay below this bound (per-id arrays of it take a few hundred megabytes).
const MAX_BOUND: i64 = 1 << 27;

/// One past the largest run id, when ids are dense enough for sets indexed by id (they are
/// unless runs were inserted with hand-picked ids); `None` sends the search down the SQL path.
pub(super) fn id_bound(connection: &Connection) -> StoreResult<Option<usize>> {
    let (min, max): (Option<i64>, Option<i64>) = connection
        .prepare_cached("SELECT (SELECT min(id) FROM runs), (SELECT max(id) FROM runs)")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    let (Some(min), Some(max)) = (min, max) else {
        return Ok(Some(1));
    };
    if min < 0 || max >= MAX_BOUND {
        return Ok(None);
    }
    if max >= ALWAYS_DENSE {
        let count: i64 = connection
            .prepare_cached("SELECT count(*) FROM runs")?
            .query_row([], |row| row.get(0))?;
        if count.saturating_mul(MIN_DENSITY) < max {
            return Ok(None);
        }
    }
    Ok(usize::try_from(max + 1).ok())
}

/// The runs of the requested experiments (all when none are named) in the requested view.
pub(super) fn candidates(
    connection: &Connection,
    search: &RunSearch,
    bound: usize,
) -> StoreResult<RunSet> {
    let (conditions, parameters) = scope_conditions(search, "runs");
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let mut set = RunSet::empty(bound);
    let mut statement = connection.prepare_cached(&format!("SELECT id FROM runs{where_clause}"))?;
    let mut rows = statement.query(rusqlite::params_from_iter(parameters.iter()))?;
    while let Some(row) = rows.next()? {
        set.insert(row.get(0)?);
    }
    Ok(set)
}

/// The SQL conditions (on the runs table named `alias`) and their parameters that restrict a
/// search to its experiments and lifecycle view.
pub(super) fn scope_conditions(search: &RunSearch, alias: &str) -> (Vec<String>, Vec<Value>) {
    let mut conditions = Vec::new();
    let mut parameters = Vec::new();
    if !search.experiment_ids.is_empty() {
        conditions.push(format!(
            "{alias}.experiment_id IN (SELECT value FROM json_each(?))"
        ));
        let ids: Vec<String> = search
            .experiment_ids
            .iter()
            .map(|id| id.0.to_string())
            .collect();
        parameters.push(Value::Text(format!("[{}]", ids.join(","))));
    }
    let stage = match search.view {
        ViewType::ActiveOnly => Some("active"),
        ViewType::DeletedOnly => Some("deleted"),
        ViewType::All => None,
    };
    if let Some(stage) = stage {
        conditions.push(format!("{alias}.lifecycle_stage = ?"));
        parameters.push(Value::Text(stage.to_owned()));
    }
    (conditions, parameters)
}
