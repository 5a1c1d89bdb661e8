//! Commands of the registry screens: history, promotion, aliases, `models:/` resolution.

use cairn_core::RegistryStore as _;
use cairn_core::model::ModelStage;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Command, arguments, reply};
use crate::models;
use crate::registry::{self, PromoteRequest};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command] = &[
    Command {
        name: "list_models",
        run: list_models,
    },
    Command {
        name: "get_model",
        run: get_model,
    },
    Command {
        name: "compare_versions",
        run: compare_versions,
    },
    Command {
        name: "archive_model_version",
        run: archive_model_version,
    },
    Command {
        name: "app_user",
        run: app_user,
    },
    Command {
        name: "model_history",
        run: model_history,
    },
    Command {
        name: "promote_model_version",
        run: promote_model_version,
    },
    Command {
        name: "set_model_alias",
        run: set_model_alias,
    },
    Command {
        name: "delete_model_alias",
        run: delete_model_alias,
    },
    Command {
        name: "resolve_model_uri",
        run: resolve_model_uri,
    },
];

#[derive(Deserialize)]
struct NameArgs {
    name: String,
}

fn model_history(app: &App, args: Value) -> Result<Value, AppError> {
    let args: NameArgs = arguments("model_history", args)?;
    reply(&registry::model_history(app.store(), &args.name)?)
}

#[derive(Deserialize)]
struct PromoteArgs {
    request: PromoteRequest,
}

fn promote_model_version(app: &App, args: Value) -> Result<Value, AppError> {
    let mut args: PromoteArgs = arguments("promote_model_version", args)?;
    if args.request.user_id.trim().is_empty() {
        args.request.user_id = models::app_user();
    }
    let stage = registry::promote_model_version(app.store(), &args.request)?;
    Ok(json!({ "stage": stage }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AliasArgs {
    name: String,
    alias: String,
    version: Option<u64>,
    #[serde(default)]
    user_id: String,
}

fn set_model_alias(app: &App, args: Value) -> Result<Value, AppError> {
    let args: AliasArgs = arguments("set_model_alias", args)?;
    let version = args.version.ok_or_else(|| AppError {
        kind: "invalid",
        message: "arguments of 'set_model_alias': missing field `version`".to_owned(),
    })?;
    registry::set_model_alias(
        app.store(),
        &args.name,
        &args.alias,
        version,
        &user_or_default(&args.user_id),
    )?;
    Ok(json!({}))
}

fn delete_model_alias(app: &App, args: Value) -> Result<Value, AppError> {
    let args: AliasArgs = arguments("delete_model_alias", args)?;
    registry::delete_model_alias(
        app.store(),
        &args.name,
        &args.alias,
        &user_or_default(&args.user_id),
    )?;
    Ok(json!({}))
}

#[derive(Deserialize)]
struct UriArgs {
    uri: String,
}

fn resolve_model_uri(app: &App, args: Value) -> Result<Value, AppError> {
    let args: UriArgs = arguments("resolve_model_uri", args)?;
    reply(&registry::resolve_model_uri(app.store(), &args.uri)?)
}

/// The UI's user name when it sent one, else the app's.
fn user_or_default(user_id: &str) -> String {
    if user_id.trim().is_empty() {
        models::app_user()
    } else {
        user_id.to_owned()
    }
}

fn list_models(app: &App, _args: Value) -> Result<Value, AppError> {
    reply(&models::list_models(app.store())?)
}

fn get_model(app: &App, args: Value) -> Result<Value, AppError> {
    let args: NameArgs = arguments("get_model", args)?;
    reply(&models::get_model(app.store(), &args.name)?)
}

#[derive(Deserialize)]
struct CompareArgs {
    name: String,
    candidate: u64,
    /// The version to compare with, when the UI knows it.
    current: Option<u64>,
    /// Otherwise: the highest other version in this stage...
    stage: Option<String>,
    /// ...or the version this alias points at.
    alias: Option<String>,
}

fn compare_versions(app: &App, args: Value) -> Result<Value, AppError> {
    let args: CompareArgs = arguments("compare_versions", args)?;
    let store = app.store();
    let current = match (args.current, &args.stage, &args.alias) {
        (Some(version), _, _) => Some(version),
        (None, Some(stage), _) => {
            let stage = ModelStage::parse(stage).ok_or_else(|| AppError {
                kind: "invalid",
                message: format!("'{stage}' is not a stage: None, Staging, Production or Archived"),
            })?;
            models::version_in_stage(store, &args.name, stage, args.candidate)?
        }
        (None, None, Some(alias)) => match store.get_model_version_by_alias(&args.name, alias) {
            Ok(version) => Some(version.version).filter(|v| *v != args.candidate),
            Err(cairn_core::StoreError::AliasNotFound { .. }) => None,
            Err(error) => return Err(error.into()),
        },
        (None, None, None) => None,
    };
    reply(&models::compare_versions(
        store,
        &args.name,
        args.candidate,
        current,
    )?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArchiveArgs {
    name: String,
    version: u64,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    user_id: String,
}

fn archive_model_version(app: &App, args: Value) -> Result<Value, AppError> {
    let args: ArchiveArgs = arguments("archive_model_version", args)?;
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
    Ok(json!({ "stage": stage }))
}

fn app_user(_app: &App, _args: Value) -> Result<Value, AppError> {
    Ok(json!({ "user": models::app_user() }))
}
