//! A PostgreSQL statement being built: its text and the values bound to its `$n` placeholders.
//! Values never enter the text; each placeholder carries an explicit cast, so the server knows
//! every parameter's type whatever the expression around it.

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
}
