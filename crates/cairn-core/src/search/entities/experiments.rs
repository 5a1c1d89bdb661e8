//! Experiments as a search sees them: `name`, `creation_time`, `last_update_time` and tags, and
//! `order_by` as `experiments/search` has always applied it.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::{AttributeValue, Searchable};
use crate::model::Experiment;
use crate::search::Entity;

impl Searchable for Experiment {
    const ENTITY: Entity = Entity::Experiment;
    const ABSENT_IS_NOT_EQUAL: bool = false;

    fn attribute(&self, name: &str) -> Option<AttributeValue<'_>> {
        match name {
            "name" => Some(AttributeValue::Text(Cow::Borrowed(&self.name))),
            "creation_time" => self
                .creation_time_ms
                .map(|t| AttributeValue::Number(t as f64)),
            "last_update_time" => self
                .last_update_time_ms
                .map(|t| AttributeValue::Number(t as f64)),
            _ => None,
        }
    }

    fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|tag| tag.key == key)
            .map(|tag| tag.value.as_str())
    }
}

/// Sorts experiments newest first, then by id (MLflow's default), then by each `order_by`
/// entry (`"name"`, `"attribute.creation_time DESC"`…), the first entry deciding first. The
/// entries are read leniently: a field other than `name`, `experiment_id`, `creation_time` and
/// `last_update_time` leaves the order alone, and any direction but `DESC` is ascending.
pub fn sort_experiments<S: AsRef<str>>(experiments: &mut [Experiment], order_by: &[S]) {
    experiments.sort_by(|a, b| {
        b.creation_time_ms
            .cmp(&a.creation_time_ms)
            .then(a.experiment_id.cmp(&b.experiment_id))
    });
    for entry in order_by.iter().rev() {
        let mut parts = entry.as_ref().split_whitespace();
        let field = parts.next().unwrap_or("");
        let descending = parts
            .next()
            .is_some_and(|direction| direction.eq_ignore_ascii_case("desc"));
        let field = field.trim_start_matches("attribute.");
        experiments.sort_by(|a, b| {
            let ordering = match field {
                "name" => a.name.cmp(&b.name),
                "experiment_id" => a.experiment_id.cmp(&b.experiment_id),
                "creation_time" => a.creation_time_ms.cmp(&b.creation_time_ms),
                "last_update_time" => a.last_update_time_ms.cmp(&b.last_update_time_ms),
                _ => Ordering::Equal,
            };
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
    }
}
