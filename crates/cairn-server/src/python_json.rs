//! A JSON value written as MLflow's Python server writes it into messages —
//! `json.dumps(value, sort_keys=True, separators=(",", ":"))` — and named by Python's type
//! names (`int`, `str`, `list`...), so quoted values read the same from both servers.

use serde_json::Value;

/// Python's name for the type a JSON value is parsed into.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(number) if number.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// `json.dumps(value, sort_keys=True, separators=(",", ":"))`: compact, keys sorted, non-ASCII
/// escaped, floats as Python's `repr`.
pub fn dumps(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out, Separators::COMPACT);
    out
}

/// `json.dumps(value)` with Python's default separators `", "` and `": "` (keys sorted).
pub fn dumps_spaced(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out, Separators::SPACED);
    out
}

#[derive(Clone, Copy)]
struct Separators {
    item: &'static str,
    key: &'static str,
}

impl Separators {
    const COMPACT: Separators = Separators {
        item: ",",
        key: ":",
    };
    const SPACED: Separators = Separators {
        item: ", ",
        key: ": ",
    };
}

fn write(value: &Value, out: &mut String, separators: Separators) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(int), _, _) => out.push_str(&int.to_string()),
            (_, Some(int), _) => out.push_str(&int.to_string()),
            (_, _, Some(float)) => out.push_str(&float_repr(float)),
            _ => out.push_str(&number.to_string()),
        },
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(separators.item);
                }
                write(item, out, separators);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push_str(separators.item);
                }
                write_string(key, out);
                out.push_str(separators.key);
                write(item, out, separators);
            }
            out.push('}');
        }
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr` of a float: the shortest round-tripping digits, in exponent form below 1e-4
/// and from 1e16 (`1e+30`, `1e-07`), with `.0` on whole numbers otherwise.
fn float_repr(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // `{:e}` gives the shortest round-tripping digits, e.g. `1.5e-7`.
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let plain = format!("{value}");
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{dumps, dumps_spaced, type_name};

    #[test]
    fn values_are_written_as_python_writes_them() {
        let cases = [
            (json!(31), "31", "int"),
            (json!(5.0), "5.0", "float"),
            (json!(0.1), "0.1", "float"),
            (json!(1e30), "1e+30", "float"),
            (json!(1.5e-7), "1.5e-07", "float"),
            (
                json!(9_223_372_036_854_775_808u64),
                "9223372036854775808",
                "int",
            ),
            (json!("0"), "\"0\"", "str"),
            (json!("é\n"), "\"\\u00e9\\n\"", "str"),
            (json!(true), "true", "bool"),
            (json!(null), "null", "NoneType"),
            (json!([1, "a"]), "[1,\"a\"]", "list"),
            (
                json!({"value": 1, "key": "k"}),
                "{\"key\":\"k\",\"value\":1}",
                "dict",
            ),
        ];
        for (value, written, name) in cases {
            assert_eq!(dumps(&value), written, "{value}");
            assert_eq!(type_name(&value), name, "{value}");
        }
        assert_eq!(
            dumps_spaced(&json!([{"version": 1, "name": "m"}])),
            "[{\"name\": \"m\", \"version\": 1}]"
        );
    }
}
