//! A PostgreSQL statement being built: its text and the values bound to its `$n` placeholders.
//! Values never enter the text as it is built; each placeholder carries an explicit cast, so the
//! server knows every parameter's type whatever the expression around it. A finished statement
//! can also be written out whole ([`Statement::inlined`]), each value a dollar-quoted constant
//! whose delimiter its content does not hold, so that a search is prepared once for its own
//! values.

use postgres::types::{ToSql, Type};

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
    /// holds a NUL, which PostgreSQL text cannot hold (the bound statement then reports it).
    pub(crate) fn inlined(&self) -> Option<String> {
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
            out.push_str(&dollar_quoted(&value.literal()?));
            rest = &rest[at + 1 + digits..];
        }
        out.push_str(rest);
        Some(out)
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

/// `content` between `$c$` delimiters, or `$c1$`, `$c2$`... the first whose closing delimiter
/// is first found where it is put (PostgreSQL ends the constant at the first one after the
/// opening).
fn dollar_quoted(content: &str) -> String {
    let mut next = 0_u32;
    loop {
        let tag = if next == 0 {
            "$c$".to_owned()
        } else {
            format!("$c{next}$")
        };
        let quoted = format!("{tag}{content}{tag}");
        if quoted[tag.len()..].find(&tag) == Some(content.len()) {
            return quoted;
        }
        next += 1;
    }
}
