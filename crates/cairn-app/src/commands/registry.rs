//! Commands of the registry screens: history, promotion, aliases, `models:/` resolution.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Command, arguments, reply};
use crate::registry::{self, PromoteRequest};
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command] = &[
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
    let args: PromoteArgs = arguments("promote_model_version", args)?;
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
    registry::set_model_alias(app.store(), &args.name, &args.alias, version, &args.user_id)?;
    Ok(json!({}))
}

fn delete_model_alias(app: &App, args: Value) -> Result<Value, AppError> {
    let args: AliasArgs = arguments("delete_model_alias", args)?;
    registry::delete_model_alias(app.store(), &args.name, &args.alias, &args.user_id)?;
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
