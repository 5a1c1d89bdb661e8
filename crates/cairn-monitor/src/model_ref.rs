//! Which model version a caller means: `models:/NAME/VERSION`, `models:/NAME@ALIAS`, or a name
//! with a version or an alias given apart.

use cairn_core::RegistryStore;

use crate::MonitorError;

/// A version of a registered model, by number or by alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelRef {
    /// `models:/churn/3`.
    Version {
        /// The model.
        name: String,
        /// The version.
        version: u64,
    },
    /// `models:/churn@champion`.
    Alias {
        /// The model.
        name: String,
        /// The alias.
        alias: String,
    },
}

impl ModelRef {
    /// Reads `models:/NAME/VERSION` or `models:/NAME@ALIAS`.
    pub fn parse_uri(uri: &str) -> Result<ModelRef, MonitorError> {
        let invalid = || {
            MonitorError::Invalid(format!(
                "'{uri}' is not a model version: write models:/NAME/VERSION or models:/NAME@ALIAS"
            ))
        };
        let rest = uri.strip_prefix("models:/").ok_or_else(invalid)?;
        if let Some((name, alias)) = rest.rsplit_once('@') {
            return Self::from_parts(name, None, Some(alias)).map_err(|_| invalid());
        }
        let (name, version) = rest.rsplit_once('/').ok_or_else(invalid)?;
        Self::from_parts(name, Some(version), None).map_err(|_| invalid())
    }

    /// A model name with exactly one of a version (a number) and an alias.
    pub fn from_parts(
        name: &str,
        version: Option<&str>,
        alias: Option<&str>,
    ) -> Result<ModelRef, MonitorError> {
        if name.trim().is_empty() {
            return Err(MonitorError::Invalid("the model name is empty".into()));
        }
        match (version, alias) {
            (Some(version), None) => {
                let number = version.trim().parse::<u64>().map_err(|_| {
                    MonitorError::Invalid(format!(
                        "version '{version}' of model '{name}' is not a number"
                    ))
                })?;
                Ok(ModelRef::Version {
                    name: name.to_owned(),
                    version: number,
                })
            }
            (None, Some(alias)) if !alias.trim().is_empty() => Ok(ModelRef::Alias {
                name: name.to_owned(),
                alias: alias.to_owned(),
            }),
            _ => Err(MonitorError::Invalid(format!(
                "name one version of model '{name}': a version number or an alias, not both"
            ))),
        }
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        match self {
            ModelRef::Version { name, .. } | ModelRef::Alias { name, .. } => name,
        }
    }
}

/// The version number `model` means now (an alias is followed).
pub fn resolve_version(store: &dyn RegistryStore, model: &ModelRef) -> Result<u64, MonitorError> {
    match model {
        ModelRef::Version { name, version } => Ok(store.get_model_version(name, *version)?.version),
        ModelRef::Alias { name, alias } => {
            Ok(store.get_model_version_by_alias(name, alias)?.version)
        }
    }
}
