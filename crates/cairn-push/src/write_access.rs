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

/// What a push writes into on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Target<'a> {
    /// An experiment, by its id on the server.
    Experiment(&'a str),
    /// A registered model, by name.
    Model(&'a str),
}

impl<'a> Target<'a> {
    fn kind(self) -> &'static str {
        match self {
            Target::Experiment(_) => "experiment",
            Target::Model(_) => "registered_model",
        }
    }

    fn id(self) -> &'a str {
        match self {
            Target::Experiment(id) | Target::Model(id) => id,
        }
    }
}

/// What the server said of one resource, by (resource type, id): `Err` holds the reason.
type Verdicts = HashMap<(&'static str, String), Result<(), String>>;

/// The verdicts of one push.
#[derive(Debug, Default)]
pub(crate) struct WriteAccess {
    verdicts: Mutex<Verdicts>,
}

impl WriteAccess {
    /// `Ok` when the server lets the caller write into `target` (named `entity` in errors), or
    /// does not tell; otherwise the reason, naming the server, `entity` and the permission.
    pub fn check(
        &self,
        api: &dyn MlflowApi,
        target: Target<'_>,
        entity: &str,
    ) -> anyhow::Result<()> {
        let id = target.id();
        let key = (target.kind(), id.to_owned());
        let known = self
            .verdicts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        let verdict = match known {
            Some(verdict) => verdict,
            None => {
                let verdict = ask(api, target.kind(), id, entity);
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
