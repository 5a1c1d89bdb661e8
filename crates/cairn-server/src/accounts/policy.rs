//! The one policy every request passes through on a server with accounts: the route's entry in
//! [`policy_table`](super::policy_table) says what it requires, the request's arguments say what
//! it touches, and the caller's permissions decide. A route or command without an entry is
//! refused. Arguments read here (a JSON body included) are handed on to the handler, which does
//! not read them again; a listing's reply is cut to what the caller may read.

use axum::body::Body;
use axum::extract::{
    FromRequest as _, FromRequestParts as _, MatchedPath, RawPathParams, Request, State,
};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cairn_core::model::{ExperimentId, Permission, Resource, ViewType};
use serde_json::Value;

use super::policy_table::{self, Listing, Need};
use super::{Accounts, Caller};
use crate::Shared;
use crate::args::{Args, PreparsedArgs};
use crate::error::ApiError;

/// Largest listing reply that is filtered (larger ones are refused rather than shown whole).
const MAX_FILTERED_REPLY: usize = 256 * 1024 * 1024;

/// The refusal for a caller who is not signed in.
pub fn unauthenticated() -> Response {
    ApiError::new(
        "UNAUTHENTICATED",
        "sign in first: this server has user accounts",
    )
    .into_response()
}

fn denied(what: &str, needed: Permission) -> ApiError {
    ApiError::new(
        "PERMISSION_DENIED",
        format!("permission denied: {what} needs {needed}"),
    )
}

/// Applies the route's policy to a request (on a server with accounts; others pass).
pub async fn authorize(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let Some(accounts) = state.accounts.clone() else {
        return next.run(request).await;
    };
    let caller = request
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or(Caller::Anonymous);
    let template = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_default();
    let Some(mut need) = policy_table::route(request.method().as_str(), &template) else {
        return ApiError::new(
            "PERMISSION_DENIED",
            format!("no access policy covers {template}: refused"),
        )
        .into_response();
    };
    if need == Need::Open {
        return next.run(request).await;
    }
    if matches!(caller, Caller::Anonymous) {
        return unauthenticated();
    }
    let mut request = request;
    let mut path_params = params_of(&mut request).await;
    let mut also: Vec<Need> = policy_table::also(&template);
    let mut actor_field = None;
    if need == Need::Command {
        let name = path_params
            .iter()
            .find(|(key, _)| key == "command")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        match policy_table::command(&name) {
            Some(found) => need = found,
            None => {
                return ApiError::new(
                    "PERMISSION_DENIED",
                    format!("no access policy covers the command '{name}': refused"),
                )
                .into_response();
            }
        }
        also.extend(policy_table::also(&name));
        path_params.retain(|(key, _)| key != "command");
        if name == "app_user"
            && let Some(signed_in) = caller.user()
        {
            // The UI's "who am I" is the signed-in user, not the server's account.
            return axum::Json(serde_json::json!({"user": signed_in.user.username}))
                .into_response();
        }
        actor_field = policy_table::actor_field(&name);
    }
    let actor = caller
        .user()
        .map(|signed_in| signed_in.user.username.clone());
    let names_actor = actor_field.is_some() && actor.is_some();
    if caller.is_admin() && !names_actor {
        return next.run(request).await;
    }
    let checked: Vec<Need> = if caller.is_admin() {
        Vec::new()
    } else {
        std::iter::once(need).chain(also).collect()
    };
    let (request, mut args) = match arguments(request, &checked, names_actor).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    if let (Some(field), Some(actor), Some(args)) = (actor_field, actor, args.as_mut()) {
        args.set_path(field, Value::String(actor));
    }
    let mut context = Context {
        state: &state,
        accounts: &accounts,
        caller: &caller,
        path_params: &path_params,
        args: args.as_mut(),
        created: Vec::new(),
    };
    for need in checked {
        if let Err(error) = context.check(need).await {
            return error.into_response();
        }
    }
    let created = std::mem::take(&mut context.created);
    let mut request = request;
    if let Some(args) = args {
        request.extensions_mut().insert(PreparsedArgs::new(args));
    }
    let response = next.run(request).await;
    if response.status().is_success() {
        for resource in created {
            if let Err(error) = accounts.grant_creator(&caller, resource).await {
                return error.into_response();
            }
        }
    }
    match need {
        Need::Filtered(listing) => filter_reply(response, listing, &caller).await,
        _ => response,
    }
}

/// The route's path parameters, as (name, value).
async fn params_of(request: &mut Request) -> Vec<(String, String)> {
    let (mut parts, body) = std::mem::take(request).into_parts();
    let params = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .map(|params| {
            params
                .iter()
                .map(|(key, value)| (key.to_owned(), value.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    *request = Request::from_parts(parts, body);
    params
}

/// Whether checking `need` reads the request's arguments (query string or JSON body).
fn reads_arguments(need: Need) -> bool {
    !matches!(
        need,
        Need::Open | Need::SignedIn | Need::Admin | Need::Filtered(_) | Need::Command
    )
}

/// Reads the arguments when a need looks at them: the query string, or a JSON body (which is
/// then handed on to the handler). Other bodies (artifact bytes) are left untouched.
async fn arguments(
    request: Request,
    needs: &[Need],
    always: bool,
) -> Result<(Request, Option<Args>), Box<Response>> {
    if !always && !needs.iter().copied().any(reads_arguments) {
        return Ok((request, None));
    }
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/json"));
    let is_read = matches!(request.method().as_str(), "GET" | "HEAD");
    if is_json && !is_read {
        let (parts, body) = request.into_parts();
        let probe = Request::from_parts(parts.clone(), body);
        let args = Args::from_request(probe, &())
            .await
            .map_err(|error| Box::new(error.into_response()))?;
        return Ok((Request::from_parts(parts, Body::empty()), Some(args)));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(request.uri().query().unwrap_or("")).unwrap_or_default();
    Ok((request, Some(Args::from_query_pairs(pairs))))
}

/// What a check looks at.
struct Context<'a> {
    state: &'a Shared,
    accounts: &'a Accounts,
    caller: &'a Caller,
    path_params: &'a [(String, String)],
    args: Option<&'a mut Args>,
    /// What the request makes, if it succeeds: its maker gets MANAGE on it.
    created: Vec<Resource>,
}

impl Context<'_> {
    /// The values of the first of a field's names that is given (a list gives them all), else
    /// the field's default.
    fn values(&self, field: &str) -> Vec<String> {
        let (field, default) = match field.split_once('=') {
            Some((field, default)) => (field, Some(default)),
            None => (field, None),
        };
        for name in field.split('|') {
            if let Some((_, value)) = self.path_params.iter().find(|(key, _)| key == name) {
                return vec![value.clone()];
            }
            let Some(args) = self.args.as_deref() else {
                continue;
            };
            let found = lookup(args, name);
            if !found.is_empty() {
                return found;
            }
        }
        default
            .map(|value| vec![value.to_owned()])
            .unwrap_or_default()
    }

    /// Refuses unless the caller has `needed` on `resource`.
    fn require(&self, resource: &Resource, needed: Permission) -> Result<(), ApiError> {
        if self.caller.permission(resource) >= needed {
            return Ok(());
        }
        let what = match resource {
            Resource::Experiment(id) => format!("experiment {}", id.0),
            Resource::RegisteredModel(name) => format!("registered model '{name}'"),
        };
        Err(denied(&what, needed))
    }

    async fn check(&mut self, need: Need) -> Result<(), ApiError> {
        match need {
            Need::Open | Need::SignedIn | Need::Filtered(_) | Need::Command => Ok(()),
            Need::Admin => Err(ApiError::new(
                "PERMISSION_DENIED",
                "permission denied: only an admin may do this",
            )),
            Need::Experiment(needed, field) => {
                for id in self.values(field) {
                    let id = parse_experiment(&id)?;
                    self.require(&Resource::Experiment(id), needed)?;
                }
                Ok(())
            }
            Need::ExperimentNamed(needed, field) => {
                for name in self.values(field) {
                    let found = self
                        .state
                        .call(move |store| store.get_experiment_by_name(&name))
                        .await;
                    if let Ok(experiment) = found {
                        self.require(&Resource::Experiment(experiment.experiment_id), needed)?;
                    }
                }
                Ok(())
            }
            Need::Experiments(needed, field) => {
                let ids = self.values(field);
                if ids.is_empty() {
                    return self.restrict_to_readable(field).await;
                }
                for id in ids {
                    let id = parse_experiment(&id)?;
                    self.require(&Resource::Experiment(id), needed)?;
                }
                Ok(())
            }
            Need::Run(needed, field) | Need::Runs(needed, field) => {
                let mut fields: Vec<&str> = vec![field];
                if matches!(need, Need::Runs(..)) {
                    // Every name of a Runs field is a list of its own (`runA|runB`).
                    fields = field.split('|').collect();
                }
                for field in fields {
                    for run_id in self.values(field) {
                        if let Some(experiment) =
                            self.accounts.run_experiment(self.state, &run_id).await
                        {
                            self.require(&Resource::Experiment(experiment), needed)?;
                        }
                    }
                }
                Ok(())
            }
            Need::Model(needed, field) => {
                for name in self.values(field) {
                    self.require(&Resource::RegisteredModel(name), needed)?;
                }
                Ok(())
            }
            Need::ModelOrNew(needed, field) => {
                for name in self.values(field) {
                    let lookup = name.clone();
                    let exists = self
                        .state
                        .call(move |store| store.get_registered_model(&lookup))
                        .await
                        .is_ok();
                    if exists {
                        self.require(&Resource::RegisteredModel(name), needed)?;
                    } else {
                        self.created.push(Resource::RegisteredModel(name));
                    }
                }
                Ok(())
            }
            Need::Source(needed, field) => {
                for source in self.values(field) {
                    if let Some(rest) = source.strip_prefix("runs:/") {
                        let run_id = rest.trim_start_matches('/').split('/').next().unwrap_or("");
                        if let Some(experiment) =
                            self.accounts.run_experiment(self.state, run_id).await
                        {
                            self.require(&Resource::Experiment(experiment), needed)?;
                        }
                    } else if let Some(rest) = source.strip_prefix("mlflow-artifacts:") {
                        let first = rest.trim_start_matches('/').split('/').next().unwrap_or("");
                        if let Ok(id) = first.parse::<i64>() {
                            self.require(&Resource::Experiment(ExperimentId(id)), needed)?;
                        }
                    } else if let Some(name) = model_uri_name(&source) {
                        self.require(&Resource::RegisteredModel(name), needed)?;
                    }
                }
                Ok(())
            }
            Need::ModelUri(needed, field) => {
                for uri in self.values(field) {
                    if let Some(name) = model_uri_name(&uri) {
                        self.require(&Resource::RegisteredModel(name), needed)?;
                    }
                }
                Ok(())
            }
            Need::LoggedModel(needed, field) => {
                for model_id in self.values(field) {
                    if let Some(experiment) = self
                        .accounts
                        .logged_model_experiment(self.state, &model_id)
                        .await
                    {
                        self.require(&Resource::Experiment(experiment), needed)?;
                    }
                }
                Ok(())
            }
            Need::ArtifactKey(needed, field) => {
                let key = self.values(field).into_iter().next().unwrap_or_default();
                let first = key.trim_start_matches('/').split('/').next().unwrap_or("");
                match first.parse::<i64>() {
                    Ok(id) => self.require(&Resource::Experiment(ExperimentId(id)), needed),
                    // A key outside any experiment's folder (the root listing, a custom
                    // location) belongs to no one: admins only.
                    Err(_) => Err(denied(
                        "an artifact outside any experiment",
                        Permission::Manage,
                    )),
                }
            }
            Need::Resource(needed) => {
                let kind = self
                    .values("resource_type")
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                let id = self
                    .values("resource_id")
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                match Resource::parse(&kind, &id) {
                    Some(resource) => self.require(&resource, needed),
                    None => Err(ApiError::invalid(format!(
                        "resource_type must be 'experiment' or 'registered_model' with a \
                         resource_id (an experiment id or a model name); got '{kind}' '{id}'"
                    ))),
                }
            }
        }
    }

    /// Fills an empty experiment list with the experiments the caller may read.
    async fn restrict_to_readable(&mut self, field: &str) -> Result<(), ApiError> {
        let experiments = self
            .state
            .call(|store| store.list_experiments(ViewType::All))
            .await?;
        let readable: Vec<Value> = experiments
            .into_iter()
            .map(|summary| summary.experiment.experiment_id)
            .filter(|id| self.caller.permission(&Resource::Experiment(*id)) >= Permission::Read)
            .map(|id| Value::String(id.0.to_string()))
            .collect();
        if readable.is_empty() {
            // Nothing readable: a search of no experiment would mean every one.
            return Err(denied(
                "searching with no experiment you may read",
                Permission::Read,
            ));
        }
        let name = field.split('|').next().unwrap_or(field);
        if let Some(args) = self.args.as_deref_mut() {
            args.set_path(name, Value::Array(readable));
        }
        Ok(())
    }
}

fn parse_experiment(text: &str) -> Result<ExperimentId, ApiError> {
    text.trim()
        .parse()
        .map(ExperimentId)
        .map_err(|_| crate::messages::invalid_experiment_id(text))
}

/// The registered model of `models:/NAME/VERSION`, `models:/NAME@ALIAS` or `models:/NAME/STAGE`.
fn model_uri_name(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("models:/")?;
    let name = rest.split(['/', '@']).next()?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// The values at a (possibly dotted) argument name: a list gives each of its items.
fn lookup(args: &Args, name: &str) -> Vec<String> {
    let mut parts = name.split('.');
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let mut value = match args.get(first) {
        Some(value) => value,
        None => return Vec::new(),
    };
    for part in parts {
        match value.get(part) {
            Some(inner) => value = inner,
            None => return Vec::new(),
        }
    }
    let text = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        single => text(single).into_iter().collect(),
    }
}

/// Cuts a listing reply to the entries the caller may read.
async fn filter_reply(response: Response, listing: Listing, caller: &Caller) -> Response {
    if !response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FILTERED_REPLY).await else {
        return ApiError::new("INTERNAL_ERROR", "the listing was too large to filter")
            .into_response();
    };
    let Ok(mut reply) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let (array, field) = match listing {
        Listing::Experiments(array, field) | Listing::Models(array, field) => (array, field),
    };
    let entries = if array.is_empty() {
        Some(&mut reply)
    } else {
        reply.get_mut(array)
    };
    if let Some(Value::Array(items)) = entries {
        items.retain(|item| {
            let id = match item.get(field) {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Number(number)) => number.to_string(),
                _ => return false,
            };
            let resource = match listing {
                Listing::Experiments(..) => match id.parse() {
                    Ok(id) => Resource::Experiment(ExperimentId(id)),
                    Err(_) => return false,
                },
                Listing::Models(..) => Resource::RegisteredModel(id.clone()),
            };
            caller.permission(&resource) >= Permission::Read
        });
    }
    let body = serde_json::to_vec(&reply).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.status = StatusCode::OK;
    Response::from_parts(parts, Body::from(body))
}
