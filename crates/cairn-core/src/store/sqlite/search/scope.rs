//! The runs a search looks at: the requested experiments in the requested lifecycle view, read
//! from the covering `runs_by_experiment` index, and the bound on run ids that sizes every set.
//! Reading them is most of an unfiltered search's time at 100,000 runs, and every keystroke of a
//! filter asks for the same ones, so recent sets are kept ([`ScopeCache`]) while the store's
//! `run_scope_generation` (moved by triggers whenever a run is added, removed, moved or deleted,
//! by any process) has not moved.

use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use rusqlite::types::Value;

use crate::error::StoreResult;
use crate::model::ViewType;
use crate::store::RunSearch;

use super::run_set::RunSet;

/// How many scopes (experiment selections and views) are kept.
const KEPT_SCOPES: usize = 4;

/// The candidate sets of recent searches, shared by the store's connections.
#[derive(Debug, Default)]
pub(crate) struct ScopeCache {
    entries: Mutex<Vec<CachedScope>>,
}

#[derive(Debug)]
struct CachedScope {
    key: ScopeKey,
    generation: i64,
    bound: usize,
    runs: Arc<RunSet>,
}

/// What decides a search's candidates: its experiments (sorted, without repeats) and its view.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ScopeKey {
    experiments: Vec<i64>,
    view: ViewType,
}

impl ScopeKey {
    fn of(search: &RunSearch) -> ScopeKey {
        let mut experiments: Vec<i64> = search.experiment_ids.iter().map(|id| id.0).collect();
        experiments.sort_unstable();
        experiments.dedup();
        ScopeKey {
            experiments,
            view: search.view,
        }
    }
}

impl ScopeCache {
    fn get(&self, key: &ScopeKey, generation: i64, bound: usize) -> Option<Arc<RunSet>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let found = entries.iter().position(|entry| {
            entry.generation == generation && entry.bound == bound && entry.key == *key
        })?;
        // Most recently used first.
        let entry = entries.remove(found);
        let runs = Arc::clone(&entry.runs);
        entries.insert(0, entry);
        Some(runs)
    }

    fn put(&self, key: ScopeKey, generation: i64, bound: usize, runs: Arc<RunSet>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // Sets of an older generation can never be used again.
        entries.retain(|entry| entry.generation == generation && entry.key != key);
        entries.insert(
            0,
            CachedScope {
                key,
                generation,
                bound,
                runs,
            },
        );
        entries.truncate(KEPT_SCOPES);
    }
}

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

/// The runs of the requested experiments (all when none are named) in the requested view, from
/// `cache` when the store's runs have not changed since they were read.
pub(super) fn candidates(
    connection: &Connection,
    cache: &ScopeCache,
    search: &RunSearch,
    bound: usize,
) -> StoreResult<Arc<RunSet>> {
    // The counter and the runs must come from one snapshot, or a set read after another
    // process's commit could be kept under the generation before it.
    let snapshot = connection
        .is_autocommit()
        .then(|| connection.unchecked_transaction())
        .transpose()?;
    let generation: i64 = connection
        .prepare_cached("SELECT generation FROM run_scope_generation WHERE id = 1")?
        .query_row([], |row| row.get(0))?;
    let key = ScopeKey::of(search);
    if let Some(runs) = cache.get(&key, generation, bound) {
        return Ok(runs);
    }
    let runs = Arc::new(read_candidates(connection, search, bound)?);
    drop(snapshot);
    cache.put(key, generation, bound, Arc::clone(&runs));
    Ok(runs)
}

/// Reads the runs of a search's experiments and view from the `runs_by_experiment` index.
fn read_candidates(
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
