//! A LoggedModel pushed (MLflow 3): what `mlflow.<flavor>.log_model` makes and a registered
//! version made from it points at (`models:/m-...`). Before such a version goes, its model goes:
//! created in the server run's experiment with its name, type, params and tags, the server run
//! as its source, its files uploaded through the `mlflow-artifacts` proxy, then marked ready.
//! The local model remembers the server's id in its tag [`PUSHED_TO_TAG`] (as a run does), so a
//! second push finds it instead of making another.

use anyhow::Context;
use cairn_app::artifact_files::location_folder;
use cairn_core::model::{LoggedModel, LoggedModelStatus, Tag};
use serde_json::{Value, json};

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

impl RunPusher<'_, '_> {
    /// The server's id of the local LoggedModel `model_id`, pushed first when the server lacks
    /// it; `None` (with a note) when it cannot be pushed, so that no version points at a model
    /// the server does not have.
    pub(crate) fn push_logged_model(
        &mut self,
        model_id: &str,
        remote: &RemoteRun,
    ) -> anyhow::Result<Option<String>> {
        let store = self.shared.store;
        let model = match store.get_logged_model(model_id) {
            Ok(model) => model,
            Err(error) => {
                self.result.notes.push(format!(
                    "model {model_id} is not in the local store ({error}): the versions made \
                     from it are not sent"
                ));
                return Ok(None);
            }
        };
        let server = self.shared.server_key.clone();
        if let Some(there) = pushes(&model.tags).get(&server).and_then(Value::as_str) {
            match self
                .shared
                .api
                .try_get(&format!("logged-models/{there}"), &[])
            {
                Ok(_) => return Ok(Some(there.to_owned())),
                Err(error) if error.is_missing() => {}
                Err(error) => {
                    return Err(crate::api::explain(
                        self.shared.api.server(),
                        error,
                        "GET",
                        "logged-models",
                        &format!("model {model_id} of {}", self.entity),
                    ));
                }
            }
        }
        self.create_logged_model(&model, remote).map(Some)
    }

    fn create_logged_model(
        &mut self,
        model: &LoggedModel,
        remote: &RemoteRun,
    ) -> anyhow::Result<String> {
        let api = self.shared.api;
        let entity = format!("model {} of {}", model.model_id, self.entity);
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
        let created = api.post(
            "logged-models",
            &json!({
                "experiment_id": remote.experiment_id,
                "name": model.name,
                "model_type": model.model_type,
                "source_run_id": remote.run_id,
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
                    api.server()
                )
            })?
            .to_owned();
        let entity = format!("{entity} (server model {there})");
        self.upload_model_files(model, info["artifact_uri"].as_str().unwrap_or(""), &entity)?;
        if model.status == LoggedModelStatus::Ready {
            api.patch(
                &format!("logged-models/{there}"),
                &json!({ "model_id": there, "status": "LOGGED_MODEL_READY" }),
                &entity,
            )?;
        }
        self.result.logged_models += 1;
        let mut remembered = pushes(&model.tags);
        remembered.insert(self.shared.server_key.clone(), Value::String(there.clone()));
        self.shared
            .store
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
        Ok(there)
    }

    /// The model's files, from its local folder to its folder on the server.
    fn upload_model_files(
        &mut self,
        model: &LoggedModel,
        remote_uri: &str,
        entity: &str,
    ) -> anyhow::Result<()> {
        let store = self.shared.store;
        let folder = match location_folder(store, store.artifact_root(), &model.artifact_location) {
            Ok(Some(folder)) => folder,
            Ok(None) => return Ok(()),
            Err(error) => {
                self.result
                    .notes
                    .push(format!("{entity}: files not sent: {}", error.message));
                return Ok(());
            }
        };
        let files =
            files_under(folder.path()).with_context(|| format!("{entity}: listing its files"))?;
        let Some(prefix) = proxy_path(remote_uri) else {
            if !files.is_empty() {
                self.result.notes.push(format!(
                    "{entity}: the server keeps the model's files at '{remote_uri}', not behind \
                     its mlflow-artifacts proxy: {} files not sent",
                    files.len()
                ));
            }
            return Ok(());
        };
        for (relative, _) in files {
            let path = if prefix.is_empty() {
                relative.clone()
            } else {
                format!("{prefix}/{relative}")
            };
            self.shared.api.put_artifact(
                &path,
                &folder.path().join(&relative),
                &format!("file '{relative}' of {entity}"),
            )?;
            self.result.files += 1;
        }
        Ok(())
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
