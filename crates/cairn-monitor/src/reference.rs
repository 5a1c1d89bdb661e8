//! Setting a version's reference: the training data (or a sample of it) that batches are
//! compared with, and the settings they are judged by.

use cairn_core::Store;
use cairn_core::model::{MonitoringReference, MonitoringReferenceSummary};
use cairn_drift::{ReadOptions, Table, read_table_bytes};

use crate::{ModelRef, MonitorError, MonitorSettings, resolve_version};

/// Rows a reference keeps: above this, a seeded sample of this many (enough for every test's
/// score to settle, small enough to keep in the store).
pub const REFERENCE_MAX_ROWS: usize = 50_000;

/// Makes `data` (CSV or Parquet bytes, named `source` in messages) the reference of `model`,
/// replacing any it had; batches are judged by `settings` from now on.
pub fn set_reference(
    store: &dyn Store,
    model: &ModelRef,
    source: &str,
    data: Vec<u8>,
    settings: &MonitorSettings,
    now_ms: i64,
) -> Result<MonitoringReferenceSummary, MonitorError> {
    settings.check()?;
    let table = read_table_bytes(source, data, reference_reading())?;
    set_reference_table(store, model, source, &table, settings, now_ms)
}

/// How reference data is read: at most [`REFERENCE_MAX_ROWS`] rows, sampled with seed 0.
pub fn reference_reading() -> ReadOptions {
    ReadOptions {
        max_rows: REFERENCE_MAX_ROWS,
        seed: 0,
    }
}

/// Makes a table already read (with [`reference_reading`], by a caller that may read files)
/// the reference of `model`.
pub fn set_reference_table(
    store: &dyn Store,
    model: &ModelRef,
    source: &str,
    table: &Table,
    settings: &MonitorSettings,
    now_ms: i64,
) -> Result<MonitoringReferenceSummary, MonitorError> {
    settings.check()?;
    let version = resolve_version(store, model)?;
    if table.kept_rows == 0 {
        return Err(MonitorError::Invalid(format!(
            "{source}: the reference data has a header and no rows"
        )));
    }
    let csv = table.to_csv();
    let reference = MonitoringReference {
        name: model.name().to_owned(),
        version,
        source: source.to_owned(),
        rows: table.rows,
        csv,
        settings: settings.to_json(),
        created_ms: now_ms,
    };
    store.set_monitoring_reference(&reference)?;
    Ok(MonitoringReferenceSummary {
        sample_bytes: reference.csv.len() as u64,
        name: reference.name,
        version,
        source: reference.source,
        rows: reference.rows,
        settings: reference.settings,
        created_ms: now_ms,
    })
}
