//! MLflow's SQLite backend (`mlflow.db`), opened read-only: experiments, runs with params, tags,
//! metric histories and dataset inputs, and the model registry. A run is re-read only when its
//! fingerprint (status, times, counts and sums of its rows) changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cairn_core::Store;
use cairn_core::model::{
    ExperimentId, ImportMode, ImportedExperiment, ImportedInput, ImportedLoggedModel,
    ImportedModelVersion, ImportedRegisteredModel, ImportedRun, IndexFileState, LifecycleStage,
    LoggedModelMetric, MetricPoint, Param, RunStatus, SourceKind, Tag,
};
use rusqlite::{Connection, OpenFlags};

use crate::files::{self, IndexError, IndexResult, KnownFiles};
use crate::mlruns::{git_from_tags, stage, tag_value};
use crate::report::IndexReport;

const REQUIRED_TABLES: [&str; 5] = ["experiments", "runs", "metrics", "params", "tags"];

fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(connection)
}

/// `column` when `table` has it (schemas grew over MLflow versions), else `NULL`.
fn column_or_null(connection: &Connection, table: &str, column: &'static str) -> &'static str {
    let exists = connection
        .query_row(
            "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
            [table, column],
            |row| row.get::<_, i64>(0),
        )
        .is_ok_and(|count| count > 0);
    if exists { column } else { "NULL" }
}

fn table_names(connection: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement =
        connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let names = statement.query_map([], |row| row.get(0))?;
    names.collect()
}

/// Whether the SQLite file at `path` has MLflow's tables; an error when its schema cannot be
/// read (a truncated or corrupt file).
pub(crate) fn mlflow_tables(path: &Path) -> rusqlite::Result<bool> {
    let connection = open_read_only(path)?;
    let names = table_names(&connection)?;
    Ok(REQUIRED_TABLES
        .iter()
        .all(|table| names.iter().any(|name| name == table)))
}

pub(crate) fn index(
    store: &dyn Store,
    path: &Path,
    scope: &Path,
    known: &KnownFiles,
    report: &mut IndexReport,
    progress: &mut dyn crate::Progress,
) -> IndexResult<()> {
    let bad =
        |error: rusqlite::Error| IndexError::bad(path, format!("cannot read database: {error}"));
    let key = path.to_string_lossy().into_owned();
    let (size, mtime) = files::stat(path)
        .map_err(|error| IndexError::bad(path, format!("cannot read: {error}")))?;
    let wal = PathBuf::from(format!("{key}-wal"));
    let (wal_size, wal_mtime) = files::stat(&wal).unwrap_or((0, 0));
    let file_size = size + wal_size;
    let file_mtime = mtime.max(wal_mtime);
    if let Some(state) = known.get(&key)
        && state.size_bytes == file_size
        && state.mtime_ns == file_mtime
    {
        let run_count = state
            .parser_state
            .as_deref()
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
            .map_or(0, u64::from_le_bytes);
        report.runs_unchanged += run_count;
        report.files_skipped += 1;
        return Ok(());
    }
    let connection = open_read_only(path).map_err(bad)?;
    let base = files::ArtifactBase::new(path.parent().unwrap_or(path), scope);
    let experiments = import_experiments(store, &connection).map_err(|error| match error {
        IndexError::Bad { reason, .. } => IndexError::bad(path, reason),
        other => other,
    })?;
    let fingerprints = run_fingerprints(&connection).map_err(bad)?;
    let run_rows = read_run_rows(&connection).map_err(bad)?;
    let mut run_count = 0u64;
    let mut pending = Vec::new();
    let mut states = Vec::new();
    for row in run_rows {
        run_count += 1;
        let Some(&experiment_id) = experiments.get(&row.experiment_id) else {
            continue;
        };
        let fingerprint = fingerprints.get(&row.run_uuid).cloned().unwrap_or_default()
            + &format!("|{}|{:?}|{}", row.status, row.end_time, row.lifecycle_stage);
        let run_key = format!("{key}#{}", row.run_uuid);
        if known
            .get(&run_key)
            .is_some_and(|state| state.parser_state.as_deref() == Some(fingerprint.as_bytes()))
        {
            report.runs_unchanged += 1;
            continue;
        }
        let run = read_run(&connection, row, experiment_id, path, &base).map_err(bad)?;
        states.push(IndexFileState {
            path: run_key,
            source_kind: SourceKind::MlflowDb,
            size_bytes: 0,
            mtime_ns: 0,
            read_offset: 0,
            run_id: Some(run.run_id.clone()),
            parser_state: Some(fingerprint.into_bytes()),
        });
        pending.push(run);
        if pending.len() >= 256 {
            flush(store, &mut pending, &mut states, report)?;
            progress.update(report, path);
        }
    }
    flush(store, &mut pending, &mut states, report)?;
    import_logged_models(store, &connection, &experiments, &base, report).map_err(|error| {
        match error {
            IndexError::Bad { reason, .. } => IndexError::bad(path, reason),
            other => other,
        }
    })?;
    import_registry(store, &connection, report).map_err(|error| match error {
        IndexError::Bad { reason, .. } => IndexError::bad(path, reason),
        other => other,
    })?;
    store.record_index_files(&[IndexFileState {
        path: key,
        source_kind: SourceKind::MlflowDb,
        size_bytes: file_size,
        mtime_ns: file_mtime,
        read_offset: 0,
        run_id: None,
        parser_state: Some(run_count.to_le_bytes().to_vec()),
    }])?;
    Ok(())
}

fn flush(
    store: &dyn Store,
    pending: &mut Vec<ImportedRun>,
    states: &mut Vec<IndexFileState>,
    report: &mut IndexReport,
) -> IndexResult<()> {
    if pending.is_empty() {
        return Ok(());
    }
    files::import_batch(store, pending, ImportMode::Replace, states, report)?;
    pending.clear();
    states.clear();
    Ok(())
}

/// (id, name, artifact location, lifecycle stage, created, updated).
type ExperimentRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

fn import_experiments(
    store: &dyn Store,
    connection: &Connection,
) -> IndexResult<HashMap<i64, ExperimentId>> {
    let bad = |error: rusqlite::Error| IndexError::bad(Path::new(""), error.to_string());
    let mut tags: HashMap<i64, Vec<Tag>> = HashMap::new();
    {
        let mut statement = connection
            .prepare("SELECT experiment_id, key, value FROM experiment_tags")
            .map_err(bad)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    Tag::new(
                        row.get::<_, String>(1)?,
                        row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    ),
                ))
            })
            .map_err(bad)?;
        for row in rows.flatten() {
            tags.entry(row.0).or_default().push(row.1);
        }
    }
    let sql = format!(
        "SELECT experiment_id, name, artifact_location, lifecycle_stage, {}, {}
         FROM experiments ORDER BY experiment_id",
        column_or_null(connection, "experiments", "creation_time"),
        column_or_null(connection, "experiments", "last_update_time"),
    );
    let mut statement = connection.prepare(&sql).map_err(bad)?;
    let rows: Vec<ExperimentRow> = statement
        .query_map([], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        })
        .map_err(bad)?
        .collect::<Result<_, _>>()
        .map_err(bad)?;
    let mut ids = HashMap::new();
    for (source_id, name, artifact_location, stage, created, updated) in rows {
        let id = store.import_experiment(&ImportedExperiment {
            name,
            source_id: Some(ExperimentId(source_id)),
            artifact_location,
            lifecycle_stage: if stage.as_deref() == Some("deleted") {
                LifecycleStage::Deleted
            } else {
                LifecycleStage::Active
            },
            creation_time_ms: created,
            last_update_time_ms: updated,
            tags: tags.remove(&source_id).unwrap_or_default(),
        })?;
        ids.insert(source_id, id);
    }
    Ok(ids)
}

/// Per run: counts and sums of its metrics, params and tags, as text.
fn run_fingerprints(connection: &Connection) -> rusqlite::Result<HashMap<String, String>> {
    let mut out: HashMap<String, String> = HashMap::new();
    for sql in [
        "SELECT run_uuid, count(*) || ':' || coalesce(max(timestamp), 0) || ':' || total(value) || ':' || total(step) FROM metrics GROUP BY run_uuid",
        "SELECT run_uuid, count(*) || ':' || total(length(value)) FROM params GROUP BY run_uuid",
        "SELECT run_uuid, count(*) || ':' || total(length(value)) || ':' || total(length(key)) FROM tags GROUP BY run_uuid",
    ] {
        let mut statement = connection.prepare(sql)?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (run, text) = row?;
            let entry = out.entry(run).or_default();
            entry.push('|');
            entry.push_str(&text);
        }
    }
    Ok(out)
}

struct RunRow {
    run_uuid: String,
    name: Option<String>,
    user_id: Option<String>,
    status: String,
    start_time: Option<i64>,
    end_time: Option<i64>,
    lifecycle_stage: String,
    artifact_uri: Option<String>,
    experiment_id: i64,
    deleted_time: Option<i64>,
}

fn read_run_rows(connection: &Connection) -> rusqlite::Result<Vec<RunRow>> {
    let sql = format!(
        "SELECT run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage,
                artifact_uri, experiment_id, {} FROM runs ORDER BY run_uuid",
        column_or_null(connection, "runs", "deleted_time")
    );
    let mut statement = connection.prepare(&sql)?;
    let rows = statement.query_map([], |row| {
        Ok(RunRow {
            run_uuid: row.get(0)?,
            name: row.get(1)?,
            user_id: row.get(2)?,
            status: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
            start_time: row.get(4)?,
            end_time: row.get(5)?,
            lifecycle_stage: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
            artifact_uri: row.get(7)?,
            experiment_id: row.get(8)?,
            deleted_time: row.get(9)?,
        })
    })?;
    rows.collect()
}

fn read_run(
    connection: &Connection,
    row: RunRow,
    experiment_id: ExperimentId,
    db_path: &Path,
    base: &files::ArtifactBase,
) -> rusqlite::Result<ImportedRun> {
    let mut run = ImportedRun::new(
        row.run_uuid.clone(),
        experiment_id,
        SourceKind::MlflowDb,
        db_path.to_string_lossy(),
    );
    run.run_name = row.name.unwrap_or_default();
    run.user_id = row.user_id.unwrap_or_default();
    run.status = RunStatus::parse(&row.status).unwrap_or(RunStatus::Running);
    run.start_time_ms = row.start_time;
    run.end_time_ms = row.end_time;
    run.deleted_time_ms = row.deleted_time;
    if row.lifecycle_stage == "deleted" {
        run.lifecycle_stage = LifecycleStage::Deleted;
    }
    run.params = all_rows(
        connection,
        "SELECT key, value FROM params WHERE run_uuid = ?1 ORDER BY key",
        [&row.run_uuid],
        param_row,
    )?;
    run.tags = all_rows(
        connection,
        "SELECT key, value FROM tags WHERE run_uuid = ?1 ORDER BY key",
        [&row.run_uuid],
        tag_row,
    )?;
    if let Some(name) = tag_value(&run.tags, "mlflow.runName")
        && run.run_name.is_empty()
    {
        run.run_name = name;
    }
    run.parent_run_id = tag_value(&run.tags, "mlflow.parentRunId");
    run.git = git_from_tags(&run.tags);
    let mut statement = connection.prepare_cached(
        "SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ?1
         ORDER BY key, step, timestamp",
    )?;
    let mut rows = statement.query([&row.run_uuid])?;
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        let value: f64 = r.get::<_, Option<f64>>(1)?.unwrap_or(f64::NAN);
        let is_nan: bool = r.get::<_, Option<bool>>(4)?.unwrap_or(false);
        let point = MetricPoint {
            step: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
            timestamp_ms: r.get::<_, Option<i64>>(2)?.unwrap_or(0).max(0),
            value: if is_nan { f64::NAN } else { value },
        };
        match run.metrics.last_mut() {
            Some((last_key, points)) if *last_key == key => points.push(point),
            _ => run.metrics.push((key, vec![point])),
        }
    }
    let recorded = row.artifact_uri.unwrap_or_default();
    let artifact_dir = base.resolve(&recorded);
    run.artifact_uri = match &artifact_dir {
        Some(dir) => format!("file://{}", dir.display()),
        None => recorded,
    };
    if let Some(dir) = artifact_dir {
        run.artifacts = files::list_artifacts(&dir);
    }
    run.inputs = read_inputs(connection, &row.run_uuid).unwrap_or_default();
    Ok(run)
}

fn read_inputs(connection: &Connection, run_uuid: &str) -> rusqlite::Result<Vec<ImportedInput>> {
    let mut statement = connection.prepare_cached(
        "SELECT i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source,
                d.dataset_schema, d.dataset_profile
         FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
         WHERE i.destination_type = 'RUN' AND i.destination_id = ?1 AND i.source_type = 'DATASET'
         ORDER BY d.name, d.digest",
    )?;
    let rows: Vec<(String, ImportedInput)> = statement
        .query_map([run_uuid], |r| {
            Ok((
                r.get(0)?,
                ImportedInput {
                    name: r.get(1)?,
                    digest: r.get(2)?,
                    source_type: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    source: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    schema: r.get(5)?,
                    profile: r.get(6)?,
                    tags: Vec::new(),
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut inputs = Vec::new();
    for (input_uuid, mut input) in rows {
        input.tags = all_rows(
            connection,
            "SELECT name, value FROM input_tags WHERE input_uuid = ?1 ORDER BY name",
            [&input_uuid],
            tag_row,
        )?;
        inputs.push(input);
    }
    Ok(inputs)
}

fn import_logged_models(
    store: &dyn Store,
    connection: &Connection,
    experiments: &HashMap<i64, ExperimentId>,
    base: &files::ArtifactBase,
    report: &mut IndexReport,
) -> IndexResult<()> {
    let bad =
        |error: rusqlite::Error| IndexError::bad(Path::new(""), format!("logged models: {error}"));
    let names = table_names(connection).map_err(bad)?;
    let has = |table: &str| names.iter().any(|name| name == table);
    if !has("logged_models") {
        return Ok(());
    }
    let mut statement = connection
        .prepare(
            "SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
                    last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id,
                    status_message
             FROM logged_models ORDER BY model_id",
        )
        .map_err(bad)?;
    let mut models: Vec<ImportedLoggedModel> = Vec::new();
    let mut rows = statement.query([]).map_err(bad)?;
    while let Some(row) = rows.next().map_err(bad)? {
        let source_experiment: i64 = row.get(1).map_err(bad)?;
        let Some(&experiment_id) = experiments.get(&source_experiment) else {
            continue;
        };
        let recorded: String = row
            .get::<_, Option<String>>(3)
            .map_err(bad)?
            .unwrap_or_default();
        let artifact_location = base
            .resolve(&recorded)
            .map_or(recorded, |p| format!("file://{}", p.display()));
        models.push(ImportedLoggedModel {
            model_id: row.get(0).map_err(bad)?,
            experiment_id,
            name: row
                .get::<_, Option<String>>(2)
                .map_err(bad)?
                .unwrap_or_default(),
            artifact_location,
            creation_time_ms: row.get::<_, Option<i64>>(4).map_err(bad)?.unwrap_or(0),
            last_updated_time_ms: row.get::<_, Option<i64>>(5).map_err(bad)?.unwrap_or(0),
            status: crate::mlruns::logged_model_status(row.get(6).map_err(bad)?),
            lifecycle_stage: if row.get::<_, Option<String>>(7).map_err(bad)?.as_deref()
                == Some("deleted")
            {
                LifecycleStage::Deleted
            } else {
                LifecycleStage::Active
            },
            model_type: row
                .get::<_, Option<String>>(8)
                .map_err(bad)?
                .unwrap_or_default(),
            source_run_id: row.get(9).map_err(bad)?,
            status_message: row
                .get::<_, Option<String>>(10)
                .map_err(bad)?
                .unwrap_or_default(),
            params: Vec::new(),
            tags: Vec::new(),
            metrics: Vec::new(),
        });
    }
    drop(rows);
    for model in &mut models {
        if has("logged_model_params") {
            model.params = all_rows(
                connection,
                "SELECT param_key, param_value FROM logged_model_params WHERE model_id = ?1
                 ORDER BY param_key",
                [&model.model_id],
                param_row,
            )
            .map_err(bad)?;
        }
        if has("logged_model_tags") {
            model.tags = all_rows(
                connection,
                "SELECT tag_key, tag_value FROM logged_model_tags WHERE model_id = ?1
                 ORDER BY tag_key",
                [&model.model_id],
                tag_row,
            )
            .map_err(bad)?;
        }
        if has("logged_model_metrics") {
            let mut metrics = connection
                .prepare_cached(
                    "SELECT metric_name, metric_timestamp_ms, metric_step, metric_value, run_id,
                            dataset_name, dataset_digest
                     FROM logged_model_metrics WHERE model_id = ?1
                     ORDER BY metric_name, metric_step, metric_timestamp_ms",
                )
                .map_err(bad)?;
            model.metrics = metrics
                .query_map([&model.model_id], |r| {
                    Ok(LoggedModelMetric {
                        key: r.get(0)?,
                        point: MetricPoint {
                            timestamp_ms: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                            step: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                            value: r.get::<_, Option<f64>>(3)?.unwrap_or(f64::NAN),
                        },
                        run_id: r.get(4)?,
                        dataset_name: r.get(5)?,
                        dataset_digest: r.get(6)?,
                    })
                })
                .map_err(bad)?
                .collect::<Result<_, _>>()
                .map_err(bad)?;
        }
    }
    if !models.is_empty() {
        store.import_logged_models(&models)?;
        report.logged_models += models.len() as u64;
    }
    Ok(())
}

fn import_registry(
    store: &dyn Store,
    connection: &Connection,
    report: &mut IndexReport,
) -> IndexResult<()> {
    let bad = |error: rusqlite::Error| IndexError::bad(Path::new(""), format!("registry: {error}"));
    let names = table_names(connection).map_err(bad)?;
    if !["registered_models", "model_versions"]
        .iter()
        .all(|table| names.iter().any(|name| name == table))
    {
        return Ok(());
    }
    let has = |table: &str| names.iter().any(|name| name == table);
    let mut statement = connection
        .prepare(
            "SELECT name, creation_time, last_updated_time, description FROM registered_models
             ORDER BY name",
        )
        .map_err(bad)?;
    let mut models: Vec<ImportedRegisteredModel> = statement
        .query_map([], |r| {
            Ok(ImportedRegisteredModel {
                name: r.get(0)?,
                creation_time_ms: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                last_updated_time_ms: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                description: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                tags: Vec::new(),
                versions: Vec::new(),
                aliases: Vec::new(),
                history: None,
            })
        })
        .map_err(bad)?
        .collect::<Result<_, _>>()
        .map_err(bad)?;
    let optional = |column| column_or_null(connection, "model_versions", column);
    let mut versions = connection
        .prepare(&format!(
            "SELECT version, creation_time, last_updated_time, user_id, current_stage, description,
                    source, run_id, status, {}, {}
             FROM model_versions WHERE name = ?1 ORDER BY version",
            optional("storage_location"),
            optional("model_id"),
        ))
        .map_err(bad)?;
    for model in &mut models {
        model.versions = versions
            .query_map([&model.name], |r| {
                Ok(ImportedModelVersion {
                    version: r.get::<_, i64>(0)? as u64,
                    creation_time_ms: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                    last_updated_time_ms: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                    user_id: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    current_stage: stage(&r.get::<_, Option<String>>(4)?.unwrap_or_default()),
                    description: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    source: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    run_id: r.get::<_, Option<String>>(7)?.filter(|id| !id.is_empty()),
                    status: r
                        .get::<_, Option<String>>(8)?
                        .unwrap_or_else(|| "READY".into()),
                    storage_location: r.get(9)?,
                    logged_model_id: r.get(10)?,
                    tags: Vec::new(),
                })
            })
            .map_err(bad)?
            .collect::<Result<_, _>>()
            .map_err(bad)?;
        if has("model_version_tags") {
            for version in &mut model.versions {
                version.tags = all_rows(
                    connection,
                    "SELECT key, value FROM model_version_tags WHERE name = ?1 AND version = ?2
                     ORDER BY key",
                    rusqlite::params![model.name, version.version as i64],
                    tag_row,
                )
                .map_err(bad)?;
            }
        }
        if has("registered_model_tags") {
            model.tags = all_rows(
                connection,
                "SELECT key, value FROM registered_model_tags WHERE name = ?1 ORDER BY key",
                [&model.name],
                tag_row,
            )
            .map_err(bad)?;
        }
        if has("registered_model_aliases") {
            model.aliases = all_rows(
                connection,
                "SELECT alias, version FROM registered_model_aliases WHERE name = ?1 ORDER BY alias",
                [&model.name],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(bad)?;
        }
        store.import_registered_model(model)?;
        report.registered_models += 1;
    }
    Ok(())
}

/// Every row a (cached) statement returns for `params`, mapped by `map`.
fn all_rows<T, P: rusqlite::Params>(
    connection: &Connection,
    sql: &str,
    params: P,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    connection
        .prepare_cached(sql)?
        .query_map(params, map)?
        .collect()
}

/// A `key, value` row as a param; MLflow allows a NULL value, read as empty.
fn param_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Param> {
    Ok(Param {
        key: row.get(0)?,
        value: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
    })
}

/// A `key, value` row as a tag; a NULL value is read as empty.
fn tag_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Tag> {
    Ok(Tag::new(
        row.get::<_, String>(0)?,
        row.get::<_, Option<String>>(1)?.unwrap_or_default(),
    ))
}
