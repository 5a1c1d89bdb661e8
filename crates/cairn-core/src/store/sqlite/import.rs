//! Importing runs, experiments and registered models read from other tools' files (the
//! indexer). Each import keeps the source's ids and writes in the caller's transaction.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::error::{ExperimentLookup, StoreError, StoreResult};
use crate::model::{
    ExperimentId, GitProvenance, ImportMode, ImportOutcome, ImportedExperiment, ImportedInput,
    ImportedRegisteredModel, ImportedRun, ModelStage, NewExperiment,
};
use crate::time::now_millis;
use crate::validate;

use super::{experiments, metrics, writes};
use crate::store::repeats::Repeats;

/// Finds the experiment named `experiment.name`, or creates it keeping the source id when free.
pub(super) fn import_experiment(
    transaction: &Transaction<'_>,
    experiment: &ImportedExperiment,
) -> StoreResult<ExperimentId> {
    let existing: Option<i64> = transaction
        .prepare_cached("SELECT experiment_id FROM experiments WHERE name = ?1")?
        .query_row([&experiment.name], |row| row.get(0))
        .optional()?;
    let experiment_id = match existing {
        Some(id) => ExperimentId(id),
        None => experiments::create(
            transaction,
            &NewExperiment {
                name: experiment.name.clone(),
                artifact_location: experiment.artifact_location.clone(),
                tags: Vec::new(),
                experiment_id: experiment.source_id,
            },
        )?,
    };
    transaction
        .prepare_cached(
            "UPDATE experiments SET lifecycle_stage = ?2,
                 creation_time_ms = coalesce(?3, creation_time_ms),
                 last_update_time_ms = coalesce(?4, last_update_time_ms)
             WHERE experiment_id = ?1",
        )?
        .execute(params![
            experiment_id.0,
            experiment.lifecycle_stage.as_str(),
            experiment.creation_time_ms,
            experiment.last_update_time_ms
        ])?;
    for tag in &experiment.tags {
        experiments::set_tag(transaction, experiment_id, tag)?;
    }
    Ok(experiment_id)
}

/// Creates or updates one imported run with everything attached.
pub(super) fn import_run(
    transaction: &Transaction<'_>,
    run: &ImportedRun,
    mode: ImportMode,
) -> StoreResult<ImportOutcome> {
    validate::check_run_id(&run.run_id)?;
    for (key, points) in &run.metrics {
        validate::check_metric_points(key, points)?;
    }
    let experiment_exists = transaction
        .prepare_cached("SELECT 1 FROM experiments WHERE experiment_id = ?1")?
        .exists([run.experiment_id.0])?;
    if !experiment_exists {
        return Err(StoreError::ExperimentNotFound {
            experiment: ExperimentLookup::Id(run.experiment_id.0),
        });
    }
    let existing: Option<i64> = transaction
        .prepare_cached("SELECT id FROM runs WHERE run_uuid = ?1")?
        .query_row([&run.run_id], |row| row.get(0))
        .optional()?;
    // One statement for new and known runs: a known run keeps its integer key and, when
    // appending, widens its time span instead of replacing it.
    let run_pk: i64 = transaction
        .prepare_cached(
            "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status,
                 start_time_ms, end_time_ms, lifecycle_stage, deleted_time_ms,
                 artifact_uri, source_kind, source_path, parent_run_uuid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULLIF(?12, ''), ?13)
             ON CONFLICT (run_uuid) DO UPDATE SET
                 experiment_id = excluded.experiment_id, name = excluded.name,
                 user_id = excluded.user_id, status = excluded.status,
                 start_time_ms = CASE WHEN ?14 THEN coalesce(min(start_time_ms, excluded.start_time_ms),
                     start_time_ms, excluded.start_time_ms) ELSE excluded.start_time_ms END,
                 end_time_ms = CASE WHEN ?14 THEN coalesce(max(end_time_ms, excluded.end_time_ms),
                     end_time_ms, excluded.end_time_ms) ELSE excluded.end_time_ms END,
                 lifecycle_stage = excluded.lifecycle_stage,
                 deleted_time_ms = excluded.deleted_time_ms, artifact_uri = excluded.artifact_uri,
                 source_kind = excluded.source_kind, source_path = excluded.source_path,
                 source_missing = 0, parent_run_uuid = excluded.parent_run_uuid
             RETURNING id",
        )?
        .query_row(
            params![
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
            |row| row.get(0),
        )?;
    let outcome = if existing.is_some() {
        ImportOutcome::Updated
    } else {
        ImportOutcome::Created
    };
    if mode == ImportMode::Replace && outcome == ImportOutcome::Updated {
        for table in [
            "params",
            "tags",
            "metric_series",
            "artifacts",
            "run_inputs",
            "git_provenance",
            "run_outputs",
            "run_model_inputs",
        ] {
            transaction
                .prepare_cached(&format!("DELETE FROM {table} WHERE run_id = ?1"))?
                .execute([run_pk])?;
        }
    }
    {
        let mut insert_param = transaction.prepare_cached(
            "INSERT INTO params (run_id, key, value, seq)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM params WHERE run_id = ?1))
             ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
        )?;
        for param in &run.params {
            insert_param.execute(params![run_pk, param.key, param.value])?;
        }
    }
    for tag in &run.tags {
        writes::upsert_tag(transaction, run_pk, tag)?;
    }
    if !run.run_name.is_empty() {
        transaction
            .prepare_cached("UPDATE runs SET name = ?2 WHERE id = ?1")?
            .execute(params![run_pk, run.run_name])?;
    }
    for (key, points) in &run.metrics {
        metrics::append(transaction, run_pk, key, points, Repeats::Kept)?;
    }
    {
        let mut insert_artifact = transaction.prepare_cached(
            "INSERT OR REPLACE INTO artifacts (run_id, path, size_bytes, mime, location, modified_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for artifact in &run.artifacts {
            insert_artifact.execute(params![
                run_pk,
                artifact.path,
                artifact.size_bytes as i64,
                artifact.mime,
                artifact.location,
                artifact.modified_ms
            ])?;
        }
    }
    for input in &run.inputs {
        insert_input(transaction, run_pk, run.experiment_id, input)?;
    }
    {
        let mut insert_output = transaction.prepare_cached(
            "INSERT OR REPLACE INTO run_outputs (run_id, model_id, step) VALUES (?1, ?2, ?3)",
        )?;
        for (model_id, step) in &run.outputs {
            insert_output.execute(params![run_pk, model_id, step])?;
        }
    }
    if let Some(git) = &run.git {
        insert_git(transaction, run_pk, git)?;
    }
    Ok(outcome)
}

/// Git provenance as a source recorded it (MLflow's tags): no untracked-file list, no diff.
/// Written here rather than through `provenance::set_git` because imported runs may be deleted.
fn insert_git(transaction: &Transaction<'_>, run_pk: i64, git: &GitProvenance) -> StoreResult<()> {
    transaction
        .prepare_cached(
            "INSERT OR REPLACE INTO git_provenance
               (run_id, origin, repo_root, commit_sha, branch, remote_url, is_dirty, diff_artifact,
                untracked_files, author_name, author_email, commit_time_ms, commit_summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            run_pk,
            git.origin.as_str(),
            git.repo_root,
            git.commit_sha,
            git.branch,
            git.remote_url,
            git.is_dirty,
            git.diff_artifact,
            (!git.untracked_files.is_empty())
                .then(|| super::provenance::encode_names(&git.untracked_files)),
            git.author_name,
            git.author_email,
            git.commit_time_ms,
            git.commit_summary,
        ])?;
    Ok(())
}

fn insert_input(
    transaction: &Transaction<'_>,
    run_pk: i64,
    experiment_id: ExperimentId,
    input: &ImportedInput,
) -> StoreResult<()> {
    let dataset_id: i64 = transaction
        .prepare_cached(
            "INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (experiment_id, name, digest) DO UPDATE SET
                 source_type = excluded.source_type, source = excluded.source,
                 schema = excluded.schema, profile = excluded.profile
             RETURNING id",
        )?
        .query_row(
            params![
                experiment_id.0,
                input.name,
                input.digest,
                input.source_type,
                input.source,
                input.schema,
                input.profile
            ],
            |row| row.get(0),
        )?;
    transaction
        .prepare_cached("INSERT OR IGNORE INTO run_inputs (run_id, dataset_id) VALUES (?1, ?2)")?
        .execute(params![run_pk, dataset_id])?;
    let mut insert_tag = transaction.prepare_cached(
        "INSERT OR REPLACE INTO run_input_tags (run_id, dataset_id, key, value)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for tag in &input.tags {
        insert_tag.execute(params![run_pk, dataset_id, tag.key, tag.value])?;
    }
    Ok(())
}

/// Creates or updates a registered model, its versions (stages as the source has them), tags
/// and aliases. New versions, stage changes and alias moves are written to the registry history
/// with origin `import`.
pub(super) fn import_registered_model(
    transaction: &Transaction<'_>,
    model: &ImportedRegisteredModel,
) -> StoreResult<()> {
    validate::check_model_name(&model.name)?;
    let model_pk: i64 = transaction
        .prepare_cached(
            "INSERT INTO registered_models (name, description, creation_time_ms, last_updated_time_ms)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET description = excluded.description,
                 last_updated_time_ms = excluded.last_updated_time_ms
             RETURNING id",
        )?
        .query_row(
            params![
                model.name,
                model.description,
                model.creation_time_ms,
                model.last_updated_time_ms
            ],
            |row| row.get(0),
        )?;
    transaction
        .prepare_cached("DELETE FROM registered_model_tags WHERE model_id = ?1")?
        .execute([model_pk])?;
    for tag in &model.tags {
        transaction
            .prepare_cached(
                "INSERT INTO registered_model_tags (model_id, key, value) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![model_pk, tag.key, tag.value])?;
    }
    let now = now_millis();
    for version in &model.versions {
        let old_stage: Option<String> = transaction
            .prepare_cached(
                "SELECT current_stage FROM model_versions WHERE model_id = ?1 AND version = ?2",
            )?
            .query_row(params![model_pk, version.version as i64], |row| row.get(0))
            .optional()?;
        let stage = version.current_stage.unwrap_or(ModelStage::None);
        let status = match version.status.as_str() {
            "PENDING_REGISTRATION" | "FAILED_REGISTRATION" | "READY" => version.status.as_str(),
            _ => "READY",
        };
        transaction
            .prepare_cached(
                "INSERT OR REPLACE INTO model_versions
                   (model_id, version, creation_time_ms, last_updated_time_ms, user_id,
                    current_stage, description, source, run_uuid, status, logged_model_id,
                    storage_location, deleted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                model_pk,
                version.version as i64,
                version.creation_time_ms,
                version.last_updated_time_ms,
                version.user_id,
                stage.as_str(),
                version.description,
                version.source,
                version.run_id,
                status,
                version.logged_model_id,
                version.storage_location,
                version.current_stage.is_none(),
            ])?;
        transaction
            .prepare_cached("DELETE FROM model_version_tags WHERE model_id = ?1 AND version = ?2")?
            .execute(params![model_pk, version.version as i64])?;
        for tag in &version.tags {
            transaction
                .prepare_cached(
                    "INSERT INTO model_version_tags (model_id, version, key, value)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    model_pk,
                    version.version as i64,
                    tag.key,
                    tag.value
                ])?;
        }
        let history = |action: &str, from: Option<&str>, to: Option<&str>, time_ms: i64| {
            transaction
                .prepare_cached(
                    "INSERT INTO registry_history
                       (model_name, version, action, from_stage, to_stage, user_id, time_ms, origin)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'import')",
                )?
                .execute(params![
                    model.name,
                    version.version as i64,
                    action,
                    from,
                    to,
                    version.user_id,
                    time_ms
                ])
        };
        if model.history.is_some() {
            continue;
        }
        match old_stage {
            None => {
                history("create_version", None, None, version.creation_time_ms)?;
                if stage != ModelStage::None {
                    history("transition", Some("None"), Some(stage.as_str()), now)?;
                }
            }
            Some(old) if old != stage.as_str() => {
                history("transition", Some(&old), Some(stage.as_str()), now)?;
            }
            Some(_) => {}
        }
    }
    let old_aliases: Vec<(String, i64)> = transaction
        .prepare_cached("SELECT alias, version FROM model_aliases WHERE model_id = ?1")?
        .query_map([model_pk], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let alias_history = |action: &str, alias: &str, version: i64| {
        transaction
            .prepare_cached(
                "INSERT INTO registry_history
                   (model_name, version, action, alias, user_id, time_ms, origin)
                 VALUES (?1, ?2, ?3, ?4, '', ?5, 'import')",
            )?
            .execute(params![model.name, version, action, alias, now])
    };
    match &model.history {
        None => {
            for (alias, version) in &old_aliases {
                if !model.aliases.iter().any(|(new, _)| new == alias) {
                    alias_history("delete_alias", alias, *version)?;
                }
            }
            for (alias, version) in &model.aliases {
                let version = *version as i64;
                if !old_aliases.contains(&(alias.clone(), version)) {
                    alias_history("set_alias", alias, version)?;
                }
            }
        }
        Some(entries) => {
            transaction
                .prepare_cached("DELETE FROM registry_history WHERE model_name = ?1")?
                .execute([&model.name])?;
            for entry in entries {
                super::registry::record(transaction, entry)?;
            }
        }
    }
    transaction
        .prepare_cached("DELETE FROM model_aliases WHERE model_id = ?1")?
        .execute([model_pk])?;
    for (alias, version) in &model.aliases {
        transaction
            .prepare_cached(
                "INSERT OR REPLACE INTO model_aliases (model_id, alias, version) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![model_pk, alias, *version as i64])?;
    }
    Ok(())
}

/// Sets `source_missing` on the runs indexed from each of `source_paths`; returns how many
/// runs changed.
pub(super) fn set_source_missing(
    transaction: &Transaction<'_>,
    source_paths: &[String],
    missing: bool,
) -> StoreResult<u64> {
    let mut changed = 0;
    let mut update = transaction.prepare_cached(
        "UPDATE runs SET source_missing = ?2 WHERE source_path = ?1 AND source_missing != ?2",
    )?;
    for path in source_paths {
        changed += update.execute(params![path, missing])? as u64;
    }
    Ok(changed)
}
