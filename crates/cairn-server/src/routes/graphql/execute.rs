//! Running a parsed query against the schema: choosing the operation, MLflow's safety limits,
//! checking fields against the types, gathering fields through fragments and directives, and
//! shaping MLflow's JSON answers into the selections asked for.

use std::collections::HashSet;

use serde_json::{Map, Number, Value as Json};

use super::schema::{self, Ty};
use super::syntax::{Directive, Document, Field, Operation, OperationKind, Selection, Value};

/// Deepest selection MLflow executes (`_MAX_DEPTH`).
const MAX_DEPTH: usize = 10;
/// Most fields one query may select in all (`_MAX_SELECTIONS`).
const MAX_SELECTIONS: usize = 1000;
/// Most root fields (MLflow's `MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS` default).
const MAX_ROOT_FIELDS: usize = 10;
/// Most aliases on one level (MLflow's `MLFLOW_SERVER_GRAPHQL_MAX_ALIASES` default).
const MAX_ALIASES: usize = 10;

/// Fields gathered under their response keys, in order; a key selected twice merges.
pub type Grouped<'a> = Vec<(String, Vec<&'a Field>)>;

/// A query being run: its document and the values of its variables.
#[derive(Debug)]
pub struct Execution<'a> {
    pub document: &'a Document,
    pub operation: &'a Operation,
    pub variables: Map<String, Json>,
}

/// The operation to run: the one named, or the only one.
pub fn choose_operation<'a>(
    document: &'a Document,
    name: Option<&str>,
) -> Result<&'a Operation, String> {
    match name {
        Some(name) => document
            .operations
            .iter()
            .find(|operation| operation.name.as_deref() == Some(name))
            .ok_or_else(|| format!("Unknown operation named '{name}'.")),
        None => match document.operations.as_slice() {
            [only] => Ok(only),
            [] => Err("Must provide an operation.".into()),
            _ => Err("Must provide operation name if query contains multiple operations.".into()),
        },
    }
}

impl<'a> Execution<'a> {
    /// The operation with its variables: those given, else their defaults.
    pub fn new(
        document: &'a Document,
        operation: &'a Operation,
        given: &Map<String, Json>,
    ) -> Execution<'a> {
        let mut variables = Map::new();
        for (name, default) in &operation.variables {
            let value = match (given.get(name), default) {
                (Some(value), _) => value.clone(),
                (None, Some(default)) => literal(default, &Map::new()),
                (None, None) => Json::Null,
            };
            variables.insert(name.clone(), value);
        }
        Execution {
            document,
            operation,
            variables,
        }
    }

    /// The root type the operation reads.
    pub fn root_type(&self) -> Result<&'static str, String> {
        match self.operation.kind {
            OperationKind::Query => Ok("Query"),
            OperationKind::Mutation => Ok("Mutation"),
            OperationKind::Subscription => {
                Err("Schema is not configured to execute subscription operation.".into())
            }
        }
    }

    /// MLflow's limits, checked in its order: depth and selections while scanning, then root
    /// fields, then aliases on any one level.
    pub fn check_limits(&self) -> Result<(), String> {
        let mut total = 0;
        let mut max_aliases = 0;
        let roots = self.scan(
            &self.operation.selection,
            1,
            &mut total,
            &mut max_aliases,
            &mut Vec::new(),
        )?;
        if roots > MAX_ROOT_FIELDS {
            return Err(format!(
                "GraphQL queries should have at most {MAX_ROOT_FIELDS} root fields, got {roots} \
                 root fields."
            ));
        }
        if max_aliases > MAX_ALIASES {
            return Err(format!(
                "GraphQL queries should have at most {MAX_ALIASES} aliases, got {max_aliases} \
                 aliases."
            ));
        }
        Ok(())
    }

    /// Counts one level's fields (fragments merged in) and scans what is below; returns the
    /// level's field count.
    fn scan(
        &self,
        selection: &'a [Selection],
        depth: usize,
        total: &mut usize,
        max_aliases: &mut usize,
        fragments: &mut Vec<&'a str>,
    ) -> Result<usize, String> {
        if depth > MAX_DEPTH {
            return Err(format!("Query exceeds maximum depth of {MAX_DEPTH}"));
        }
        let mut fields = Vec::new();
        self.flatten(selection, &mut fields, fragments);
        let aliases = fields.iter().filter(|field| field.alias.is_some()).count();
        *max_aliases = (*max_aliases).max(aliases);
        for field in &fields {
            *total += 1;
            if *total > MAX_SELECTIONS {
                return Err(format!(
                    "Query exceeds maximum total selections of {MAX_SELECTIONS}"
                ));
            }
            if !field.selection.is_empty() {
                self.scan(&field.selection, depth + 1, total, max_aliases, fragments)?;
            }
        }
        Ok(fields.len())
    }

    /// The fields of one level, fragments spread in (each fragment once along a path).
    fn flatten(
        &self,
        selection: &'a [Selection],
        out: &mut Vec<&'a Field>,
        fragments: &mut Vec<&'a str>,
    ) {
        for item in selection {
            match item {
                Selection::Field(field) => out.push(field),
                Selection::Inline { selection, .. } => self.flatten(selection, out, fragments),
                Selection::Spread { name, .. } => {
                    if fragments.contains(&name.as_str()) {
                        continue;
                    }
                    if let Some(fragment) = self.document.fragments.get(name) {
                        fragments.push(name);
                        self.flatten(&fragment.selection, out, fragments);
                        fragments.pop();
                    }
                }
            }
        }
    }

    /// Every selection checked against the types, as GraphQL's validation does before running.
    pub fn validate(&self, root_type: &str) -> Vec<String> {
        let mut errors = Vec::new();
        self.validate_level(
            root_type,
            &self.operation.selection,
            &mut errors,
            &mut Vec::new(),
        );
        errors
    }

    fn validate_level(
        &self,
        type_name: &str,
        selection: &'a [Selection],
        errors: &mut Vec<String>,
        fragments: &mut Vec<&'a str>,
    ) {
        for item in selection {
            match item {
                Selection::Field(field) => self.validate_field(type_name, field, errors, fragments),
                Selection::Inline {
                    type_condition,
                    selection,
                    ..
                } => {
                    let inner = type_condition.as_deref().unwrap_or(type_name);
                    if schema::object_fields(inner).is_none() {
                        errors.push(format!("Unknown type '{inner}'."));
                    } else {
                        self.validate_level(inner, selection, errors, fragments);
                    }
                }
                Selection::Spread { name, .. } => {
                    if fragments.contains(&name.as_str()) {
                        errors.push(format!("Cannot spread fragment '{name}' within itself."));
                        continue;
                    }
                    let Some(fragment) = self.document.fragments.get(name) else {
                        errors.push(format!("Unknown fragment '{name}'."));
                        continue;
                    };
                    if schema::object_fields(&fragment.type_condition).is_none() {
                        errors.push(format!("Unknown type '{}'.", fragment.type_condition));
                        continue;
                    }
                    fragments.push(name);
                    self.validate_level(
                        &fragment.type_condition,
                        &fragment.selection,
                        errors,
                        fragments,
                    );
                    fragments.pop();
                }
            }
        }
    }

    fn validate_field(
        &self,
        type_name: &str,
        field: &'a Field,
        errors: &mut Vec<String>,
        fragments: &mut Vec<&'a str>,
    ) {
        if field.name == "__typename" {
            return;
        }
        let Some((_, _, ty)) = schema::field(type_name, &field.name) else {
            errors.push(format!(
                "Cannot query field '{}' on type '{type_name}'.",
                field.name
            ));
            return;
        };
        if matches!(type_name, "Query" | "Mutation") {
            let allowed = if schema::input_fields(&field.name).is_some() {
                "input"
            } else {
                "inputString"
            };
            for (argument, _) in &field.arguments {
                if argument != allowed {
                    errors.push(format!(
                        "Unknown argument '{argument}' on field '{type_name}.{}'.",
                        field.name
                    ));
                }
            }
        } else if let Some((argument, _)) = field.arguments.first() {
            errors.push(format!(
                "Unknown argument '{argument}' on field '{type_name}.{}'.",
                field.name
            ));
        }
        match object_type(ty) {
            Some(inner) if field.selection.is_empty() => errors.push(format!(
                "Field '{}' of type '{inner}' must have a selection of subfields. Did you mean \
                 '{} {{ ... }}'?",
                field.name, field.name
            )),
            Some(inner) => self.validate_level(inner, &field.selection, errors, fragments),
            None if !field.selection.is_empty() => errors.push(format!(
                "Field '{}' must not have a selection since its type has no subfields.",
                field.name
            )),
            None => {}
        }
    }

    /// The fields `selection` selects on `type_name`, grouped by response key, skipping what
    /// `@skip`/`@include` leave out and fragments for other types.
    pub fn collect(&self, type_name: &str, selection: &'a [Selection]) -> Grouped<'a> {
        let mut grouped = Vec::new();
        self.collect_into(type_name, selection, &mut grouped, &mut Vec::new());
        grouped
    }

    fn collect_into(
        &self,
        type_name: &str,
        selection: &'a [Selection],
        grouped: &mut Grouped<'a>,
        fragments: &mut Vec<&'a str>,
    ) {
        for item in selection {
            match item {
                Selection::Field(field) => {
                    if !self.included(&field.directives) {
                        continue;
                    }
                    let key = field.response_key();
                    match grouped.iter_mut().find(|(existing, _)| existing == key) {
                        Some((_, fields)) => fields.push(field),
                        None => grouped.push((key.to_string(), vec![field])),
                    }
                }
                Selection::Inline {
                    type_condition,
                    directives,
                    selection,
                } => {
                    let applies = type_condition
                        .as_deref()
                        .is_none_or(|condition| condition == type_name);
                    if applies && self.included(directives) {
                        self.collect_into(type_name, selection, grouped, fragments);
                    }
                }
                Selection::Spread { name, directives } => {
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    if fragments.contains(&name.as_str())
                        || fragment.type_condition != type_name
                        || !self.included(directives)
                    {
                        continue;
                    }
                    fragments.push(name);
                    self.collect_into(type_name, &fragment.selection, grouped, fragments);
                    fragments.pop();
                }
            }
        }
    }

    /// Whether `@skip(if:)` and `@include(if:)` keep a selection.
    fn included(&self, directives: &[Directive]) -> bool {
        directives.iter().all(|directive| {
            let condition = directive
                .arguments
                .iter()
                .find(|(name, _)| name == "if")
                .map(|(_, value)| literal(value, &self.variables));
            !matches!(
                (directive.name.as_str(), condition),
                ("skip", Some(Json::Bool(true))) | ("include", Some(Json::Bool(false)))
            )
        })
    }

    /// The sub-fields of a group of fields, merged.
    pub fn sub_fields(&self, type_name: &str, fields: &[&'a Field]) -> Grouped<'a> {
        let mut grouped = Vec::new();
        for field in fields {
            self.collect_into(type_name, &field.selection, &mut grouped, &mut Vec::new());
        }
        grouped
    }

    /// The names selected at `path` below `fields` (e.g. `["run"]` → the run's fields).
    pub fn names_at(
        &self,
        type_name: &str,
        fields: &[&'a Field],
        path: &[&str],
    ) -> HashSet<String> {
        let grouped = self.sub_fields(type_name, fields);
        let Some((first, rest)) = path.split_first() else {
            return grouped
                .iter()
                .flat_map(|(_, group)| group.iter().map(|field| field.name.clone()))
                .collect();
        };
        let Some(inner) = schema::field(type_name, first).and_then(|(_, _, ty)| object_type(ty))
        else {
            return HashSet::new();
        };
        let below: Vec<&Field> = grouped
            .iter()
            .flat_map(|(_, group)| group.iter().copied())
            .filter(|field| field.name == *first)
            .collect();
        self.names_at(inner, &below, rest)
    }

    /// An argument's value with variables filled in.
    pub fn argument(&self, field: &Field, name: &str) -> Json {
        field
            .arguments
            .iter()
            .find(|(argument, _)| argument == name)
            .map_or(Json::Null, |(_, value)| literal(value, &self.variables))
    }

    /// `value` (MLflow's JSON, or null for a message left out) shaped into the selection of
    /// `fields` on `type_name`.
    pub fn project(&self, type_name: &str, value: &Json, fields: &[&'a Field]) -> Json {
        let mut out = Map::new();
        for (key, group) in self.sub_fields(type_name, fields) {
            let name = group[0].name.as_str();
            if name == "__typename" {
                out.insert(key, Json::String(type_name.to_string()));
                continue;
            }
            let Some((_, source, ty)) = schema::field(type_name, name) else {
                out.insert(key, Json::Null);
                continue;
            };
            out.insert(key, self.convert(ty, value.get(source), &group));
        }
        Json::Object(out)
    }

    fn convert(&self, ty: Ty, raw: Option<&Json>, group: &[&'a Field]) -> Json {
        let raw = raw.filter(|value| !value.is_null());
        match ty {
            Ty::String => Json::String(match raw {
                Some(Json::String(text)) => text.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            }),
            Ty::Long => Json::String(match raw {
                Some(Json::String(text)) => text.clone(),
                Some(other) => other.to_string(),
                None => "0".into(),
            }),
            Ty::Float => raw
                .and_then(Json::as_f64)
                .filter(|value| value.is_finite())
                .and_then(Number::from_f64)
                .map_or(Json::Null, Json::Number),
            Ty::Boolean => Json::Bool(raw.and_then(Json::as_bool).unwrap_or(false)),
            Ty::Enum => raw.cloned().unwrap_or(Json::Null),
            Ty::StringList => raw.cloned().unwrap_or_else(|| Json::Array(Vec::new())),
            Ty::Message(inner) => self.project(inner, raw.unwrap_or(&Json::Null), group),
            Ty::Nullable(inner) => {
                raw.map_or(Json::Null, |value| self.project(inner, value, group))
            }
            Ty::MessageList(inner) => Json::Array(match raw {
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|item| self.project(inner, item, group))
                    .collect(),
                _ => Vec::new(),
            }),
        }
    }
}

/// The object type a field's type holds, if any.
fn object_type(ty: Ty) -> Option<&'static str> {
    match ty {
        Ty::Message(inner) | Ty::MessageList(inner) | Ty::Nullable(inner) => Some(inner),
        _ => None,
    }
}

/// A literal as JSON, variables filled in (an unknown variable is null).
pub fn literal(value: &Value, variables: &Map<String, Json>) -> Json {
    match value {
        Value::Variable(name) => variables.get(name).cloned().unwrap_or(Json::Null),
        Value::Int(number) => Json::from(*number),
        Value::Float(number) => Number::from_f64(*number).map_or(Json::Null, Json::Number),
        Value::String(text) | Value::Enum(text) => Json::String(text.clone()),
        Value::Boolean(flag) => Json::Bool(*flag),
        Value::Null => Json::Null,
        Value::List(items) => {
            Json::Array(items.iter().map(|item| literal(item, variables)).collect())
        }
        Value::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(name, item)| (name.clone(), literal(item, variables)))
                .collect(),
        ),
    }
}
