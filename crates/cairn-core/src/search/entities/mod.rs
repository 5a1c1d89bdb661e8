//! The in-memory searches: experiments, registered models, model versions and LoggedModels are
//! few, so their listings are filtered here with the one grammar (`Filter<EntityField>`) and
//! sorted as MLflow sorts them. Every shell (the server, the CLI, the app) calls these.
//!
//! ```text
//! search(experiments, "name LIKE 'a%'")  -> the experiments that match, in the order given
//! sort_experiments(&mut found, &["name DESC"])
//! ```
//!
//! A missing value (an absent tag, an experiment without a creation time) satisfies only `!=`
//! and `IS NULL`, as Cairn's server always did; run search compiles to SQL instead.

mod experiments;
mod logged_models;
mod registry;

use std::borrow::Cow;

use super::ast::{CompareOp, Comparison, Filter, Literal, Predicate};
use super::entity::{Entity, EntityField, parse_entity_filter};
use super::error::SearchError;

pub use experiments::sort_experiments;
pub use logged_models::{
    DatasetScope, LoggedModelOrder, parse_logged_model_order, scope_metrics, sort_logged_models,
};
pub use registry::{sort_model_versions, sort_registered_models};

/// A value a record holds for an attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue<'a> {
    /// Text (names, ids, stages).
    Text(Cow<'a, str>),
    /// A number (timestamps, version numbers).
    Number(f64),
}

/// A domain type that an entity filter can be evaluated against.
pub trait Searchable {
    /// Whose field table the filter is read against.
    const ENTITY: Entity;
    /// Whether `!=` matches a record that lacks the field. MLflow's registry searches say yes
    /// (its own client excludes prompts with `tag.mlflow.prompt.is_prompt != 'true'`, which
    /// must keep every model without that tag); its experiment search, a SQL join, says no.
    const ABSENT_IS_NOT_EQUAL: bool = true;
    /// The value of the attribute named `name` in the entity's table, `None` when absent.
    fn attribute(&self, name: &str) -> Option<AttributeValue<'_>>;
    /// The tag's value, `None` when the record has no such tag.
    fn tag(&self, key: &str) -> Option<&str>;
    /// The param's value, `None` when absent or when the entity has no params.
    fn param(&self, _key: &str) -> Option<&str> {
        None
    }
    /// Every value of the metric `key` the record holds (none when the entity has no metrics).
    fn metric_values(&self, _key: &str) -> Vec<f64> {
        Vec::new()
    }
}

/// Parses `filter` against `R`'s field table and keeps the records that match, in order.
/// Empty text keeps everything.
pub fn search<R: Searchable>(records: Vec<R>, filter: &str) -> Result<Vec<R>, SearchError> {
    let Some(filter) = parse_entity_filter(R::ENTITY, filter)? else {
        return Ok(records);
    };
    Ok(records
        .into_iter()
        .filter(|record| matches(&filter, record))
        .collect())
}

/// Whether `record` satisfies `filter`.
pub fn matches<R: Searchable>(filter: &Filter<EntityField>, record: &R) -> bool {
    match filter {
        Filter::And(children) => children.iter().all(|child| matches(child, record)),
        Filter::Or(children) => children.iter().any(|child| matches(child, record)),
        Filter::Compare(comparison) => compare(comparison, record),
    }
}

fn compare<R: Searchable>(comparison: &Comparison<EntityField>, record: &R) -> bool {
    let value = match &comparison.field {
        EntityField::Attribute(spec) => record.attribute(spec.name),
        EntityField::Tag(key) => record.tag(key).map(|text| text_value(text)),
        EntityField::Param(key) => record.param(key).map(|text| text_value(text)),
        EntityField::Metric(key) => {
            // Any value of the metric may satisfy the comparison, as a SQL join on the
            // model's metrics does; a model without the metric matches only `IS NULL`.
            let values = record.metric_values(key);
            return match comparison.predicate {
                Predicate::IsNull => values.is_empty(),
                _ => values
                    .into_iter()
                    .any(|value| compare_value(comparison, AttributeValue::Number(value))),
            };
        }
    };
    let Some(value) = value else {
        return match comparison.predicate {
            Predicate::IsNull => true,
            Predicate::Compare {
                op: CompareOp::NotEq,
                ..
            } => R::ABSENT_IS_NOT_EQUAL,
            _ => false,
        };
    };
    compare_value(comparison, value)
}

fn compare_value(comparison: &Comparison<EntityField>, value: AttributeValue<'_>) -> bool {
    match (&comparison.predicate, &value) {
        (Predicate::IsNull, _) => false,
        (Predicate::IsNotNull, _) => true,
        (Predicate::In(values), AttributeValue::Text(text)) => values.iter().any(|v| v == text),
        (Predicate::NotIn(values), AttributeValue::Text(text)) => !values.iter().any(|v| v == text),
        (Predicate::Compare { op, value: wanted }, AttributeValue::Text(text)) => match wanted {
            Literal::Text(wanted) => match op {
                CompareOp::Eq => text == wanted,
                CompareOp::NotEq => text != wanted,
                CompareOp::Like => like(text, wanted, false),
                CompareOp::ILike => like(text, wanted, true),
                CompareOp::Lt | CompareOp::LtEq | CompareOp::Gt | CompareOp::GtEq => false,
            },
            Literal::Number(_) => false,
        },
        (Predicate::Compare { op, value: wanted }, AttributeValue::Number(number)) => {
            let Literal::Number(wanted) = wanted else {
                return false;
            };
            match op {
                CompareOp::Eq => number == wanted,
                CompareOp::NotEq => number != wanted,
                CompareOp::Lt => number < wanted,
                CompareOp::LtEq => number <= wanted,
                CompareOp::Gt => number > wanted,
                CompareOp::GtEq => number >= wanted,
                CompareOp::Like | CompareOp::ILike => false,
            }
        }
        (Predicate::In(_) | Predicate::NotIn(_), AttributeValue::Number(_)) => false,
    }
}

fn text_value(text: &str) -> AttributeValue<'_> {
    AttributeValue::Text(Cow::Borrowed(text))
}

/// SQL LIKE: `%` any run of characters, `_` one character, no escape; `ignore_case` for ILIKE.
/// Greedy with one backtrack point, so it takes at most |value| × |pattern| steps.
fn like(value: &str, pattern: &str, ignore_case: bool) -> bool {
    let fold = |text: &str| -> Vec<char> {
        if ignore_case {
            text.to_lowercase().chars().collect()
        } else {
            text.chars().collect()
        }
    };
    let (value, pattern) = (fold(value), fold(pattern));
    let (mut v, mut p) = (0, 0);
    // The pattern index after the last `%` and the value index it was tried at.
    let mut backtrack: Option<(usize, usize)> = None;
    while v < value.len() {
        match pattern.get(p) {
            Some('%') => {
                p += 1;
                backtrack = Some((p, v));
            }
            Some('_') => {
                p += 1;
                v += 1;
            }
            Some(c) if value.get(v) == Some(c) => {
                p += 1;
                v += 1;
            }
            _ => match backtrack {
                Some((after_percent, tried)) => {
                    p = after_percent;
                    v = tried + 1;
                    backtrack = Some((after_percent, tried + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '%'))
}

#[cfg(test)]
mod tests;
