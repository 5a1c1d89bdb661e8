//! The `runs` columns behind a run's searchable attributes, and what kind of value each holds.

use crate::search::RunAttribute;

/// How a column's values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ColumnKind {
    /// `text`: compared by bytes.
    Text,
    /// `float8` (a metric's latest value).
    Float,
    /// `int8` (start and end times); `NULL` when absent.
    Integer,
}

/// The column of `runs` holding an attribute, and its kind.
pub(super) fn attribute_column(attribute: RunAttribute) -> (&'static str, ColumnKind) {
    match attribute {
        RunAttribute::RunId => ("run_uuid", ColumnKind::Text),
        RunAttribute::RunName => ("name", ColumnKind::Text),
        RunAttribute::UserId => ("user_id", ColumnKind::Text),
        RunAttribute::Status => ("status", ColumnKind::Text),
        RunAttribute::ArtifactUri => ("artifact_uri", ColumnKind::Text),
        RunAttribute::StartTime => ("start_time_ms", ColumnKind::Integer),
        RunAttribute::EndTime => ("end_time_ms", ColumnKind::Integer),
    }
}

/// Whether a `runs` column's index holds its values' byte order (`COLLATE "C"`, migration
/// 0011): equality on it is then written in that collation too, which is the same test (every
/// collation PostgreSQL offers here is deterministic) and lets the index find the value.
pub(super) fn indexed_by_bytes(column: &str) -> bool {
    column == "r.name"
}
