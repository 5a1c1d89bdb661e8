//! Registry operations for the UI: history, promotion, aliases and `models:/` resolution. Each
//! forwards to `cairn_core::registry` with origin `app`, so the history says where a change
//! was made.

use cairn_core::Store;
use cairn_core::model::RegistryHistoryEntry;
use cairn_core::model::{ModelStage, UnknownStage};
use cairn_core::registry::{self, Promotion, RegistryError, ResolvedModel};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, ErrorKind};

/// The origin the registry history records for changes made in the app.
pub const ORIGIN: &str = "app";

impl From<RegistryError> for AppError {
    fn from(error: RegistryError) -> AppError {
        match error {
            RegistryError::Store(error) => error.into(),
            RegistryError::Usage(message) => AppError {
                kind: ErrorKind::Invalid,
                message,
            },
            RegistryError::NotFound(message) => AppError {
                kind: ErrorKind::NotFound,
                message,
            },
        }
    }
}

impl From<UnknownStage> for AppError {
    fn from(error: UnknownStage) -> AppError {
        AppError {
            kind: ErrorKind::Invalid,
            message: error.to_string(),
        }
    }
}

/// One history entry as JSON shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HistoryView {
    /// Model name at the time.
    pub model: String,
    /// The version concerned.
    pub version: Option<u64>,
    /// `create_version`, `transition`, `set_alias`, `delete_alias`, `delete_version`.
    pub change: String,
    /// Stage before.
    pub from_stage: Option<String>,
    /// Stage after.
    pub to_stage: Option<String>,
    /// The alias.
    pub alias: Option<String>,
    /// Who.
    pub user_id: String,
    /// When, epoch milliseconds.
    pub time_ms: i64,
    /// Why.
    pub comment: String,
    /// Where.
    pub origin: String,
    /// The gate report that allowed it.
    pub gate_report: Option<String>,
}

impl From<&RegistryHistoryEntry> for HistoryView {
    fn from(entry: &RegistryHistoryEntry) -> Self {
        HistoryView {
            model: entry.model_name.clone(),
            version: entry.version,
            change: entry.change.as_str().to_owned(),
            from_stage: entry.from_stage.map(|stage| stage.as_str().to_owned()),
            to_stage: entry.to_stage.map(|stage| stage.as_str().to_owned()),
            alias: entry.alias.clone(),
            user_id: entry.user_id.clone(),
            time_ms: entry.time_ms,
            comment: entry.comment.clone(),
            origin: entry.origin.clone(),
            gate_report: entry.gate_report.clone(),
        }
    }
}

/// A model's registry history, oldest first.
pub fn model_history(store: &dyn Store, name: &str) -> Result<Vec<HistoryView>, AppError> {
    Ok(store
        .registry_history(name)?
        .iter()
        .map(Into::into)
        .collect())
}

/// What the UI sends to move a version to a stage.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PromoteRequest {
    /// Registered model.
    pub name: String,
    /// Version number.
    pub version: u64,
    /// Target stage, any case.
    pub stage: String,
    /// Archive the other versions in the target stage.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub archive_existing: bool,
    /// Why.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub comment: String,
    /// Who (the UI's user name, when it knows one).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub user_id: String,
}

/// Moves a version to a stage; returns the version's new stage.
pub fn promote_model_version(
    store: &dyn Store,
    request: &PromoteRequest,
) -> Result<String, AppError> {
    let stage: ModelStage = request.stage.parse()?;
    let version = registry::promote(
        store,
        &Promotion {
            name: request.name.clone(),
            version: request.version,
            stage,
            archive_existing: request.archive_existing,
            comment: request.comment.clone(),
            user_id: request.user_id.clone(),
            origin: ORIGIN.to_owned(),
            gate_report: None,
        },
    )?;
    Ok(version.current_stage.as_str().to_owned())
}

/// Points an alias at a version (moving it when set).
pub fn set_model_alias(
    store: &dyn Store,
    name: &str,
    alias: &str,
    version: u64,
    user_id: &str,
) -> Result<(), AppError> {
    Ok(store.set_model_alias(name, alias, version, user_id, ORIGIN)?)
}

/// Removes an alias.
pub fn delete_model_alias(
    store: &dyn Store,
    name: &str,
    alias: &str,
    user_id: &str,
) -> Result<(), AppError> {
    Ok(store.delete_model_alias(name, alias, user_id, ORIGIN)?)
}

/// A `models:/` URI resolved to a version and where its files are.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "ResolvedModel")]
pub struct ResolvedModelView {
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

impl From<ResolvedModel> for ResolvedModelView {
    fn from(resolved: ResolvedModel) -> ResolvedModelView {
        ResolvedModelView {
            name: resolved.name,
            version: resolved.version,
            stage: resolved.stage,
            source: resolved.source,
            run_id: resolved.run_id,
            artifact_location: resolved.artifact_location,
        }
    }
}

/// Resolves `models:/NAME/3`, `/Production`, `/latest` or `@alias`.
pub fn resolve_model_uri(store: &dyn Store, uri: &str) -> Result<ResolvedModelView, AppError> {
    Ok(registry::resolve_uri(store, uri)?.into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    #[test]
    fn app_changes_are_recorded_with_origin_app() {
        let dir = tempfile::tempdir().unwrap();
        let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
        crate::demo::seed_demo(&store).unwrap();
        let model = crate::demo::DEMO_MODEL;
        let stage = promote_model_version(
            &store,
            &PromoteRequest {
                name: model.into(),
                version: 3,
                stage: "production".into(),
                archive_existing: true,
                comment: "from the app".into(),
                user_id: "ada".into(),
            },
        )
        .unwrap();
        assert_eq!(stage, "Production");
        set_model_alias(&store, model, "champion", 3, "ada").unwrap();
        delete_model_alias(&store, model, "challenger", "ada").unwrap();
        let resolved = resolve_model_uri(&store, &format!("models:/{model}@champion")).unwrap();
        assert_eq!(resolved.version, 3);
        let history = model_history(&store, model).unwrap();
        let app: Vec<(String, Option<u64>)> = history
            .iter()
            .filter(|entry| entry.origin == ORIGIN)
            .map(|entry| (entry.change.clone(), entry.version))
            .collect();
        assert_eq!(
            app,
            [
                ("transition".to_owned(), Some(2)),
                ("transition".to_owned(), Some(3)),
                ("set_alias".to_owned(), Some(3)),
                ("delete_alias".to_owned(), Some(3)),
            ]
        );
        let bad = promote_model_version(
            &store,
            &PromoteRequest {
                name: model.into(),
                version: 3,
                stage: "Prod".into(),
                archive_existing: false,
                comment: String::new(),
                user_id: String::new(),
            },
        )
        .unwrap_err();
        assert_eq!(bad.kind, ErrorKind::Invalid);
        let missing = resolve_model_uri(&store, &format!("models:/{model}@nobody")).unwrap_err();
        assert_eq!(missing.kind, ErrorKind::NotFound);
    }
}
