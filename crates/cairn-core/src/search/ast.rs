//! The parsed form of a run filter and of an order_by entry. The parser only builds values that
//! MLflow's type rules allow (a metric compares with a number, a param with a string...); the
//! SQL compiler still accepts any value without panicking.

use std::fmt;

/// A byte range `start..end` in the input string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

/// A filter: comparisons combined with AND and OR (OR and parentheses are Cairn's extension;
/// MLflow accepts only AND).
///
/// `F` is what a comparison names: a run's [`Field`] by default, an
/// [`EntityField`](super::EntityField) for the other searchable entities.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter<F = Field> {
    /// Every child holds. Has at least two children, none of them an `And`.
    And(Vec<Filter<F>>),
    /// At least one child holds. Has at least two children, none of them an `Or`.
    Or(Vec<Filter<F>>),
    /// One comparison.
    Compare(Comparison<F>),
}

/// One condition on one field: `metrics.acc > 0.9`, `params.lr IS NULL`, `run_id IN ('a')`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison<F = Field> {
    /// What is compared.
    pub field: F,
    /// How it is compared.
    pub predicate: Predicate,
    /// Where the comparison was written, from the field's first byte to the value's last.
    pub span: Span,
}

/// Something a run can be filtered or ordered by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    /// The latest value of a metric (`metrics.<key>`).
    Metric(String),
    /// A param (`params.<key>`).
    Param(String),
    /// A tag (`tags.<key>`).
    Tag(String),
    /// A column of the run itself (`attributes.<name>` or a bare name).
    Attribute(RunAttribute),
    /// A property of one of the run's input datasets (`datasets.<name>`); filters only.
    Dataset(DatasetField),
}

/// The searchable columns of a run, as MLflow's `RunInfo` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunAttribute {
    /// `run_id`: the run's uuid.
    RunId,
    /// `run_name` (also written `"run name"`).
    RunName,
    /// `user_id`.
    UserId,
    /// `status`: RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.
    Status,
    /// `artifact_uri`.
    ArtifactUri,
    /// `start_time` (also written `created`), epoch milliseconds.
    StartTime,
    /// `end_time`, epoch milliseconds; absent while a run is running.
    EndTime,
}

impl RunAttribute {
    /// Every attribute, in the order error messages list them.
    pub const ALL: [RunAttribute; 7] = [
        RunAttribute::RunId,
        RunAttribute::RunName,
        RunAttribute::UserId,
        RunAttribute::Status,
        RunAttribute::ArtifactUri,
        RunAttribute::StartTime,
        RunAttribute::EndTime,
    ];

    /// The name MLflow gives the attribute.
    pub fn name(self) -> &'static str {
        match self {
            RunAttribute::RunId => "run_id",
            RunAttribute::RunName => "run_name",
            RunAttribute::UserId => "user_id",
            RunAttribute::Status => "status",
            RunAttribute::ArtifactUri => "artifact_uri",
            RunAttribute::StartTime => "start_time",
            RunAttribute::EndTime => "end_time",
        }
    }

    /// Whether the attribute is a number (compared with `< <= > >= = !=`) rather than a string.
    pub fn is_numeric(self) -> bool {
        matches!(self, RunAttribute::StartTime | RunAttribute::EndTime)
    }
}

/// The properties of a run's input dataset that a filter can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatasetField {
    /// The dataset's name.
    Name,
    /// The dataset's digest.
    Digest,
    /// The input's `mlflow.data.context` tag (`train`, `eval`...).
    Context,
}

impl DatasetField {
    /// The name used after `datasets.`.
    pub fn name(self) -> &'static str {
        match self {
            DatasetField::Name => "name",
            DatasetField::Digest => "digest",
            DatasetField::Context => "context",
        }
    }
}

/// The test applied to a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `field <op> value`.
    Compare {
        /// The operator.
        op: CompareOp,
        /// The value on the right.
        value: Literal,
    },
    /// `field IN ('a', 'b')`: the list is never empty.
    In(Vec<String>),
    /// `field NOT IN ('a', 'b')`: the list is never empty.
    NotIn(Vec<String>),
    /// `field IS NULL`: the run has no such param or tag.
    IsNull,
    /// `field IS NOT NULL`: the run has the param or tag.
    IsNotNull,
}

/// A binary comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `LIKE`: case-sensitive pattern, `%` any run of characters, `_` one character.
    Like,
    /// `ILIKE`: like `LIKE` but ignoring case.
    ILike,
}

impl CompareOp {
    /// The operator as it is written in a filter.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::NotEq => "!=",
            CompareOp::Lt => "<",
            CompareOp::LtEq => "<=",
            CompareOp::Gt => ">",
            CompareOp::GtEq => ">=",
            CompareOp::Like => "LIKE",
            CompareOp::ILike => "ILIKE",
        }
    }
}

/// A value on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A number (metrics, start_time, end_time).
    Number(f64),
    /// A string, quotes removed (params, tags, string attributes, datasets).
    Text(String),
}

/// One entry of an order_by list: `metrics.acc DESC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    /// What to order by; never a [`Field::Dataset`] when made by the parser.
    pub field: Field,
    /// Largest first. Missing values (and NaN metrics) come last either way.
    pub descending: bool,
}

/// Writes the filter back in the grammar, normalised: prefixes spelled `metrics.`, `params.`,
/// `tags.`, `attributes.`, `datasets.`; keywords in capitals; strings in single quotes.
/// Parsing the output gives the same filter (spans aside).
impl<F: fmt::Display> fmt::Display for Filter<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::And(children) => write_joined(f, children, " AND ", |child| {
                matches!(child, Filter::Or(_) | Filter::And(_))
            }),
            // AND binds tighter, so the parentheses around an AND inside OR are only for the reader.
            Filter::Or(children) => write_joined(f, children, " OR ", |child| {
                matches!(child, Filter::Or(_) | Filter::And(_))
            }),
            Filter::Compare(comparison) => write!(f, "{comparison}"),
        }
    }
}

fn write_joined<F: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    children: &[Filter<F>],
    separator: &str,
    needs_parentheses: impl Fn(&Filter<F>) -> bool,
) -> fmt::Result {
    for (index, child) in children.iter().enumerate() {
        if index > 0 {
            f.write_str(separator)?;
        }
        if needs_parentheses(child) {
            write!(f, "({child})")?;
        } else {
            write!(f, "{child}")?;
        }
    }
    Ok(())
}

impl<F: fmt::Display> fmt::Display for Comparison<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.field)?;
        match &self.predicate {
            Predicate::Compare { op, value } => write!(f, "{} {value}", op.as_str()),
            Predicate::In(values) => write!(f, "IN ({})", quoted_list(values)),
            Predicate::NotIn(values) => write!(f, "NOT IN ({})", quoted_list(values)),
            Predicate::IsNull => f.write_str("IS NULL"),
            Predicate::IsNotNull => f.write_str("IS NOT NULL"),
        }
    }
}

fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|value| single_quoted(value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Whole numbers print without a fraction; others in `{:?}`, the shortest exact form,
            // with exponents for huge or tiny numbers; infinities as numbers too large for a
            // double.
            Literal::Number(number) if number.is_infinite() => {
                f.write_str(if *number > 0.0 { "1e999" } else { "-1e999" })
            }
            Literal::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                write!(f, "{number:.0}")
            }
            Literal::Number(number) => write!(f, "{number:?}"),
            Literal::Text(text) => f.write_str(&single_quoted(text)),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Metric(key) => write!(f, "metrics.{}", name_for_display(key)),
            Field::Param(key) => write!(f, "params.{}", name_for_display(key)),
            Field::Tag(key) => write!(f, "tags.{}", name_for_display(key)),
            Field::Attribute(attribute) => write!(f, "attributes.{}", attribute.name()),
            Field::Dataset(field) => write!(f, "datasets.{}", field.name()),
        }
    }
}

impl fmt::Display for OrderBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.field,
            if self.descending { "DESC" } else { "ASC" }
        )
    }
}

/// A key as written after a prefix: bare when it is a plain name (`acc`, `mlflow.runName`),
/// otherwise in backticks.
pub(crate) fn name_for_display(key: &str) -> String {
    let is_plain_part =
        |part: &str| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_');
    if key.split('.').all(is_plain_part) {
        key.to_owned()
    } else {
        format!("`{}`", key.replace('`', "``"))
    }
}
