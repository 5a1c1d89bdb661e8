//! Reading domain values out of rows, and the lookups every module needs.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{StoreError, StoreResult};
use crate::model::{ExperimentId, LifecycleStage, RunInfo, RunStatus, SourceKind};

/// The `runs` columns [`run_info`] reads, for `SELECT {RUN_INFO_COLUMNS} FROM runs r`.
pub(super) const RUN_INFO_COLUMNS: &str = "r.id, r.run_uuid, r.experiment_id, r.name, r.user_id, \
     r.status, r.start_time_ms, r.end_time_ms, r.lifecycle_stage, r.artifact_uri, r.source_kind, \
     r.source_path, r.source_missing, r.parent_run_uuid";

/// Reads the row's integer key and its [`RunInfo`] (columns as in [`RUN_INFO_COLUMNS`]).
pub(super) fn run_info(row: &Row<'_>) -> rusqlite::Result<(i64, RunInfo)> {
    let status: String = row.get(5)?;
    let lifecycle: String = row.get(8)?;
    let source_kind: String = row.get(10)?;
    Ok((
        row.get(0)?,
        RunInfo {
            run_id: row.get(1)?,
            experiment_id: ExperimentId(row.get(2)?),
            run_name: row.get(3)?,
            user_id: row.get(4)?,
            status: RunStatus::parse(&status).unwrap_or(RunStatus::Running),
            start_time_ms: row.get(6)?,
            end_time_ms: row.get(7)?,
            lifecycle_stage: LifecycleStage::parse(&lifecycle).unwrap_or(LifecycleStage::Active),
            artifact_uri: row.get(9)?,
            source_kind: SourceKind::parse(&source_kind).unwrap_or(SourceKind::MlflowApi),
            source_path: row.get(11)?,
            source_missing: row.get(12)?,
            parent_run_id: row.get(13)?,
        },
    ))
}

/// A run's integer key and info, or [`StoreError::RunNotFound`].
pub(super) fn find_run(connection: &Connection, run_id: &str) -> StoreResult<(i64, RunInfo)> {
    connection
        .prepare_cached(&format!(
            "SELECT {RUN_INFO_COLUMNS} FROM runs r WHERE r.run_uuid = ?1"
        ))?
        .query_row([run_id], run_info)
        .optional()?
        .ok_or_else(|| StoreError::RunNotFound {
            run_id: run_id.to_string(),
        })
}

/// A run's integer key, for writing: fails when the run is missing or deleted.
pub(super) fn writable_run(connection: &Connection, run_id: &str) -> StoreResult<i64> {
    let (run_pk, info) = find_run(connection, run_id)?;
    if info.lifecycle_stage == LifecycleStage::Deleted {
        return Err(StoreError::Deleted {
            entity: "run",
            id: run_id.to_string(),
        });
    }
    Ok(run_pk)
}
