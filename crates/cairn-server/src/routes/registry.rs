//! The model registry: `registered-models/*` and `model-versions/*`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use cairn_core::model::{ModelStage, ModelVersion, NewModelVersion, StageTransition, Tag};
use cairn_core::search::{Entity, entities};
use cairn_core::{Store, StoreResult};
use serde_json::{Value, json};

use crate::accounts::{Actor, Caller};
use crate::args::{Args, encode_page_token};
use crate::error::{ApiError, ApiResult};
use crate::messages;
use crate::schema::{Kind, optional, required};
use crate::{Shared, search_args, wire};

/// Where registry changes made over REST are recorded as coming from.
const ORIGIN: &str = "rest";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/registered-models/create", post(create_model))
        .route("/registered-models/get", get(get_model))
        .route("/registered-models/rename", post(rename_model))
        .route(
            "/registered-models/update",
            axum::routing::patch(update_model).post(update_model),
        )
        .route(
            "/registered-models/delete",
            axum::routing::delete(delete_model),
        )
        .route(
            "/registered-models/search",
            get(search_models).post(search_models),
        )
        .route(
            "/registered-models/get-latest-versions",
            post(latest_versions).get(latest_versions),
        )
        .route("/registered-models/set-tag", post(set_model_tag))
        .route(
            "/registered-models/delete-tag",
            axum::routing::delete(delete_model_tag),
        )
        .route(
            "/registered-models/alias",
            post(set_alias).delete(delete_alias).get(get_by_alias),
        )
        .route("/model-versions/create", post(create_version))
        .route("/model-versions/get", get(get_version))
        .route(
            "/model-versions/update",
            axum::routing::patch(update_version).post(update_version),
        )
        .route(
            "/model-versions/delete",
            axum::routing::delete(delete_version),
        )
        .route("/model-versions/transition-stage", post(transition))
        .route(
            "/model-versions/search",
            get(search_versions).post(search_versions),
        )
        .route("/model-versions/get-download-uri", get(download_uri))
        .route("/model-versions/set-tag", post(set_version_tag))
        .route(
            "/model-versions/delete-tag",
            axum::routing::delete(delete_version_tag),
        )
}

/// The fields of `registered-models/search` and `model-versions/search`.
const SEARCH_FIELDS: [crate::schema::Field; 4] = [
    optional("filter", Kind::Str),
    optional("max_results", Kind::Int),
    optional("order_by", Kind::StrList),
    optional("page_token", Kind::Str),
];

pub(super) fn version_number(args: &Args) -> Result<u64, ApiError> {
    let text = args.req_str("version")?;
    text.trim()
        .parse()
        .map_err(|_| messages::version_not_integer(&text))
}

async fn create_model(
    State(state): State<Shared>,
    caller: Option<axum::Extension<Caller>>,
    args: Args,
) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        optional("tags", Kind::List),
        optional("description", Kind::Str),
    ])?;
    let name = args.req_str("name")?;
    let description = args.str("description").unwrap_or_default();
    let tags = args.tags("tags")?;
    let model = state
        .call(move |store| store.create_registered_model(&name, &description, &tags))
        .await?;
    if let (Some(accounts), Some(axum::Extension(caller))) = (&state.accounts, caller) {
        accounts
            .grant_creator(
                &caller,
                cairn_core::model::Resource::RegisteredModel(model.name.clone()),
            )
            .await?;
    }
    Ok(Json(
        json!({"registered_model": wire::registered_model(&model)}),
    ))
}

async fn get_model(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str)])?;
    let name = args.req_str("name")?;
    let model = state
        .call(move |store| store.get_registered_model(&name))
        .await?;
    Ok(Json(
        json!({"registered_model": wire::registered_model(&model)}),
    ))
}

async fn rename_model(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str), required("new_name", Kind::Str)])?;
    let name = args.req_str("name")?;
    let new_name = args.req_str("new_name")?;
    let model = state
        .call(move |store| {
            let model = store.rename_registered_model(&name, &new_name)?;
            // Who may do what with the model follows it to its new name.
            store.rename_model_grants(&name, &new_name)?;
            Ok(model)
        })
        .await?;
    if let Some(accounts) = &state.accounts {
        accounts.changed();
    }
    Ok(Json(
        json!({"registered_model": wire::registered_model(&model)}),
    ))
}

async fn update_model(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        optional("description", Kind::Str),
    ])?;
    let name = args.req_str("name")?;
    let description = args.str("description").unwrap_or_default();
    let model = state
        .call(move |store| store.update_registered_model(&name, &description))
        .await?;
    Ok(Json(
        json!({"registered_model": wire::registered_model(&model)}),
    ))
}

async fn delete_model(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str)])?;
    let name = args.req_str("name")?;
    state
        .call(move |store| store.delete_registered_model(&name))
        .await?;
    Ok(Json(json!({})))
}

fn page<T>(
    items: Vec<T>,
    args: &Args,
    default_max: usize,
    limit: usize,
    to_json: impl Fn(&T) -> Value,
    field: &str,
) -> ApiResult {
    let max_results = args.max_results(default_max, limit)?;
    let offset = args.page_offset()?;
    let end = offset.saturating_add(max_results).min(items.len());
    let page: Vec<Value> = items
        .get(offset.min(items.len())..end)
        .unwrap_or_default()
        .iter()
        .map(to_json)
        .collect();
    let mut out = json!({ field: page });
    if end < items.len() {
        out["next_page_token"] = json!(encode_page_token(end));
    }
    Ok(Json(out))
}

async fn search_models(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&SEARCH_FIELDS)?;
    let filter = search_args::entity_filter(
        Entity::RegisteredModel,
        &args.str("filter").unwrap_or_default(),
    )?;
    let order_by = args.str_list("order_by");
    let mut models: Vec<_> = state
        .call(|store| store.list_registered_models())
        .await?
        .into_iter()
        .filter(|model| {
            filter
                .as_ref()
                .is_none_or(|filter| entities::matches(filter, model))
        })
        .collect();
    entities::sort_registered_models(&mut models, &order_by);
    page(
        models,
        &args,
        100,
        1000,
        wire::registered_model,
        "registered_models",
    )
}

async fn latest_versions(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        optional("stages", Kind::StrList),
    ])?;
    let name = args.req_str("name")?;
    let stages = args
        .str_list("stages")
        .iter()
        .map(|text| ModelStage::parse(text).ok_or_else(|| messages::invalid_stage(text)))
        .collect::<Result<Vec<_>, _>>()?;
    let versions = state
        .call(move |store| store.list_model_versions(&name))
        .await?;
    let wanted: Vec<ModelStage> = if stages.is_empty() {
        ModelStage::ALL.to_vec()
    } else {
        stages
    };
    let latest: Vec<Value> = wanted
        .iter()
        .filter_map(|stage| {
            versions
                .iter()
                .filter(|version| version.current_stage == *stage)
                .max_by_key(|version| version.version)
        })
        .map(wire::model_version)
        .collect();
    Ok(Json(json!({"model_versions": latest})))
}

async fn set_model_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        required("key", Kind::Str),
        optional("value", Kind::Str),
    ])?;
    let name = args.req_str("name")?;
    let tag = Tag::new(args.req_str("key")?, args.str("value").unwrap_or_default());
    state
        .call(move |store| store.set_registered_model_tag(&name, &tag))
        .await?;
    Ok(Json(json!({})))
}

async fn delete_model_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str), required("key", Kind::Str)])?;
    let name = args.req_str("name")?;
    let key = args.req_str("key")?;
    state
        .call(move |store| store.delete_registered_model_tag(&name, &key))
        .await?;
    Ok(Json(json!({})))
}

async fn set_alias(State(state): State<Shared>, Actor(actor): Actor, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        required("alias", Kind::Str),
        required("version", Kind::Str),
    ])?;
    let name = args.req_str("name")?;
    let alias = args.req_str("alias")?;
    let version = version_number(&args)?;
    state
        .call(move |store| {
            store.set_model_alias(
                &name,
                &alias,
                version,
                actor.as_deref().unwrap_or(""),
                ORIGIN,
            )
        })
        .await?;
    Ok(Json(json!({})))
}

async fn delete_alias(State(state): State<Shared>, Actor(actor): Actor, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str), required("alias", Kind::Str)])?;
    let name = args.req_str("name")?;
    let alias = args.req_str("alias")?;
    state
        .call(move |store| {
            store.delete_model_alias(&name, &alias, actor.as_deref().unwrap_or(""), ORIGIN)
        })
        .await?;
    Ok(Json(json!({})))
}

async fn get_by_alias(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str), required("alias", Kind::Str)])?;
    let name = args.req_str("name")?;
    let alias = args.req_str("alias")?;
    let version = state
        .call(move |store| store.get_model_version_by_alias(&name, &alias))
        .await?;
    Ok(Json(
        json!({"model_version": wire::model_version(&version)}),
    ))
}

async fn create_version(State(state): State<Shared>, Actor(actor): Actor, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        required("source", Kind::Str),
        optional("run_id", Kind::Str),
        optional("tags", Kind::List),
        optional("run_link", Kind::Str),
        optional("description", Kind::Str),
        optional("model_id", Kind::Str),
    ])?;
    let new = NewModelVersion {
        name: args.req_str("name")?,
        source: args.req_str("source")?,
        run_id: args.str("run_id").filter(|id| !id.is_empty()),
        run_link: args.str("run_link").unwrap_or_default(),
        description: args.str("description").unwrap_or_default(),
        logged_model_id: args.str("model_id").filter(|id| !id.is_empty()),
        tags: args.tags("tags")?,
        user_id: actor.unwrap_or_default(),
        origin: String::new(),
    };
    let version = state
        .call(move |store| {
            let mut new = new;
            crate::version_source::check(store, &new.source, new.run_id.as_deref())?;
            // A version made from a LoggedModel comes from the run that logged it.
            let model_id = new.logged_model_id.clone().or_else(|| {
                new.source
                    .strip_prefix("models:/m-")
                    .map(|id| format!("m-{id}"))
            });
            if let Some(model_id) = model_id
                && let Ok(model) = store.get_logged_model(&model_id)
            {
                new.logged_model_id = Some(model_id);
                if new.run_id.is_none() {
                    new.run_id = model.source_run_id;
                }
            }
            let version = store.create_model_version(&new)?;
            if let Some(model_id) = &version.logged_model_id {
                record_version_on_model(store, model_id, &version)?;
            }
            Ok(version)
        })
        .await?;
    Ok(Json(
        json!({"model_version": wire::model_version(&version)}),
    ))
}

/// MLflow's tag on a LoggedModel listing the registered versions made from it.
const MODEL_VERSIONS_TAG: &str = "mlflow.modelVersions";

/// Adds `version` to the LoggedModel's `mlflow.modelVersions` tag, a JSON list of
/// `{"name", "version"}` written as MLflow writes it.
fn record_version_on_model(
    store: &dyn Store,
    model_id: &str,
    version: &ModelVersion,
) -> StoreResult<()> {
    let model = match store.get_logged_model(model_id) {
        Ok(model) => model,
        // The version may name a model this server never saw.
        Err(cairn_core::StoreError::LoggedModelNotFound { .. }) => return Ok(()),
        Err(error) => return Err(error),
    };
    let entry = json!({"name": version.name, "version": version.version});
    let mut entries: Vec<Value> = model
        .tags
        .iter()
        .find(|tag| tag.key == MODEL_VERSIONS_TAG)
        .and_then(|tag| serde_json::from_str(&tag.value).ok())
        .unwrap_or_default();
    if !entries.contains(&entry) {
        entries.push(entry);
    }
    let value = crate::python_json::dumps_spaced(&Value::Array(entries));
    store.set_logged_model_tags(model_id, &[Tag::new(MODEL_VERSIONS_TAG, value)])
}

async fn get_version(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str), required("version", Kind::Str)])?;
    let name = args.req_str("name")?;
    let number = version_number(&args)?;
    let version = state
        .call(move |store| store.get_model_version(&name, number))
        .await?;
    Ok(Json(
        json!({"model_version": wire::model_version(&version)}),
    ))
}

async fn update_version(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        required("version", Kind::Str),
        optional("description", Kind::Str),
    ])?;
    let name = args.req_str("name")?;
    let number = version_number(&args)?;
    let description = args.str("description").unwrap_or_default();
    let version = state
        .call(move |store| store.update_model_version(&name, number, &description))
        .await?;
    Ok(Json(
        json!({"model_version": wire::model_version(&version)}),
    ))
}

async fn delete_version(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str), required("version", Kind::Str)])?;
    let name = args.req_str("name")?;
    let number = version_number(&args)?;
    state
        .call(move |store| store.delete_model_version(&name, number, "", ORIGIN))
        .await?;
    Ok(Json(json!({})))
}

async fn transition(State(state): State<Shared>, Actor(actor): Actor, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        required("version", Kind::Str),
        required("stage", Kind::Str),
        optional("archive_existing_versions", Kind::Bool),
    ])?;
    let stage_text = args.req_str("stage")?;
    let stage =
        ModelStage::parse(&stage_text).ok_or_else(|| messages::invalid_stage(&stage_text))?;
    let request = StageTransition {
        name: args.req_str("name")?,
        version: version_number(&args)?,
        stage,
        archive_existing_versions: args.bool("archive_existing_versions")?.unwrap_or(false),
        user_id: actor.unwrap_or_default(),
        comment: String::new(),
        origin: ORIGIN.to_string(),
        gate_report: None,
    };
    let version = state
        .call(move |store| store.transition_model_version_stage(&request))
        .await?;
    Ok(Json(
        json!({"model_version": wire::model_version(&version)}),
    ))
}

fn all_versions(store: &dyn Store) -> StoreResult<Vec<ModelVersion>> {
    let mut versions = Vec::new();
    for model in store.list_registered_models()? {
        versions.extend(store.list_model_versions(&model.name)?);
    }
    Ok(versions)
}

async fn search_versions(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&SEARCH_FIELDS)?;
    let filter = search_args::entity_filter(
        Entity::ModelVersion,
        &args.str("filter").unwrap_or_default(),
    )?;
    let mut versions: Vec<_> = state
        .call(all_versions)
        .await?
        .into_iter()
        .filter(|version| {
            filter
                .as_ref()
                .is_none_or(|filter| entities::matches(filter, version))
        })
        .collect();
    entities::sort_model_versions(&mut versions, &args.str_list("order_by"));
    // MLflow's search answers carry no aliases; `model-versions/get` does.
    page(
        versions,
        &args,
        10_000,
        200_000,
        |version| {
            let mut json = wire::model_version(version);
            if let Some(fields) = json.as_object_mut() {
                fields.remove("aliases");
            }
            json
        },
        "model_versions",
    )
}

async fn download_uri(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[required("name", Kind::Str), required("version", Kind::Str)])?;
    let name = args.req_str("name")?;
    let number = version_number(&args)?;
    let artifact_uri = state
        .call(move |store| stored_download_uri(store, &name, number, 0))
        .await?;
    Ok(Json(json!({"artifact_uri": artifact_uri})))
}

/// What MLflow's `get-download-uri` answers: the location stored for the version — its
/// LoggedModel's artifact location, another version's for a `models:/NAME/N` source, and any
/// other source (`runs:/…` included) as it was given; clients resolve `runs:/` themselves.
fn stored_download_uri(
    store: &dyn Store,
    name: &str,
    number: u64,
    depth: u8,
) -> StoreResult<String> {
    let version = store.get_model_version(name, number)?;
    if let Some(model_id) = &version.logged_model_id
        && let Ok(model) = store.get_logged_model(model_id)
    {
        return Ok(model.artifact_location);
    }
    let copied = version
        .source
        .strip_prefix("models:/")
        .and_then(|rest| rest.rsplit_once('/'))
        .and_then(|(model, number)| Some((model.to_string(), number.parse::<u64>().ok()?)));
    match copied {
        // A version copied from another (a chain is followed a few links deep).
        Some((model, number)) if depth < 8 => stored_download_uri(store, &model, number, depth + 1),
        _ => Ok(version.source),
    }
}

/// Where version `number` of model `name` keeps its files (what `model-versions/get-artifact`
/// reads): its LoggedModel's location, a `runs:/` source joined to the run's artifact root, any
/// other source as it is.
pub(super) fn download_location(store: &dyn Store, name: &str, number: u64) -> StoreResult<String> {
    let version = store.get_model_version(name, number)?;
    match &version.logged_model_id {
        Some(model_id) => match store.get_logged_model(model_id) {
            Ok(model) => Ok(model.artifact_location),
            Err(_) => Ok(version.source),
        },
        None => match version.source.strip_prefix("runs:/") {
            // runs:/<run_id>/<path> lives under that run's artifact root.
            Some(rest) => {
                let (run_id, path) = rest.split_once('/').unwrap_or((rest, ""));
                let run = store.get_run(run_id)?;
                let root = run.info.artifact_uri.trim_end_matches('/').to_string();
                Ok(if path.is_empty() {
                    root
                } else {
                    format!("{root}/{path}")
                })
            }
            None => Ok(version.source),
        },
    }
}

async fn set_version_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        required("version", Kind::Str),
        required("key", Kind::Str),
        optional("value", Kind::Str),
    ])?;
    let name = args.req_str("name")?;
    let number = version_number(&args)?;
    let tag = Tag::new(args.req_str("key")?, args.str("value").unwrap_or_default());
    state
        .call(move |store| store.set_model_version_tag(&name, number, &tag))
        .await?;
    Ok(Json(json!({})))
}

async fn delete_version_tag(State(state): State<Shared>, args: Args) -> ApiResult {
    args.check(&[
        required("name", Kind::Str),
        required("version", Kind::Str),
        required("key", Kind::Str),
    ])?;
    let name = args.req_str("name")?;
    let number = version_number(&args)?;
    let key = args.req_str("key")?;
    state
        .call(move |store| store.delete_model_version_tag(&name, number, &key))
        .await?;
    Ok(Json(json!({})))
}
