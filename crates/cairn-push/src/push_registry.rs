//! A run's registered model versions pushed: each local version made from the run goes to the
//! server once — its registered model created when missing, the version created with the server
//! run's id and its source pointed there (a `runs:/` source at the server's run, a `models:/m-...`
//! one at the LoggedModel pushed for it), tagged [`SOURCE_VERSION_TAG`] with the local number so
//! that it is found again — then brought to the local stage, and the local aliases that name it
//! set there. An alias the server's model already gives another version stays where it is unless
//! [`PushOptions::move_aliases`](crate::PushOptions) says otherwise: a team's `@champion` is not
//! moved by someone's push by accident.

use std::collections::HashMap;

use cairn_core::model::{ModelVersion, RegisteredModel};
use serde_json::{Value, json};

use crate::push::SOURCE_VERSION_TAG;
use crate::push_logged_model::logged_model_of;
use crate::push_run::{RemoteRun, RunPusher, text_id};
use crate::wire::{id_text, rewrite_source};

/// A version on the server: its number and stage.
struct RemoteVersion {
    number: String,
    stage: String,
}

impl RunPusher<'_, '_> {
    pub(crate) fn push_versions(&mut self, remote: &RemoteRun) -> anyhow::Result<()> {
        let Some(versions) = self.shared.versions_by_run.get(self.run_id) else {
            return Ok(());
        };
        let mut there = if remote.fresh {
            HashMap::new()
        } else {
            self.remote_versions(&remote.run_id)?
        };
        for (model, version) in versions {
            let key = (model.name.clone(), version.version.to_string());
            if let Some(found) = there.remove(&key) {
                self.align_version(model, version, &found)?;
                continue;
            }
            if self.shared.options.dry_run {
                self.shared
                    .write_access
                    .model(self.shared.api, &model.name)?;
                self.result.model_versions += 1;
                continue;
            }
            let source = match logged_model_of(&version.source) {
                Some(model_id) => match self.push_logged_model(model_id, remote)? {
                    Some(there) => format!("models:/{there}"),
                    None => continue,
                },
                None => rewrite_source(&version.source, self.run_id, &remote.run_id),
            };
            self.result.model_versions += 1;
            self.ensure_model(model)?;
            let created = self.create_version(version, remote, &source)?;
            self.align_version(model, version, &created)?;
        }
        Ok(())
    }

    /// The server's versions of its run that carry [`SOURCE_VERSION_TAG`], by (model, local
    /// number).
    fn remote_versions(
        &self,
        remote_id: &str,
    ) -> anyhow::Result<HashMap<(String, String), RemoteVersion>> {
        let mut found = HashMap::new();
        let filter = format!("run_id='{remote_id}'");
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("filter", filter.as_str()), ("max_results", "1000")];
            if let Some(token) = &token {
                query.push(("page_token", token.as_str()));
            }
            let page = self.shared.api.get(
                "model-versions/search",
                &query,
                &format!("the model versions of {}", self.entity),
            )?;
            for version in page["model_versions"].as_array().into_iter().flatten() {
                let tagged = version["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|tag| tag["key"].as_str() == Some(SOURCE_VERSION_TAG))
                    .and_then(|tag| tag["value"].as_str())
                    .map(str::to_owned);
                // The run copied there with its id (`cairn store copy`) keeps its versions'
                // numbers: the same number is the same version.
                let copied = (remote_id == self.run_id).then(|| text_id(&version["version"]));
                let (Some(source), Some(name)) = (tagged.or(copied), version["name"].as_str())
                else {
                    continue;
                };
                found.insert(
                    (name.to_owned(), source),
                    RemoteVersion {
                        number: text_id(&version["version"]),
                        stage: version["current_stage"]
                            .as_str()
                            .unwrap_or("None")
                            .to_owned(),
                    },
                );
            }
            match page["next_page_token"].as_str() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(found),
            }
        }
    }

    /// The registered model on the server, created (with its description and tags) when
    /// missing.
    fn ensure_model(&self, model: &RegisteredModel) -> anyhow::Result<()> {
        let api = self.shared.api;
        let entity = format!("registered model '{}'", model.name);
        match api.try_get("registered-models/get", &[("name", &model.name)]) {
            Ok(_) => return Ok(()),
            Err(error) if error.is_missing() => {}
            Err(error) => {
                return Err(crate::api::explain(
                    api.server(),
                    error,
                    "GET",
                    "registered-models/get",
                    &entity,
                ));
            }
        }
        let tags: Vec<Value> = model
            .tags
            .iter()
            .map(|tag| json!({ "key": tag.key, "value": tag.value }))
            .collect();
        let body = json!({ "name": model.name, "description": model.description, "tags": tags });
        match api.try_post("registered-models/create", &body) {
            Ok(_) => Ok(()),
            // Another push created it meanwhile.
            Err(error) if error.is_duplicate() => Ok(()),
            Err(error) => Err(crate::api::explain(
                api.server(),
                error,
                "POST",
                "registered-models/create",
                &entity,
            )),
        }
    }

    /// Version `version` on the server, made from its run and `source` (already pointed at the
    /// server's run or model).
    fn create_version(
        &self,
        version: &ModelVersion,
        remote: &RemoteRun,
        source: &str,
    ) -> anyhow::Result<RemoteVersion> {
        let entity = format!(
            "version {} of registered model '{}' ({})",
            version.version, version.name, self.entity
        );
        let mut tags: Vec<Value> = version
            .tags
            .iter()
            .filter(|tag| tag.key != SOURCE_VERSION_TAG)
            .map(|tag| json!({ "key": tag.key, "value": tag.value }))
            .collect();
        tags.push(json!({ "key": SOURCE_VERSION_TAG, "value": version.version.to_string() }));
        let mut body = json!({
            "name": version.name,
            "source": source,
            "run_id": remote.run_id,
            "description": version.description,
            "tags": tags,
        });
        if let Some(model_id) = logged_model_of(source) {
            body["model_id"] = json!(model_id);
        }
        let created = self
            .shared
            .api
            .post("model-versions/create", &body, &entity)?;
        let number = id_text(&created["model_version"]["version"]).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: {entity}: model-versions/create answered no version number",
                self.shared.api.server()
            )
        })?;
        Ok(RemoteVersion {
            number,
            stage: created["model_version"]["current_stage"]
                .as_str()
                .unwrap_or("None")
                .to_owned(),
        })
    }

    /// The local stage, and the local aliases naming this version, on the server's version.
    fn align_version(
        &mut self,
        model: &RegisteredModel,
        version: &ModelVersion,
        there: &RemoteVersion,
    ) -> anyhow::Result<()> {
        let api = self.shared.api;
        let entity = format!(
            "version {} of registered model '{}' (server version {})",
            version.version, version.name, there.number
        );
        let wanted = version.current_stage.as_str();
        let aliases: Vec<&String> = model
            .aliases
            .iter()
            .filter(|(_, number)| *number == version.version)
            .map(|(alias, _)| alias)
            .collect();
        if self.shared.options.dry_run {
            return Ok(());
        }
        if there.stage != wanted {
            api.post(
                "model-versions/transition-stage",
                &json!({
                    "name": version.name,
                    "version": there.number,
                    "stage": wanted,
                    "archive_existing_versions": false,
                }),
                &entity,
            )?;
        }
        if aliases.is_empty() {
            return Ok(());
        }
        let current = api.get("registered-models/get", &[("name", &version.name)], &entity)?;
        let set: HashMap<String, String> = current["registered_model"]["aliases"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|alias| {
                (
                    alias["alias"].as_str().unwrap_or_default().to_owned(),
                    text_id(&alias["version"]),
                )
            })
            .collect();
        for alias in aliases {
            match set.get(alias) {
                Some(number) if *number == there.number => continue,
                Some(number) if !self.shared.options.move_aliases => {
                    self.result.notes.push(format!(
                        "alias '{alias}' of registered model '{}' stays on server version \
                         {number} (here it names version {}, server version {}): push with \
                         --move-aliases to move it",
                        version.name, version.version, there.number
                    ));
                    continue;
                }
                _ => {}
            }
            api.post(
                "registered-models/alias",
                &json!({ "name": version.name, "alias": alias, "version": there.number }),
                &format!("alias '{alias}' of {entity}"),
            )?;
        }
        Ok(())
    }
}
