//! Importing runs and experiments read from other tools' files (the indexer), keeping the
//! source's ids, in the caller's transaction.

use postgres::Transaction;

use super::experiments;
use super::metrics;
use super::provenance::write_git;
use super::sql::{args, big, execute, query_one, query_opt};
use super::writes::upsert_tags;
use crate::error::{ExperimentLookup, StoreError, StoreResult};
use crate::model::{
    ExperimentId, ImportMode, ImportOutcome, ImportedExperiment, ImportedInput, ImportedRun,
    MetricPoint, NewExperiment, Param,
};
use crate::validate;

/// Finds the experiment named `experiment.name`, or creates it keeping the source id when free.
pub(crate) fn import_experiment(
    tx: &mut Transaction<'_>,
    experiment: &ImportedExperiment,
) -> StoreResult<ExperimentId> {
    let existing = query_opt(
        tx,
        "SELECT experiment_id FROM experiments WHERE name = $1",
        args![experiment.name],
    )?;
    let experiment_id = match existing {
        Some(row) => ExperimentId(row.try_get(0)?),
        None => experiments::create(
            tx,
            &NewExperiment {
                name: experiment.name.clone(),
                artifact_location: experiment.artifact_location.clone(),
                tags: Vec::new(),
                experiment_id: experiment.source_id,
            },
        )?,
    };
    execute(
        tx,
        "UPDATE experiments SET lifecycle_stage = $2,
             creation_time_ms = COALESCE($3, creation_time_ms),
             last_update_time_ms = COALESCE($4, last_update_time_ms)
         WHERE experiment_id = $1",
        args![
            experiment_id.0,
            experiment.lifecycle_stage.as_str(),
            experiment.creation_time_ms,
            experiment.last_update_time_ms
        ],
    )?;
    experiments::set_tags(tx, experiment_id, &experiment.tags)?;
    Ok(experiment_id)
}

/// Creates or updates one imported run with everything attached.
pub(crate) fn import_run(
    tx: &mut Transaction<'_>,
    run: &ImportedRun,
    mode: ImportMode,
) -> StoreResult<ImportOutcome> {
    validate::check_run_id(&run.run_id)?;
    for (key, points) in &run.metrics {
        validate::check_metric_points(key, points)?;
    }
    let experiment_exists = query_opt(
        tx,
        "SELECT 1 FROM experiments WHERE experiment_id = $1",
        args![run.experiment_id.0],
    )?
    .is_some();
    if !experiment_exists {
        return Err(StoreError::ExperimentNotFound {
            experiment: ExperimentLookup::Id(run.experiment_id.0),
        });
    }
    // One statement for new and known runs: a known run keeps its surrogate key and, when
    // appending, widens its time span instead of replacing it. `xmax = 0` tells a fresh row.
    let row = query_one(
        tx,
        "INSERT INTO runs AS r (run_uuid, experiment_id, name, user_id, status,
             start_time_ms, end_time_ms, lifecycle_stage, deleted_time_ms,
             artifact_uri, source_kind, source_path, parent_run_uuid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12, ''), $13)
         ON CONFLICT (run_uuid) DO UPDATE SET
             experiment_id = excluded.experiment_id, name = excluded.name,
             user_id = excluded.user_id, status = excluded.status,
             start_time_ms = CASE WHEN $14 THEN LEAST(r.start_time_ms, excluded.start_time_ms)
                             ELSE excluded.start_time_ms END,
             end_time_ms = CASE WHEN $14 THEN GREATEST(r.end_time_ms, excluded.end_time_ms)
                           ELSE excluded.end_time_ms END,
             lifecycle_stage = excluded.lifecycle_stage,
             deleted_time_ms = excluded.deleted_time_ms, artifact_uri = excluded.artifact_uri,
             source_kind = excluded.source_kind, source_path = excluded.source_path,
             source_missing = false, parent_run_uuid = excluded.parent_run_uuid
         RETURNING id, (xmax = 0)",
        args![
            run.run_id,
            run.experiment_id.0,
            run.run_name,
            run.user_id,
            run.status.as_str(),
            run.start_time_ms,
            run.end_time_ms,
            run.lifecycle_stage.as_str(),
            run.deleted_time_ms,
            run.artifact_uri,
            run.source_kind.as_str(),
            run.source_path,
            run.parent_run_id,
            mode == ImportMode::Append,
        ],
    )?;
    let run_pk: i64 = row.try_get(0)?;
    let outcome = if row.try_get(1)? {
        ImportOutcome::Created
    } else {
        ImportOutcome::Updated
    };
    if mode == ImportMode::Replace && outcome == ImportOutcome::Updated {
        execute(
            tx,
            "WITH params AS (DELETE FROM params WHERE run_id = $1),
                  tags AS (DELETE FROM tags WHERE run_id = $1),
                  series AS (DELETE FROM metric_series WHERE run_id = $1),
                  artifacts AS (DELETE FROM artifacts WHERE run_id = $1),
                  inputs AS (DELETE FROM run_inputs WHERE run_id = $1),
                  git AS (DELETE FROM git_provenance WHERE run_id = $1),
                  outputs AS (DELETE FROM run_outputs WHERE run_id = $1),
                  model_inputs AS (DELETE FROM run_model_inputs WHERE run_id = $1)
             SELECT 1",
            args![run_pk],
        )?;
    }
    upsert_params(tx, run_pk, &run.params)?;
    upsert_tags(tx, run_pk, &run.tags)?;
    if !run.run_name.is_empty() {
        execute(
            tx,
            "UPDATE runs SET name = $2 WHERE id = $1 AND name <> $2",
            args![run_pk, run.run_name],
        )?;
    }
    let by_key: Vec<(&str, Vec<MetricPoint>)> = run
        .metrics
        .iter()
        .map(|(key, points)| (key.as_str(), points.clone()))
        .collect();
    metrics::append(
        tx,
        metrics::RunRef::Key(run_pk),
        by_key,
        crate::store::repeats::Repeats::Kept,
    )?;
    write_artifacts(tx, run_pk, run)?;
    for input in &run.inputs {
        write_input(tx, run_pk, run.experiment_id, input)?;
    }
    if !run.outputs.is_empty() {
        let mut ids: Vec<&str> = Vec::with_capacity(run.outputs.len());
        let mut steps: Vec<i64> = Vec::with_capacity(run.outputs.len());
        for (model_id, step) in &run.outputs {
            match ids.iter().position(|id| id == model_id) {
                Some(index) => steps[index] = *step,
                None => {
                    ids.push(model_id);
                    steps.push(*step);
                }
            }
        }
        execute(
            tx,
            "INSERT INTO run_outputs (run_id, model_id, step)
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::BIGINT[])
             ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step",
            args![run_pk, ids, steps],
        )?;
    }
    if let Some(git) = &run.git {
        write_git(tx, run_pk, git)?;
    }
    Ok(outcome)
}

/// Imported params replace stored ones (the source is the truth); the last of a key wins.
fn upsert_params(tx: &mut Transaction<'_>, run_pk: i64, params: &[Param]) -> StoreResult<()> {
    if params.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<&str> = Vec::with_capacity(params.len());
    let mut values: Vec<&str> = Vec::with_capacity(params.len());
    for param in params {
        match keys.iter().position(|key| *key == param.key) {
            Some(index) => values[index] = &param.value,
            None => {
                keys.push(&param.key);
                values.push(&param.value);
            }
        }
    }
    execute(
        tx,
        "INSERT INTO params (run_id, key, value)
         SELECT $1, key, value FROM UNNEST($2::TEXT[], $3::TEXT[]) WITH ORDINALITY AS p (key, value, n)
         ORDER BY n
         ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
        args![run_pk, keys, values],
    )?;
    Ok(())
}

/// The run's indexed artifact files, in place where the source keeps them.
fn write_artifacts(tx: &mut Transaction<'_>, run_pk: i64, run: &ImportedRun) -> StoreResult<()> {
    if run.artifacts.is_empty() {
        return Ok(());
    }
    // The last entry of a path wins.
    let mut order: Vec<usize> = Vec::with_capacity(run.artifacts.len());
    let mut index_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, artifact) in run.artifacts.iter().enumerate() {
        match index_of.get(artifact.path.as_str()) {
            Some(&slot) => order[slot] = index,
            None => {
                index_of.insert(&artifact.path, order.len());
                order.push(index);
            }
        }
    }
    let chosen = order.iter().map(|&index| &run.artifacts[index]);
    let paths: Vec<&str> = chosen.clone().map(|a| a.path.as_str()).collect();
    let sizes: Vec<i64> = chosen.clone().map(|a| big(a.size_bytes)).collect();
    let mimes: Vec<Option<&str>> = chosen.clone().map(|a| a.mime.as_deref()).collect();
    let locations: Vec<&str> = chosen.clone().map(|a| a.location.as_str()).collect();
    let modified: Vec<Option<i64>> = chosen.map(|a| a.modified_ms).collect();
    execute(
        tx,
        "INSERT INTO artifacts (run_id, path, size_bytes, mime, location, modified_ms)
         SELECT $1, * FROM UNNEST($2::TEXT[], $3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[])
         ON CONFLICT (run_id, path) DO UPDATE SET
             size_bytes = excluded.size_bytes, blake3 = NULL, mime = excluded.mime,
             location = excluded.location, modified_ms = excluded.modified_ms",
        args![run_pk, paths, sizes, mimes, locations, modified],
    )?;
    Ok(())
}

/// One dataset the run used, as the source describes it now, with its tags.
fn write_input(
    tx: &mut Transaction<'_>,
    run_pk: i64,
    experiment_id: ExperimentId,
    input: &ImportedInput,
) -> StoreResult<()> {
    let dataset_id: i64 = query_one(
        tx,
        "INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (experiment_id, name, digest) DO UPDATE SET
             source_type = excluded.source_type, source = excluded.source,
             schema = excluded.schema, profile = excluded.profile
         RETURNING id",
        args![
            experiment_id.0,
            input.name,
            input.digest,
            input.source_type,
            input.source,
            input.schema,
            input.profile
        ],
    )?
    .try_get(0)?;
    execute(
        tx,
        "INSERT INTO run_inputs (run_id, dataset_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        args![run_pk, dataset_id],
    )?;
    if !input.tags.is_empty() {
        let (keys, values) = experiments::last_per_key(&input.tags);
        execute(
            tx,
            "INSERT INTO run_input_tags (run_id, dataset_id, key, value)
             SELECT $1, $2, * FROM UNNEST($3::TEXT[], $4::TEXT[])
             ON CONFLICT (run_id, dataset_id, key) DO UPDATE SET value = excluded.value",
            args![run_pk, dataset_id, keys, values],
        )?;
    }
    Ok(())
}

/// Sets `source_missing` on the runs indexed from `source_paths`; returns how many changed.
pub(crate) fn set_source_missing(
    tx: &mut Transaction<'_>,
    source_paths: &[String],
    missing: bool,
) -> StoreResult<u64> {
    if source_paths.is_empty() {
        return Ok(0);
    }
    execute(
        tx,
        "UPDATE runs SET source_missing = $2
         WHERE source_path = ANY($1) AND source_missing <> $2",
        args![source_paths.to_vec(), missing],
    )
}
