//! A PostgreSQL statement being built: its text and the values bound to its `$n` placeholders.
//! Values never enter the text as it is built; each placeholder carries an explicit cast, so the
//! server knows every parameter's type whatever the expression around it. A finished statement
//! can also be written out whole ([`Statement::inlined`]), each value a dollar-quoted constant
//! whose delimiter its content does not hold, so that a search is prepared once for its own
//! values.

use postgres::types::{ToSql, Type};

/// The longest statement written out with its values: a search with longer values (a filter of
/// whole documents) is sent with them bound instead, and keeps no plan or text on either side.
const MAX_INLINED_BYTES: usize = 16 * 1024;

/// A value bound to one placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SqlValue {
    /// `text`
    Text(String),
    /// `float8`
    Float(f64),
    /// `int8`
    Int(i64),
    /// `text[]`
    TextList(Vec<String>),
    /// `float8[]`
    FloatList(Vec<f64>),
    /// `int8[]`
    IntList(Vec<i64>),
}

impl SqlValue {
    /// The cast that follows the placeholder.
    fn cast(&self) -> &'static str {
        match self {
            SqlValue::Text(_) => "::text",
            SqlValue::Float(_) => "::float8",
            SqlValue::Int(_) => "::int8",
            SqlValue::TextList(_) => "::text[]",
            SqlValue::FloatList(_) => "::float8[]",
            SqlValue::IntList(_) => "::int8[]",
        }
    }

    /// The value with the type it is sent as.
    fn typed(&self) -> (&(dyn ToSql + Sync), Type) {
        match self {
            SqlValue::Text(value) => (value, Type::TEXT),
            SqlValue::Float(value) => (value, Type::FLOAT8),
            SqlValue::Int(value) => (value, Type::INT8),
            SqlValue::TextList(values) => (values, Type::TEXT_ARRAY),
            SqlValue::FloatList(values) => (values, Type::FLOAT8_ARRAY),
            SqlValue::IntList(values) => (values, Type::INT8_ARRAY),
        }
    }
}

/// SQL text with its parameters, numbered from `$1` in the order they were bound.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Statement {
    /// The SQL text.
    pub(crate) sql: String,
    /// The values of `$1`, `$2`...
    pub(crate) params: Vec<SqlValue>,
}

impl Statement {
    /// Appends SQL text.
    pub(crate) fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// Binds `value` and appends its placeholder (with its cast) to the text.
    pub(crate) fn bind(&mut self, value: SqlValue) {
        let placeholder = self.placeholder(value);
        self.sql.push_str(&placeholder);
    }

    /// Binds `value` and returns its placeholder (with its cast), for text written elsewhere.
    pub(crate) fn placeholder(&mut self, value: SqlValue) -> String {
        let cast = value.cast();
        self.params.push(value);
        format!("${}{cast}", self.params.len())
    }

    /// The parameters with their types, for `query_typed` (one round trip, no prepare).
    pub(crate) fn typed_values(&self) -> Vec<(&(dyn ToSql + Sync), Type)> {
        self.params.iter().map(SqlValue::typed).collect()
    }

    /// The text with each placeholder replaced by its value as a dollar-quoted constant (the
    /// cast after it stays): a statement of the same meaning without parameters, which
    /// PostgreSQL plans for these very values and, prepared, plans once. Dollar quoting takes
    /// its content as it is whatever the server's settings (no escapes), and the delimiter is
    /// chosen absent from the content, so no value can end its constant. `None` when a text
    /// holds a NUL, which PostgreSQL text cannot hold (the bound statement then reports it), and
    /// past [`MAX_INLINED_BYTES`].
    pub(crate) fn inlined(&self) -> Option<String> {
        if self.sql.len() > MAX_INLINED_BYTES {
            return None;
        }
        let mut out = String::with_capacity(self.sql.len() + 16 * self.params.len());
        let mut rest = self.sql.as_str();
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let number: usize = rest[at + 1..at + 1 + digits].parse().ok()?;
            let value = self.params.get(number.checked_sub(1)?)?;
            out.push_str(&dollar_quoted(&value.literal()?)?);
            rest = &rest[at + 1 + digits..];
        }
        out.push_str(rest);
        (out.len() <= MAX_INLINED_BYTES).then_some(out)
    }
}

impl SqlValue {
    /// The value as its type's input function reads it (an array as an array literal, every
    /// element double-quoted); `None` for a text holding a NUL.
    fn literal(&self) -> Option<String> {
        let float = |value: f64| {
            if value.is_nan() {
                "NaN".to_owned()
            } else if value.is_infinite() {
                if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
            } else {
                // The shortest text that reads back as the same double.
                format!("{value:?}")
            }
        };
        let array = |elements: Vec<String>| format!("{{{}}}", elements.join(","));
        let element =
            |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
        let text = |text: &str| (!text.contains('\0')).then(|| text.to_owned());
        Some(match self {
            SqlValue::Text(value) => text(value)?,
            SqlValue::Float(value) => float(*value),
            SqlValue::Int(value) => value.to_string(),
            SqlValue::TextList(values) => array(
                values
                    .iter()
                    .map(|value| text(value).map(|value| element(&value)))
                    .collect::<Option<_>>()?,
            ),
            SqlValue::FloatList(values) => {
                array(values.iter().map(|value| element(&float(*value))).collect())
            }
            SqlValue::IntList(values) => array(values.iter().map(i64::to_string).collect()),
        })
    }
}

/// `content` between `$cN$` delimiters whose `N` is past every `$c` + digits it holds (or
/// `$c$` when it holds no `$c`): read in one pass, so no text in the content can open or end
/// the delimiter early. `None` for a run of digits too long to number.
fn dollar_quoted(content: &str) -> Option<String> {
    let mut highest: Option<u64> = None;
    let mut rest = content;
    while let Some(at) = rest.find("$c") {
        let after = &rest[at + 2..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let number = if digits == 0 {
            0
        } else {
            after[..digits].parse::<u64>().ok()?.checked_add(1)?
        };
        highest = Some(highest.map_or(number, |seen| seen.max(number)));
        rest = &rest[at + 2..];
    }
    // A `$c` without digits counts as 0 and one with digits N as N + 1, so the tag's number is
    // past every number the content holds: no `$cN` in it can be the tag or begin with it.
    let tag = match highest {
        None => "$c$".to_owned(),
        Some(past) => format!("$c{past}$"),
    };
    let quoted = format!("{tag}{content}{tag}");
    // What the choice guarantees, checked as PostgreSQL reads it: the first closing delimiter
    // after the opening one is the one put at the end.
    (quoted[tag.len()..].find(&tag) == Some(content.len())).then_some(quoted)
}
