//! The registry part of a copy into an MLflow server: registered models (by name, with
//! description and tags), their versions (each tagged [`COPIED_FROM`] with the source's version
//! number, its `runs:/` source pointed at the copied run, a `models:/m-...` one at the
//! LoggedModel sent with it), stages and aliases.

use std::collections::HashMap;

use anyhow::Context;
use cairn_core::Store;
use cairn_core::model::{ModelVersion, RegisteredModel};
use serde_json::{Value, json};

use super::mlflow_runs::COPIED_FROM;
use cairn_push::MlflowApi;
use cairn_push::push_logged_model::{
    ModelDestination, ModelSent, logged_model_of, send_logged_model,
};
use cairn_push::wire::{id_text as version_number, rewrite_source};

/// What the registry part did.
#[derive(Debug, Default)]
pub struct RegistryReport {
    pub models: u64,
    pub versions_copied: u64,
    pub versions_skipped: u64,
    /// LoggedModels sent with the versions made from them.
    pub logged_models: u64,
    /// Versions left out, and why.
    pub notes: Vec<String>,
    /// Model name → (source version → destination version).
    pub versions: HashMap<String, HashMap<u64, String>>,
}

/// Copies every registered model of `source`; `runs` maps source to destination run ids.
pub fn copy_registry(
    client: &dyn MlflowApi,
    source: &dyn Store,
    runs: &HashMap<String, String>,
) -> anyhow::Result<RegistryReport> {
    let mut report = RegistryReport::default();
    for model in source.list_registered_models()? {
        let versions = source.list_model_versions(&model.name).with_context(|| {
            format!("reading the versions of registered model '{}'", model.name)
        })?;
        let mapped = copy_model(client, source, &model, &versions, runs, &mut report)?;
        report.versions.insert(model.name.clone(), mapped);
        report.models += 1;
    }
    Ok(report)
}

fn copy_model(
    client: &dyn MlflowApi,
    source: &dyn Store,
    model: &RegisteredModel,
    versions: &[ModelVersion],
    runs: &HashMap<String, String>,
    report: &mut RegistryReport,
) -> anyhow::Result<HashMap<u64, String>> {
    let name = &model.name;
    let entity = format!("registered model '{name}'");
    let tags: Vec<Value> = model
        .tags
        .iter()
        .map(|tag| json!({ "key": tag.key, "value": tag.value }))
        .collect();
    match client.try_post(
        "registered-models/create",
        &json!({ "name": name, "description": model.description, "tags": tags }),
    ) {
        Ok(_) => {}
        Err(error) if error.is_duplicate() => {
            for tag in &model.tags {
                client.post(
                    "registered-models/set-tag",
                    &json!({ "name": name, "key": tag.key, "value": tag.value }),
                    &entity,
                )?;
            }
        }
        Err(_) => {
            // Said again to get the error in full, naming the server and the model.
            client.post(
                "registered-models/create",
                &json!({ "name": name, "description": model.description, "tags": tags }),
                &entity,
            )?;
        }
    }
    let mut there = copied_versions(client, name)?;
    let mut ordered: Vec<&ModelVersion> = versions.iter().collect();
    ordered.sort_by_key(|version| version.version);
    for version in ordered {
        let version_entity = format!("version {} of registered model '{name}'", version.version);
        let destination = match there.remove(&version.version) {
            Some((number, stage)) => {
                report.versions_skipped += 1;
                (number, stage)
            }
            None => {
                let Some(created) =
                    create_version(client, source, version, runs, &version_entity, report)?
                else {
                    continue;
                };
                report.versions_copied += 1;
                created
            }
        };
        let (number, stage) = destination;
        let wanted = version.current_stage.as_str();
        if stage != wanted {
            client.post(
                "model-versions/transition-stage",
                &json!({
                    "name": name,
                    "version": number,
                    "stage": wanted,
                    "archive_existing_versions": false,
                }),
                &version_entity,
            )?;
        }
        report_mapping(report, name, version.version, &number);
    }
    let mapped = report.versions.remove(name).unwrap_or_default();
    for (alias, version) in &model.aliases {
        let Some(number) = mapped.get(version) else {
            continue;
        };
        client.post(
            "registered-models/alias",
            &json!({ "name": name, "alias": alias, "version": number }),
            &format!("alias '{alias}' of {entity}"),
        )?;
    }
    Ok(mapped)
}

fn report_mapping(report: &mut RegistryReport, name: &str, from: u64, to: &str) {
    report
        .versions
        .entry(name.to_owned())
        .or_default()
        .insert(from, to.to_owned());
}

/// Creates the copy of `version`; answers its number and stage. A version made from a
/// LoggedModel (`models:/m-...`) has that model sent first, and points at the server's; when it
/// cannot be (its run was not copied, its files cannot be read), the version is left out with a
/// note rather than made to point at a model the server lacks.
fn create_version(
    client: &dyn MlflowApi,
    store: &dyn Store,
    version: &ModelVersion,
    runs: &HashMap<String, String>,
    entity: &str,
    report: &mut RegistryReport,
) -> anyhow::Result<Option<(String, String)>> {
    let new_run = version.run_id.as_ref().and_then(|run_id| runs.get(run_id));
    let source = match (logged_model_of(&version.source), new_run) {
        (Some(model_id), Some(run_id)) => {
            let run = client.get("runs/get", &[("run_id", run_id.as_str())], entity)?;
            let experiment_id =
                version_number(&run["run"]["info"]["experiment_id"]).unwrap_or_default();
            let to = ModelDestination {
                store,
                api: client,
                server_key: client.server(),
                experiment_id: &experiment_id,
                run_id,
                remember: false,
            };
            match send_logged_model(&to, model_id)? {
                ModelSent::There(there)
                | ModelSent::Created {
                    model_id: there, ..
                } => {
                    report.logged_models += 1;
                    format!("models:/{there}")
                }
                ModelSent::NotSent(why) => {
                    report.notes.push(format!("{entity}: {why}"));
                    return Ok(None);
                }
            }
        }
        (Some(model_id), None) => {
            report.notes.push(format!(
                "{entity}: made from model {model_id} of a run that was not copied: left out"
            ));
            return Ok(None);
        }
        (None, _) => match (&version.run_id, new_run) {
            (Some(old), Some(new)) => rewrite_source(&version.source, old, new),
            _ => version.source.clone(),
        },
    };
    let mut tags: Vec<Value> = version
        .tags
        .iter()
        .filter(|tag| tag.key != COPIED_FROM)
        .map(|tag| json!({ "key": tag.key, "value": tag.value }))
        .collect();
    tags.push(json!({ "key": COPIED_FROM, "value": version.version.to_string() }));
    let mut body = json!({
        "name": version.name,
        "source": source,
        "description": version.description,
        "tags": tags,
    });
    if let Some(run_id) = new_run {
        body["run_id"] = json!(run_id);
    }
    if let Some(model_id) = logged_model_of(&source) {
        body["model_id"] = json!(model_id);
    }
    let created = client.post("model-versions/create", &body, entity)?;
    let number = version_number(&created["model_version"]["version"]).with_context(|| {
        format!(
            "{}: {entity}: model-versions/create answered no version number",
            client.server()
        )
    })?;
    let stage = created["model_version"]["current_stage"]
        .as_str()
        .unwrap_or("None")
        .to_owned();
    Ok(Some((number, stage)))
}

/// The destination's versions of `name` carrying [`COPIED_FROM`]: source version →
/// (destination version, stage).
pub fn copied_versions(
    client: &dyn MlflowApi,
    name: &str,
) -> anyhow::Result<HashMap<u64, (String, String)>> {
    let mut found = HashMap::new();
    let filter = format!("name='{}'", name.replace('\'', "\\'"));
    let mut token: Option<String> = None;
    loop {
        let mut query = vec![("filter", filter.as_str()), ("max_results", "1000")];
        if let Some(token) = &token {
            query.push(("page_token", token.as_str()));
        }
        let page = client.get(
            "model-versions/search",
            &query,
            &format!("the versions of registered model '{name}'"),
        )?;
        for version in page["model_versions"].as_array().into_iter().flatten() {
            let copied_from = version["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|tag| tag["key"].as_str() == Some(COPIED_FROM))
                .and_then(|tag| tag["value"].as_str())
                .and_then(|value| value.parse::<u64>().ok());
            if let (Some(from), Some(number)) = (copied_from, version_number(&version["version"])) {
                let stage = version["current_stage"]
                    .as_str()
                    .unwrap_or("None")
                    .to_owned();
                found.insert(from, (number, stage));
            }
        }
        match page["next_page_token"].as_str() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(found),
        }
    }
}
