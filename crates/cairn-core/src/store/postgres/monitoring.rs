//! Monitoring references and batches (`monitoring_references`, `monitoring_batches`), keyed by
//! the version's model id so that a rename keeps them. Scores and metrics are JSONB.

use postgres::{Row, Transaction};

use super::registry_read::require_model;
use super::sql::{args, big, execute, query, query_one, query_opt, size};
use crate::error::{StoreError, StoreResult};
use crate::model::{
    MonitoringBatch, MonitoringReference, MonitoringReferenceSummary, NewMonitoringBatch,
};
use crate::store::monitoring_json::{decode_metrics, decode_scores, encode_metrics, encode_scores};

/// The model's key, after checking that the version exists (and is not deleted).
fn require_version(tx: &mut Transaction<'_>, name: &str, version: u64) -> StoreResult<i64> {
    let model_id = require_model(tx, name)?;
    let found = query_opt(
        tx,
        "SELECT 1 FROM model_versions WHERE model_id = $1 AND version = $2 AND NOT deleted",
        args![model_id, big(version)],
    )?;
    match found {
        Some(_) => Ok(model_id),
        None => Err(StoreError::ModelVersionNotFound {
            name: name.to_owned(),
            version: version.to_string(),
        }),
    }
}

pub(crate) fn set_reference(
    tx: &mut Transaction<'_>,
    reference: &MonitoringReference,
) -> StoreResult<()> {
    let model_id = require_version(tx, &reference.name, reference.version)?;
    execute(
        tx,
        "INSERT INTO monitoring_references
           (model_id, version, source, row_count, sample_csv, settings, created_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (model_id, version) DO UPDATE SET
           source = EXCLUDED.source, row_count = EXCLUDED.row_count,
           sample_csv = EXCLUDED.sample_csv, settings = EXCLUDED.settings,
           created_ms = EXCLUDED.created_ms",
        args![
            model_id,
            big(reference.version),
            reference.source.as_str(),
            big(reference.rows),
            reference.csv.as_slice(),
            reference.settings.as_str(),
            reference.created_ms
        ],
    )?;
    Ok(())
}

pub(crate) fn reference(
    tx: &mut Transaction<'_>,
    name: &str,
    version: u64,
) -> StoreResult<Option<MonitoringReference>> {
    let model_id = require_version(tx, name, version)?;
    let row = query_opt(
        tx,
        "SELECT source, row_count, sample_csv, settings, created_ms
         FROM monitoring_references WHERE model_id = $1 AND version = $2",
        args![model_id, big(version)],
    )?;
    row.map(|row| {
        Ok(MonitoringReference {
            name: name.to_owned(),
            version,
            source: row.try_get(0)?,
            rows: size(row.try_get(1)?),
            csv: row.try_get(2)?,
            settings: row.try_get(3)?,
            created_ms: row.try_get(4)?,
        })
    })
    .transpose()
}

pub(crate) fn reference_summary(
    tx: &mut Transaction<'_>,
    name: &str,
    version: u64,
) -> StoreResult<Option<MonitoringReferenceSummary>> {
    let model_id = require_version(tx, name, version)?;
    let row = query_opt(
        tx,
        "SELECT source, row_count, octet_length(sample_csv)::BIGINT, settings, created_ms
         FROM monitoring_references WHERE model_id = $1 AND version = $2",
        args![model_id, big(version)],
    )?;
    row.map(|row| {
        Ok(MonitoringReferenceSummary {
            name: name.to_owned(),
            version,
            source: row.try_get(0)?,
            rows: size(row.try_get(1)?),
            sample_bytes: size(row.try_get(2)?),
            settings: row.try_get(3)?,
            created_ms: row.try_get(4)?,
        })
    })
    .transpose()
}

pub(crate) fn add_batch(
    tx: &mut Transaction<'_>,
    batch: &NewMonitoringBatch,
) -> StoreResult<MonitoringBatch> {
    let model_id = require_version(tx, &batch.name, batch.version)?;
    let row = query_one(
        tx,
        "INSERT INTO monitoring_batches
           (model_id, version, received_ms, label, row_count, drift_share, dataset_drift,
            scores, metrics, report)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)
         RETURNING id",
        args![
            model_id,
            big(batch.version),
            batch.received_ms,
            batch.label.as_str(),
            big(batch.rows),
            batch.drift_share,
            batch.dataset_drift,
            encode_scores(&batch.scores),
            encode_metrics(&batch.metrics),
            batch.report.as_str()
        ],
    )?;
    Ok(MonitoringBatch {
        id: row.try_get(0)?,
        batch: batch.clone(),
    })
}

/// The columns every batch read takes, after `b.id` and the model's name; `with_report` picks
/// the report or an empty text.
fn batch_columns(with_report: bool) -> &'static str {
    if with_report {
        "b.version, b.received_ms, b.label, b.row_count, b.drift_share, b.dataset_drift,
         b.scores::text, b.metrics::text, b.report"
    } else {
        "b.version, b.received_ms, b.label, b.row_count, b.drift_share, b.dataset_drift,
         b.scores::text, b.metrics::text, ''::text"
    }
}

fn batch_row(row: &Row) -> StoreResult<MonitoringBatch> {
    let scores: &str = row.try_get(8)?;
    let metrics: &str = row.try_get(9)?;
    Ok(MonitoringBatch {
        id: row.try_get(0)?,
        batch: NewMonitoringBatch {
            name: row.try_get(1)?,
            version: size(row.try_get(2)?),
            received_ms: row.try_get(3)?,
            label: row.try_get(4)?,
            rows: size(row.try_get(5)?),
            drift_share: row.try_get(6)?,
            dataset_drift: row.try_get(7)?,
            scores: decode_scores(scores),
            metrics: decode_metrics(metrics),
            report: row.try_get(10)?,
        },
    })
}

pub(crate) fn list_batches(
    tx: &mut Transaction<'_>,
    name: &str,
    version: u64,
    limit: usize,
) -> StoreResult<Vec<MonitoringBatch>> {
    let model_id = require_version(tx, name, version)?;
    let sql = format!(
        "SELECT * FROM (
           SELECT b.id, m.name, {} FROM monitoring_batches b
           JOIN registered_models m ON m.id = b.model_id
           WHERE b.model_id = $1 AND b.version = $2 ORDER BY b.id DESC LIMIT $3
         ) newest ORDER BY id",
        batch_columns(false)
    );
    let rows = query(tx, &sql, args![model_id, big(version), big(limit)])?;
    rows.iter().map(batch_row).collect()
}

pub(crate) fn batch(tx: &mut Transaction<'_>, id: i64) -> StoreResult<Option<MonitoringBatch>> {
    let sql = format!(
        "SELECT b.id, m.name, {} FROM monitoring_batches b
         JOIN registered_models m ON m.id = b.model_id WHERE b.id = $1",
        batch_columns(true)
    );
    let row = query_opt(tx, &sql, args![id])?;
    row.as_ref().map(batch_row).transpose()
}

pub(crate) fn latest_batches(tx: &mut Transaction<'_>) -> StoreResult<Vec<MonitoringBatch>> {
    let sql = format!(
        "SELECT DISTINCT ON (m.name, b.version) b.id, m.name, {}
         FROM monitoring_batches b
         JOIN registered_models m ON m.id = b.model_id
         JOIN model_versions v ON v.model_id = b.model_id AND v.version = b.version
         WHERE NOT v.deleted
         ORDER BY m.name, b.version, b.id DESC",
        batch_columns(false)
    );
    let rows = query(tx, &sql, args![])?;
    rows.iter().map(batch_row).collect()
}
