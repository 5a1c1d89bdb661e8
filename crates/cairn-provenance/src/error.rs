//! Errors of provenance collection; each names the path it concerns.

use std::path::PathBuf;

/// Why provenance could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    /// libgit2 failed on a repository it found.
    #[error("reading git repository at {path}")]
    Git {
        /// The path whose repository was being read.
        path: PathBuf,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
    /// A file or directory could not be read.
    #[error("{action} {path}")]
    Io {
        /// What was being done, e.g. "reading".
        action: &'static str,
        /// The path concerned.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file name is not UTF-8 and cannot appear in a manifest.
    #[error("file name is not UTF-8: {path}")]
    NonUtf8Name {
        /// The offending path.
        path: PathBuf,
    },
}
