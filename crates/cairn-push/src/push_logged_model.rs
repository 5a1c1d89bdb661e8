//! A LoggedModel pushed (MLflow 3): what `mlflow.<flavor>.log_model` makes and a registered
//! version made from it points at (`models:/m-...`). Before such a version goes, its model goes:
//! created in the server run's experiment with its name, type, params and tags, the server run
//! as its source, its files uploaded through the `mlflow-artifacts` proxy, then marked ready.
//! A push's local model remembers the server's id in its tag [`PUSHED_TO_TAG`] (as a run does),
//! so a second push finds it instead of making another; `cairn store copy` (which never writes
//! to its source) sends one with each version it creates.

use anyhow::Context;
use cairn_app::artifact_files::location_folder;
use cairn_core::Store;
use cairn_core::model::{LoggedModelStatus, Tag};
use serde_json::{Value, json};

use crate::api::MlflowApi;
use crate::push_run::{RemoteRun, RunPusher};
use crate::pushed_to::{PUSHED_TO_TAG, pushes};
use crate::wire::{files_under, proxy_path};

/// The tag a pushed LoggedModel carries on the server: the local model's id.
pub const SOURCE_MODEL_TAG: &str = "cairn.source_model_id";

/// The LoggedModel id a `models:/m-...` source names; `None` for any other source.
pub fn logged_model_of(source: &str) -> Option<&str> {
    let id = source
        .strip_prefix("models:/")?
        .trim_matches('/')
        .split('/')
        .next()?;
    id.starts_with("m-").then_some(id)
}

/// Where a LoggedModel goes: the server's run it comes from, and whether the local model
/// remembers the server's id (a push does; a copy leaves its source untouched).
pub struct ModelDestination<'a> {
    pub store: &'a dyn Store,
    pub api: &'a dyn MlflowApi,
    /// The server as [`PUSHED_TO_TAG`] names it.
    pub server_key: &'a str,
    /// The server's experiment and run the model goes to.
    pub experiment_id: &'a str,
    pub run_id: &'a str,
    /// Record the server's id in the local model's [`PUSHED_TO_TAG`], and look it up there.
    pub remember: bool,
}

/// What became of a LoggedModel.
#[derive(Debug, PartialEq, Eq)]
pub enum ModelSent {
    /// The server had it already (the local model remembers it).
    There(String),
    /// Made on the server now, with this many files.
    Created { model_id: String, files: u64 },
    /// Not sent, for the reason given: the versions made from it must not go either.
    NotSent(String),
}

/// Sends the local LoggedModel `model_id` to `to` unless the server has it; see the module
/// documentation.
pub fn send_logged_model(to: &ModelDestination<'_>, model_id: &str) -> anyhow::Result<ModelSent> {
    let model = match to.store.get_logged_model(model_id) {
        Ok(model) => model,
        Err(error) => {
            return Ok(ModelSent::NotSent(format!(
                "model {model_id} is not in the local store ({error}): the versions made from \
                 it are not sent"
            )));
        }
    };
    let entity = format!("model {model_id} (of server run {})", to.run_id);
    if to.remember
        && let Some(there) = pushes(&model.tags)
            .get(to.server_key)
            .and_then(Value::as_str)
    {
        match to.api.try_get(&format!("logged-models/{there}"), &[]) {
            Ok(_) => return Ok(ModelSent::There(there.to_owned())),
            Err(error) if error.is_missing() => {}
            Err(error) => {
                return Err(crate::api::explain(
                    to.api.server(),
                    error,
                    "GET",
                    "logged-models",
                    &entity,
                ));
            }
        }
    }
    let folder = match location_folder(to.store, to.store.artifact_root(), &model.artifact_location)
    {
        Ok(folder) => folder,
        Err(error) => {
            return Ok(ModelSent::NotSent(format!(
                "{entity}: its files cannot be read ({}): the versions made from it are not sent",
                error.message
            )));
        }
    };
    let files = match &folder {
        Some(folder) => {
            files_under(folder.path()).with_context(|| format!("{entity}: listing its files"))?
        }
        None => Vec::new(),
    };
    let mut tags: Vec<Value> = model
        .tags
        .iter()
        .filter(|tag| tag.key != PUSHED_TO_TAG && tag.key != SOURCE_MODEL_TAG)
        .map(|tag| json!({ "key": tag.key, "value": tag.value }))
        .collect();
    tags.push(json!({ "key": SOURCE_MODEL_TAG, "value": model.model_id }));
    let params: Vec<Value> = model
        .params
        .iter()
        .map(|param| json!({ "key": param.key, "value": param.value }))
        .collect();
    let created = to.api.post(
        "logged-models",
        &json!({
            "experiment_id": to.experiment_id,
            "name": model.name,
            "model_type": model.model_type,
            "source_run_id": to.run_id,
            "params": params,
            "tags": tags,
        }),
        &entity,
    )?;
    let info = &created["model"]["info"];
    let there = info["model_id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{}: {entity}: logged-models answered no model id",
                to.api.server()
            )
        })?
        .to_owned();
    let entity = format!("{entity} (server model {there})");
    let remote_uri = info["artifact_uri"].as_str().unwrap_or("");
    let prefix = proxy_path(remote_uri);
    if let (Some(folder), Some(prefix)) = (&folder, &prefix) {
        for (relative, _) in &files {
            let path = if prefix.is_empty() {
                relative.clone()
            } else {
                format!("{prefix}/{relative}")
            };
            to.api.put_artifact(
                &path,
                &folder.path().join(relative),
                &format!("file '{relative}' of {entity}"),
            )?;
        }
    } else if !files.is_empty() {
        return Ok(ModelSent::NotSent(format!(
            "{entity}: the server keeps the model's files at '{remote_uri}', not behind its \
             mlflow-artifacts proxy: the versions made from it are not sent"
        )));
    }
    if model.status == LoggedModelStatus::Ready {
        to.api.patch(
            &format!("logged-models/{there}"),
            &json!({ "model_id": there, "status": "LOGGED_MODEL_READY" }),
            &entity,
        )?;
    }
    if to.remember {
        let mut remembered = pushes(&model.tags);
        remembered.insert(to.server_key.to_owned(), Value::String(there.clone()));
        to.store
            .set_logged_model_tags(
                &model.model_id,
                &[Tag {
                    key: PUSHED_TO_TAG.to_owned(),
                    value: Value::Object(remembered).to_string(),
                }],
            )
            .with_context(|| {
                format!("{entity}: pushed, but remembering where in the local store")
            })?;
    }
    Ok(ModelSent::Created {
        model_id: there,
        files: files.len() as u64,
    })
}

impl RunPusher<'_, '_> {
    /// The server's id of the local LoggedModel `model_id`, pushed first when the server lacks
    /// it; `None` (with a note) when it cannot be pushed, so that no version points at a model
    /// the server does not have.
    pub(crate) fn push_logged_model(
        &mut self,
        model_id: &str,
        remote: &RemoteRun,
    ) -> anyhow::Result<Option<String>> {
        let to = ModelDestination {
            store: self.shared.store,
            api: self.shared.api,
            server_key: &self.shared.server_key,
            experiment_id: &remote.experiment_id,
            run_id: &remote.run_id,
            remember: true,
        };
        Ok(match send_logged_model(&to, model_id)? {
            ModelSent::There(there) => Some(there),
            ModelSent::Created { model_id, files } => {
                self.result.logged_models += 1;
                self.result.files += files;
                Some(model_id)
            }
            ModelSent::NotSent(why) => {
                self.result.notes.push(why);
                None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::logged_model_of;

    #[test]
    fn a_models_source_names_its_logged_model() {
        assert_eq!(logged_model_of("models:/m-0123abcd"), Some("m-0123abcd"));
        assert_eq!(logged_model_of("models:/m-0123abcd/"), Some("m-0123abcd"));
        assert_eq!(logged_model_of("models:/churn/3"), None);
        assert_eq!(logged_model_of("runs:/abc/model"), None);
        assert_eq!(logged_model_of("s3://bucket/m-1"), None);
    }
}
