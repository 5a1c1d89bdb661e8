//! Git provenance of a path: read-only inspection of the repository that contains it.

use std::path::{Path, PathBuf};

use git2::{DiffFormat, DiffOptions, ErrorCode, Repository, Status, StatusOptions};

use crate::error::ProvenanceError;

/// What git knows about the code at a path.
#[derive(Debug, Clone, PartialEq)]
pub enum GitLookup {
    /// The path is not inside any git repository (not an error).
    NoRepository,
    /// The path is inside a repository (or one of its worktrees).
    Found(Box<GitSnapshot>),
}

/// The state of a repository's working tree, as read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct GitSnapshot {
    /// Root of the working tree (for a linked worktree, the worktree's own root).
    pub repo_root: PathBuf,
    /// Full HEAD commit id; `None` on a branch with no commit yet.
    pub commit_sha: Option<String>,
    /// Branch name; `None` when HEAD is detached.
    pub branch: Option<String>,
    /// URL of `origin` (else the first remote), credentials removed.
    pub remote_url: Option<String>,
    /// Whether tracked files differ from HEAD (staged or not); untracked files don't count.
    pub is_dirty: bool,
    /// Unified patch of uncommitted changes to tracked files, HEAD → working tree; empty when clean.
    pub diff_patch: String,
    /// Untracked, non-ignored files, relative to the root, sorted.
    pub untracked_files: Vec<String>,
    /// HEAD commit's author name.
    pub author_name: Option<String>,
    /// HEAD commit's author e-mail.
    pub author_email: Option<String>,
    /// HEAD commit's author time, epoch milliseconds.
    pub commit_time_ms: Option<i64>,
    /// First line of HEAD commit's message.
    pub commit_summary: Option<String>,
}

/// Reads the git provenance of `path` (a file or directory). Never writes to the repository.
pub fn inspect(path: &Path) -> Result<GitLookup, ProvenanceError> {
    let git_error = |source: git2::Error| ProvenanceError::Git {
        path: path.to_path_buf(),
        source,
    };
    let repository = match Repository::discover(path) {
        Ok(repository) => repository,
        Err(error) if error.code() == ErrorCode::NotFound => return Ok(GitLookup::NoRepository),
        Err(error) => return Err(git_error(error)),
    };
    let Some(workdir) = repository.workdir() else {
        // A bare repository has no working tree to run code from.
        return Ok(GitLookup::NoRepository);
    };
    let repo_root = workdir.to_path_buf().components().collect::<PathBuf>();

    let head = match repository.head() {
        Ok(head) => Some(head),
        Err(error) if matches!(error.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(error) => return Err(git_error(error)),
    };
    let detached = repository.head_detached().unwrap_or(false);
    let branch = if detached {
        None
    } else {
        match &head {
            Some(head) => head.shorthand().map(str::to_string),
            // Unborn branch: HEAD still names it.
            None => repository
                .find_reference("HEAD")
                .ok()
                .and_then(|reference| reference.symbolic_target().map(str::to_string))
                .map(|target| target.trim_start_matches("refs/heads/").to_string()),
        }
    };
    let commit = head.as_ref().and_then(|head| head.peel_to_commit().ok());

    let mut snapshot = GitSnapshot {
        repo_root,
        commit_sha: commit.as_ref().map(|commit| commit.id().to_string()),
        branch,
        remote_url: remote_url(&repository),
        is_dirty: false,
        diff_patch: String::new(),
        untracked_files: Vec::new(),
        author_name: None,
        author_email: None,
        commit_time_ms: None,
        commit_summary: None,
    };
    if let Some(commit) = &commit {
        let author = commit.author();
        snapshot.author_name = author.name().map(str::to_string);
        snapshot.author_email = author.email().map(str::to_string);
        snapshot.commit_time_ms = Some(author.when().seconds() * 1000);
        snapshot.commit_summary = commit.summary().map(str::to_string);
    }

    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = repository.statuses(Some(&mut options)).map_err(git_error)?;
    let tracked_change = Status::INDEX_NEW
        | Status::INDEX_MODIFIED
        | Status::INDEX_DELETED
        | Status::INDEX_RENAMED
        | Status::INDEX_TYPECHANGE
        | Status::WT_MODIFIED
        | Status::WT_DELETED
        | Status::WT_RENAMED
        | Status::WT_TYPECHANGE;
    for entry in statuses.iter() {
        let status = entry.status();
        if status.intersects(tracked_change) {
            snapshot.is_dirty = true;
        }
        if status.contains(Status::WT_NEW)
            && let Some(name) = entry.path()
        {
            snapshot.untracked_files.push(name.to_string());
        }
    }
    snapshot.untracked_files.sort();

    if snapshot.is_dirty {
        let head_tree = commit.as_ref().and_then(|commit| commit.tree().ok());
        let mut diff_options = DiffOptions::new();
        diff_options
            .include_untracked(false)
            .ignore_submodules(true);
        let diff = repository
            .diff_tree_to_workdir_with_index(head_tree.as_ref(), Some(&mut diff_options))
            .map_err(git_error)?;
        let mut patch = Vec::new();
        diff.print(DiffFormat::Patch, |_delta, _hunk, line| {
            if matches!(line.origin(), '+' | '-' | ' ') {
                patch.push(line.origin() as u8);
            }
            patch.extend_from_slice(line.content());
            true
        })
        .map_err(git_error)?;
        snapshot.diff_patch = String::from_utf8_lossy(&patch).into_owned();
    }
    Ok(GitLookup::Found(Box::new(snapshot)))
}

fn remote_url(repository: &Repository) -> Option<String> {
    let remote = repository.find_remote("origin").ok().or_else(|| {
        let names = repository.remotes().ok()?;
        let first = names.iter().flatten().next()?.to_string();
        repository.find_remote(&first).ok()
    })?;
    remote.url().map(strip_credentials)
}

/// Removes `user:password@` (or a bare token `user@`) from a URL with a scheme; scp-like
/// `git@host:path` addresses carry no secret and are kept as they are.
pub fn strip_credentials(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let after_scheme = &url[scheme_end + 3..];
    let authority_end = after_scheme.find('/').unwrap_or(after_scheme.len());
    let authority = &after_scheme[..authority_end];
    match authority.rfind('@') {
        Some(at) => format!(
            "{}{}{}",
            &url[..scheme_end + 3],
            &authority[at + 1..],
            &after_scheme[authority_end..]
        ),
        None => url.to_string(),
    }
}
