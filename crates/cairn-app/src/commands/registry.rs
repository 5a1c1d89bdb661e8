//! Commands of the registry screens: history, promotion, aliases, `models:/` resolution.

use cairn_core::model::ModelStage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Command, Done, NoArgs};
use crate::command;
use crate::models::{self, ModelDetail, ModelSummary, VersionComparison};
use crate::registry::{self, HistoryView, PromoteRequest, ResolvedModelView};
use crate::{App, AppError, ErrorKind};

pub(crate) const COMMANDS: &[Command<App>] = &[
    command!(list_models),
    command!(get_model),
    command!(compare_versions),
    command!(archive_model_version),
    command!(app_user),
    command!(model_history),
    command!(promote_model_version),
    command!(set_model_alias),
    command!(delete_model_alias),
    command!(resolve_model_uri),
];

/// The model a command is about.
#[derive(Deserialize, TS)]
struct ModelNameArgs {
    name: String,
}

fn model_history(app: &App, args: ModelNameArgs) -> Result<Vec<HistoryView>, AppError> {
    registry::model_history(app.store(), &args.name)
}

#[derive(Deserialize, TS)]
struct PromoteArgs {
    request: PromoteRequest,
}

/// A version's stage after a change.
#[derive(Debug, Serialize, TS)]
struct StageView {
    stage: String,
}

fn promote_model_version(app: &App, mut args: PromoteArgs) -> Result<StageView, AppError> {
    if args.request.user_id.trim().is_empty() {
        args.request.user_id = models::app_user();
    }
    let stage = registry::promote_model_version(app.store(), &args.request)?;
    Ok(StageView { stage })
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct SetAliasArgs {
    name: String,
    alias: String,
    /// Required; `Option` so that leaving it out is the same `invalid` error as before.
    #[ts(type = "number")]
    version: Option<u64>,
    #[serde(default)]
    #[ts(optional = nullable)]
    user_id: String,
}

fn set_model_alias(app: &App, args: SetAliasArgs) -> Result<Done, AppError> {
    let version = args.version.ok_or_else(|| AppError {
        kind: ErrorKind::Invalid,
        message: "arguments of 'set_model_alias': missing field `version`".to_owned(),
    })?;
    registry::set_model_alias(
        app.store(),
        &args.name,
        &args.alias,
        version,
        &user_or_default(&args.user_id),
    )?;
    Ok(Done {})
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct DeleteAliasArgs {
    name: String,
    alias: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    user_id: String,
}

fn delete_model_alias(app: &App, args: DeleteAliasArgs) -> Result<Done, AppError> {
    registry::delete_model_alias(
        app.store(),
        &args.name,
        &args.alias,
        &user_or_default(&args.user_id),
    )?;
    Ok(Done {})
}

#[derive(Deserialize, TS)]
struct ResolveUriArgs {
    uri: String,
}

fn resolve_model_uri(app: &App, args: ResolveUriArgs) -> Result<ResolvedModelView, AppError> {
    registry::resolve_model_uri(app.store(), &args.uri)
}

/// The UI's user name when it sent one, else the app's.
fn user_or_default(user_id: &str) -> String {
    if user_id.trim().is_empty() {
        models::app_user()
    } else {
        user_id.to_owned()
    }
}

fn list_models(app: &App, _: NoArgs) -> Result<Vec<ModelSummary>, AppError> {
    models::list_models(app.store())
}

fn get_model(app: &App, args: ModelNameArgs) -> Result<ModelDetail, AppError> {
    models::get_model(app.store(), &args.name)
}

/// Compare with `current`, else the other version in `stage`, else the holder of `alias`.
#[derive(Deserialize, TS)]
struct CompareVersionsArgs {
    name: String,
    candidate: u64,
    /// The version to compare with, when the UI knows it.
    #[ts(optional)]
    current: Option<u64>,
    /// Otherwise: the highest other version in this stage...
    #[ts(optional)]
    stage: Option<String>,
    /// ...or the version this alias points at.
    #[ts(optional)]
    alias: Option<String>,
}

fn compare_versions(app: &App, args: CompareVersionsArgs) -> Result<VersionComparison, AppError> {
    let store = app.store();
    let current = match (args.current, &args.stage, &args.alias) {
        (Some(version), _, _) => Some(version),
        (None, Some(stage), _) => {
            let stage: ModelStage = stage.parse()?;
            models::version_in_stage(store, &args.name, stage, args.candidate)?
        }
        (None, None, Some(alias)) => match store.get_model_version_by_alias(&args.name, alias) {
            Ok(version) => Some(version.version).filter(|v| *v != args.candidate),
            Err(cairn_core::StoreError::AliasNotFound { .. }) => None,
            Err(error) => return Err(error.into()),
        },
        (None, None, None) => None,
    };
    models::compare_versions(store, &args.name, args.candidate, current)
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct ArchiveArgs {
    name: String,
    version: u64,
    #[serde(default)]
    #[ts(optional = nullable)]
    comment: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    user_id: String,
}

fn archive_model_version(app: &App, args: ArchiveArgs) -> Result<StageView, AppError> {
    let stage = registry::promote_model_version(
        app.store(),
        &PromoteRequest {
            name: args.name,
            version: args.version,
            stage: "Archived".to_owned(),
            archive_existing: false,
            comment: args.comment,
            user_id: user_or_default(&args.user_id),
        },
    )?;
    Ok(StageView { stage })
}

/// The user name registry changes are recorded under when the UI sends none.
#[derive(Debug, Serialize, TS)]
struct UserView {
    user: String,
}

fn app_user(_app: &App, _: NoArgs) -> Result<UserView, AppError> {
    Ok(UserView {
        user: models::app_user(),
    })
}
