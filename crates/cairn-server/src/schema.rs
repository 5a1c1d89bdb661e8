//! What an MLflow request must carry, and of which JSON type: each route's fields as MLflow's
//! server checks them, tested before a handler reads a field. A number where a string is
//! expected is refused with MLflow's message, never coerced.

use serde_json::Value;

use crate::args::Args;
use crate::error::ApiError;
use crate::messages;

/// The JSON type a field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// An integer, or a string holding one.
    Int,
    /// A number, or a string holding one (`"NaN"`, `"Infinity"` included).
    Float,
    /// `true` or `false`.
    Bool,
    /// A list.
    List,
    /// A list of strings.
    StrList,
}

/// One field of a request.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    name: &'static str,
    kind: Kind,
    required: bool,
}

/// A field the request must carry, non-empty.
pub const fn required(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

/// A field the request may carry.
pub const fn optional(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

impl Args {
    /// Checks the request against `fields`, in order: the first absent required field or
    /// wrongly typed field is the answer.
    pub fn check(&self, fields: &[Field]) -> Result<(), ApiError> {
        for field in fields {
            let value = match self.get(field.name) {
                // The older name of `run_id`, which clients still send.
                None if field.name == "run_id" => self.get("run_uuid"),
                value => value,
            };
            match value {
                None => {
                    if field.required {
                        return Err(messages::missing_parameter(field.name));
                    }
                }
                Some(value) => {
                    if !self.has_kind(value, field.kind) {
                        return Err(messages::invalid_parameter(field.name, value));
                    }
                    if field.required && value.as_str() == Some("") {
                        return Err(messages::missing_parameter(field.name));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks that each object of the list `field` carries `keys` (log-batch's metrics, params
    /// and tags), naming the first one missing as MLflow does: `metrics[2].timestamp`.
    pub fn check_entries(&self, field: &str, keys: &[&str]) -> Result<(), ApiError> {
        let Some(Value::Array(entries)) = self.get(field) else {
            return Ok(());
        };
        for (index, entry) in entries.iter().enumerate() {
            for key in keys {
                let present = entry
                    .get(key)
                    .is_some_and(|value| !value.is_null() && value.as_str() != Some(""));
                if !present {
                    return Err(messages::missing_parameter(&format!(
                        "{field}[{index}].{key}"
                    )));
                }
            }
        }
        Ok(())
    }

    /// `max_results`: `default` when absent; over `limit` refused as MLflow refuses it, below 1
    /// refused too.
    pub fn max_results(&self, default: usize, limit: usize) -> Result<usize, ApiError> {
        let Some(value) = self.i64("max_results")? else {
            return Ok(default);
        };
        match usize::try_from(value) {
            Ok(count) if count > limit => Err(messages::invalid_parameter(
                "max_results",
                self.get("max_results").unwrap_or(&Value::Null),
            )),
            Ok(count) if count >= 1 => Ok(count),
            _ => Err(messages::out_of_range(
                "max_results",
                self.get("max_results").unwrap_or(&Value::Null),
                &format!("it must be between 1 and {limit}."),
            )),
        }
    }

    fn has_kind(&self, value: &Value, kind: Kind) -> bool {
        // A query string carries only text, and a key given once is not yet a list.
        if self.from_query() {
            return match (kind, value) {
                (Kind::Int, Value::String(text)) => text.trim().parse::<i64>().is_ok(),
                (Kind::Float, Value::String(text)) => float_text(text),
                (Kind::Bool, Value::String(text)) => {
                    text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
                }
                _ => true,
            };
        }
        match (kind, value) {
            (Kind::Str, Value::String(_))
            | (Kind::Bool, Value::Bool(_))
            | (Kind::List, Value::Array(_)) => true,
            (Kind::Int, Value::Number(_)) | (Kind::Float, Value::Number(_)) => true,
            (Kind::Int, Value::String(text)) => text.trim().parse::<i64>().is_ok(),
            (Kind::Float, Value::String(text)) => float_text(text),
            (Kind::StrList, Value::Array(items)) => items.iter().all(Value::is_string),
            _ => false,
        }
    }
}

fn float_text(text: &str) -> bool {
    matches!(
        text.trim(),
        "NaN" | "nan" | "Infinity" | "inf" | "-Infinity" | "-inf"
    ) || text.trim().parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Kind, optional, required};
    use crate::args::Args;

    fn body(value: Value) -> Args {
        match value {
            Value::Object(map) => Args::from_body(map),
            _ => unreachable!("bodies in these tests are objects"),
        }
    }

    #[test]
    fn bodies_are_checked_field_by_field_with_mlflows_messages() {
        let fields = [
            required("run_id", Kind::Str),
            required("key", Kind::Str),
            optional("step", Kind::Int),
            optional("value", Kind::Float),
            optional("tags", Kind::List),
            optional("order_by", Kind::StrList),
        ];
        // (body, None when accepted or the start of the message)
        let cases = [
            (json!({"run_id": "r", "key": "k"}), None),
            (json!({"run_uuid": "r", "key": "k"}), None),
            (
                json!({"run_id": "r", "key": "k", "step": "3", "value": "NaN"}),
                None,
            ),
            (
                json!({"run_id": 31, "key": "k"}),
                Some(
                    "Invalid value 31 for parameter 'run_id' supplied:  Hint: Value was of type 'int'.",
                ),
            ),
            (
                json!({"key": "k"}),
                Some("Missing value for required parameter 'run_id'."),
            ),
            (
                json!({"run_id": "", "key": "k"}),
                Some("Missing value for required parameter 'run_id'."),
            ),
            (
                json!({"run_id": "r", "key": null}),
                Some("Missing value for required parameter 'key'."),
            ),
            (
                json!({"run_id": "r", "key": "k", "step": "three"}),
                Some(
                    "Invalid value \"three\" for parameter 'step' supplied:  Hint: Value was of type 'str'.",
                ),
            ),
            (
                json!({"run_id": "r", "key": "k", "value": true}),
                Some(
                    "Invalid value true for parameter 'value' supplied:  Hint: Value was of type 'bool'.",
                ),
            ),
            (
                json!({"run_id": "r", "key": "k", "tags": {"a": "b"}}),
                Some(
                    "Invalid value {\"a\":\"b\"} for parameter 'tags' supplied:  Hint: Value was of type 'dict'.",
                ),
            ),
            (
                json!({"run_id": "r", "key": "k", "order_by": ["a", 1]}),
                Some(
                    "Invalid value [\"a\",1] for parameter 'order_by' supplied:  Hint: Value was of type 'list'.",
                ),
            ),
        ];
        for (request, expected) in cases {
            match (body(request.clone()).check(&fields), expected) {
                (Ok(()), None) => {}
                (Err(error), Some(start)) => {
                    assert!(
                        error.message.starts_with(start),
                        "{request}: {}",
                        error.message
                    );
                    assert_eq!(error.error_code, "INVALID_PARAMETER_VALUE");
                }
                (got, _) => panic!("{request}: {got:?}"),
            }
        }
    }

    #[test]
    fn query_strings_are_text_and_single_keys_count_as_lists() {
        let fields = [
            required("run_id", Kind::Str),
            optional("max_results", Kind::Int),
            optional("experiment_ids", Kind::StrList),
        ];
        let accepted = Args::from_query_pairs(vec![
            ("run_id".into(), "r".into()),
            ("max_results".into(), "10".into()),
            ("experiment_ids".into(), "0".into()),
        ]);
        assert!(accepted.check(&fields).is_ok());
        let refused = Args::from_query_pairs(vec![
            ("run_id".into(), "r".into()),
            ("max_results".into(), "ten".into()),
        ]);
        assert!(refused.check(&fields).is_err());
    }
}
