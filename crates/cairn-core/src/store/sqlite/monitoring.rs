//! Monitoring references and batches (`monitoring_references`, `monitoring_batches`), keyed by
//! the version's model id so that a rename keeps them.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::registry::require_model;
use crate::error::{StoreError, StoreResult};
use crate::model::{
    MonitoringBatch, MonitoringReference, MonitoringReferenceSummary, NewMonitoringBatch,
};
use crate::store::monitoring_json::{decode_metrics, decode_scores, encode_metrics, encode_scores};

/// The model's key, after checking that the version exists (and is not deleted).
fn require_version(connection: &Connection, name: &str, version: u64) -> StoreResult<i64> {
    let model_id = require_model(connection, name)?;
    let found: Option<i64> = connection
        .prepare_cached(
            "SELECT 1 FROM model_versions WHERE model_id = ?1 AND version = ?2 AND deleted = 0",
        )?
        .query_row(params![model_id, version as i64], |row| row.get(0))
        .optional()?;
    match found {
        Some(_) => Ok(model_id),
        None => Err(StoreError::ModelVersionNotFound {
            name: name.to_owned(),
            version: version.to_string(),
        }),
    }
}

pub(super) fn set_reference(
    connection: &Connection,
    reference: &MonitoringReference,
) -> StoreResult<()> {
    let model_id = require_version(connection, &reference.name, reference.version)?;
    connection
        .prepare_cached(
            "INSERT OR REPLACE INTO monitoring_references
               (model_id, version, source, row_count, sample_csv, settings, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            model_id,
            reference.version as i64,
            reference.source,
            reference.rows as i64,
            reference.csv,
            reference.settings,
            reference.created_ms
        ])?;
    Ok(())
}

pub(super) fn reference(
    connection: &Connection,
    name: &str,
    version: u64,
) -> StoreResult<Option<MonitoringReference>> {
    let model_id = require_version(connection, name, version)?;
    Ok(connection
        .prepare_cached(
            "SELECT source, row_count, sample_csv, settings, created_ms
             FROM monitoring_references WHERE model_id = ?1 AND version = ?2",
        )?
        .query_row(params![model_id, version as i64], |row| {
            Ok(MonitoringReference {
                name: name.to_owned(),
                version,
                source: row.get(0)?,
                rows: row.get::<_, i64>(1)?.unsigned_abs(),
                csv: row.get(2)?,
                settings: row.get(3)?,
                created_ms: row.get(4)?,
            })
        })
        .optional()?)
}

pub(super) fn reference_summary(
    connection: &Connection,
    name: &str,
    version: u64,
) -> StoreResult<Option<MonitoringReferenceSummary>> {
    let model_id = require_version(connection, name, version)?;
    Ok(connection
        .prepare_cached(
            "SELECT source, row_count, length(sample_csv), settings, created_ms
             FROM monitoring_references WHERE model_id = ?1 AND version = ?2",
        )?
        .query_row(params![model_id, version as i64], |row| {
            Ok(MonitoringReferenceSummary {
                name: name.to_owned(),
                version,
                source: row.get(0)?,
                rows: row.get::<_, i64>(1)?.unsigned_abs(),
                sample_bytes: row.get::<_, i64>(2)?.unsigned_abs(),
                settings: row.get(3)?,
                created_ms: row.get(4)?,
            })
        })
        .optional()?)
}

pub(super) fn add_batch(
    connection: &Connection,
    batch: &NewMonitoringBatch,
) -> StoreResult<MonitoringBatch> {
    let model_id = require_version(connection, &batch.name, batch.version)?;
    connection
        .prepare_cached(
            "INSERT INTO monitoring_batches
               (model_id, version, received_ms, label, row_count, drift_share, dataset_drift,
                scores, metrics, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            model_id,
            batch.version as i64,
            batch.received_ms,
            batch.label,
            batch.rows as i64,
            batch.drift_share,
            batch.dataset_drift,
            encode_scores(&batch.scores),
            encode_metrics(&batch.metrics),
            batch.report
        ])?;
    Ok(MonitoringBatch {
        id: connection.last_insert_rowid(),
        batch: batch.clone(),
    })
}

/// The columns every batch read takes, after `b.id` and the model's name; `with_report` picks
/// the report or an empty text.
fn batch_columns(with_report: bool) -> &'static str {
    if with_report {
        "b.version, b.received_ms, b.label, b.row_count, b.drift_share, b.dataset_drift,
         b.scores, b.metrics, b.report"
    } else {
        "b.version, b.received_ms, b.label, b.row_count, b.drift_share, b.dataset_drift,
         b.scores, b.metrics, ''"
    }
}

fn batch_row(row: &Row<'_>) -> rusqlite::Result<MonitoringBatch> {
    let scores: String = row.get(8)?;
    let metrics: String = row.get(9)?;
    Ok(MonitoringBatch {
        id: row.get(0)?,
        batch: NewMonitoringBatch {
            name: row.get(1)?,
            version: row.get::<_, i64>(2)?.unsigned_abs(),
            received_ms: row.get(3)?,
            label: row.get(4)?,
            rows: row.get::<_, i64>(5)?.unsigned_abs(),
            drift_share: row.get(6)?,
            dataset_drift: row.get(7)?,
            scores: decode_scores(&scores),
            metrics: decode_metrics(&metrics),
            report: row.get(10)?,
        },
    })
}

pub(super) fn list_batches(
    connection: &Connection,
    name: &str,
    version: u64,
    limit: usize,
) -> StoreResult<Vec<MonitoringBatch>> {
    let model_id = require_version(connection, name, version)?;
    let sql = format!(
        "SELECT * FROM (
           SELECT b.id, m.name, {} FROM monitoring_batches b
           JOIN registered_models m ON m.id = b.model_id
           WHERE b.model_id = ?1 AND b.version = ?2 ORDER BY b.id DESC LIMIT ?3
         ) ORDER BY id",
        batch_columns(false)
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map(
        params![
            model_id,
            version as i64,
            limit.min(i64::MAX as usize) as i64
        ],
        batch_row,
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(super) fn batch(connection: &Connection, id: i64) -> StoreResult<Option<MonitoringBatch>> {
    let sql = format!(
        "SELECT b.id, m.name, {} FROM monitoring_batches b
         JOIN registered_models m ON m.id = b.model_id WHERE b.id = ?1",
        batch_columns(true)
    );
    Ok(connection
        .prepare_cached(&sql)?
        .query_row([id], batch_row)
        .optional()?)
}

pub(super) fn latest_batches(connection: &Connection) -> StoreResult<Vec<MonitoringBatch>> {
    let sql = format!(
        "SELECT b.id, m.name, {} FROM monitoring_batches b
         JOIN registered_models m ON m.id = b.model_id
         JOIN model_versions v ON v.model_id = b.model_id AND v.version = b.version
         WHERE v.deleted = 0 AND b.id = (
           SELECT max(id) FROM monitoring_batches l
           WHERE l.model_id = b.model_id AND l.version = b.version)
         ORDER BY m.name, b.version",
        batch_columns(false)
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map([], batch_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
