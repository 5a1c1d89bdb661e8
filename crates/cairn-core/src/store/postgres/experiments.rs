//! Experiments and their tags. Creating and renaming take one advisory lock, so that two
//! servers choosing the next id or claiming a name take turns instead of failing on a key.

use postgres::{Row, Transaction};

use super::sql::{args, execute, query, query_opt};
use crate::error::{ExperimentLookup, StoreError, StoreResult};
use crate::model::{
    Experiment, ExperimentId, ExperimentSummary, LifecycleStage, NewExperiment, Tag, ViewType,
};
use crate::time::now_millis;
use crate::validate;

const EXPERIMENT_COLUMNS: &str = "e.experiment_id, e.name, e.artifact_location, \
     e.lifecycle_stage, e.creation_time_ms, e.last_update_time_ms";

/// An arbitrary constant naming the lock taken while experiment ids and names are chosen.
const NAMING_LOCK: i64 = 0x6361_6972_6e5f_6578;

fn lock_naming(tx: &mut Transaction<'_>) -> StoreResult<()> {
    execute(tx, "SELECT pg_advisory_xact_lock($1)", args![NAMING_LOCK])?;
    Ok(())
}

fn name_taken(tx: &mut Transaction<'_>, name: &str) -> StoreResult<bool> {
    Ok(query_opt(tx, "SELECT 1 FROM experiments WHERE name = $1", args![name])?.is_some())
}

/// Creates an experiment: the given id when it is free, else one more than the largest.
pub(crate) fn create(tx: &mut Transaction<'_>, new: &NewExperiment) -> StoreResult<ExperimentId> {
    validate::check_experiment_name(&new.name)?;
    new.tags.iter().try_for_each(validate::check_tag)?;
    lock_naming(tx)?;
    if name_taken(tx, &new.name)? {
        return Err(StoreError::ExperimentExists {
            name: new.name.clone(),
        });
    }
    let wanted = new.experiment_id.map(|id| id.0);
    // The wanted id when free, else the next one: one statement.
    let row = query_opt(
        tx,
        "SELECT CASE WHEN $1::BIGINT IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM experiments WHERE experiment_id = $1)
                 THEN $1::BIGINT
                 ELSE (SELECT COALESCE(MAX(experiment_id), 0) + 1 FROM experiments) END",
        args![wanted],
    )?;
    let experiment_id = ExperimentId(match row {
        Some(row) => row.try_get(0)?,
        None => 1,
    });
    let now = now_millis();
    let artifact_location = new
        .artifact_location
        .clone()
        .unwrap_or_else(|| format!("mlflow-artifacts:/{experiment_id}"));
    execute(
        tx,
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,
                                  creation_time_ms, last_update_time_ms)
         VALUES ($1, $2, $3, 'active', $4, $4)",
        args![experiment_id.0, new.name, artifact_location, now],
    )?;
    set_tags(tx, experiment_id, &new.tags)?;
    Ok(experiment_id)
}

pub(crate) fn get(
    tx: &mut Transaction<'_>,
    experiment_id: ExperimentId,
) -> StoreResult<Experiment> {
    let row = query_opt(
        tx,
        &format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments e WHERE e.experiment_id = $1"),
        args![experiment_id.0],
    )?;
    match row {
        Some(row) => with_tags(tx, experiment_row(&row)?),
        None => Err(StoreError::ExperimentNotFound {
            experiment: ExperimentLookup::Id(experiment_id.0),
        }),
    }
}

/// An experiment that may be written to: fails when it is missing or deleted.
pub(crate) fn active(
    tx: &mut Transaction<'_>,
    experiment_id: ExperimentId,
) -> StoreResult<Experiment> {
    let experiment = get(tx, experiment_id)?;
    if experiment.lifecycle_stage == LifecycleStage::Deleted {
        return Err(StoreError::Deleted {
            entity: "experiment",
            id: experiment.experiment_id.to_string(),
        });
    }
    Ok(experiment)
}

pub(crate) fn get_by_name(tx: &mut Transaction<'_>, name: &str) -> StoreResult<Experiment> {
    let row = query_opt(
        tx,
        &format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments e WHERE e.name = $1"),
        args![name],
    )?;
    match row {
        Some(row) => with_tags(tx, experiment_row(&row)?),
        None => Err(StoreError::ExperimentNotFound {
            experiment: ExperimentLookup::Name(name.to_string()),
        }),
    }
}

/// Experiments in view with their active run counts and tags, sorted by name: two queries.
pub(crate) fn list(
    tx: &mut Transaction<'_>,
    view: ViewType,
) -> StoreResult<Vec<ExperimentSummary>> {
    let rows = query(
        tx,
        &format!(
            "SELECT {EXPERIMENT_COLUMNS},
                    (SELECT count(*) FROM runs r
                      WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active')
             FROM experiments e ORDER BY e.name COLLATE \"C\""
        ),
        args![],
    )?;
    let mut summaries = Vec::with_capacity(rows.len());
    for row in &rows {
        let experiment = experiment_row(row)?;
        if view.includes(experiment.lifecycle_stage) {
            summaries.push(ExperimentSummary {
                experiment,
                active_run_count: row.try_get::<_, i64>(6)?.unsigned_abs(),
            });
        }
    }
    let ids: Vec<i64> = summaries
        .iter()
        .map(|summary| summary.experiment.experiment_id.0)
        .collect();
    let tag_rows = query(
        tx,
        "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id = ANY($1)
         ORDER BY experiment_id, key COLLATE \"C\"",
        args![ids],
    )?;
    let position: std::collections::HashMap<i64, usize> = ids
        .iter()
        .enumerate()
        .map(|(index, id)| (*id, index))
        .collect();
    for row in &tag_rows {
        if let Some(&index) = position.get(&row.try_get::<_, i64>(0)?) {
            summaries[index].experiment.tags.push(Tag::new(
                row.try_get::<_, String>(1)?,
                row.try_get::<_, String>(2)?,
            ));
        }
    }
    Ok(summaries)
}

pub(crate) fn rename(
    tx: &mut Transaction<'_>,
    experiment_id: ExperimentId,
    new_name: &str,
) -> StoreResult<()> {
    validate::check_experiment_name(new_name)?;
    let experiment = active(tx, experiment_id)?;
    if experiment.name == new_name {
        return Ok(());
    }
    lock_naming(tx)?;
    if name_taken(tx, new_name)? {
        return Err(StoreError::ExperimentExists {
            name: new_name.to_string(),
        });
    }
    execute(
        tx,
        "UPDATE experiments SET name = $2, last_update_time_ms = $3 WHERE experiment_id = $1",
        args![experiment_id.0, new_name, now_millis()],
    )?;
    Ok(())
}

pub(crate) fn set_lifecycle(
    tx: &mut Transaction<'_>,
    experiment_id: ExperimentId,
    stage: LifecycleStage,
) -> StoreResult<()> {
    if stage == LifecycleStage::Deleted && experiment_id == ExperimentId::DEFAULT {
        return Err(StoreError::invalid(
            "experiment 0",
            "the Default experiment cannot be deleted",
        ));
    }
    let now = now_millis();
    let changed = execute(
        tx,
        "UPDATE experiments SET lifecycle_stage = $2, last_update_time_ms = $3
         WHERE experiment_id = $1",
        args![experiment_id.0, stage.as_str(), now],
    )?;
    if changed == 0 {
        return Err(StoreError::ExperimentNotFound {
            experiment: ExperimentLookup::Id(experiment_id.0),
        });
    }
    // As in MLflow, deleting or restoring an experiment does the same to all its runs.
    let deleted_time_ms = (stage == LifecycleStage::Deleted).then_some(now);
    execute(
        tx,
        "UPDATE runs SET lifecycle_stage = $2, deleted_time_ms = $3 WHERE experiment_id = $1",
        args![experiment_id.0, stage.as_str(), deleted_time_ms],
    )?;
    Ok(())
}

/// Sets (upserts) tags of an experiment in one statement, the last value of a key winning.
pub(crate) fn set_tags(
    tx: &mut Transaction<'_>,
    experiment_id: ExperimentId,
    tags: &[Tag],
) -> StoreResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    tags.iter().try_for_each(validate::check_tag)?;
    let (keys, values) = last_per_key(tags);
    execute(
        tx,
        "INSERT INTO experiment_tags (experiment_id, key, value)
         SELECT $1, key, value FROM UNNEST($2::TEXT[], $3::TEXT[]) AS t (key, value)
         ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
        args![experiment_id.0, keys, values],
    )?;
    Ok(())
}

/// Keys and values of `tags`, each key once with its last value, in first-seen order.
pub(crate) fn last_per_key(tags: &[Tag]) -> (Vec<&str>, Vec<&str>) {
    let mut keys: Vec<&str> = Vec::with_capacity(tags.len());
    let mut values: Vec<&str> = Vec::with_capacity(tags.len());
    for tag in tags {
        match keys.iter().position(|key| *key == tag.key) {
            Some(index) => values[index] = &tag.value,
            None => {
                keys.push(&tag.key);
                values.push(&tag.value);
            }
        }
    }
    (keys, values)
}

fn with_tags(tx: &mut Transaction<'_>, mut experiment: Experiment) -> StoreResult<Experiment> {
    let rows = query(
        tx,
        "SELECT key, value FROM experiment_tags WHERE experiment_id = $1 ORDER BY key COLLATE \"C\"",
        args![experiment.experiment_id.0],
    )?;
    for row in &rows {
        experiment.tags.push(Tag::new(
            row.try_get::<_, String>(0)?,
            row.try_get::<_, String>(1)?,
        ));
    }
    Ok(experiment)
}

fn experiment_row(row: &Row) -> StoreResult<Experiment> {
    let lifecycle: &str = row.try_get(3)?;
    Ok(Experiment {
        experiment_id: ExperimentId(row.try_get(0)?),
        name: row.try_get(1)?,
        artifact_location: row.try_get::<_, Option<String>>(2)?.unwrap_or_default(),
        lifecycle_stage: LifecycleStage::parse(lifecycle).unwrap_or(LifecycleStage::Active),
        creation_time_ms: row.try_get(4)?,
        last_update_time_ms: row.try_get(5)?,
        tags: Vec::new(),
    })
}

pub(crate) fn delete_tag(
    tx: &mut Transaction<'_>,
    experiment_id: ExperimentId,
    key: &str,
) -> StoreResult<()> {
    get(tx, experiment_id)?;
    let deleted = execute(
        tx,
        "DELETE FROM experiment_tags WHERE experiment_id = $1 AND key = $2",
        args![experiment_id.0, key],
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
