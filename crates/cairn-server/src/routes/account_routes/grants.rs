//! MLflow's grant routes: the classic per-experiment and per-registered-model permission
//! routes, and MLflow 3's per-user grant, revoke and get. Every change is recorded in the
//! permission history with the user who made it.

use axum::extract::State;
use axum::routing::{delete, get, patch, post};
use axum::{Extension, Json, Router};
use cairn_core::model::{ExperimentId, Grant, Permission, Principal, Resource};
use serde_json::{Value, json};

use super::{accounts, change, permission_arg, signed_in};
use crate::Shared;
use crate::accounts::Caller;
use crate::args::Args;
use crate::error::{ApiError, ApiResult};

pub fn mlflow_routes() -> Router<Shared> {
    Router::new()
        .route(
            "/experiments/permissions/create",
            post(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                create_grant(s, c, a, experiment_of)
            }),
        )
        .route(
            "/experiments/permissions/get",
            get(|s: State<Shared>, a: Args| read_grant(s, a, experiment_of)),
        )
        .route(
            "/experiments/permissions/update",
            patch(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                update_grant(s, c, a, experiment_of)
            })
            .post(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                update_grant(s, c, a, experiment_of)
            }),
        )
        .route(
            "/experiments/permissions/delete",
            delete(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                delete_grant(s, c, a, experiment_of)
            })
            .post(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                delete_grant(s, c, a, experiment_of)
            }),
        )
        .route(
            "/registered-models/permissions/create",
            post(|s: State<Shared>, c: Extension<Caller>, a: Args| create_grant(s, c, a, model_of)),
        )
        .route(
            "/registered-models/permissions/get",
            get(|s: State<Shared>, a: Args| read_grant(s, a, model_of)),
        )
        .route(
            "/registered-models/permissions/update",
            patch(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                update_grant(s, c, a, model_of)
            })
            .post(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                update_grant(s, c, a, model_of)
            }),
        )
        .route(
            "/registered-models/permissions/delete",
            delete(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                delete_grant(s, c, a, model_of)
            })
            .post(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                delete_grant(s, c, a, model_of)
            }),
        )
}

/// How a route names the resource of a grant.
type Locate = fn(&Args) -> Result<Resource, ApiError>;

/// MLflow's `.../permissions/create`: refused when the user has a grant there already.
async fn create_grant(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
    locate: Locate,
) -> ApiResult {
    let resource = locate(&args)?;
    let permission = permission_arg(&args.req_str("permission")?, "permission")?;
    let user_id = set(
        &state,
        &caller,
        resource.clone(),
        args.req_str("username")?,
        permission,
        Mode::Create,
    )
    .await?;
    Ok(Json(grant_json(&resource, user_id, permission)))
}

/// MLflow's `.../permissions/get`.
async fn read_grant(State(state): State<Shared>, args: Args, locate: Locate) -> ApiResult {
    read(&state, locate(&args)?, args.req_str("username")?).await
}

/// MLflow's `.../permissions/update`: refused when the user has no grant there.
async fn update_grant(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
    locate: Locate,
) -> ApiResult {
    let permission = permission_arg(&args.req_str("permission")?, "permission")?;
    set(
        &state,
        &caller,
        locate(&args)?,
        args.req_str("username")?,
        permission,
        Mode::Update,
    )
    .await?;
    Ok(Json(json!({})))
}

/// MLflow's `.../permissions/delete`, and MLflow 3's revoke.
async fn delete_grant(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
    locate: Locate,
) -> ApiResult {
    remove(&state, &caller, locate(&args)?, args.req_str("username")?).await
}

pub fn mlflow3_routes() -> Router<Shared> {
    Router::new()
        .route("/users/permissions/grant", post(grant))
        .route(
            "/users/permissions/revoke",
            post(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                delete_grant(s, c, a, resource_of)
            })
            .delete(|s: State<Shared>, c: Extension<Caller>, a: Args| {
                delete_grant(s, c, a, resource_of)
            }),
        )
        .route("/users/permissions/get", get(get_grant))
        .route("/users/current/permissions", get(current_permissions))
}

fn experiment_of(args: &Args) -> Result<Resource, ApiError> {
    let text = args.req_str("experiment_id")?;
    let id = text
        .trim()
        .parse()
        .map_err(|_| crate::messages::invalid_experiment_id(&text))?;
    Ok(Resource::Experiment(ExperimentId(id)))
}

fn model_of(args: &Args) -> Result<Resource, ApiError> {
    Ok(Resource::RegisteredModel(args.req_str("name")?))
}

/// The grant's JSON, as MLflow shows it.
fn grant_json(resource: &Resource, user_id: i64, permission: Permission) -> Value {
    match resource {
        Resource::Experiment(id) => json!({"experiment_permission": {
            "experiment_id": id.0.to_string(), "user_id": user_id, "permission": permission.as_str(),
        }}),
        Resource::RegisteredModel(name) => json!({"registered_model_permission": {
            "name": name, "user_id": user_id, "permission": permission.as_str(),
        }}),
    }
}

/// How a grant route treats an existing grant.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Refused when there is one (MLflow's create).
    Create,
    /// Refused when there is none (MLflow's update).
    Update,
    /// Either (MLflow 3's grant).
    Upsert,
}

/// Gives `username` `permission` on `resource`, as `caller`.
async fn set(
    state: &Shared,
    caller: &Caller,
    resource: Resource,
    username: String,
    permission: Permission,
    mode: Mode,
) -> Result<i64, ApiError> {
    let actor = signed_in(caller)?.user.username.clone();
    let now = cairn_core::time::now_millis();
    change(state, move |store| {
        let user = store.get_user(&username)?;
        let principal = Principal::User(username.clone());
        let existing = store.grant_of(&resource, &principal)?;
        match (mode, existing) {
            (Mode::Create, Some(_)) => {
                return Err(cairn_core::StoreError::AccountExists {
                    kind: "permission",
                    name: format!("{username} on {} {}", resource.kind(), resource.id()),
                });
            }
            (Mode::Update, None) => {
                return Err(cairn_core::StoreError::AccountNotFound {
                    kind: "permission",
                    name: format!("{username} on {} {}", resource.kind(), resource.id()),
                });
            }
            _ => {}
        }
        let grant = Grant {
            resource,
            principal,
            permission,
        };
        store.set_grant(&grant, &actor, now)?;
        Ok(user.id)
    })
    .await
}

async fn remove(
    state: &Shared,
    caller: &Caller,
    resource: Resource,
    username: String,
) -> ApiResult {
    let actor = signed_in(caller)?.user.username.clone();
    let now = cairn_core::time::now_millis();
    change(state, move |store| {
        store.remove_grant(&resource, &Principal::User(username), &actor, now)
    })
    .await?;
    Ok(Json(json!({})))
}

async fn read(state: &Shared, resource: Resource, username: String) -> ApiResult {
    let (user, permission) = state
        .call({
            let resource = resource.clone();
            move |store| {
                let user = store.get_user(&username)?;
                let permission = store.grant_of(&resource, &Principal::User(username.clone()))?;
                Ok((user, permission))
            }
        })
        .await?;
    let permission = permission.ok_or_else(|| {
        ApiError::new(
            "RESOURCE_DOES_NOT_EXIST",
            format!(
                "{} has no permission on {} {}",
                user.username,
                resource.kind(),
                resource.id()
            ),
        )
    })?;
    Ok(Json(grant_json(&resource, user.id, permission)))
}

/// The resource named by `resource_type` and `resource_id`.
pub fn resource_of(args: &Args) -> Result<Resource, ApiError> {
    let kind = args.req_str("resource_type")?;
    let id = args.req_str("resource_id")?;
    Resource::parse(&kind, &id).ok_or_else(|| {
        ApiError::invalid(format!(
            "invalid resource_type '{kind}' or resource_id '{id}': the type is 'experiment' \
             (with an experiment id) or 'registered_model' (with a model name)"
        ))
    })
}

async fn grant(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    args: Args,
) -> ApiResult {
    let permission = permission_arg(&args.req_str("permission")?, "permission")?;
    set(
        &state,
        &caller,
        resource_of(&args)?,
        args.req_str("username")?,
        permission,
        Mode::Upsert,
    )
    .await?;
    Ok(Json(json!({})))
}

async fn get_grant(State(state): State<Shared>, args: Args) -> ApiResult {
    let resource = resource_of(&args)?;
    let username = args.req_str("username")?;
    let user = state.call(move |store| store.get_user(&username)).await?;
    let access = accounts(&state)?.access(&user).await?;
    let permission = access.on(&resource);
    Ok(Json(json!({
        "allowed": permission >= Permission::Read,
        "permission": permission.as_str(),
    })))
}

async fn current_permissions(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
) -> ApiResult {
    let user_id = signed_in(&caller)?.user.id;
    let grants = state.call(move |store| store.user_grants(user_id)).await?;
    let entries: Vec<Value> = grants
        .own
        .iter()
        .map(|(resource, permission)| (resource, permission, "user"))
        .chain(
            grants
                .through_groups
                .iter()
                .map(|(resource, permission)| (resource, permission, "group")),
        )
        .map(|(resource, permission, through)| {
            json!({
                "resource_type": resource.kind(),
                "resource_id": resource.id(),
                "permission": permission.as_str(),
                "through": through,
            })
        })
        .collect();
    Ok(Json(json!({"permissions": entries})))
}
