//! A request's arguments as one JSON object: the query string of a GET (repeated keys become
//! arrays), the JSON body of anything else. Types are checked against each route's fields first
//! (`schema.rs`); accessors then read as MLflow's parser does: int64 as numbers or numeric
//! strings, doubles as numbers or `"NaN"`/`"Infinity"`/`"-Infinity"`.

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cairn_core::model::{Param, Tag};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::messages;

/// Largest JSON body accepted (MLflow's largest batches are far smaller).
pub const MAX_JSON_BODY_BYTES: usize = 32 * 1024 * 1024;

/// The arguments of one request.
#[derive(Debug, Default)]
pub struct Args {
    values: Map<String, Value>,
    /// Read from a query string: every value is text, and a key given once is not a list.
    from_query: bool,
}

/// Arguments the access policy has read already (a request body can be read once): the
/// handler takes them instead of reading again.
#[derive(Debug, Clone)]
pub struct PreparsedArgs(std::sync::Arc<std::sync::Mutex<Option<Args>>>);

impl PreparsedArgs {
    /// Hands `args` on to the handler.
    pub fn new(args: Args) -> PreparsedArgs {
        PreparsedArgs(std::sync::Arc::new(std::sync::Mutex::new(Some(args))))
    }

    fn take(&self) -> Option<Args> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

impl<S: Send + Sync> FromRequest<S> for Args {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, _state: &S) -> Result<Args, ApiError> {
        if let Some(args) = request
            .extensions()
            .get::<PreparsedArgs>()
            .and_then(PreparsedArgs::take)
        {
            return Ok(args);
        }
        let from_query = |query: Option<&str>| -> Result<Args, ApiError> {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
                .map_err(|error| ApiError::invalid(format!("malformed query string: {error}")))?;
            Ok(Args::from_query_pairs(pairs))
        };
        if request.method() == Method::GET || request.method() == Method::HEAD {
            return from_query(request.uri().query());
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let is_json = content_type
            .as_deref()
            .is_some_and(|value| value.trim_start().starts_with("application/json"));
        if !is_json {
            // MLflow reads DELETE arguments from the query string and checks no content type.
            if request.method() == Method::DELETE {
                return from_query(request.uri().query());
            }
            return Err(messages::content_type_not_json(content_type.as_deref()));
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX_JSON_BODY_BYTES)
            .await
            .map_err(|error| body_error(&error, MAX_JSON_BODY_BYTES as u64))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Args::default());
        }
        let malformed = |error: serde_json::Error| {
            ApiError::new(
                "MALFORMED_REQUEST",
                format!("the body is not valid JSON: {error}"),
            )
        };
        match serde_json::from_slice::<Value>(&bytes).map_err(malformed)? {
            Value::Object(map) => Ok(Args::from_body(map)),
            // Older clients send their JSON encoded twice, as one JSON string.
            Value::String(inner) => {
                match serde_json::from_str::<Value>(&inner).map_err(malformed)? {
                    Value::Object(map) => Ok(Args::from_body(map)),
                    _ => Err(not_an_object()),
                }
            }
            _ => Err(not_an_object()),
        }
    }
}

fn not_an_object() -> ApiError {
    ApiError::new("MALFORMED_REQUEST", "the JSON body must be an object")
}

/// The 413 answer for a body over `limit` bytes.
pub fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        "PAYLOAD_TOO_LARGE",
        format!("the request body is larger than the limit of {limit} bytes"),
    )
}

/// A body that could not be read: over `limit` (413), or malformed, e.g. a bad chunk of a
/// chunked body, or cut off (400).
pub fn body_error(error: &(dyn std::error::Error + 'static), limit: u64) -> ApiError {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if current.is::<http_body_util::LengthLimitError>() {
            return too_large(limit);
        }
        cause = current.source();
    }
    ApiError::new(
        "MALFORMED_REQUEST",
        format!("the request body could not be read: {error}"),
    )
}

fn missing(name: &str) -> ApiError {
    messages::missing_parameter(name)
}

impl Args {
    /// The arguments of a JSON body.
    pub fn from_body(values: Map<String, Value>) -> Args {
        Args {
            values,
            from_query: false,
        }
    }

    /// The arguments of a query string: repeated keys become lists.
    pub fn from_query_pairs(pairs: Vec<(String, String)>) -> Args {
        let mut values = Map::new();
        for (key, value) in pairs {
            match values.get_mut(&key) {
                Some(Value::Array(items)) => items.push(Value::String(value)),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, Value::String(value)]);
                }
                None => {
                    values.insert(key, Value::String(value));
                }
            }
        }
        Args {
            values,
            from_query: true,
        }
    }

    /// Whether the arguments came from a query string.
    pub fn from_query(&self) -> bool {
        self.from_query
    }

    /// All arguments, as one JSON object.
    pub fn into_values(self) -> Map<String, Value> {
        self.values
    }

    /// Replaces the value at a (possibly dotted) name, making nested objects as needed.
    pub fn set_path(&mut self, name: &str, value: Value) {
        let mut parts: Vec<&str> = name.split('.').collect();
        let Some(last) = parts.pop() else {
            return;
        };
        let mut map = &mut self.values;
        for part in parts {
            let entry = map
                .entry(part.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            let Value::Object(inner) = entry else {
                return;
            };
            map = inner;
        }
        map.insert(last.to_owned(), value);
    }

    /// A value, treating JSON null as absent.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|value| !value.is_null())
    }

    /// A string field (numbers are turned into text).
    pub fn str(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            Value::Array(items) => items.first().and_then(|first| match first {
                Value::String(text) => Some(text.clone()),
                _ => None,
            }),
            _ => None,
        }
    }

    /// A required string field: absent, null and empty are all missing, as in MLflow.
    pub fn req_str(&self, name: &str) -> Result<String, ApiError> {
        self.str(name)
            .filter(|text| !text.is_empty())
            .ok_or_else(|| missing(name))
    }

    /// The run id, from `run_id` or its older name `run_uuid`.
    pub fn run_id(&self) -> Result<String, ApiError> {
        self.str("run_id")
            .filter(|id| !id.is_empty())
            .or_else(|| self.str("run_uuid"))
            .ok_or_else(|| missing("run_id"))
    }

    /// An int64 field: a JSON number or a numeric string. A whole-valued float such as `5.0`
    /// is taken (MLflow's protobuf parser takes it too); anything outside int64's range, a
    /// fraction, NaN or text that is not an integer is refused with the field's name, never
    /// saturated.
    pub fn i64(&self, name: &str) -> Result<Option<i64>, ApiError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let parsed = match value {
            Value::Number(number) => number
                .as_i64()
                .or_else(|| number.as_f64().and_then(whole_f64_to_i64)),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        parsed
            .map(Some)
            .ok_or_else(|| messages::invalid_parameter(name, value))
    }

    /// A required int64 field.
    pub fn req_i64(&self, name: &str) -> Result<i64, ApiError> {
        self.i64(name)?.ok_or_else(|| missing(name))
    }

    /// A double field: a number, or one of `NaN`, `Infinity`, `-Infinity` as strings.
    pub fn f64(&self, name: &str) -> Result<Option<f64>, ApiError> {
        self.get(name).map(|value| double(value, name)).transpose()
    }

    /// A boolean field: `true`/`false` or their strings.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(other) => Err(messages::invalid_parameter(name, other)),
        }
    }

    /// A repeated field: an array, or a single value as a list of one.
    pub fn list(&self, name: &str) -> Vec<Value> {
        match self.get(name) {
            None => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(single) => vec![single.clone()],
        }
    }

    /// A repeated string field.
    pub fn str_list(&self, name: &str) -> Vec<String> {
        self.list(name)
            .into_iter()
            .filter_map(|value| match value {
                Value::String(text) => Some(text),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
            .collect()
    }

    /// `[{key, value}]` as tags.
    pub fn tags(&self, name: &str) -> Result<Vec<Tag>, ApiError> {
        self.list(name)
            .iter()
            .map(|item| {
                let (key, value) = key_value(item, name)?;
                Ok(Tag { key, value })
            })
            .collect()
    }

    /// `[{key, value}]` as params.
    pub fn params(&self, name: &str) -> Result<Vec<Param>, ApiError> {
        self.list(name)
            .iter()
            .map(|item| {
                let (key, value) = key_value(item, name)?;
                Ok(Param { key, value })
            })
            .collect()
    }

    /// The page token as an offset (base64 of the decimal offset, as MLflow does).
    pub fn page_offset(&self) -> Result<usize, ApiError> {
        match self.str("page_token").filter(|token| !token.is_empty()) {
            None => Ok(0),
            Some(token) => decode_page_token(&token),
        }
    }

    /// A nested object's arguments.
    pub fn object(value: &Value) -> Args {
        match value {
            Value::Object(map) => Args::from_body(map.clone()),
            _ => Args::default(),
        }
    }
}

/// `value` as an int64 when it is whole and exact: JSON integers beyond int64 arrive as floats,
/// rounded (`-9223372036854775809` becomes `-2^63`), so only floats within ±2^53, where every
/// integer is exact, are taken (`5.0`, `1e3`); others are refused, never saturated or rounded.
fn whole_f64_to_i64(value: f64) -> Option<i64> {
    const TWO_POW_53: f64 = 9_007_199_254_740_992.0;
    let exact = (-TWO_POW_53..=TWO_POW_53).contains(&value);
    (exact && value.fract() == 0.0).then_some(value as i64)
}

/// Reads a double in MLflow's JSON: a number or `NaN`/`Infinity`/`-Infinity` (as strings).
pub fn double(value: &Value, name: &str) -> Result<f64, ApiError> {
    let parsed = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => match text.trim() {
            "NaN" | "nan" => Some(f64::NAN),
            "Infinity" | "inf" | "Inf" => Some(f64::INFINITY),
            "-Infinity" | "-inf" | "-Inf" => Some(f64::NEG_INFINITY),
            other => other.parse().ok(),
        },
        _ => None,
    };
    parsed.ok_or_else(|| messages::invalid_parameter(name, value))
}

fn key_value(item: &Value, field: &str) -> Result<(String, String), ApiError> {
    let args = Args::object(item);
    let key = args
        .str("key")
        .ok_or_else(|| ApiError::invalid(format!("an entry of '{field}' has no key")))?;
    Ok((key, args.str("value").unwrap_or_default()))
}

/// An opaque page token for an offset.
pub fn encode_page_token(offset: usize) -> String {
    BASE64.encode(format!("{{\"offset\": {offset}}}"))
}

/// The offset a page token stands for.
pub fn decode_page_token(token: &str) -> Result<usize, ApiError> {
    let invalid = || messages::invalid_page_token(token);
    let bytes = BASE64.decode(token.trim()).map_err(|_| invalid())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    value
        .get("offset")
        .and_then(Value::as_u64)
        .and_then(|offset| usize::try_from(offset).ok())
        .ok_or_else(invalid)
}

/// The body length a request declares (`Content-Length`), when it declares a valid one.
pub fn declared_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Args;

    #[test]
    fn int64_fields_take_exact_integers_and_refuse_the_rest_naming_the_field() {
        // (JSON value, what `i64` gives: Some(n) taken, None refused)
        let cases = [
            (json!(5), Some(5)),
            (json!(5.0), Some(5)),
            (json!(-1e3), Some(-1000)),
            (json!(i64::MAX), Some(i64::MAX)),
            (json!(i64::MIN), Some(i64::MIN)),
            (json!("42"), Some(42)),
            (json!(9_223_372_036_854_775_808u64), None),
            (json!(1e30), None),
            (json!(-1e30), None),
            (json!(1e300), None),
            (json!(1.5), None),
            (json!("NaN"), None),
            (json!("1e3"), None),
            (json!(true), None),
            (json!([1]), None),
        ];
        for (value, expected) in cases {
            let args = Args::from_body(serde_json::Map::from_iter([(
                "step".to_owned(),
                value.clone(),
            )]));
            match (args.i64("step"), expected) {
                (Ok(Some(got)), Some(want)) => assert_eq!(got, want, "{value}"),
                (Err(error), None) => assert!(error.message.contains("'step'"), "{value}"),
                (got, _) => panic!("{value}: {got:?}"),
            }
        }
    }
}
