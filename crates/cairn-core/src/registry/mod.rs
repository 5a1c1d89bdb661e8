//! Registry workflows shared by the CLI, the HTTP server and the app: `models:/` URIs,
//! registering a run's model, promotion and aliases (each recorded in the registry history),
//! and CI gates ([`gate`]).

pub mod gate;

use crate::error::StoreError;
use crate::model::{ModelStage, ModelVersion, NewModelVersion, StageTransition};
use crate::store::Store;

/// Why a registry workflow could not be done.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The request itself is malformed (a bad URI, stage or reference).
    #[error("{0}")]
    Usage(String),
    /// Nothing matches the reference (no version in that stage, no such alias).
    #[error("{0}")]
    NotFound(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which version of a model a reference means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelRef {
    /// A version number: `models:/name/3`.
    Version(u64),
    /// The highest version in a stage: `models:/name/Production`.
    Stage(ModelStage),
    /// The highest version: `models:/name/latest`.
    Latest,
    /// The version an alias points at: `models:/name@champion`.
    Alias(String),
}

impl ModelRef {
    /// Parses `3`, `Production` (any case), `latest` or `@alias`.
    pub fn parse(text: &str) -> Result<ModelRef, RegistryError> {
        let text = text.trim();
        if let Some(alias) = text.strip_prefix('@') {
            if alias.is_empty() {
                return Err(RegistryError::Usage("an alias after '@' is missing".into()));
            }
            return Ok(ModelRef::Alias(alias.to_owned()));
        }
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text
                .parse()
                .map(ModelRef::Version)
                .map_err(|_| RegistryError::Usage(format!("version '{text}' is too large")));
        }
        if text.eq_ignore_ascii_case("latest") {
            return Ok(ModelRef::Latest);
        }
        ModelStage::parse(text).map(ModelRef::Stage).ok_or_else(|| {
            RegistryError::Usage(format!(
                "'{text}' is not a version number, a stage (None, Staging, Production, \
                 Archived), 'latest' or an @alias"
            ))
        })
    }

    /// How the reference is written.
    pub fn describe(&self) -> String {
        match self {
            ModelRef::Version(version) => format!("version {version}"),
            ModelRef::Stage(stage) => stage.as_str().to_owned(),
            ModelRef::Latest => "latest".to_owned(),
            ModelRef::Alias(alias) => format!("@{alias}"),
        }
    }
}

/// A parsed `models:/` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelUri {
    /// The registered model's name.
    pub name: String,
    /// Which version.
    pub reference: ModelRef,
}

impl ModelUri {
    /// Parses `models:/name/3`, `models:/name/Production`, `models:/name/latest` and
    /// `models:/name@alias`.
    pub fn parse(uri: &str) -> Result<ModelUri, RegistryError> {
        let rest = uri
            .strip_prefix("models:/")
            .ok_or_else(|| RegistryError::Usage(format!("'{uri}' does not start with models:/")))?;
        let rest = rest.trim_end_matches('/');
        let (name, reference) = if let Some((name, alias)) = rest.rsplit_once('@') {
            (name, ModelRef::parse(&format!("@{alias}"))?)
        } else if let Some((name, reference)) = rest.rsplit_once('/') {
            (name, ModelRef::parse(reference)?)
        } else {
            return Err(RegistryError::Usage(format!(
                "'{uri}' names no version: use models:/NAME/VERSION, /STAGE, /latest or @ALIAS"
            )));
        };
        if name.is_empty() {
            return Err(RegistryError::Usage(format!("'{uri}' names no model")));
        }
        Ok(ModelUri {
            name: name.to_owned(),
            reference,
        })
    }
}

/// A resolved model reference: the version and where its files are.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedModel {
    /// The registered model.
    pub name: String,
    /// The version number.
    pub version: u64,
    /// The version's stage.
    pub stage: String,
    /// The version's source as registered.
    pub source: String,
    /// The run it came from.
    pub run_id: Option<String>,
    /// Where the files are: `runs:/RUN/path` made absolute with the run's artifact root.
    pub artifact_location: String,
}

/// The version a reference means, or [`RegistryError::NotFound`].
pub fn resolve_version(
    store: &dyn Store,
    name: &str,
    reference: &ModelRef,
) -> Result<ModelVersion, RegistryError> {
    let not_found = |what: String| RegistryError::NotFound(what);
    match reference {
        ModelRef::Version(version) => Ok(store.get_model_version(name, *version)?),
        ModelRef::Alias(alias) => match store.get_model_version_by_alias(name, alias) {
            Err(StoreError::AliasNotFound { .. }) => {
                Err(not_found(format!("model '{name}' has no alias '{alias}'")))
            }
            other => Ok(other?),
        },
        ModelRef::Stage(stage) => store
            .list_model_versions(name)?
            .into_iter()
            .filter(|version| version.current_stage == *stage)
            .max_by_key(|version| version.version)
            .ok_or_else(|| {
                not_found(format!(
                    "model '{name}' has no version in stage {}",
                    stage.as_str()
                ))
            }),
        ModelRef::Latest => store
            .list_model_versions(name)?
            .into_iter()
            .max_by_key(|version| version.version)
            .ok_or_else(|| not_found(format!("model '{name}' has no versions"))),
    }
}

/// Resolves a `models:/` URI to a version and its artifact location.
pub fn resolve_uri(store: &dyn Store, uri: &str) -> Result<ResolvedModel, RegistryError> {
    let parsed = ModelUri::parse(uri)?;
    let version = resolve_version(store, &parsed.name, &parsed.reference)?;
    let artifact_location = artifact_location(store, &version)?;
    Ok(ResolvedModel {
        name: version.name.clone(),
        version: version.version,
        stage: version.current_stage.as_str().to_owned(),
        source: version.source.clone(),
        run_id: version.run_id.clone(),
        artifact_location,
    })
}

/// Where a version's files are: a `runs:/RUN/path` source is joined to the run's artifact root
/// (when the run is in the store); any other source is returned as is.
pub fn artifact_location(
    store: &dyn Store,
    version: &ModelVersion,
) -> Result<String, RegistryError> {
    let Some(rest) = version.source.strip_prefix("runs:/") else {
        return Ok(version.source.clone());
    };
    let (run_id, path) = rest.split_once('/').unwrap_or((rest, ""));
    match store.get_run(run_id) {
        Ok(run) => {
            let root = run.info.artifact_uri.trim_end_matches('/');
            Ok(if path.is_empty() {
                root.to_owned()
            } else {
                format!("{root}/{path}")
            })
        }
        Err(StoreError::RunNotFound { .. }) => Ok(version.source.clone()),
        Err(error) => Err(error.into()),
    }
}

/// Registers `runs:/RUN/ARTIFACT_PATH` as a new version of `name`, creating the model when it
/// does not exist (the creation and the version are recorded in the history, from `origin`:
/// `app`...; empty records the store's own, `store`).
pub fn register_run_model(
    store: &dyn Store,
    run_id: &str,
    artifact_path: &str,
    name: &str,
    user_id: &str,
    origin: &str,
) -> Result<ModelVersion, RegistryError> {
    store.get_run(run_id)?;
    match store.get_registered_model(name) {
        Ok(_) => {}
        Err(StoreError::ModelNotFound { .. }) => {
            store.create_registered_model(name, "", &[])?;
        }
        Err(error) => return Err(error.into()),
    }
    let artifact_path = artifact_path.trim_matches('/');
    Ok(store.create_model_version(&NewModelVersion {
        name: name.to_owned(),
        source: format!("runs:/{run_id}/{artifact_path}"),
        run_id: Some(run_id.to_owned()),
        user_id: user_id.to_owned(),
        origin: origin.to_owned(),
        ..NewModelVersion::default()
    })?)
}

/// A promotion: a stage change with who, why, from where, and the gate report that allowed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Promotion {
    /// Registered model.
    pub name: String,
    /// Version to move.
    pub version: u64,
    /// Target stage.
    pub stage: ModelStage,
    /// Archive the other versions in the target stage.
    pub archive_existing: bool,
    /// Why.
    pub comment: String,
    /// Who.
    pub user_id: String,
    /// `cli`, `rest`, `app` or `gate`.
    pub origin: String,
    /// The gate report that allowed it.
    pub gate_report: Option<String>,
}

/// Moves a version to a stage with MLflow's semantics; the store records it in the history.
pub fn promote(store: &dyn Store, promotion: &Promotion) -> Result<ModelVersion, RegistryError> {
    Ok(store.transition_model_version_stage(&StageTransition {
        name: promotion.name.clone(),
        version: promotion.version,
        stage: promotion.stage,
        archive_existing_versions: promotion.archive_existing,
        user_id: promotion.user_id.clone(),
        comment: promotion.comment.clone(),
        origin: promotion.origin.clone(),
        gate_report: promotion.gate_report.clone(),
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_model_uris() {
        let parse = |uri: &str| ModelUri::parse(uri).map(|uri| (uri.name, uri.reference));
        assert_eq!(
            parse("models:/mnist/3").unwrap(),
            ("mnist".into(), ModelRef::Version(3))
        );
        assert_eq!(
            parse("models:/mnist/production").unwrap(),
            ("mnist".into(), ModelRef::Stage(ModelStage::Production))
        );
        assert_eq!(
            parse("models:/mnist/latest").unwrap(),
            ("mnist".into(), ModelRef::Latest)
        );
        assert_eq!(
            parse("models:/mnist@champion").unwrap(),
            ("mnist".into(), ModelRef::Alias("champion".into()))
        );
        assert!(parse("runs:/abc/model").is_err());
        assert!(parse("models:/mnist").is_err());
        assert!(parse("models:/mnist/Prod").is_err());
        assert!(parse("models://3").is_err());
    }
}
