//! Registered models (`name`, tags) and model versions (`name`, `version_number`, `run_id`,
//! `source_path`, `current_stage`, tags) as a search sees them, and their orders.

use std::borrow::Cow;

use super::{AttributeValue, Searchable};
use crate::model::{ModelVersion, RegisteredModel, Tag};
use crate::search::Entity;

fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|tag| tag.key == key)
        .map(|tag| tag.value.as_str())
}

impl Searchable for RegisteredModel {
    const ENTITY: Entity = Entity::RegisteredModel;

    fn attribute(&self, name: &str) -> Option<AttributeValue<'_>> {
        match name {
            "name" => Some(AttributeValue::Text(Cow::Borrowed(&self.name))),
            _ => None,
        }
    }

    fn tag(&self, key: &str) -> Option<&str> {
        tag(&self.tags, key)
    }
}

impl Searchable for ModelVersion {
    const ENTITY: Entity = Entity::ModelVersion;

    fn attribute(&self, name: &str) -> Option<AttributeValue<'_>> {
        match name {
            "name" => Some(AttributeValue::Text(Cow::Borrowed(&self.name))),
            "version_number" => Some(AttributeValue::Number(self.version as f64)),
            "run_id" => self
                .run_id
                .as_deref()
                .map(|id| AttributeValue::Text(Cow::Borrowed(id))),
            "source_path" => Some(AttributeValue::Text(Cow::Borrowed(&self.source))),
            "current_stage" => Some(AttributeValue::Text(Cow::Borrowed(
                self.current_stage.as_str(),
            ))),
            _ => None,
        }
    }

    fn tag(&self, key: &str) -> Option<&str> {
        tag(&self.tags, key)
    }
}

/// Sorts registered models by each `order_by` entry, the first deciding first:
/// `last_updated_timestamp` or `creation_timestamp`, any other field by name; `DESC` (any case)
/// reverses, anything else is ascending. With no entries the order is left as listed.
pub fn sort_registered_models<S: AsRef<str>>(models: &mut [RegisteredModel], order_by: &[S]) {
    for entry in order_by.iter().rev() {
        let mut parts = entry.as_ref().split_whitespace();
        let field = parts.next().unwrap_or("");
        let descending = parts
            .next()
            .is_some_and(|direction| direction.eq_ignore_ascii_case("desc"));
        models.sort_by(|a, b| {
            let ordering = match field {
                "last_updated_timestamp" => a.last_updated_time_ms.cmp(&b.last_updated_time_ms),
                "creation_timestamp" => a.creation_time_ms.cmp(&b.creation_time_ms),
                _ => a.name.cmp(&b.name),
            };
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
    }
}

/// Sorts model versions as MLflow's `model-versions/search` does: by each `order_by` entry
/// (`name`, `version_number`, `creation_timestamp`, `last_updated_timestamp`, each `ASC` or
/// `DESC`), the first deciding first, then by MLflow's default order — last updated first, then
/// name, then newest version. Unknown fields are skipped.
pub fn sort_model_versions<S: AsRef<str>>(versions: &mut [ModelVersion], order_by: &[S]) {
    let keys: Vec<(&str, bool)> = order_by
        .iter()
        .map(|entry| {
            let mut parts = entry.as_ref().split_whitespace();
            let field = parts.next().unwrap_or("");
            let descending = parts
                .next()
                .is_some_and(|direction| direction.eq_ignore_ascii_case("desc"));
            (field, descending)
        })
        .chain([
            ("last_updated_timestamp", true),
            ("name", false),
            ("version_number", true),
        ])
        .collect();
    versions.sort_by(|a, b| {
        keys.iter()
            .map(|&(field, descending)| {
                let ordering = match field {
                    "name" => a.name.cmp(&b.name),
                    "version_number" | "version" => a.version.cmp(&b.version),
                    "creation_timestamp" => a.creation_time_ms.cmp(&b.creation_time_ms),
                    "last_updated_timestamp" => a.last_updated_time_ms.cmp(&b.last_updated_time_ms),
                    _ => std::cmp::Ordering::Equal,
                };
                if descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|ordering| ordering.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}
