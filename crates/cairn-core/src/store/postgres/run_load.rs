//! Loading runs whole: params, tags and latest metrics of a set of runs, with which optional
//! records they have, in one statement, then provenance only when some of them has any. A
//! search page used to spend a round trip on each of those four reads; on a busy host each
//! round trip waits for PostgreSQL's process to be scheduled again.

use std::collections::HashMap;

use postgres::Transaction;

use super::present::Present;
use super::provenance;
use super::sql::{args, query};
use crate::error::StoreResult;
use crate::model::{LatestMetric, MetricPoint, Param, Run, RunInfo, Tag};

/// Rows of kind 0 (params), 1 (tags) and 2 (latest metrics), and one row per kind of optional
/// record with whether any of the runs has it in `flag` (kinds 3 to 7). Unordered: each run's
/// lists are put in order here, which costs a fraction of PostgreSQL's sort of all the rows.
const LOAD: &str = "
    SELECT 0 AS kind, run_id, key, value, NULL::DOUBLE PRECISION AS latest_value,
           NULL::BOOLEAN AS flag, NULL::BIGINT AS step, NULL::BIGINT AS timestamp_ms,
           NULL::BIGINT AS point_count, seq
    FROM params WHERE run_id = ANY($1)
    UNION ALL
    SELECT 1, run_id, key, value, NULL, NULL, NULL, NULL, NULL, seq
    FROM tags WHERE run_id = ANY($1)
    UNION ALL
    SELECT 2, run_id, key, NULL, latest_value, latest_is_nan, latest_step, latest_timestamp_ms,
           point_count, 0
    FROM metric_series WHERE run_id = ANY($1) AND point_count > 0
    UNION ALL
    SELECT 3, NULL, NULL, NULL, NULL,
           EXISTS (SELECT 1 FROM git_provenance WHERE run_id = ANY($1)), NULL, NULL, NULL, 0
    UNION ALL
    SELECT 4, NULL, NULL, NULL, NULL,
           EXISTS (SELECT 1 FROM run_data WHERE run_id = ANY($1)), NULL, NULL, NULL, 0
    UNION ALL
    SELECT 5, NULL, NULL, NULL, NULL,
           EXISTS (SELECT 1 FROM run_inputs WHERE run_id = ANY($1)), NULL, NULL, NULL, 0
    UNION ALL
    SELECT 6, NULL, NULL, NULL, NULL,
           EXISTS (SELECT 1 FROM run_model_inputs WHERE run_id = ANY($1)), NULL, NULL, NULL, 0
    UNION ALL
    SELECT 7, NULL, NULL, NULL, NULL,
           EXISTS (SELECT 1 FROM run_outputs WHERE run_id = ANY($1)), NULL, NULL, NULL, 0";

/// The runs of `infos` (row key and info) with their params, tags, latest metrics and
/// provenance, in the same order; and which optional records any of them has. Params and tags
/// come in logging order (then by key), metrics by key; keys compare by their bytes.
pub(crate) fn load(
    tx: &mut Transaction<'_>,
    infos: Vec<(i64, RunInfo)>,
) -> StoreResult<(Vec<Run>, Present)> {
    let mut present = Present::none();
    if infos.is_empty() {
        return Ok((Vec::new(), present));
    }
    let position: HashMap<i64, usize> = infos
        .iter()
        .enumerate()
        .map(|(index, (run_pk, _))| (*run_pk, index))
        .collect();
    let run_pks: Vec<i64> = infos.iter().map(|(run_pk, _)| *run_pk).collect();
    let mut runs: Vec<Run> = infos
        .into_iter()
        .map(|(_, info)| Run::of_info(info))
        .collect();
    // Params and tags with their logging order, sorted once all are read.
    let mut params: Vec<Vec<(i64, Param)>> = vec![Vec::new(); runs.len()];
    let mut tags: Vec<Vec<(i64, Tag)>> = vec![Vec::new(); runs.len()];
    for row in &query(tx, LOAD, args![run_pks.clone()])? {
        let kind: i32 = row.try_get(0)?;
        if kind >= 3 {
            let flag: bool = row.try_get(5)?;
            match kind {
                3 => present.git = flag,
                4 => present.data = flag,
                5 => present.inputs = flag,
                6 => present.model_inputs = flag,
                _ => present.outputs = flag,
            }
            continue;
        }
        let Some(&index) = position.get(&row.try_get::<_, i64>(1)?) else {
            continue;
        };
        let run = &mut runs[index];
        match kind {
            0 => params[index].push((
                row.try_get(9)?,
                Param {
                    key: row.try_get(2)?,
                    value: row.try_get(3)?,
                },
            )),
            1 => tags[index].push((
                row.try_get(9)?,
                Tag {
                    key: row.try_get(2)?,
                    value: row.try_get(3)?,
                },
            )),
            _ => {
                let is_nan: bool = row.try_get(5)?;
                let value = match row.try_get::<_, Option<f64>>(4)? {
                    Some(value) if !is_nan => value,
                    _ => f64::NAN,
                };
                let point_count: i64 = row.try_get(8)?;
                run.metrics.push(LatestMetric {
                    key: row.try_get(2)?,
                    latest: MetricPoint {
                        step: row.try_get(6)?,
                        timestamp_ms: row.try_get(7)?,
                        value,
                    },
                    point_count: point_count.unsigned_abs(),
                });
            }
        }
    }
    for ((run, mut params), mut tags) in runs.iter_mut().zip(params).zip(tags) {
        params.sort_by(|(one, a), (other, b)| one.cmp(other).then_with(|| a.key.cmp(&b.key)));
        run.params = params.into_iter().map(|(_, param)| param).collect();
        tags.sort_by(|(one, a), (other, b)| one.cmp(other).then_with(|| a.key.cmp(&b.key)));
        run.tags = tags.into_iter().map(|(_, tag)| tag).collect();
        run.metrics.sort_by(|a, b| a.key.cmp(&b.key));
    }
    provenance::attach(tx, &run_pks, &position, &mut runs, present)?;
    Ok((runs, present))
}
