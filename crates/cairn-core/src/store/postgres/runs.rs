//! Runs: creating, reading (with everything attached), updating and deleting.

use postgres::Transaction;

use super::row::{find_run, writable_run};
use super::sql::{args, execute, query_opt};
use super::{experiments, metrics, run_load, writes};
use crate::error::{StoreError, StoreResult};
use crate::model::{ExperimentId, LifecycleStage, NewRun, Run, RunInfo, RunUpdate, Tag};
use crate::names::random_run_name;
use crate::time::now_millis;
use crate::validate;

/// The tag MLflow keeps in step with the run name.
pub(crate) const RUN_NAME_TAG: &str = "mlflow.runName";

pub(crate) fn create(tx: &mut Transaction<'_>, new: &NewRun) -> StoreResult<Run> {
    let experiment = experiments::active(tx, new.experiment_id)?;
    new.tags.iter().try_for_each(validate::check_tag)?;
    let run_id = match &new.run_id {
        Some(run_id) => {
            validate::check_run_id(run_id)?;
            run_id.clone()
        }
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
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
    let inserted = query_opt(
        tx,
        "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time_ms,
                           artifact_uri, source_kind, source_path, parent_run_uuid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (run_uuid) DO NOTHING
         RETURNING id",
        args![
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
    let Some(inserted) = inserted else {
        return Err(StoreError::RunExists { run_id });
    };
    let run_pk: i64 = inserted.try_get(0)?;
    let mut tags = new.tags.clone();
    if !tags.iter().any(|tag| tag.key == RUN_NAME_TAG) {
        tags.push(Tag::new(RUN_NAME_TAG, run_name));
    }
    writes::upsert_tags(tx, run_pk, &tags)?;
    get(tx, &run_id)
}

pub(crate) fn get(tx: &mut Transaction<'_>, run_id: &str) -> StoreResult<Run> {
    let found = find_run(tx, run_id)?;
    let (mut runs, _) = run_load::load(tx, vec![found])?;
    runs.pop().ok_or_else(|| StoreError::RunNotFound {
        run_id: run_id.to_string(),
    })
}

pub(crate) fn update(
    tx: &mut Transaction<'_>,
    run_id: &str,
    update: &RunUpdate,
) -> StoreResult<RunInfo> {
    let run_pk = writable_run(tx, run_id)?;
    execute(
        tx,
        "UPDATE runs SET status = COALESCE($2, status), end_time_ms = COALESCE($3, end_time_ms)
         WHERE id = $1",
        args![
            run_pk,
            update.status.map(|status| status.as_str()),
            update.end_time_ms
        ],
    )?;
    if update.status.is_some_and(|status| status.is_terminal()) {
        metrics::compact_run(tx, run_pk)?;
    }
    if let Some(name) = update.run_name.as_deref().filter(|name| !name.is_empty()) {
        writes::upsert_tags(tx, run_pk, &[Tag::new(RUN_NAME_TAG, name)])?;
    }
    Ok(find_run(tx, run_id)?.1)
}

/// Moves a run into another experiment (which must be active), with its metrics' rows (which
/// carry the experiment for the per-experiment index); its artifact location stays. The run is
/// held alone meanwhile (`metrics::RUN_LOCK_CLASS`), so that no batch begins a series in the
/// experiment the run is leaving.
pub(crate) fn move_to(
    tx: &mut Transaction<'_>,
    run_id: &str,
    experiment_id: ExperimentId,
) -> StoreResult<()> {
    let run_pk = writable_run(tx, run_id)?;
    experiments::active(tx, experiment_id)?;
    // Alone: every batch logging metrics to the run holds it shared until it commits.
    execute(
        tx,
        &format!("SELECT pg_advisory_xact_lock({})", metrics::run_lock("$1")),
        args![run_id],
    )?;
    // The run's row, then its series (the order of every writer of a run: ending one updates
    // its row before folding its series), each statement seeing every series begun by the
    // batches waited for.
    execute(
        tx,
        "UPDATE runs SET experiment_id = $2 WHERE id = $1",
        args![run_pk, experiment_id.0],
    )?;
    execute(
        tx,
        "UPDATE metric_series SET experiment_id = $2 WHERE run_id = $1",
        args![run_pk, experiment_id.0],
    )?;
    Ok(())
}

pub(crate) fn set_lifecycle(
    tx: &mut Transaction<'_>,
    run_id: &str,
    stage: LifecycleStage,
) -> StoreResult<()> {
    let deleted_time_ms = (stage == LifecycleStage::Deleted).then(now_millis);
    let changed = execute(
        tx,
        "UPDATE runs SET lifecycle_stage = $2, deleted_time_ms = $3 WHERE run_uuid = $1",
        args![run_id, stage.as_str(), deleted_time_ms],
    )?;
    if changed == 0 {
        return Err(StoreError::RunNotFound {
            run_id: run_id.to_string(),
        });
    }
    Ok(())
}
