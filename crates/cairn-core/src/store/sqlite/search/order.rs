//! Puts the selected runs in order and keeps the first `need` of them. Every order ends with
//! MLflow's default, `start_time DESC` (missing last) then `run_uuid`: with no order_by that is
//! the whole order, walked from the `runs_by_start` index until enough runs are found; otherwise
//! the order_by keys are compared here and only runs that tie on all of them are told apart by
//! their place in the default order.

use std::cmp::Ordering;

use rusqlite::Connection;

use crate::error::StoreResult;
use crate::search::{Field, OrderBy, RunAttribute};

use super::run_set::RunSet;
use super::sort_keys::sort_keys;

/// Up to this many runs (or a sixteenth of all runs, if more) have their start time and uuid
/// looked up one by one; more than that, and the default order is read from its index instead.
const LOOKUP_LIMIT: usize = if cfg!(test) { 8 } else { 2_000 };

/// The ids of the first `need` members in the requested order (all of them if fewer).
pub(super) fn first_in_order(
    connection: &Connection,
    order_by: &[OrderBy],
    members: &RunSet,
    bound: usize,
    need: usize,
) -> StoreResult<Vec<u32>> {
    let mut columns: Vec<Vec<u32>> = Vec::new();
    if !is_default_order(order_by) {
        for entry in order_by {
            if let Some(keys) = sort_keys(connection, entry, members, bound)? {
                columns.push(keys);
            }
        }
    }
    let mut ids: Vec<u32> = members
        .ids()
        .filter_map(|id| u32::try_from(id).ok())
        .collect();
    if columns.is_empty() {
        return default_order(connection, ids, members, bound, need);
    }
    let compare = |a: &u32, b: &u32| {
        columns
            .iter()
            .map(|keys| key_of(keys, *a).cmp(&key_of(keys, *b)))
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    if need == 0 {
        return Ok(Vec::new());
    }
    if ids.len() > need {
        // The first `need` by key, plus every run tying with the last of them: the default
        // order decides which of those make it.
        ids.select_nth_unstable_by(need - 1, compare);
        let boundary = ids[need - 1];
        let (head, tail) = ids.split_at(need);
        let mut kept = head.to_vec();
        kept.extend(tail.iter().filter(|id| compare(id, &boundary).is_eq()));
        ids = kept;
    }
    ids.sort_unstable_by(compare);
    let tied: Vec<u32> = ids
        .iter()
        .enumerate()
        .filter(|&(index, id)| {
            let ties = |other: Option<&u32>| other.is_some_and(|other| compare(id, other).is_eq());
            ties(index.checked_sub(1).and_then(|before| ids.get(before)))
                || ties(ids.get(index + 1))
        })
        .map(|(_, id)| *id)
        .collect();
    if !tied.is_empty() {
        let ranks = default_ranks(connection, &tied, bound)?;
        ids.sort_unstable_by(|a, b| {
            compare(a, b).then_with(|| key_of(&ranks, *a).cmp(&key_of(&ranks, *b)))
        });
    }
    ids.truncate(need);
    Ok(ids)
}

/// Whether the order is MLflow's default (no order_by, or `start_time DESC` alone).
pub(super) fn is_default_order(order_by: &[OrderBy]) -> bool {
    match order_by {
        [] => true,
        [only] => only.field == Field::Attribute(RunAttribute::StartTime) && only.descending,
        _ => false,
    }
}

fn key_of(keys: &[u32], id: u32) -> u32 {
    keys.get(id as usize).copied().unwrap_or(u32::MAX)
}

/// The first `need` of `ids` (the members, ascending) in the default order.
fn default_order(
    connection: &Connection,
    mut ids: Vec<u32>,
    members: &RunSet,
    bound: usize,
    need: usize,
) -> StoreResult<Vec<u32>> {
    if ids.len() <= lookup_limit(bound) {
        let ranks = default_ranks(connection, &ids, bound)?;
        ids.sort_unstable_by_key(|id| key_of(&ranks, *id));
        ids.truncate(need);
        return Ok(ids);
    }
    let mut first = Vec::with_capacity(need.min(ids.len()));
    if need == 0 {
        return Ok(first);
    }
    let mut statement = connection.prepare_cached(DEFAULT_ORDER)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if members.contains(id) {
            first.extend(u32::try_from(id).ok());
            if first.len() == need {
                break;
            }
        }
    }
    Ok(first)
}

/// Every run in the default order (answered from the `runs_by_start` index).
const DEFAULT_ORDER: &str = "SELECT id FROM runs ORDER BY start_time_ms DESC, run_uuid ASC";

fn lookup_limit(bound: usize) -> usize {
    LOOKUP_LIMIT.max(bound / 16)
}

/// Ranks in the default order, indexed by run id, good for comparing the runs in `ids` (other
/// runs may have any rank).
fn default_ranks(connection: &Connection, ids: &[u32], bound: usize) -> StoreResult<Vec<u32>> {
    let mut ranks = vec![u32::MAX; bound];
    if ids.len() <= lookup_limit(bound) {
        let json = format!(
            "[{}]",
            ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
        );
        let mut statement = connection.prepare_cached(
            "SELECT id, start_time_ms, run_uuid FROM runs \
             WHERE id IN (SELECT value FROM json_each(?1))",
        )?;
        let mut rows = statement.query([json])?;
        let mut runs: Vec<(Option<i64>, String, i64)> = Vec::with_capacity(ids.len());
        while let Some(row) = rows.next()? {
            runs.push((row.get(1)?, row.get(2)?, row.get(0)?));
        }
        // start_time DESC with missing last (None is the smallest Option), then run_uuid.
        runs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        for (rank, (_, _, id)) in runs.iter().enumerate() {
            set_rank(&mut ranks, *id, rank);
        }
        return Ok(ranks);
    }
    let mut statement = connection.prepare_cached(DEFAULT_ORDER)?;
    let mut rows = statement.query([])?;
    let mut rank = 0;
    while let Some(row) = rows.next()? {
        set_rank(&mut ranks, row.get(0)?, rank);
        rank += 1;
    }
    Ok(ranks)
}

fn set_rank(ranks: &mut [u32], id: i64, rank: usize) {
    if let Some(slot) = usize::try_from(id).ok().and_then(|id| ranks.get_mut(id)) {
        *slot = u32::try_from(rank).unwrap_or(u32::MAX);
    }
}
