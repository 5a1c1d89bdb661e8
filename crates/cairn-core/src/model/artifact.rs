//! Files that belong to a run (its artifacts), as the store indexes them.

/// One artifact file of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactFile {
    /// Path relative to the run's artifact root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// BLAKE3 of the content, lower-case hex, when known.
    pub blake3: Option<String>,
    /// Absolute path of a file indexed in place; `None` when it lives in the store's folder.
    pub location: Option<String>,
    /// Last modification, epoch milliseconds.
    pub modified_ms: Option<i64>,
}
