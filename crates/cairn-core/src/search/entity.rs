//! The field tables of the searchable entities other than runs: experiments, registered models,
//! model versions and LoggedModels. Each names the attributes it accepts (with their type and
//! whether they take `IN` lists) and which prefixed keys (`tags.`, `params.`) it has; the one
//! parser (`parser.rs`) reads the filter against the table.
//!
//! ```text
//! parse_entity_filter(Entity::Experiment, "name LIKE 'a%' AND tags.team = 'x'") -> Filter<EntityField>
//! ```

use std::fmt;

use super::ast::{Filter, name_for_display};
use super::error::SearchError;
use super::fields::{FieldRules, FieldTable, join_key};
use super::lexer::{Token, TokenKind};
use super::parser::parse_with;

/// Something searched in memory with the filter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// `experiments/search`.
    Experiment,
    /// `registered-models/search`.
    RegisteredModel,
    /// `model-versions/search`.
    ModelVersion,
    /// `logged-models/search`.
    LoggedModel,
}

/// Whether an attribute holds text or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// Compared with `= != LIKE ILIKE` (and `IN`, `NOT IN` where the table says so).
    Text,
    /// Compared with `= != < <= > >=` against a number.
    Number,
}

/// One row of an entity's field table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttributeSpec {
    /// The name a filter uses, e.g. `creation_time`; also what evaluation asks a record for.
    pub name: &'static str,
    /// Other names for the same attribute, e.g. `source` for `source_path`.
    pub aliases: &'static [&'static str],
    /// Text or number.
    pub kind: ValueKind,
    /// Whether `IN (...)` and `NOT IN (...)` are accepted.
    pub takes_lists: bool,
}

const fn text(name: &'static str) -> AttributeSpec {
    AttributeSpec {
        name,
        aliases: &[],
        kind: ValueKind::Text,
        takes_lists: true,
    }
}

const fn number(name: &'static str) -> AttributeSpec {
    AttributeSpec {
        name,
        aliases: &[],
        kind: ValueKind::Number,
        takes_lists: false,
    }
}

const EXPERIMENT_ATTRIBUTES: &[AttributeSpec] = &[
    text("name"),
    number("creation_time"),
    number("last_update_time"),
];

const REGISTERED_MODEL_ATTRIBUTES: &[AttributeSpec] = &[text("name")];

const MODEL_VERSION_ATTRIBUTES: &[AttributeSpec] = &[
    text("name"),
    number("version_number"),
    text("run_id"),
    AttributeSpec {
        aliases: &["source"],
        ..text("source_path")
    },
    text("current_stage"),
];

const LOGGED_MODEL_ATTRIBUTES: &[AttributeSpec] = &[
    text("name"),
    text("model_id"),
    text("source_run_id"),
    text("status"),
];

impl Entity {
    /// Every entity, in the order documentation lists them.
    pub const ALL: [Entity; 4] = [
        Entity::Experiment,
        Entity::RegisteredModel,
        Entity::ModelVersion,
        Entity::LoggedModel,
    ];

    /// The attributes a filter may name, bare or after `attributes.`.
    pub fn attributes(self) -> &'static [AttributeSpec] {
        match self {
            Entity::Experiment => EXPERIMENT_ATTRIBUTES,
            Entity::RegisteredModel => REGISTERED_MODEL_ATTRIBUTES,
            Entity::ModelVersion => MODEL_VERSION_ATTRIBUTES,
            Entity::LoggedModel => LOGGED_MODEL_ATTRIBUTES,
        }
    }

    /// Whether the entity has params (`params.<key>`); every entity has tags.
    pub fn has_params(self) -> bool {
        self == Entity::LoggedModel
    }

    /// How messages name the entity, plural: "experiments".
    pub fn plural(self) -> &'static str {
        match self {
            Entity::Experiment => "experiments",
            Entity::RegisteredModel => "registered models",
            Entity::ModelVersion => "model versions",
            Entity::LoggedModel => "logged models",
        }
    }

    fn attribute(self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes()
            .iter()
            .find(|spec| spec.name == name || spec.aliases.contains(&name))
    }

    fn attribute_names(self) -> String {
        let names: Vec<&str> = self.attributes().iter().map(|spec| spec.name).collect();
        names.join(", ")
    }

    fn prefixes_hint(self) -> &'static str {
        if self.has_params() {
            "tags., params. or attributes."
        } else {
            "tags. or attributes."
        }
    }
}

/// A field of an entity: an attribute from its table, a tag or a param.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntityField {
    /// An attribute of the entity's table.
    Attribute(&'static AttributeSpec),
    /// A tag (`tags.<key>`).
    Tag(String),
    /// A param (`params.<key>`), LoggedModels only.
    Param(String),
    /// A metric (`metrics.<key>`), LoggedModels only: matches when any of the model's values of
    /// it does.
    Metric(String),
}

impl fmt::Display for EntityField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityField::Attribute(spec) => write!(f, "attributes.{}", spec.name),
            EntityField::Tag(key) => write!(f, "tags.{}", name_for_display(key)),
            EntityField::Param(key) => write!(f, "params.{}", name_for_display(key)),
            EntityField::Metric(key) => write!(f, "metrics.{}", name_for_display(key)),
        }
    }
}

/// Parses a filter over `entity`'s fields; empty input is no filter (`None`). Errors name the
/// position and the offending token as a run filter's do.
pub fn parse_entity_filter(
    entity: Entity,
    input: &str,
) -> Result<Option<Filter<EntityField>>, SearchError> {
    parse_with(&entity, input)
}

impl FieldTable for Entity {
    type Field = EntityField;

    fn resolve(&self, token: &Token, input: &str) -> Result<EntityField, SearchError> {
        let entity = *self;
        let position = token.span.start;
        let written = input
            .get(token.span.start..token.span.end)
            .unwrap_or_default();
        match &token.kind {
            TokenKind::DoubleQuoted(name) => entity.resolve_attribute(name, None, position),
            TokenKind::Name(parts) => match parts.as_slice() {
                [] => Err(SearchError::new(position, "expected a name, found nothing")),
                [only] => entity.resolve_attribute(&only.text, None, position),
                [prefix, key_parts @ ..] => {
                    let key = join_key(key_parts, written, position)?;
                    match prefix.text.as_str() {
                        "tag" | "tags" => Ok(EntityField::Tag(key)),
                        "param" | "params" | "parameter" | "parameters" if entity.has_params() => {
                            Ok(EntityField::Param(key))
                        }
                        "metric" | "metrics" if entity.has_params() => Ok(EntityField::Metric(key)),
                        "attribute" | "attributes" | "attr" => {
                            entity.resolve_attribute(&key, Some(written), position)
                        }
                        other => Err(SearchError::new(
                            position,
                            format!(
                                "expected a prefix such as {}, found '{other}' in '{written}'",
                                entity.prefixes_hint()
                            ),
                        )),
                    }
                }
            },
            _ => Err(SearchError::new(
                position,
                format!(
                    "expected a name such as {}, found {}",
                    entity.attributes().first().map_or("name", |spec| spec.name),
                    token.describe(input)
                ),
            )),
        }
    }

    fn rules(&self, field: &EntityField) -> FieldRules {
        match field {
            EntityField::Attribute(spec) => match spec.kind {
                ValueKind::Number => FieldRules {
                    quoted_numbers: true,
                    ..FieldRules::numeric(format!("{} is a number", spec.name))
                },
                ValueKind::Text => {
                    FieldRules::string(spec.takes_lists, format!("{} is a string", spec.name))
                }
            },
            EntityField::Tag(_) => FieldRules::param_or_tag("tags are strings"),
            EntityField::Param(_) => FieldRules::param_or_tag("params are strings"),
            EntityField::Metric(_) => FieldRules::numeric("metrics are numbers".to_string()),
        }
    }

    fn null_note(&self) -> &'static str {
        if self.has_params() {
            "IS NULL and IS NOT NULL work only on params and tags"
        } else {
            "IS NULL and IS NOT NULL work only on tags"
        }
    }

    fn list_note(&self) -> &'static str {
        match self {
            Entity::Experiment => "only name takes IN lists",
            Entity::RegisteredModel => "only name takes IN lists",
            Entity::ModelVersion => {
                "only name, run_id, source_path and current_stage take IN lists"
            }
            Entity::LoggedModel => "only name, model_id, source_run_id and status take IN lists",
        }
    }
}

impl Entity {
    fn resolve_attribute(
        self,
        name: &str,
        prefixed: Option<&str>,
        position: usize,
    ) -> Result<EntityField, SearchError> {
        if let Some(spec) = self.attribute(name) {
            return Ok(EntityField::Attribute(spec));
        }
        let names = self.attribute_names();
        let message = match prefixed {
            Some(written) => format!(
                "expected an attribute of {} ({names}), found '{written}'",
                self.plural()
            ),
            None if name.contains('.') => format!(
                "expected an attribute of {} ({names}), found '{name}'; quote only the key \
                 after the prefix, e.g. tags.`mlflow.note`",
                self.plural()
            ),
            None => format!(
                "expected an attribute of {} ({names}) or a prefixed name such as tags.{name}, \
                 found '{name}'",
                self.plural()
            ),
        };
        Err(SearchError::new(position, message))
    }
}
