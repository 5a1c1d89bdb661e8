//! Evaluates a filter to the set of runs it selects: each comparison is one parameterised
//! `SELECT run_id ...` answered from an index (see `compile_comparison_run_ids`), whose rows set
//! bits; AND and OR combine the sets, and `IS NULL` on a key is the candidates minus the runs that
//! have it. Semantics are those of `compile_filter`, clause by clause.

use rusqlite::Connection;

use crate::error::StoreResult;
use crate::search::{Filter, compile_comparison_run_ids};

use super::run_set::RunSet;

/// The candidates the filter holds for.
pub(super) fn select(
    connection: &Connection,
    filter: &Filter,
    candidates: &RunSet,
    bound: usize,
) -> StoreResult<RunSet> {
    let mut selected = evaluate(connection, filter, candidates, bound)?;
    selected.intersect(candidates);
    Ok(selected)
}

/// The runs the filter holds for; only their intersection with `candidates` is meaningful.
fn evaluate(
    connection: &Connection,
    filter: &Filter,
    candidates: &RunSet,
    bound: usize,
) -> StoreResult<RunSet> {
    match filter {
        Filter::And(children) => {
            let mut all = candidates.clone();
            for child in children {
                if all.is_empty() {
                    break;
                }
                all.intersect(&evaluate(connection, child, candidates, bound)?);
            }
            Ok(all)
        }
        Filter::Or(children) => {
            let mut any = RunSet::empty(bound);
            for child in children {
                any.unite(&evaluate(connection, child, candidates, bound)?);
            }
            Ok(any)
        }
        Filter::Compare(comparison) => {
            let compiled = compile_comparison_run_ids(comparison);
            let mut found = RunSet::empty(bound);
            let mut statement = connection.prepare_cached(&compiled.query.sql)?;
            let mut rows =
                statement.query(rusqlite::params_from_iter(compiled.query.params.iter()))?;
            while let Some(row) = rows.next()? {
                found.insert(row.get(0)?);
            }
            if compiled.complement {
                let mut missing = candidates.clone();
                missing.subtract(&found);
                return Ok(missing);
            }
            Ok(found)
        }
    }
}
