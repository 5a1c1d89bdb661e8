//! A run's inputs (datasets, MLflow's `log-inputs`) and outputs (LoggedModels, `runs/outputs`):
//! each write is a few set-based statements, each read one query per table for any number of
//! runs.

use std::collections::HashMap;

use postgres::Transaction;

use super::present::Present;
use super::row::writable_run;
use super::sql::{args, execute, query, query_one};
use crate::error::{StoreError, StoreResult};
use crate::model::{
    Dataset, DatasetInput, DatasetSummary, ExperimentId, ModelInput, ModelOutput, RunIo, Tag,
};
use crate::store::tracking::in_asked_order;
use crate::validate;

/// The tag naming what a run used a dataset for (`training`, `eval`...).
const DATASET_CONTEXT_TAG: &str = "mlflow.data.context";

pub(crate) fn log_inputs(
    tx: &mut Transaction<'_>,
    run_id: &str,
    inputs: &[DatasetInput],
) -> StoreResult<()> {
    let run_pk = writable_run(tx, run_id)?;
    for input in inputs {
        validate::check_dataset_input(input)?;
    }
    if inputs.is_empty() {
        return Ok(());
    }
    let experiment_id: i64 = query_one(
        tx,
        "SELECT experiment_id FROM runs WHERE id = $1",
        args![run_pk],
    )?
    .try_get(0)?;
    let datasets: Vec<&Dataset> = inputs.iter().map(|input| &input.dataset).collect();
    let names: Vec<&str> = datasets.iter().map(|d| d.name.as_str()).collect();
    let digests: Vec<&str> = datasets.iter().map(|d| d.digest.as_str()).collect();
    let source_types: Vec<&str> = datasets.iter().map(|d| d.source_type.as_str()).collect();
    let sources: Vec<&str> = datasets.iter().map(|d| d.source.as_str()).collect();
    let schemas: Vec<Option<&str>> = datasets.iter().map(|d| d.schema.as_deref()).collect();
    let profiles: Vec<Option<&str>> = datasets.iter().map(|d| d.profile.as_deref()).collect();
    // A dataset already known in the experiment is kept as first logged.
    execute(
        tx,
        "INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
         SELECT $1, name, digest, source_type, source, schema, profile
         FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[])
              WITH ORDINALITY AS d (name, digest, source_type, source, schema, profile, n)
         ORDER BY n
         ON CONFLICT (experiment_id, name, digest) DO NOTHING",
        args![
            experiment_id,
            names,
            digests,
            source_types,
            sources,
            schemas,
            profiles
        ],
    )?;
    let rows = query(
        tx,
        "SELECT d.id, d.name, d.digest FROM datasets d
         JOIN UNNEST($2::TEXT[], $3::TEXT[]) AS given (name, digest)
           ON d.name = given.name AND d.digest = given.digest
         WHERE d.experiment_id = $1",
        args![experiment_id, names, digests],
    )?;
    let mut dataset_ids: HashMap<(String, String), i64> = HashMap::with_capacity(rows.len());
    for row in &rows {
        dataset_ids.insert((row.try_get(1)?, row.try_get(2)?), row.try_get(0)?);
    }
    let mut link_ids = Vec::with_capacity(inputs.len());
    let mut tag_rows: HashMap<(i64, &str), &str> = HashMap::new();
    let mut tag_order: Vec<(i64, &str)> = Vec::new();
    for input in inputs {
        let lookup = (input.dataset.name.clone(), input.dataset.digest.clone());
        let Some(&dataset_id) = dataset_ids.get(&lookup) else {
            continue;
        };
        link_ids.push(dataset_id);
        for tag in &input.tags {
            if tag_rows
                .insert((dataset_id, &tag.key), &tag.value)
                .is_none()
            {
                tag_order.push((dataset_id, &tag.key));
            }
        }
    }
    execute(
        tx,
        "INSERT INTO run_inputs (run_id, dataset_id)
         SELECT $1, dataset_id FROM UNNEST($2::BIGINT[]) AS i (dataset_id)
         ON CONFLICT DO NOTHING",
        args![run_pk, link_ids],
    )?;
    if !tag_order.is_empty() {
        let ids: Vec<i64> = tag_order.iter().map(|(id, _)| *id).collect();
        let keys: Vec<&str> = tag_order.iter().map(|(_, key)| *key).collect();
        let values: Vec<&str> = tag_order
            .iter()
            .map(|entry| tag_rows.get(entry).copied().unwrap_or_default())
            .collect();
        execute(
            tx,
            "INSERT INTO run_input_tags (run_id, dataset_id, key, value)
             SELECT $1, dataset_id, key, value
             FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[]) AS t (dataset_id, key, value)
             ON CONFLICT (run_id, dataset_id, key) DO UPDATE SET value = excluded.value",
            args![run_pk, ids, keys, values],
        )?;
    }
    Ok(())
}

pub(crate) fn log_model_inputs(
    tx: &mut Transaction<'_>,
    run_id: &str,
    models: &[ModelInput],
) -> StoreResult<()> {
    let run_pk = writable_run(tx, run_id)?;
    let ids: Vec<&str> = models.iter().map(|model| model.model_id.as_str()).collect();
    execute(
        tx,
        "INSERT INTO run_model_inputs (run_id, model_id)
         SELECT $1, model_id FROM UNNEST($2::TEXT[]) AS m (model_id)
         ON CONFLICT DO NOTHING",
        args![run_pk, ids],
    )?;
    Ok(())
}

pub(crate) fn log_outputs(
    tx: &mut Transaction<'_>,
    run_id: &str,
    outputs: &[ModelOutput],
) -> StoreResult<()> {
    let run_pk = writable_run(tx, run_id)?;
    // The last step given for a model wins, as when written one by one.
    let mut steps: HashMap<&str, i64> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for output in outputs {
        if steps.insert(&output.model_id, output.step).is_none() {
            order.push(&output.model_id);
        }
    }
    let step_list: Vec<i64> = order.iter().map(|id| steps[id]).collect();
    execute(
        tx,
        "INSERT INTO run_outputs (run_id, model_id, step)
         SELECT $1, model_id, step FROM UNNEST($2::TEXT[], $3::BIGINT[]) AS o (model_id, step)
         ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step",
        args![run_pk, order, step_list],
    )?;
    Ok(())
}

pub(crate) fn get(tx: &mut Transaction<'_>, run_id: &str) -> StoreResult<RunIo> {
    let mut ios = get_many(tx, &[run_id.to_string()])?;
    ios.pop().ok_or_else(|| StoreError::RunNotFound {
        run_id: run_id.to_string(),
    })
}

/// The inputs and outputs of many runs, in the order of `run_ids`: one query per table.
pub(crate) fn get_many(tx: &mut Transaction<'_>, run_ids: &[String]) -> StoreResult<Vec<RunIo>> {
    if run_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = query(
        tx,
        "SELECT run_uuid, id FROM runs WHERE run_uuid = ANY($1)",
        args![run_ids.to_vec()],
    )?;
    let mut run_pks: HashMap<String, i64> = HashMap::with_capacity(rows.len());
    for row in &rows {
        run_pks.insert(row.try_get(0)?, row.try_get(1)?);
    }
    let pks: Vec<i64> = run_pks.values().copied().collect();
    let present = Present::of(tx, &pks)?;
    let ios = by_run_pk(tx, &pks, present)?;
    in_asked_order(run_ids, &run_pks, &ios)
}

/// The inputs and outputs of runs known by their keys (a search's page, which has them),
/// reading only the kinds `present` says some of them have.
pub(crate) fn by_run_pk(
    tx: &mut Transaction<'_>,
    pks: &[i64],
    present: Present,
) -> StoreResult<HashMap<i64, RunIo>> {
    let mut ios: HashMap<i64, RunIo> = pks.iter().map(|pk| (*pk, RunIo::default())).collect();
    if present.inputs {
        read_inputs(tx, pks, &mut ios)?;
    }
    if present.model_inputs {
        read_model_inputs(tx, pks, &mut ios)?;
    }
    if present.outputs {
        read_outputs(tx, pks, &mut ios)?;
    }
    Ok(ios)
}

/// The dataset inputs of runs `pks`, with the tags of each use.
fn read_inputs(
    tx: &mut Transaction<'_>,
    pks: &[i64],
    ios: &mut HashMap<i64, RunIo>,
) -> StoreResult<()> {
    let pks = pks.to_vec();
    // (run, dataset) → index into that run's dataset_inputs, for the tags below.
    let mut input_index: HashMap<(i64, i64), usize> = HashMap::new();
    let rows = query(
        tx,
        "SELECT i.run_id, d.id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
         FROM run_inputs i JOIN datasets d ON d.id = i.dataset_id
         WHERE i.run_id = ANY($1)
         ORDER BY i.run_id, d.name COLLATE \"C\", d.digest COLLATE \"C\"",
        args![pks],
    )?;
    for row in &rows {
        let run_pk: i64 = row.try_get(0)?;
        if let Some(io) = ios.get_mut(&run_pk) {
            input_index.insert((run_pk, row.try_get(1)?), io.dataset_inputs.len());
            io.dataset_inputs.push(DatasetInput {
                dataset: Dataset {
                    name: row.try_get(2)?,
                    digest: row.try_get(3)?,
                    source_type: row.try_get(4)?,
                    source: row.try_get(5)?,
                    schema: row.try_get(6)?,
                    profile: row.try_get(7)?,
                },
                tags: Vec::new(),
            });
        }
    }
    let rows = query(
        tx,
        "SELECT run_id, dataset_id, key, value FROM run_input_tags
         WHERE run_id = ANY($1) ORDER BY run_id, dataset_id, key COLLATE \"C\"",
        args![pks],
    )?;
    for row in &rows {
        let run_pk: i64 = row.try_get(0)?;
        let dataset_id: i64 = row.try_get(1)?;
        let input = input_index
            .get(&(run_pk, dataset_id))
            .and_then(|&index| ios.get_mut(&run_pk)?.dataset_inputs.get_mut(index));
        if let Some(input) = input {
            input.tags.push(Tag::new(
                row.try_get::<_, String>(2)?,
                row.try_get::<_, String>(3)?,
            ));
        }
    }
    Ok(())
}

/// The model inputs of runs `pks`.
fn read_model_inputs(
    tx: &mut Transaction<'_>,
    pks: &[i64],
    ios: &mut HashMap<i64, RunIo>,
) -> StoreResult<()> {
    let pks = pks.to_vec();
    let rows = query(
        tx,
        "SELECT run_id, model_id FROM run_model_inputs WHERE run_id = ANY($1)
         ORDER BY run_id, model_id COLLATE \"C\"",
        args![pks],
    )?;
    for row in &rows {
        if let Some(io) = ios.get_mut(&row.try_get::<_, i64>(0)?) {
            io.model_inputs.push(ModelInput {
                model_id: row.try_get(1)?,
            });
        }
    }
    Ok(())
}

/// The model outputs of runs `pks`.
fn read_outputs(
    tx: &mut Transaction<'_>,
    pks: &[i64],
    ios: &mut HashMap<i64, RunIo>,
) -> StoreResult<()> {
    let pks = pks.to_vec();
    let rows = query(
        tx,
        "SELECT run_id, model_id, step FROM run_outputs WHERE run_id = ANY($1)
         ORDER BY run_id, model_id COLLATE \"C\"",
        args![pks],
    )?;
    for row in &rows {
        if let Some(io) = ios.get_mut(&row.try_get::<_, i64>(0)?) {
            io.model_outputs.push(ModelOutput {
                model_id: row.try_get(1)?,
                step: row.try_get(2)?,
            });
        }
    }
    Ok(())
}

/// Each (experiment, name, digest, context) of the datasets runs of `experiment_ids` used, once,
/// in the order the datasets were first logged, at most `limit`.
pub(crate) fn dataset_summaries(
    tx: &mut Transaction<'_>,
    experiment_ids: &[ExperimentId],
    limit: usize,
) -> StoreResult<Vec<DatasetSummary>> {
    if experiment_ids.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = experiment_ids.iter().map(|id| id.0).collect();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = query(
        tx,
        "SELECT d.experiment_id, d.name, d.digest, t.value
         FROM datasets d
         JOIN run_inputs i ON i.dataset_id = d.id
         LEFT JOIN run_input_tags t
           ON t.run_id = i.run_id AND t.dataset_id = d.id AND t.key = $2
         WHERE d.experiment_id = ANY($1)
         GROUP BY d.id, t.value
         ORDER BY d.id, t.value COLLATE \"C\" NULLS FIRST
         LIMIT $3",
        args![ids, DATASET_CONTEXT_TAG, limit],
    )?;
    rows.iter()
        .map(|row| {
            Ok(DatasetSummary {
                experiment_id: ExperimentId(row.try_get(0)?),
                name: row.try_get(1)?,
                digest: row.try_get(2)?,
                context: row.try_get(3)?,
            })
        })
        .collect()
}
