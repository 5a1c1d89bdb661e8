//! Commands that change runs where the UI shows them: rename, describe, tag and untag (one run
//! or many), delete and restore, and register a model from a run's artifact folder. Each is a
//! thin call to the store's own operation, and announces the runs it changed.

use cairn_core::StoreError;
use cairn_core::model::{LifecycleStage, LogBatch, RunUpdate, Tag};
use cairn_core::registry;
use serde::Deserialize;
use ts_rs::TS;

use super::{Command, Done};
use crate::command;
use crate::events::AppEvent;
use crate::views::ModelVersionView;
use crate::{App, AppError, models};

pub(crate) const COMMANDS: &[Command<App>] = &[
    command!(rename_run),
    command!(set_run_description),
    command!(set_runs_tag),
    command!(delete_runs_tag),
    command!(delete_runs),
    command!(restore_runs),
    command!(register_run_model),
];

/// The tag MLflow keeps a run's description in.
pub const DESCRIPTION_TAG: &str = "mlflow.note.content";

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct RenameRunArgs {
    run_id: String,
    name: String,
}

fn rename_run(app: &App, args: RenameRunArgs) -> Result<Done, AppError> {
    let name = args.name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid("name", "must not be empty").into());
    }
    app.store().update_run(
        &args.run_id,
        &RunUpdate {
            run_name: Some(name.to_owned()),
            ..RunUpdate::default()
        },
    )?;
    changed(app, vec![args.run_id]);
    Ok(Done {})
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct DescriptionArgs {
    run_id: String,
    /// The description; blank removes it.
    text: String,
}

fn set_run_description(app: &App, args: DescriptionArgs) -> Result<Done, AppError> {
    let store = app.store();
    if args.text.trim().is_empty() {
        store.get_run(&args.run_id)?;
        match store.delete_tag(&args.run_id, DESCRIPTION_TAG) {
            Ok(()) | Err(StoreError::TagNotFound { .. }) => {}
            Err(error) => return Err(error.into()),
        }
    } else {
        store.log_batch(
            &args.run_id,
            &LogBatch {
                tags: vec![Tag {
                    key: DESCRIPTION_TAG.to_owned(),
                    value: args.text,
                }],
                ..LogBatch::default()
            },
        )?;
    }
    changed(app, vec![args.run_id]);
    Ok(Done {})
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct SetTagArgs {
    /// The runs to tag: one (the run page) or the rows selected in the runs table.
    run_ids: Vec<String>,
    key: String,
    value: String,
}

/// Sets one tag on every run given, all or none.
fn set_runs_tag(app: &App, args: SetTagArgs) -> Result<Done, AppError> {
    let run_ids = some_runs(args.run_ids)?;
    let key = args.key.trim();
    if key.is_empty() {
        return Err(StoreError::invalid("key", "must not be empty").into());
    }
    let batch = LogBatch {
        tags: vec![Tag {
            key: key.to_owned(),
            value: args.value,
        }],
        ..LogBatch::default()
    };
    let batches: Vec<(String, LogBatch)> = run_ids
        .iter()
        .map(|run_id| (run_id.clone(), batch.clone()))
        .collect();
    app.store().log_batches(&batches)?;
    changed(app, run_ids);
    Ok(Done {})
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct DeleteTagArgs {
    run_ids: Vec<String>,
    key: String,
}

/// Removes a tag from every run given that has it; a run without it is left as it is.
fn delete_runs_tag(app: &App, args: DeleteTagArgs) -> Result<Done, AppError> {
    let run_ids = some_runs(args.run_ids)?;
    if args.key.trim().is_empty() {
        return Err(StoreError::invalid("key", "must not be empty").into());
    }
    let store = app.store();
    for run_id in &run_ids {
        store.get_run(run_id)?;
    }
    for run_id in &run_ids {
        match store.delete_tag(run_id, &args.key) {
            Ok(()) | Err(StoreError::TagNotFound { .. }) => {}
            Err(error) => return Err(error.into()),
        }
    }
    changed(app, run_ids);
    Ok(Done {})
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct RunIdsArgs {
    run_ids: Vec<String>,
}

/// Deletes runs (softly, as MLflow does: they can be restored).
fn delete_runs(app: &App, args: RunIdsArgs) -> Result<Done, AppError> {
    set_lifecycle(app, args.run_ids, LifecycleStage::Deleted)
}

/// Restores deleted runs.
fn restore_runs(app: &App, args: RunIdsArgs) -> Result<Done, AppError> {
    set_lifecycle(app, args.run_ids, LifecycleStage::Active)
}

/// Checks every run exists before changing any, so an unknown id changes nothing.
fn set_lifecycle(app: &App, run_ids: Vec<String>, stage: LifecycleStage) -> Result<Done, AppError> {
    let run_ids = some_runs(run_ids)?;
    let store = app.store();
    for run_id in &run_ids {
        store.get_run(run_id)?;
    }
    for run_id in &run_ids {
        store.set_run_lifecycle(run_id, stage)?;
    }
    changed(app, run_ids);
    Ok(Done {})
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct RegisterArgs {
    run_id: String,
    /// The artifact folder holding the model's `MLmodel`, relative to the run's artifacts; empty
    /// for the artifact root.
    path: String,
    /// The registered model: an existing one gets a new version, a new name is created.
    name: String,
    /// Who registers it, for the history; the app's user when absent.
    #[serde(default)]
    #[ts(optional)]
    user_id: Option<String>,
}

/// Registers `runs:/<run>/<path>` as a new version of `name`, recorded in the registry history
/// as made in the app.
fn register_run_model(app: &App, args: RegisterArgs) -> Result<ModelVersionView, AppError> {
    let name = args.name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid("name", "must not be empty").into());
    }
    if args.path.split('/').any(|part| part == "..") {
        return Err(StoreError::invalid("path", "must stay inside the run's artifacts").into());
    }
    let version = registry::register_run_model(
        app.store(),
        &args.run_id,
        &args.path,
        name,
        &args.user_id.clone().unwrap_or_else(models::app_user),
        crate::registry::ORIGIN,
    )?;
    changed(app, vec![args.run_id]);
    Ok(ModelVersionView::from(&version))
}

/// The runs a bulk command is about; none is an error naming the field.
fn some_runs(run_ids: Vec<String>) -> Result<Vec<String>, AppError> {
    if run_ids.is_empty() {
        return Err(StoreError::invalid("runIds", "name at least one run").into());
    }
    Ok(run_ids)
}

/// Tells the live views which runs changed.
fn changed(app: &App, run_ids: Vec<String>) {
    app.events().publish(&AppEvent::RunsChanged { run_ids });
}
