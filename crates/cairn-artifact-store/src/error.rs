//! What can go wrong with an artifact's bytes, whichever store holds them: the caller's mistake
//! (a missing artifact, a refused key), the store being out of reach or refusing this server's
//! credentials (each naming the store, never the credentials), or a local I/O failure.

use std::fmt;

/// An artifact storage failure; each names what it is about.
#[derive(Debug)]
pub enum ArtifactError {
    /// No artifact (or folder) at that key.
    NotFound(String),
    /// The key or the request cannot be served as asked (`..`, a folder where a file is wanted,
    /// a range past the end...).
    Invalid(String),
    /// The store cannot be reached now (stopped, timed out, answering 5xx); it may come back.
    Unavailable {
        /// The store, e.g. `S3 bucket 'b' at http://127.0.0.1:8333`.
        store: String,
        /// What failed.
        detail: String,
    },
    /// The store refused this server's credentials or denied access.
    Denied {
        /// The store.
        store: String,
        /// What was refused.
        detail: String,
    },
    /// A local file operation failed (`doing` says which).
    Io {
        /// What was being done, naming the artifact.
        doing: String,
        /// The file system's error.
        error: std::io::Error,
    },
    /// Anything else the store answered.
    Failed(String),
}

impl ArtifactError {
    /// A local I/O failure while `doing` something.
    pub fn io(doing: impl Into<String>, error: std::io::Error) -> ArtifactError {
        ArtifactError::Io {
            doing: doing.into(),
            error,
        }
    }

    /// Whether the store itself is unreachable (rather than the request being wrong).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, ArtifactError::Unavailable { .. })
    }
}

impl fmt::Display for ArtifactError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArtifactError::NotFound(message)
            | ArtifactError::Invalid(message)
            | ArtifactError::Failed(message) => formatter.write_str(message),
            ArtifactError::Unavailable { store, detail } => write!(
                formatter,
                "the artifact store ({store}) cannot be reached: {detail}"
            ),
            ArtifactError::Denied { store, detail } => write!(
                formatter,
                "the artifact store ({store}) denied access: {detail}; check the server's \
                 AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and the bucket's permissions"
            ),
            ArtifactError::Io { doing, error } => write!(formatter, "{doing}: {error}"),
        }
    }
}

impl std::error::Error for ArtifactError {}
