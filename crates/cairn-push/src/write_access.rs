//! On a dry run, whether the server would let the caller write where the push would: a Cairn
//! server with user accounts says what the caller may do with an experiment or a registered model
//! (`GET /api/2.0/cairn/permissions/list`, its `your_permission`), and writing runs or model
//! versions needs EDIT. A server that does not tell — MLflow's, or a Cairn server without
//! accounts, where whoever holds its credential may do everything — is not asked further: the
//! real push finds out. Each experiment and model is asked about once per push.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::api::{CallError, MlflowApi, explain};

/// The route a Cairn server with accounts answers a caller's permission on.
const PERMISSIONS: &str = "/api/2.0/cairn/permissions/list";

/// What the server said of one resource, by (resource type, id): `Err` holds the reason.
type Verdicts = HashMap<(&'static str, String), Result<(), String>>;

/// The verdicts of one push.
#[derive(Debug, Default)]
pub(crate) struct WriteAccess {
    verdicts: Mutex<Verdicts>,
}

impl WriteAccess {
    /// `Ok` when the server lets the caller write runs into its experiment `id` (named `entity`
    /// in errors), or does not tell; otherwise the reason, naming the server, `entity` and the
    /// caller's permission there.
    pub fn experiment(&self, api: &dyn MlflowApi, id: &str, entity: &str) -> anyhow::Result<()> {
        self.remembered(("experiment", id.to_owned()), || {
            ask(api, "experiment", id, entity)
        })
    }

    /// As [`WriteAccess::experiment`], for adding versions to the registered model `name`: `Ok`
    /// too when the model does not exist (anyone signed in may make one).
    pub fn model(&self, api: &dyn MlflowApi, name: &str) -> anyhow::Result<()> {
        self.remembered(("registered_model", name.to_owned()), || {
            match api.try_get("registered-models/get", &[("name", name)]) {
                Err(error) if error.is_missing() => Ok(()),
                _ => ask(
                    api,
                    "registered_model",
                    name,
                    &format!("registered model '{name}'"),
                ),
            }
        })
    }

    /// The verdict kept for `key`, else `find`'s, kept.
    fn remembered(
        &self,
        key: (&'static str, String),
        find: impl FnOnce() -> Result<(), String>,
    ) -> anyhow::Result<()> {
        let known = self
            .verdicts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let verdict = match known {
            Some(verdict) => verdict,
            None => {
                let verdict = find();
                self.verdicts
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key, verdict.clone());
                verdict
            }
        };
        verdict.map_err(anyhow::Error::msg)
    }
}

/// What the server says of the caller's permission on one resource.
fn ask(api: &dyn MlflowApi, kind: &str, id: &str, entity: &str) -> Result<(), String> {
    let server = api.server();
    let needs = "writing there needs EDIT: someone with MANAGE on it can share it with you";
    match api.try_get(PERMISSIONS, &[("resource_type", kind), ("resource_id", id)]) {
        Ok(answer) => match answer["your_permission"].as_str() {
            Some("EDIT" | "MANAGE") | None => Ok(()),
            Some(permission) => Err(format!(
                "{server}: {entity}: your permission there is {permission}; {needs}"
            )),
        },
        // No such route: the server does not tell.
        Err(error) if error.is_missing() => Ok(()),
        Err(CallError::Api(error)) if error.status == 403 => Err(format!(
            "{server}: {entity}: you may not even read it there; {needs}"
        )),
        Err(error) => Err(format!(
            "{:#}",
            explain(server, error, "GET", PERMISSIONS, entity)
        )),
    }
}
