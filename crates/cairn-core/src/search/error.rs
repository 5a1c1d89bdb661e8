//! The one error type of the search grammar: where in the input the problem is, and what was
//! expected there.

/// A filter or order_by string that cannot be used, with the byte offset of the problem.
///
/// Displays as `at position 17: expected a comparison operator after 'metrics.acc', found 'foo'`.
/// The server maps every `SearchError` to MLflow's `INVALID_PARAMETER_VALUE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at position {position}: {message}")]
pub struct SearchError {
    /// Byte offset in the input where the problem starts (the input's length for "end of input").
    pub position: usize,
    /// What was expected and what was found; lower-case, no trailing period.
    pub message: String,
}

impl SearchError {
    pub(crate) fn new(position: usize, message: impl Into<String>) -> Self {
        Self {
            position,
            message: message.into(),
        }
    }
}
