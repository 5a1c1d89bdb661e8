//! A search request's `filter` and LoggedModel `order_by`, translated from JSON into
//! `cairn_core::search`'s values. Parsing, matching and sorting are the core's.

use cairn_core::search::entities::{LoggedModelOrder, parse_logged_model_order};
use cairn_core::search::{Entity, EntityField, Filter, parse_entity_filter};
use serde_json::Value;

use crate::error::ApiError;

/// Parses an experiment, registry or LoggedModel filter; empty text is no filter.
pub fn entity_filter(entity: Entity, text: &str) -> Result<Option<Filter<EntityField>>, ApiError> {
    parse_entity_filter(entity, text)
        .map_err(|error| ApiError::invalid(format!("invalid filter '{text}': {error}")))
}

/// The `order_by` of `logged-models/search`: objects `{field_name, ascending, dataset_name,
/// dataset_digest}` as the client sends them, or strings `"field [ASC|DESC]"`.
pub fn logged_model_order(items: &[Value]) -> Result<Vec<LoggedModelOrder>, ApiError> {
    let refused = |error: cairn_core::search::SearchError| ApiError::invalid(error.message);
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(text) if text.trim().is_empty() => None,
            Value::String(text) => Some(parse_logged_model_order(text).map_err(refused)),
            Value::Object(map) => {
                let text = |name: &str| {
                    map.get(name)
                        .and_then(Value::as_str)
                        .filter(|text| !text.is_empty())
                        .map(str::to_string)
                };
                Some(match text("field_name") {
                    None => Err(ApiError::invalid("order_by clause without a field_name")),
                    Some(field_name) => {
                        let ascending = match map.get("ascending") {
                            None | Some(Value::Null) => Ok(true),
                            Some(Value::Bool(ascending)) => Ok(*ascending),
                            Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => {
                                Ok(true)
                            }
                            Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => {
                                Ok(false)
                            }
                            Some(other) => Err(ApiError::invalid(format!(
                                "invalid value {other} for order_by 'ascending'"
                            ))),
                        };
                        ascending.and_then(|ascending| {
                            LoggedModelOrder::new(
                                &field_name,
                                ascending,
                                text("dataset_name"),
                                text("dataset_digest"),
                            )
                            .map_err(refused)
                        })
                    }
                })
            }
            other => Some(Err(ApiError::invalid(format!(
                "invalid order_by clause {other}"
            )))),
        })
        .collect()
}
