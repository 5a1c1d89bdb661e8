//! Reading MLflow's `meta.yaml` files and Lightning's `hparams.yaml`.

use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::files::{IndexError, IndexResult};

/// The top-level mapping of a YAML file.
pub(crate) fn read_mapping(path: &Path) -> IndexResult<Mapping> {
    if path.is_dir() {
        return Err(IndexError::bad(path, "is a folder, not a YAML file"));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|error| IndexError::bad(path, format!("cannot read: {error}")))?;
    match serde_yaml::from_str::<Value>(&text) {
        Ok(Value::Mapping(mut mapping)) => {
            keep_number_text(&text, &mut mapping);
            Ok(mapping)
        }
        Ok(Value::Null) => Ok(Mapping::new()),
        Ok(_) => Err(IndexError::bad(path, "not a YAML mapping")),
        Err(error) => Err(IndexError::bad(path, format!("bad YAML: {error}"))),
    }
}

/// YAML 1.2 reads an unquoted `run_id: 12345678901234567890123456789e12` (written by PyYAML,
/// which follows YAML 1.1) as a float. Top-level numbers therefore keep their source text.
fn keep_number_text(text: &str, mapping: &mut Mapping) {
    for line in text.lines() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((key, raw)) = line.split_once(':') else {
            continue;
        };
        let raw = raw.trim();
        if let Some(value) = mapping.get_mut(key.trim())
            && value.is_number()
            && !raw.is_empty()
        {
            *value = Value::String(raw.to_string());
        }
    }
}

/// A field as text (strings, numbers and booleans; `None` for null or missing).
pub(crate) fn text(mapping: &Mapping, key: &str) -> Option<String> {
    value_text(mapping.get(key)?)
}

/// A scalar as text.
pub(crate) fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// A field as an integer (numbers or numeric strings).
pub(crate) fn int(mapping: &Mapping, key: &str) -> Option<i64> {
    match mapping.get(key)? {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|f| f as i64)),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Flattens nested mappings into `a/b` keys with scalar values as text (sequences as YAML).
pub(crate) fn flatten(mapping: &Mapping, prefix: &str, out: &mut Vec<(String, String)>) {
    for (key, value) in mapping {
        let Some(key) = value_text(key) else {
            continue;
        };
        let key = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}/{key}")
        };
        match value {
            Value::Mapping(inner) => flatten(inner, &key, out),
            Value::Null => out.push((key, "None".into())),
            Value::Sequence(_) | Value::Tagged(_) => {
                let text = serde_yaml::to_string(value).unwrap_or_default();
                out.push((key, text.trim().to_string()));
            }
            scalar => out.push((key, value_text(scalar).unwrap_or_default())),
        }
    }
}
