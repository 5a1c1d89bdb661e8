//! Experiments and their tags.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{ExperimentLookup, StoreError, StoreResult};
use crate::model::{
    Experiment, ExperimentId, ExperimentSummary, LifecycleStage, NewExperiment, Tag, ViewType,
};
use crate::time::now_millis;
use crate::validate;

const EXPERIMENT_COLUMNS: &str = "experiment_id, name, artifact_location, lifecycle_stage, \
     creation_time_ms, last_update_time_ms";

pub(super) fn create(
    transaction: &Transaction<'_>,
    new: &NewExperiment,
) -> StoreResult<ExperimentId> {
    validate::check_experiment_name(&new.name)?;
    new.tags.iter().try_for_each(validate::check_tag)?;
    let taken: bool = transaction
        .prepare_cached("SELECT 1 FROM experiments WHERE name = ?1")?
        .exists([&new.name])?;
    if taken {
        return Err(StoreError::ExperimentExists {
            name: new.name.clone(),
        });
    }
    let id_is_free = |id: ExperimentId| -> StoreResult<bool> {
        Ok(!transaction
            .prepare_cached("SELECT 1 FROM experiments WHERE experiment_id = ?1")?
            .exists([id.0])?)
    };
    let experiment_id = match new.experiment_id {
        Some(id) if id_is_free(id)? => id,
        _ => ExperimentId(transaction.query_row(
            "SELECT coalesce(max(experiment_id), 0) + 1 FROM experiments",
            [],
            |row| row.get(0),
        )?),
    };
    let now = now_millis();
    let artifact_location = new
        .artifact_location
        .clone()
        .unwrap_or_else(|| format!("mlflow-artifacts:/{experiment_id}"));
    transaction.execute(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,
                                  creation_time_ms, last_update_time_ms)
         VALUES (?1, ?2, ?3, 'active', ?4, ?4)",
        params![experiment_id.0, new.name, artifact_location, now],
    )?;
    for tag in &new.tags {
        set_tag(transaction, experiment_id, tag)?;
    }
    Ok(experiment_id)
}

pub(super) fn get(connection: &Connection, experiment_id: ExperimentId) -> StoreResult<Experiment> {
    find(connection, "experiment_id = ?1", &experiment_id.0)?.ok_or(
        StoreError::ExperimentNotFound {
            experiment: ExperimentLookup::Id(experiment_id.0),
        },
    )
}

/// An experiment that may be written to: fails when it is missing or deleted.
pub(super) fn active(
    connection: &Connection,
    experiment_id: ExperimentId,
) -> StoreResult<Experiment> {
    let experiment = get(connection, experiment_id)?;
    if experiment.lifecycle_stage == LifecycleStage::Deleted {
        return Err(StoreError::Deleted {
            entity: "experiment",
            id: experiment.experiment_id.to_string(),
        });
    }
    Ok(experiment)
}

pub(super) fn get_by_name(connection: &Connection, name: &str) -> StoreResult<Experiment> {
    find(connection, "name = ?1", &name)?.ok_or_else(|| StoreError::ExperimentNotFound {
        experiment: ExperimentLookup::Name(name.to_string()),
    })
}

fn find(
    connection: &Connection,
    condition: &str,
    key: &dyn rusqlite::ToSql,
) -> StoreResult<Option<Experiment>> {
    let experiment = connection
        .prepare_cached(&format!(
            "SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE {condition}"
        ))?
        .query_row([key], experiment_row)
        .optional()?;
    match experiment {
        Some(mut experiment) => {
            experiment.tags = tags(connection, experiment.experiment_id)?;
            Ok(Some(experiment))
        }
        None => Ok(None),
    }
}

pub(super) fn list(connection: &Connection, view: ViewType) -> StoreResult<Vec<ExperimentSummary>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {EXPERIMENT_COLUMNS},
                (SELECT count(*) FROM runs r
                  WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active')
         FROM experiments e ORDER BY name"
    ))?;
    let rows = statement.query_map([], |row| {
        Ok(ExperimentSummary {
            experiment: experiment_row(row)?,
            active_run_count: row.get::<_, i64>(6)?.unsigned_abs(),
        })
    })?;
    let mut summaries = Vec::new();
    for summary in rows {
        let mut summary = summary?;
        if view.includes(summary.experiment.lifecycle_stage) {
            summary.experiment.tags = tags(connection, summary.experiment.experiment_id)?;
            summaries.push(summary);
        }
    }
    Ok(summaries)
}

pub(super) fn rename(
    transaction: &Transaction<'_>,
    experiment_id: ExperimentId,
    new_name: &str,
) -> StoreResult<()> {
    validate::check_experiment_name(new_name)?;
    let experiment = active(transaction, experiment_id)?;
    if experiment.name == new_name {
        return Ok(());
    }
    let taken = transaction
        .prepare_cached("SELECT 1 FROM experiments WHERE name = ?1")?
        .exists([new_name])?;
    if taken {
        return Err(StoreError::ExperimentExists {
            name: new_name.to_string(),
        });
    }
    transaction.execute(
        "UPDATE experiments SET name = ?2, last_update_time_ms = ?3 WHERE experiment_id = ?1",
        params![experiment_id.0, new_name, now_millis()],
    )?;
    Ok(())
}

pub(super) fn set_lifecycle(
    transaction: &Transaction<'_>,
    experiment_id: ExperimentId,
    stage: LifecycleStage,
) -> StoreResult<()> {
    if stage == LifecycleStage::Deleted && experiment_id == ExperimentId::DEFAULT {
        return Err(StoreError::invalid(
            "experiment 0",
            "the Default experiment cannot be deleted",
        ));
    }
    get(transaction, experiment_id)?;
    let now = now_millis();
    transaction.execute(
        "UPDATE experiments SET lifecycle_stage = ?2, last_update_time_ms = ?3
         WHERE experiment_id = ?1",
        params![experiment_id.0, stage.as_str(), now],
    )?;
    // As in MLflow, deleting or restoring an experiment does the same to all its runs.
    let deleted_time_ms = (stage == LifecycleStage::Deleted).then_some(now);
    transaction.execute(
        "UPDATE runs SET lifecycle_stage = ?2, deleted_time_ms = ?3 WHERE experiment_id = ?1",
        params![experiment_id.0, stage.as_str(), deleted_time_ms],
    )?;
    Ok(())
}

pub(super) fn set_tag(
    transaction: &Transaction<'_>,
    experiment_id: ExperimentId,
    tag: &Tag,
) -> StoreResult<()> {
    validate::check_tag(tag)?;
    transaction
        .prepare_cached(
            "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
        )?
        .execute(params![experiment_id.0, tag.key, tag.value])?;
    Ok(())
}

fn tags(connection: &Connection, experiment_id: ExperimentId) -> StoreResult<Vec<Tag>> {
    let mut statement = connection.prepare_cached(
        "SELECT key, value FROM experiment_tags WHERE experiment_id = ?1 ORDER BY key",
    )?;
    let tags = statement
        .query_map([experiment_id.0], |row| {
            Ok(Tag {
                key: row.get(0)?,
                value: row.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(tags)
}

fn experiment_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Experiment> {
    let lifecycle: String = row.get(3)?;
    Ok(Experiment {
        experiment_id: ExperimentId(row.get(0)?),
        name: row.get(1)?,
        artifact_location: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
        lifecycle_stage: LifecycleStage::parse(&lifecycle).unwrap_or(LifecycleStage::Active),
        creation_time_ms: row.get(4)?,
        last_update_time_ms: row.get(5)?,
        tags: Vec::new(),
    })
}

pub(super) fn delete_tag(
    transaction: &Transaction<'_>,
    experiment_id: ExperimentId,
    key: &str,
) -> StoreResult<()> {
    get(transaction, experiment_id)?;
    let deleted = transaction.execute(
        "DELETE FROM experiment_tags WHERE experiment_id = ?1 AND key = ?2",
        params![experiment_id.0, key],
    )?;
    if deleted == 0 {
        return Err(StoreError::TagNotFound {
            owner: "experiment",
            id: experiment_id.to_string(),
            key: key.to_string(),
        });
    }
    Ok(())
}
