//! Turns a written name (`metrics.acc`, ``tags.`mlflow.runName` ``, `created`, `"run name"`)
//! into a [`Field`], with MLflow's prefixes, aliases and case rules: prefixes and attribute names
//! are case-sensitive, and a name without a prefix is an attribute.
//!
//! [`FieldTable`] is what the one parser asks of an entity: how a written name resolves and what
//! the field accepts. [`RunFields`] is the runs' table; `entity.rs` holds the others.

use super::ast::{DatasetField, Field, RunAttribute};
use super::error::SearchError;
use super::lexer::{NamePart, Token, TokenKind};

/// What the parser asks of the entity being searched.
pub(crate) trait FieldTable {
    /// What a resolved name is.
    type Field;
    /// Resolves the field written as `token` (a name or a double-quoted name).
    fn resolve(&self, token: &Token, input: &str) -> Result<Self::Field, SearchError>;
    /// What the field accepts.
    fn rules(&self, field: &Self::Field) -> FieldRules;
    /// Why a field refused `IS [NOT] NULL`, e.g. "IS NULL and IS NOT NULL work only on params and
    /// tags".
    fn null_note(&self) -> &'static str;
    /// Why a field refused `[NOT] IN`, e.g. "only run_id and datasets take IN lists".
    fn list_note(&self) -> &'static str;
}

/// What a field accepts, for checking and for error messages.
pub(crate) struct FieldRules {
    pub(crate) numeric: bool,
    /// Whether a numeric field also takes a quoted number (`version_number = '2'`), as Cairn's
    /// entity searches always have; run filters do not.
    pub(crate) quoted_numbers: bool,
    pub(crate) takes_lists: bool,
    pub(crate) takes_null: bool,
    /// The operators it accepts, as a message lists them.
    pub(crate) operators: &'static str,
    /// Why, e.g. "params are strings".
    pub(crate) nature: String,
}

impl FieldRules {
    pub(crate) fn numeric(nature: String) -> Self {
        FieldRules {
            numeric: true,
            quoted_numbers: false,
            takes_lists: false,
            takes_null: false,
            operators: "=, !=, <, <=, >, >=",
            nature,
        }
    }

    /// A key-value field (a param or tag): strings, present or absent.
    pub(crate) fn param_or_tag(nature: &str) -> Self {
        FieldRules {
            numeric: false,
            quoted_numbers: false,
            takes_lists: false,
            takes_null: true,
            operators: "=, !=, LIKE, ILIKE, IS NULL, IS NOT NULL",
            nature: nature.to_owned(),
        }
    }

    pub(crate) fn string(takes_lists: bool, nature: String) -> Self {
        let operators = if takes_lists {
            "=, !=, LIKE, ILIKE, IN, NOT IN"
        } else {
            "=, !=, LIKE, ILIKE"
        };
        FieldRules {
            numeric: false,
            quoted_numbers: false,
            takes_lists,
            takes_null: false,
            operators,
            nature,
        }
    }
}

/// The runs' field table: metrics, params, tags, run attributes and datasets.
pub(crate) struct RunFields;

impl FieldTable for RunFields {
    type Field = Field;

    fn resolve(&self, token: &Token, input: &str) -> Result<Field, SearchError> {
        resolve_field(token, input)
    }

    fn rules(&self, field: &Field) -> FieldRules {
        match field {
            Field::Metric(_) => FieldRules::numeric("metrics are numbers".to_owned()),
            Field::Attribute(attribute) if attribute.is_numeric() => {
                FieldRules::numeric(format!("{} is a number", attribute.name()))
            }
            Field::Param(_) => FieldRules::param_or_tag("params are strings"),
            Field::Tag(_) => FieldRules::param_or_tag("tags are strings"),
            Field::Attribute(attribute) => {
                let nature = format!("{} is a string", attribute.name());
                FieldRules::string(*attribute == RunAttribute::RunId, nature)
            }
            Field::Dataset(dataset) => {
                FieldRules::string(true, format!("datasets.{} is a string", dataset.name()))
            }
        }
    }

    fn null_note(&self) -> &'static str {
        "IS NULL and IS NOT NULL work only on params and tags"
    }

    fn list_note(&self) -> &'static str {
        "only run_id and datasets take IN lists"
    }
}

const PREFIXES_HINT: &str = "metrics., params., tags., attributes. or datasets.";

/// Whether the token can start a field: a name, or a double-quoted attribute name.
pub(crate) fn is_field_token(token: &Token) -> bool {
    matches!(token.kind, TokenKind::Name(_) | TokenKind::DoubleQuoted(_))
}

/// Resolves the field written as `token`.
pub(crate) fn resolve_field(token: &Token, input: &str) -> Result<Field, SearchError> {
    let position = token.span.start;
    let written = input
        .get(token.span.start..token.span.end)
        .unwrap_or_default();
    match &token.kind {
        TokenKind::DoubleQuoted(name) => resolve_attribute(name, None, position),
        TokenKind::Name(parts) => match parts.as_slice() {
            [] => Err(SearchError::new(position, "expected a name, found nothing")),
            [only] => resolve_attribute(&only.text, None, position),
            [prefix, key_parts @ ..] => {
                let key = join_key(key_parts, written, position)?;
                resolve_prefixed(&prefix.text, key, written, position)
            }
        },
        _ => Err(SearchError::new(
            position,
            format!(
                "expected a name such as metrics.acc, found {}",
                token.describe(input)
            ),
        )),
    }
}

/// The key after the prefix: one quoted part, or bare parts joined by dots
/// (`tags.mlflow.runName` is the tag `mlflow.runName`, as in MLflow).
pub(crate) fn join_key(
    parts: &[NamePart],
    written: &str,
    position: usize,
) -> Result<String, SearchError> {
    let key = match parts {
        [only] => only.text.clone(),
        _ if parts.iter().all(|part| !part.quoted) => parts
            .iter()
            .map(|part| part.text.as_str())
            .collect::<Vec<_>>()
            .join("."),
        _ => {
            return Err(SearchError::new(
                position,
                format!(
                    "expected one quoted key after the prefix in '{written}', e.g. \
                     tags.`mlflow.runName`, found a key that is partly quoted"
                ),
            ));
        }
    };
    if key.is_empty() {
        return Err(SearchError::new(
            position,
            format!("expected a key after the prefix in '{written}', found an empty name"),
        ));
    }
    Ok(key)
}

fn resolve_prefixed(
    prefix: &str,
    key: String,
    written: &str,
    position: usize,
) -> Result<Field, SearchError> {
    match prefix {
        "metric" | "metrics" => Ok(Field::Metric(key)),
        "param" | "params" | "parameter" | "parameters" => Ok(Field::Param(key)),
        "tag" | "tags" => Ok(Field::Tag(key)),
        "attribute" | "attributes" | "attr" | "run" => {
            resolve_attribute(&key, Some(written), position)
        }
        "dataset" | "datasets" => resolve_dataset(&key, written, position),
        _ => Err(SearchError::new(
            position,
            format!("expected a prefix such as {PREFIXES_HINT}, found '{prefix}' in '{written}'"),
        )),
    }
}

/// An attribute by one of the names MLflow accepts, including its aliases `created`, `Created`
/// (start_time) and `run name`, `Run name`, `Run Name` (run_name). `prefixed` is the whole name
/// as written when it had a prefix such as `attributes.`.
fn resolve_attribute(
    name: &str,
    prefixed: Option<&str>,
    position: usize,
) -> Result<Field, SearchError> {
    let attribute = match name {
        "created" | "Created" => RunAttribute::StartTime,
        "run name" | "Run name" | "Run Name" => RunAttribute::RunName,
        _ => RunAttribute::ALL
            .into_iter()
            .find(|attribute| attribute.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = RunAttribute::ALL
                    .iter()
                    .map(|attribute| attribute.name())
                    .collect();
                let names = names.join(", ");
                let message = match prefixed {
                    Some(written) => {
                        format!("expected an attribute ({names}), found '{written}'")
                    }
                    // `metrics.A` quoted as a whole is one name without a prefix.
                    None if name.contains('.') => format!(
                        "expected an attribute ({names}), found '{name}'; quote only the key \
                         after the prefix, e.g. tags.`mlflow.runName`"
                    ),
                    None => format!(
                        "expected an attribute ({names}) or a prefixed name such as \
                         metrics.{name}, found '{name}'"
                    ),
                };
                SearchError::new(position, message)
            })?,
    };
    Ok(Field::Attribute(attribute))
}

fn resolve_dataset(key: &str, written: &str, position: usize) -> Result<Field, SearchError> {
    let field = match key {
        "name" => DatasetField::Name,
        "digest" => DatasetField::Digest,
        "context" => DatasetField::Context,
        _ => {
            return Err(SearchError::new(
                position,
                format!(
                    "expected datasets.name, datasets.digest or datasets.context, found '{written}'"
                ),
            ));
        }
    };
    Ok(Field::Dataset(field))
}
