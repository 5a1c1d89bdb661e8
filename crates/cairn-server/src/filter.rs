//! The small filter language of experiment and registry searches (`name LIKE 'a%' AND
//! tags.team = 'x'`): clauses joined by AND, compared against fields a caller resolves.

use crate::error::ApiError;

/// One `field op value` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The field, e.g. `name` or `tags.team` (prefix normalised to `tags.`).
    pub field: String,
    /// `=`, `!=`, `LIKE`, `ILIKE`, `<`, `<=`, `>`, `>=`, `IN`.
    pub op: String,
    /// The value(s), unquoted.
    pub values: Vec<String>,
}

/// Parses a filter; empty text is no clause.
pub fn parse(text: &str) -> Result<Vec<Clause>, ApiError> {
    let tokens = tokenize(text)?;
    let mut clauses = Vec::new();
    let mut rest = tokens.as_slice();
    while !rest.is_empty() {
        let [field, op, tail @ ..] = rest else {
            return Err(invalid(text));
        };
        let op = op.to_ascii_uppercase();
        let (values, tail) = if op == "IN" || op == "NOT" {
            let start = tail
                .iter()
                .position(|t| t == "(")
                .ok_or_else(|| invalid(text))?;
            let end = tail
                .iter()
                .position(|t| t == ")")
                .ok_or_else(|| invalid(text))?;
            let values = tail[start + 1..end]
                .iter()
                .filter(|t| *t != ",")
                .map(|t| unquote(t))
                .collect();
            (values, &tail[end + 1..])
        } else {
            let [value, tail @ ..] = tail else {
                return Err(invalid(text));
            };
            (vec![unquote(value)], tail)
        };
        let field = normalise_field(&unquote(field));
        clauses.push(Clause {
            field,
            op: if op == "NOT" { "NOT IN".into() } else { op },
            values,
        });
        rest = match tail {
            [] => tail,
            [and, tail @ ..] if and.eq_ignore_ascii_case("and") => tail,
            _ => return Err(invalid(text)),
        };
    }
    Ok(clauses)
}

fn invalid(text: &str) -> ApiError {
    ApiError::invalid(format!("invalid filter '{text}'"))
}

fn normalise_field(field: &str) -> String {
    for prefix in ["tags.", "tag."] {
        if let Some(key) = field.strip_prefix(prefix) {
            return format!("tags.{}", unquote(key));
        }
    }
    field.to_string()
}

fn unquote(token: &str) -> String {
    let bytes = token.as_bytes();
    if bytes.len() >= 2 {
        let (first, last) = (bytes[0], bytes[bytes.len() - 1]);
        if first == last && matches!(first, b'\'' | b'"' | b'`') {
            return token[1..token.len() - 1].to_string();
        }
    }
    token.to_string()
}

fn tokenize(text: &str) -> Result<Vec<String>, ApiError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        if c.is_whitespace() {
            index += 1;
        } else if matches!(c, '\'' | '"' | '`') {
            let end = chars[index + 1..]
                .iter()
                .position(|&d| d == c)
                .ok_or_else(|| invalid(text))?;
            tokens.push(chars[index..index + end + 2].iter().collect());
            index += end + 2;
        } else if matches!(c, '(' | ')' | ',') {
            tokens.push(c.to_string());
            index += 1;
        } else if matches!(c, '=' | '!' | '<' | '>') {
            let two = chars.get(index + 1) == Some(&'=');
            tokens.push(
                chars[index..index + if two { 2 } else { 1 }]
                    .iter()
                    .collect(),
            );
            index += if two { 2 } else { 1 };
        } else {
            let start = index;
            let mut quote = None;
            while index < chars.len() {
                let d = chars[index];
                match quote {
                    Some(q) if d == q => quote = None,
                    Some(_) => {}
                    None if matches!(d, '`' | '"') => quote = Some(d),
                    None if d.is_whitespace()
                        || matches!(d, '=' | '!' | '<' | '>' | '(' | ')' | ',') =>
                    {
                        break;
                    }
                    None => {}
                }
                index += 1;
            }
            tokens.push(chars[start..index].iter().collect());
        }
    }
    Ok(tokens)
}

/// Whether every clause holds; `lookup` gives a field's value (None when absent).
pub fn matches(clauses: &[Clause], lookup: impl Fn(&str) -> Option<String>) -> bool {
    clauses.iter().all(|clause| {
        let value = lookup(&clause.field);
        let wanted = clause.values.first().map(String::as_str).unwrap_or("");
        match (clause.op.as_str(), value) {
            ("!=", None) => true,
            (_, None) => false,
            ("=", Some(v)) => v == wanted,
            ("!=", Some(v)) => v != wanted,
            ("LIKE", Some(v)) => like(&v, wanted, false),
            ("ILIKE", Some(v)) => like(&v, wanted, true),
            ("IN", Some(v)) => clause.values.contains(&v),
            ("NOT IN", Some(v)) => !clause.values.contains(&v),
            (op, Some(v)) => match (v.parse::<f64>(), wanted.parse::<f64>()) {
                (Ok(left), Ok(right)) => match op {
                    "<" => left < right,
                    "<=" => left <= right,
                    ">" => left > right,
                    ">=" => left >= right,
                    _ => false,
                },
                _ => false,
            },
        }
    })
}

/// SQL LIKE: `%` any run, `_` any one character.
fn like(value: &str, pattern: &str, ignore_case: bool) -> bool {
    let (value, pattern) = if ignore_case {
        (value.to_lowercase(), pattern.to_lowercase())
    } else {
        (value.to_string(), pattern.to_string())
    };
    let value: Vec<char> = value.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    fn go(value: &[char], pattern: &[char]) -> bool {
        match pattern.split_first() {
            None => value.is_empty(),
            Some(('%', rest)) => (0..=value.len()).any(|skip| go(&value[skip..], rest)),
            Some(('_', rest)) => !value.is_empty() && go(&value[1..], rest),
            Some((c, rest)) => value.first() == Some(c) && go(&value[1..], rest),
        }
    }
    go(&value, &pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_exclusion_clause_matches_models_without_the_tag() {
        let clauses = parse("name LIKE 'my%' AND tag.`mlflow.prompt.is_prompt` != 'true'").unwrap();
        assert_eq!(clauses.len(), 2);
        assert_eq!(clauses[1].field, "tags.mlflow.prompt.is_prompt");
        assert!(matches(&clauses, |f| (f == "name").then(|| "my-model".to_string())));
        assert!(!matches(&clauses, |f| (f == "name").then(|| "other".to_string())));
    }

    #[test]
    fn in_lists_and_numbers() {
        let clauses = parse("run_id IN ('a', 'b') and version_number >= 2").unwrap();
        assert!(matches(&clauses, |f| match f {
            "run_id" => Some("b".into()),
            "version_number" => Some("3".into()),
            _ => None,
        }));
    }
}
