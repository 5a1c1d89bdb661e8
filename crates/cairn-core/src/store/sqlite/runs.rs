//! Runs: creating, reading (with everything attached), updating and deleting.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, params};

use crate::error::{StoreError, StoreResult};
use crate::model::{
    ExperimentId, LatestMetric, LifecycleStage, MetricPoint, NewRun, Param, Run, RunInfo,
    RunUpdate, Tag,
};
use crate::names::random_run_name;
use crate::time::now_millis;
use crate::validate;

use super::row::{find_run, writable_run};
use super::{experiments, metrics, provenance, writes};

/// The tag MLflow keeps in step with the run name.
pub(super) const RUN_NAME_TAG: &str = "mlflow.runName";

pub(super) fn create(transaction: &Transaction<'_>, new: &NewRun) -> StoreResult<Run> {
    let experiment = experiments::get(transaction, new.experiment_id)?;
    if experiment.lifecycle_stage == LifecycleStage::Deleted {
        return Err(StoreError::Deleted {
            entity: "experiment",
            id: experiment.experiment_id.to_string(),
        });
    }
    new.tags.iter().try_for_each(validate::check_tag)?;
    let run_id = match &new.run_id {
        Some(run_id) => {
            validate::check_run_id(run_id)?;
            run_id.clone()
        }
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
    let exists = transaction
        .prepare_cached("SELECT 1 FROM runs WHERE run_uuid = ?1")?
        .exists([&run_id])?;
    if exists {
        return Err(StoreError::RunExists { run_id });
    }
    let tagged_name = new
        .tags
        .iter()
        .find(|tag| tag.key == RUN_NAME_TAG)
        .map(|tag| tag.value.clone());
    let run_name = match (new.run_name.trim(), tagged_name) {
        ("", Some(tagged)) => tagged,
        ("", None) => random_run_name(),
        (given, Some(tagged)) if given != tagged => {
            return Err(StoreError::invalid(
                "run name",
                format!("'{given}' differs from the '{RUN_NAME_TAG}' tag '{tagged}'"),
            ));
        }
        (given, _) => given.to_string(),
    };
    let artifact_uri = new.artifact_uri.clone().unwrap_or_else(|| {
        format!(
            "{}/{run_id}/artifacts",
            experiment.artifact_location.trim_end_matches('/')
        )
    });
    transaction.execute(
        "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time_ms,
                           artifact_uri, source_kind, source_path, parent_run_uuid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            run_id,
            new.experiment_id.0,
            run_name,
            new.user_id,
            new.status.as_str(),
            new.start_time_ms.unwrap_or_else(now_millis),
            artifact_uri,
            new.source_kind.as_str(),
            new.source_path,
            new.parent_run_id,
        ],
    )?;
    let run_pk = transaction.last_insert_rowid();
    let mut tags = new.tags.clone();
    if !tags.iter().any(|tag| tag.key == RUN_NAME_TAG) {
        tags.push(Tag::new(RUN_NAME_TAG, run_name));
    }
    for tag in &tags {
        writes::upsert_tag(transaction, run_pk, tag)?;
    }
    get(transaction, &run_id)
}

pub(super) fn get(connection: &Connection, run_id: &str) -> StoreResult<Run> {
    let found = find_run(connection, run_id)?;
    let mut runs = load(connection, vec![found])?;
    runs.pop().ok_or_else(|| StoreError::RunNotFound {
        run_id: run_id.to_string(),
    })
}

pub(super) fn update(
    transaction: &Transaction<'_>,
    run_id: &str,
    update: &RunUpdate,
) -> StoreResult<RunInfo> {
    let run_pk = writable_run(transaction, run_id)?;
    if let Some(status) = update.status {
        transaction.execute(
            "UPDATE runs SET status = ?2 WHERE id = ?1",
            params![run_pk, status.as_str()],
        )?;
        if status.is_terminal() {
            metrics::compact_run(transaction, run_pk)?;
        }
    }
    if let Some(end_time_ms) = update.end_time_ms {
        transaction.execute(
            "UPDATE runs SET end_time_ms = ?2 WHERE id = ?1",
            params![run_pk, end_time_ms],
        )?;
    }
    if let Some(name) = update.run_name.as_deref().filter(|name| !name.is_empty()) {
        writes::upsert_tag(transaction, run_pk, &Tag::new(RUN_NAME_TAG, name))?;
    }
    Ok(find_run(transaction, run_id)?.1)
}

/// Moves a run into another experiment (which must be active); its artifact location stays.
pub(super) fn move_to(
    transaction: &Transaction<'_>,
    run_id: &str,
    experiment_id: ExperimentId,
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    experiments::active(transaction, experiment_id)?;
    transaction.execute(
        "UPDATE runs SET experiment_id = ?2 WHERE id = ?1",
        params![run_pk, experiment_id.0],
    )?;
    Ok(())
}

pub(super) fn set_lifecycle(
    transaction: &Transaction<'_>,
    run_id: &str,
    stage: LifecycleStage,
) -> StoreResult<()> {
    let (run_pk, _) = find_run(transaction, run_id)?;
    let deleted_time_ms = (stage == LifecycleStage::Deleted).then(now_millis);
    transaction.execute(
        "UPDATE runs SET lifecycle_stage = ?2, deleted_time_ms = ?3 WHERE id = ?1",
        params![run_pk, stage.as_str(), deleted_time_ms],
    )?;
    Ok(())
}

/// Attaches params, tags, latest metrics and provenance to runs, keeping their order.
pub(super) fn load(connection: &Connection, infos: Vec<(i64, RunInfo)>) -> StoreResult<Vec<Run>> {
    let position: HashMap<i64, usize> = infos
        .iter()
        .enumerate()
        .map(|(index, (run_pk, _))| (*run_pk, index))
        .collect();
    let ids_json = format!(
        "[{}]",
        infos
            .iter()
            .map(|(run_pk, _)| run_pk.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut runs: Vec<Run> = infos
        .into_iter()
        .map(|(_, info)| Run::of_info(info))
        .collect();
    let ids_in = "run_id IN (SELECT value FROM json_each(?1))";
    let mut statement = connection.prepare_cached(&format!(
        "SELECT run_id, key, value FROM params WHERE {ids_in} ORDER BY run_id, seq, key"
    ))?;
    let mut rows = statement.query([&ids_json])?;
    while let Some(row) = rows.next()? {
        if let Some(&index) = position.get(&row.get(0)?) {
            runs[index].params.push(Param {
                key: row.get(1)?,
                value: row.get(2)?,
            });
        }
    }
    let mut statement = connection.prepare_cached(&format!(
        "SELECT run_id, key, value FROM tags WHERE {ids_in} ORDER BY run_id, seq, key"
    ))?;
    let mut rows = statement.query([&ids_json])?;
    while let Some(row) = rows.next()? {
        if let Some(&index) = position.get(&row.get(0)?) {
            runs[index].tags.push(Tag {
                key: row.get(1)?,
                value: row.get(2)?,
            });
        }
    }
    let mut statement = connection.prepare_cached(&format!(
        "SELECT run_id, key, latest_value, latest_is_nan, latest_step, latest_timestamp_ms,
                point_count
         FROM metric_series WHERE {ids_in} ORDER BY run_id, key"
    ))?;
    let mut rows = statement.query([&ids_json])?;
    while let Some(row) = rows.next()? {
        if let Some(&index) = position.get(&row.get(0)?) {
            let is_nan: bool = row.get(3)?;
            let value = if is_nan {
                f64::NAN
            } else {
                row.get::<_, Option<f64>>(2)?.unwrap_or(f64::NAN)
            };
            runs[index].metrics.push(LatestMetric {
                key: row.get(1)?,
                latest: MetricPoint {
                    step: row.get(4)?,
                    timestamp_ms: row.get(5)?,
                    value,
                },
                point_count: row.get::<_, i64>(6)?.unsigned_abs(),
            });
        }
    }
    provenance::attach(connection, &ids_json, &position, &mut runs)?;
    Ok(runs)
}
