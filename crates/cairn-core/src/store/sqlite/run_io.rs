//! A run's inputs (datasets, MLflow's `log-inputs`) and outputs (LoggedModels, `runs/outputs`).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::StoreResult;
use crate::model::{Dataset, DatasetInput, ModelOutput, RunIo, Tag};
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
        input.tags.iter().try_for_each(validate::check_tag)?;
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
    let (run_pk, _) = find_run(connection, run_id)?;
    let mut dataset_inputs: Vec<(i64, DatasetInput)> = connection
        .prepare_cached(
            "SELECT d.id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
             FROM run_inputs i JOIN datasets d ON d.id = i.dataset_id
             WHERE i.run_id = ?1 ORDER BY d.name, d.digest",
        )?
        .query_map([run_pk], |row| {
            Ok((
                row.get(0)?,
                DatasetInput {
                    dataset: Dataset {
                        name: row.get(1)?,
                        digest: row.get(2)?,
                        source_type: row.get(3)?,
                        source: row.get(4)?,
                        schema: row.get(5)?,
                        profile: row.get(6)?,
                    },
                    tags: Vec::new(),
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    for (dataset_id, input) in &mut dataset_inputs {
        input.tags = connection
            .prepare_cached(
                "SELECT key, value FROM run_input_tags WHERE run_id = ?1 AND dataset_id = ?2
                 ORDER BY key",
            )?
            .query_map(params![run_pk, *dataset_id], |row| {
                Ok(Tag::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<Result<_, _>>()?;
    }
    let model_outputs = connection
        .prepare_cached(
            "SELECT model_id, step FROM run_outputs WHERE run_id = ?1 ORDER BY model_id",
        )?
        .query_map([run_pk], |row| {
            Ok(ModelOutput {
                model_id: row.get(0)?,
                step: row.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(RunIo {
        dataset_inputs: dataset_inputs.into_iter().map(|(_, input)| input).collect(),
        model_outputs,
    })
}
