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

/// Whether a `runs` column has an index of the trigrams of its ASCII-folded text (migration 0012,
/// when PostgreSQL's `pg_trgm` is installed), which finds the candidates of LIKE and ILIKE on it.
pub(super) fn indexed_by_trigrams(column: &str) -> bool {
    column == "r.name"
}

/// Whether the trigram index can narrow a LIKE or ILIKE with this folded pattern: only when three
/// letters or digits stand together in it. A pattern without (`%ab%`, `a_b%`) gives the index
/// no trigram to look up, and PostgreSQL would read the whole index (80–130 ms over 200,000
/// runs) where a walk of the experiment's runs takes 30–50.
pub(super) fn narrows_by_trigrams(pattern: &str) -> bool {
    pattern
        .as_bytes()
        .split(|byte| !byte.is_ascii_alphanumeric())
        .any(|run| run.len() >= 3)
}
