//! Registered models and their versions as one record each, the shape `cairn models --json`
//! prints: every field of the core's `RegisteredModel` and `ModelVersion`, stages by name,
//! times in epoch milliseconds. The registry screens' richer reads are in [`crate::models`].

use std::collections::BTreeMap;

use cairn_core::Store;
use cairn_core::model::{ModelVersion, RegisteredModel};
use serde::Serialize;

use crate::AppError;

/// One version of a registered model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelVersionView {
    /// The registered model.
    pub name: String,
    /// The version number, from 1.
    pub version: u64,
    /// `None`, `Staging`, `Production` or `Archived`.
    pub stage: String,
    /// Aliases pointing at it.
    pub aliases: Vec<String>,
    /// Where its files are, as registered.
    pub source: String,
    /// The run it came from.
    pub run_id: Option<String>,
    /// Who registered it.
    pub user_id: String,
    /// Free text.
    pub description: String,
    /// Epoch milliseconds.
    pub creation_time_ms: i64,
    /// Epoch milliseconds.
    pub last_updated_time_ms: i64,
}

impl From<&ModelVersion> for ModelVersionView {
    fn from(version: &ModelVersion) -> ModelVersionView {
        ModelVersionView {
            name: version.name.clone(),
            version: version.version,
            stage: version.current_stage.as_str().to_owned(),
            aliases: version.aliases.clone(),
            source: version.source.clone(),
            run_id: version.run_id.clone(),
            user_id: version.user_id.clone(),
            description: version.description.clone(),
            creation_time_ms: version.creation_time_ms,
            last_updated_time_ms: version.last_updated_time_ms,
        }
    }
}

/// A registered model with the latest version in each stage and its aliases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisteredModelView {
    /// Unique name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Epoch milliseconds.
    pub creation_time_ms: i64,
    /// Epoch milliseconds.
    pub last_updated_time_ms: i64,
    /// Alias → version.
    pub aliases: BTreeMap<String, u64>,
    /// The highest version in each stage that has one.
    pub latest_versions: Vec<ModelVersionView>,
}

impl From<&RegisteredModel> for RegisteredModelView {
    fn from(model: &RegisteredModel) -> RegisteredModelView {
        RegisteredModelView {
            name: model.name.clone(),
            description: model.description.clone(),
            creation_time_ms: model.creation_time_ms,
            last_updated_time_ms: model.last_updated_time_ms,
            aliases: model.aliases.iter().cloned().collect(),
            latest_versions: model.latest_versions.iter().map(Into::into).collect(),
        }
    }
}

/// Every registered model, sorted by name.
pub fn registered_models(store: &dyn Store) -> Result<Vec<RegisteredModelView>, AppError> {
    Ok(store
        .list_registered_models()?
        .iter()
        .map(Into::into)
        .collect())
}

/// One registered model.
pub fn registered_model(store: &dyn Store, name: &str) -> Result<RegisteredModelView, AppError> {
    Ok((&store.get_registered_model(name)?).into())
}

/// Every live version of a model, by version number.
pub fn model_versions(store: &dyn Store, name: &str) -> Result<Vec<ModelVersionView>, AppError> {
    Ok(store
        .list_model_versions(name)?
        .iter()
        .map(Into::into)
        .collect())
}
