//! A run's inputs (datasets, MLflow's `log-inputs`) and outputs (LoggedModels, `runs/outputs`).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{StoreError, StoreResult};
use crate::model::{
    Dataset, DatasetInput, DatasetSummary, ExperimentId, ModelInput, ModelOutput, RunIo, Tag,
};
use crate::store::tracking::in_asked_order;
use crate::validate;

use super::row::{find_run, writable_run};

pub(super) fn log_inputs(
    transaction: &Transaction<'_>,
    run_id: &str,
    inputs: &[DatasetInput],
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    let (_, info) = find_run(transaction, run_id)?;
    for input in inputs {
        validate::check_dataset_input(input)?;
        let dataset = &input.dataset;
        let existing: Option<i64> = transaction
            .prepare_cached(
                "SELECT id FROM datasets WHERE experiment_id = ?1 AND name = ?2 AND digest = ?3",
            )?
            .query_row(
                params![info.experiment_id.0, dataset.name, dataset.digest],
                |row| row.get(0),
            )
            .optional()?;
        let dataset_id = match existing {
            Some(id) => id,
            None => {
                transaction
                    .prepare_cached(
                        "INSERT INTO datasets (experiment_id, name, digest, source_type, source,
                                               schema, profile)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        info.experiment_id.0,
                        dataset.name,
                        dataset.digest,
                        dataset.source_type,
                        dataset.source,
                        dataset.schema,
                        dataset.profile
                    ])?;
                transaction.last_insert_rowid()
            }
        };
        transaction
            .prepare_cached(
                "INSERT INTO run_inputs (run_id, dataset_id) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![run_pk, dataset_id])?;
        for tag in &input.tags {
            transaction
                .prepare_cached(
                    "INSERT INTO run_input_tags (run_id, dataset_id, key, value)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (run_id, dataset_id, key) DO UPDATE SET value = excluded.value",
                )?
                .execute(params![run_pk, dataset_id, tag.key, tag.value])?;
        }
    }
    Ok(())
}

pub(super) fn log_model_inputs(
    transaction: &Transaction<'_>,
    run_id: &str,
    models: &[ModelInput],
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    for model in models {
        transaction
            .prepare_cached(
                "INSERT INTO run_model_inputs (run_id, model_id) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![run_pk, model.model_id])?;
    }
    Ok(())
}

pub(super) fn log_outputs(
    transaction: &Transaction<'_>,
    run_id: &str,
    outputs: &[ModelOutput],
) -> StoreResult<()> {
    let run_pk = writable_run(transaction, run_id)?;
    for output in outputs {
        transaction
            .prepare_cached(
                "INSERT INTO run_outputs (run_id, model_id, step) VALUES (?1, ?2, ?3)
                 ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step",
            )?
            .execute(params![run_pk, output.model_id, output.step])?;
    }
    Ok(())
}

pub(super) fn get(connection: &Connection, run_id: &str) -> StoreResult<RunIo> {
    let mut ios = get_many(connection, &[run_id.to_string()])?;
    ios.pop().ok_or_else(|| StoreError::RunNotFound {
        run_id: run_id.to_string(),
    })
}

/// The inputs and outputs of many runs, in the order of `run_ids`, with one query per table
/// (a page of run search costs four queries, not four per run).
pub(super) fn get_many(connection: &Connection, run_ids: &[String]) -> StoreResult<Vec<RunIo>> {
    if run_ids.is_empty() {
        return Ok(Vec::new());
    }
    // One read transaction, so that every query sees the same runs.
    let snapshot = connection
        .is_autocommit()
        .then(|| connection.unchecked_transaction())
        .transpose()?;
    let uuids_json = serde_json::to_string(run_ids).map_err(|error| {
        StoreError::invalid("run ids", format!("cannot be listed as JSON: {error}"))
    })?;
    let run_pks: HashMap<String, i64> = connection
        .prepare_cached(
            "SELECT r.run_uuid, r.id FROM runs r
             WHERE r.run_uuid IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([&uuids_json], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut ios: HashMap<i64, RunIo> = HashMap::with_capacity(run_pks.len());
    for run_pk in run_pks.values() {
        ios.insert(*run_pk, RunIo::default());
    }
    let pks_json = format!(
        "[{}]",
        run_pks
            .values()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let pks_in = "IN (SELECT value FROM json_each(?1))";
    // (run, dataset) → index into that run's dataset_inputs, for the tags below.
    let mut input_index: HashMap<(i64, i64), usize> = HashMap::new();
    let mut statement = connection.prepare_cached(&format!(
        "SELECT i.run_id, d.id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
         FROM run_inputs i JOIN datasets d ON d.id = i.dataset_id
         WHERE i.run_id {pks_in} ORDER BY i.run_id, d.name, d.digest"
    ))?;
    let mut rows = statement.query([&pks_json])?;
    while let Some(row) = rows.next()? {
        let run_pk: i64 = row.get(0)?;
        if let Some(io) = ios.get_mut(&run_pk) {
            input_index.insert((run_pk, row.get(1)?), io.dataset_inputs.len());
            io.dataset_inputs.push(DatasetInput {
                dataset: Dataset {
                    name: row.get(2)?,
                    digest: row.get(3)?,
                    source_type: row.get(4)?,
                    source: row.get(5)?,
                    schema: row.get(6)?,
                    profile: row.get(7)?,
                },
                tags: Vec::new(),
            });
        }
    }
    let mut statement = connection.prepare_cached(&format!(
        "SELECT run_id, dataset_id, key, value FROM run_input_tags
         WHERE run_id {pks_in} ORDER BY run_id, dataset_id, key"
    ))?;
    let mut rows = statement.query([&pks_json])?;
    while let Some(row) = rows.next()? {
        let run_pk: i64 = row.get(0)?;
        let dataset_id: i64 = row.get(1)?;
        let input = input_index
            .get(&(run_pk, dataset_id))
            .and_then(|&index| ios.get_mut(&run_pk)?.dataset_inputs.get_mut(index));
        if let Some(input) = input {
            input
                .tags
                .push(Tag::new(row.get::<_, String>(2)?, row.get::<_, String>(3)?));
        }
    }
    let mut statement = connection.prepare_cached(&format!(
        "SELECT run_id, model_id FROM run_model_inputs WHERE run_id {pks_in}
         ORDER BY run_id, model_id"
    ))?;
    let mut rows = statement.query([&pks_json])?;
    while let Some(row) = rows.next()? {
        if let Some(io) = ios.get_mut(&row.get(0)?) {
            io.model_inputs.push(ModelInput {
                model_id: row.get(1)?,
            });
        }
    }
    let mut statement = connection.prepare_cached(&format!(
        "SELECT run_id, model_id, step FROM run_outputs WHERE run_id {pks_in}
         ORDER BY run_id, model_id"
    ))?;
    let mut rows = statement.query([&pks_json])?;
    while let Some(row) = rows.next()? {
        if let Some(io) = ios.get_mut(&row.get(0)?) {
            io.model_outputs.push(ModelOutput {
                model_id: row.get(1)?,
                step: row.get(2)?,
            });
        }
    }
    drop(snapshot);
    in_asked_order(run_ids, &run_pks, &ios)
}

/// The tag naming what a run used a dataset for (`training`, `eval`...).
const DATASET_CONTEXT_TAG: &str = "mlflow.data.context";

/// Each (experiment, name, digest, context) of the datasets runs of `experiment_ids` used, once,
/// in the order the datasets were first logged, at most `limit`.
pub(super) fn dataset_summaries(
    connection: &Connection,
    experiment_ids: &[ExperimentId],
    limit: usize,
) -> StoreResult<Vec<DatasetSummary>> {
    if experiment_ids.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let ids_json = format!(
        "[{}]",
        experiment_ids
            .iter()
            .map(|id| id.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut statement = connection.prepare_cached(
        "SELECT d.experiment_id, d.name, d.digest, t.value
         FROM datasets d
         JOIN run_inputs i ON i.dataset_id = d.id
         LEFT JOIN run_input_tags t
           ON t.run_id = i.run_id AND t.dataset_id = d.id AND t.key = ?2
         WHERE d.experiment_id IN (SELECT value FROM json_each(?1))
         GROUP BY d.id, t.value
         ORDER BY d.id, t.value
         LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = statement.query_map(params![ids_json, DATASET_CONTEXT_TAG, limit], |row| {
        Ok(DatasetSummary {
            experiment_id: ExperimentId(row.get(0)?),
            name: row.get(1)?,
            digest: row.get(2)?,
            context: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
