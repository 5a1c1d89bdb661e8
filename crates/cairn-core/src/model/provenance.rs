//! Where a run came from: its code (git) and its data (content hashes).

/// How Cairn learned a run's git provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitOrigin {
    /// Read from the repository with git.
    Repository,
    /// Only MLflow's `mlflow.source.git.*` tags were available.
    MlflowTags,
}

impl GitOrigin {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            GitOrigin::Repository => "repository",
            GitOrigin::MlflowTags => "mlflow_tags",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<GitOrigin> {
        match text {
            "repository" => Some(GitOrigin::Repository),
            "mlflow_tags" => Some(GitOrigin::MlflowTags),
            _ => None,
        }
    }
}

/// The code a run was trained with.
#[derive(Debug, Clone, PartialEq)]
pub struct GitProvenance {
    /// How this was learned.
    pub origin: GitOrigin,
    /// Repository root on the machine that ran it.
    pub repo_root: Option<String>,
    /// Full HEAD commit id.
    pub commit_sha: Option<String>,
    /// Branch name; `None` when detached or unknown.
    pub branch: Option<String>,
    /// Remote URL with any credentials removed.
    pub remote_url: Option<String>,
    /// Whether tracked files had uncommitted changes; `None` when unknown.
    pub is_dirty: Option<bool>,
    /// Artifact path of the uncommitted diff, when one was saved.
    pub diff_artifact: Option<String>,
    /// Untracked files (names only), sorted.
    pub untracked_files: Vec<String>,
    /// Commit author name.
    pub author_name: Option<String>,
    /// Commit author e-mail.
    pub author_email: Option<String>,
    /// Commit time, epoch milliseconds.
    pub commit_time_ms: Option<i64>,
    /// First line of the commit message.
    pub commit_summary: Option<String>,
}

impl GitProvenance {
    /// Provenance with only an origin; fields are filled by whoever learns them.
    pub fn empty(origin: GitOrigin) -> Self {
        GitProvenance {
            origin,
            repo_root: None,
            commit_sha: None,
            branch: None,
            remote_url: None,
            is_dirty: None,
            diff_artifact: None,
            untracked_files: Vec::new(),
            author_name: None,
            author_email: None,
            commit_time_ms: None,
            commit_summary: None,
        }
    }
}

/// Whether a hashed input is one file or a directory tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// A single file.
    File,
    /// A directory, hashed over its manifest.
    Directory,
}

impl DataKind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::File => "file",
            DataKind::Directory => "directory",
        }
    }
}

/// The content hash of one input of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct DataHash {
    /// The path as given by the user.
    pub path: String,
    /// File or directory.
    pub kind: DataKind,
    /// BLAKE3 root hash, lower-case hex.
    pub root_hash: String,
    /// Total size in bytes.
    pub size_bytes: u64,
    /// Number of regular files.
    pub file_count: u64,
    /// DVC's md5 for the same path, when DVC tracks it.
    pub dvc_md5: Option<String>,
}
