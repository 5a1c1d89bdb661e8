//! Grouping a search's runs by the value of one param, with a summary of one metric per group:
//! the runs table's "group by". The filter is evaluated set-wise as for a page of runs; the
//! param's values and the metric's latest values are read once each from their covering
//! indexes and tallied per group.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::Connection;

use crate::error::StoreResult;
use crate::store::{GroupMetric, MAX_RESULTS_LIMIT, ParamGroup, RunSearch};

use super::{ScopeCache, filter, scope, sql_path};

/// Running totals of one group.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) runs: u64,
    pub(super) metric: Option<GroupMetric>,
}

impl Tally {
    fn add(&mut self, metric: Option<f64>) {
        self.runs += 1;
        let Some(value) = metric.filter(|value| value.is_finite()) else {
            return;
        };
        let summary = self.metric.get_or_insert(GroupMetric {
            min: value,
            max: value,
            mean: 0.0,
            count: 0,
        });
        summary.min = summary.min.min(value);
        summary.max = summary.max.max(value);
        summary.count += 1;
        // Running mean: stays accurate without a large sum.
        summary.mean += (value - summary.mean) / summary.count as f64;
    }
}

/// The groups of the search's runs by `param_key`, sorted by value with runs lacking the param
/// last; `metric_key` is summarised over each group's runs that have a finite latest value.
pub(in crate::store::sqlite) fn group_by_param(
    connection: &Connection,
    cache: &ScopeCache,
    search: &RunSearch,
    param_key: &str,
    metric_key: Option<&str>,
) -> StoreResult<Vec<ParamGroup>> {
    let snapshot = connection
        .is_autocommit()
        .then(|| connection.unchecked_transaction())
        .transpose()?;
    let tallies = match scope::id_bound(connection)? {
        Some(bound) => tally_sets(connection, cache, search, param_key, metric_key, bound)?,
        None => tally_pages(connection, search, param_key, metric_key)?,
    };
    drop(snapshot);
    let mut groups: Vec<ParamGroup> = Vec::with_capacity(tallies.len());
    let mut missing = None;
    for (value, tally) in tallies {
        let group = ParamGroup {
            value,
            run_count: tally.runs,
            metric: tally.metric,
        };
        if group.value.is_none() {
            missing = Some(group);
        } else {
            groups.push(group);
        }
    }
    groups.extend(missing);
    Ok(groups)
}

pub(super) fn tally_sets(
    connection: &Connection,
    cache: &ScopeCache,
    search: &RunSearch,
    param_key: &str,
    metric_key: Option<&str>,
    bound: usize,
) -> StoreResult<BTreeMap<Option<String>, Tally>> {
    let candidates = scope::candidates(connection, cache, search, bound)?;
    let members = match &search.filter {
        Some(filter) => filter::select(connection, filter, &candidates, bound)?,
        None => Arc::unwrap_or_clone(candidates),
    };
    // Group index per run id; values are few, runs many.
    let mut values: Vec<String> = Vec::new();
    let mut value_index: BTreeMap<String, u32> = BTreeMap::new();
    let mut group_of: Vec<u32> = vec![u32::MAX; bound];
    {
        let mut statement =
            connection.prepare_cached("SELECT run_id, value FROM params WHERE key = ?1")?;
        let mut rows = statement.query([param_key])?;
        while let Some(row) = rows.next()? {
            let run_id: i64 = row.get(0)?;
            if !members.contains(run_id) {
                continue;
            }
            let value: String = row.get(1)?;
            let next = u32::try_from(values.len()).unwrap_or(u32::MAX - 1);
            let index = *value_index.entry(value.clone()).or_insert_with(|| {
                values.push(value);
                next
            });
            if let Some(slot) = usize::try_from(run_id)
                .ok()
                .and_then(|id| group_of.get_mut(id))
            {
                *slot = index;
            }
        }
    }
    let mut metric_of: Vec<f64> = Vec::new();
    if let Some(metric_key) = metric_key {
        metric_of = vec![f64::NAN; bound];
        let mut statement = connection.prepare_cached(
            "SELECT run_id, latest_value FROM metric_series
             WHERE key = ?1 AND latest_value IS NOT NULL",
        )?;
        let mut rows = statement.query([metric_key])?;
        while let Some(row) = rows.next()? {
            let run_id: i64 = row.get(0)?;
            if let Some(slot) = usize::try_from(run_id)
                .ok()
                .and_then(|id| metric_of.get_mut(id))
            {
                *slot = row.get(1)?;
            }
        }
    }
    let mut tallies: Vec<Tally> = values.iter().map(|_| Tally::default()).collect();
    let mut without = Tally::default();
    for run_id in members.ids() {
        let Ok(id) = usize::try_from(run_id) else {
            continue;
        };
        let metric = metric_of.get(id).copied();
        let group = group_of.get(id).copied().unwrap_or(u32::MAX);
        match tallies.get_mut(group as usize) {
            Some(tally) => tally.add(metric),
            None => without.add(metric),
        }
    }
    let mut grouped: BTreeMap<Option<String>, Tally> = values
        .into_iter()
        .map(Some)
        .zip(tallies)
        .filter(|(_, tally)| tally.runs > 0)
        .collect();
    if without.runs > 0 {
        grouped.insert(None, without);
    }
    Ok(grouped)
}

/// The SQL path's equivalent, for stores whose run ids are too sparse for sets: pages through
/// the matching runs.
pub(super) fn tally_pages(
    connection: &Connection,
    search: &RunSearch,
    param_key: &str,
    metric_key: Option<&str>,
) -> StoreResult<BTreeMap<Option<String>, Tally>> {
    let mut grouped: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    let mut page_search = RunSearch {
        order_by: Vec::new(),
        max_results: MAX_RESULTS_LIMIT,
        offset: 0,
        count_total: false,
        ..search.clone()
    };
    loop {
        let page = sql_path::search_runs(connection, &page_search)?;
        for run in &page.runs {
            let value = run
                .params
                .iter()
                .find(|param| param.key == param_key)
                .map(|param| param.value.clone());
            let metric = metric_key.and_then(|key| {
                run.metrics
                    .iter()
                    .find(|metric| metric.key == key)
                    .map(|metric| metric.latest.value)
            });
            grouped.entry(value).or_default().add(metric);
        }
        match page.next_offset {
            Some(offset) => page_search.offset = offset,
            None => break,
        }
    }
    Ok(grouped)
}
