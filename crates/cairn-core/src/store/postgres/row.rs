//! Reading runs out of rows, and the run lookups every write starts with.

use postgres::{Row, Transaction};

use super::sql::{args, query_opt};
use crate::error::{StoreError, StoreResult};
use crate::model::{ExperimentId, LifecycleStage, RunInfo, RunStatus, SourceKind};

/// The `runs` columns [`run_info`] reads, for `SELECT {RUN_INFO_COLUMNS} FROM runs r`.
pub(crate) const RUN_INFO_COLUMNS: &str = "r.id, r.run_uuid, r.experiment_id, r.name, r.user_id, \
     r.status, r.start_time_ms, r.end_time_ms, r.lifecycle_stage, r.artifact_uri, r.source_kind, \
     r.source_path, r.source_missing, r.parent_run_uuid";

/// The row's surrogate key and its [`RunInfo`] (columns as in [`RUN_INFO_COLUMNS`], from
/// `first` on).
pub(crate) fn run_info(row: &Row, first: usize) -> StoreResult<(i64, RunInfo)> {
    let column = |offset: usize| first + offset;
    let status: &str = row.try_get(column(5))?;
    let lifecycle: &str = row.try_get(column(8))?;
    let source_kind: &str = row.try_get(column(10))?;
    Ok((
        row.try_get(column(0))?,
        RunInfo {
            run_id: row.try_get(column(1))?,
            experiment_id: ExperimentId(row.try_get(column(2))?),
            run_name: row.try_get(column(3))?,
            user_id: row.try_get(column(4))?,
            status: RunStatus::parse(status).unwrap_or(RunStatus::Running),
            start_time_ms: row.try_get(column(6))?,
            end_time_ms: row.try_get(column(7))?,
            lifecycle_stage: LifecycleStage::parse(lifecycle).unwrap_or(LifecycleStage::Active),
            artifact_uri: row.try_get(column(9))?,
            source_kind: SourceKind::parse(source_kind).unwrap_or(SourceKind::MlflowApi),
            source_path: row.try_get(column(11))?,
            source_missing: row.try_get(column(12))?,
            parent_run_id: row.try_get(column(13))?,
        },
    ))
}

/// A run's surrogate key and info, or [`StoreError::RunNotFound`].
pub(crate) fn find_run(tx: &mut Transaction<'_>, run_id: &str) -> StoreResult<(i64, RunInfo)> {
    let row = query_opt(
        tx,
        &format!("SELECT {RUN_INFO_COLUMNS} FROM runs r WHERE r.run_uuid = $1"),
        args![run_id],
    )?;
    match row {
        Some(row) => run_info(&row, 0),
        None => Err(StoreError::RunNotFound {
            run_id: run_id.to_string(),
        }),
    }
}

/// A run's surrogate key, for writing: fails when the run is missing or deleted.
pub(crate) fn writable_run(tx: &mut Transaction<'_>, run_id: &str) -> StoreResult<i64> {
    let row = query_opt(
        tx,
        "SELECT id, lifecycle_stage FROM runs WHERE run_uuid = $1",
        args![run_id],
    )?;
    let Some(row) = row else {
        return Err(StoreError::RunNotFound {
            run_id: run_id.to_string(),
        });
    };
    if row.try_get::<_, &str>(1)? == LifecycleStage::Deleted.as_str() {
        return Err(StoreError::Deleted {
            entity: "run",
            id: run_id.to_string(),
        });
    }
    Ok(row.try_get(0)?)
}
