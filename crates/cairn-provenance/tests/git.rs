//! Git provenance against real repositories made with the `git` command.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failure is a test failure"
)]

use std::fs;
use std::path::Path;
use std::process::Command;

use cairn_provenance::{GitLookup, GitSnapshot, inspect_git, strip_credentials};

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-02T03:04:05Z")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A repository with one commit on `main`: `train.py` and `README`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    fs::write(dir.path().join("train.py"), "print('hi')\n").unwrap();
    fs::write(dir.path().join("README"), "readme\n").unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "first commit\n\nbody"]);
    dir
}

fn found(path: &Path) -> GitSnapshot {
    match inspect_git(path).unwrap() {
        GitLookup::Found(snapshot) => *snapshot,
        GitLookup::NoRepository => panic!("no repository at {}", path.display()),
    }
}

#[test]
fn clean_repository_without_remote() {
    let dir = repository();
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    let snapshot = found(dir.path());
    assert_eq!(snapshot.repo_root, dir.path().canonicalize().unwrap());
    assert_eq!(snapshot.commit_sha.as_deref(), Some(head.as_str()));
    assert_eq!(snapshot.branch.as_deref(), Some("main"));
    assert_eq!(snapshot.remote_url, None);
    assert!(!snapshot.is_dirty);
    assert_eq!(snapshot.diff_patch, "");
    assert!(snapshot.untracked_files.is_empty());
    assert_eq!(snapshot.author_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(snapshot.author_email.as_deref(), Some("ada@example.com"));
    assert_eq!(snapshot.commit_time_ms, Some(1_704_164_645_000));
    assert_eq!(snapshot.commit_summary.as_deref(), Some("first commit"));
}

#[test]
fn dirty_tracked_files_give_a_patch_and_untracked_files_are_listed() {
    let dir = repository();
    let index_before = fs::read(dir.path().join(".git/index")).unwrap();
    fs::write(dir.path().join("train.py"), "print('changed')\n").unwrap();
    fs::create_dir(dir.path().join("outputs")).unwrap();
    fs::write(dir.path().join("outputs/model.bin"), "x").unwrap();
    fs::write(dir.path().join("notes.txt"), "n").unwrap();
    let snapshot = found(&dir.path().join("outputs"));
    assert!(snapshot.is_dirty);
    assert!(
        snapshot.diff_patch.contains("-print('hi')\n"),
        "{}",
        snapshot.diff_patch
    );
    assert!(
        snapshot.diff_patch.contains("+print('changed')\n"),
        "{}",
        snapshot.diff_patch
    );
    assert!(
        snapshot
            .diff_patch
            .contains("diff --git a/train.py b/train.py")
    );
    assert!(!snapshot.diff_patch.contains("notes.txt"));
    assert_eq!(
        snapshot.untracked_files,
        vec!["notes.txt", "outputs/model.bin"]
    );
    // Never writes to the repository.
    assert_eq!(
        fs::read(dir.path().join(".git/index")).unwrap(),
        index_before
    );
}

#[test]
fn untracked_files_alone_are_not_dirty() {
    let dir = repository();
    fs::write(dir.path().join("scratch.txt"), "s").unwrap();
    let snapshot = found(dir.path());
    assert!(!snapshot.is_dirty);
    assert_eq!(snapshot.untracked_files, vec!["scratch.txt"]);
}

#[test]
fn staged_change_is_dirty() {
    let dir = repository();
    fs::write(dir.path().join("new.py"), "new\n").unwrap();
    git(dir.path(), &["add", "new.py"]);
    let snapshot = found(dir.path());
    assert!(snapshot.is_dirty);
    assert!(snapshot.diff_patch.contains("+new\n"));
}

#[test]
fn detached_head_has_no_branch() {
    let dir = repository();
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    git(dir.path(), &["checkout", "-q", "--detach", "HEAD"]);
    let snapshot = found(dir.path());
    assert_eq!(snapshot.branch, None);
    assert_eq!(snapshot.commit_sha.as_deref(), Some(head.as_str()));
}

#[test]
fn remote_credentials_are_stripped() {
    let dir = repository();
    git(
        dir.path(),
        &[
            "remote",
            "add",
            "origin",
            "https://alice:s3cret@github.com/acme/model.git",
        ],
    );
    let snapshot = found(dir.path());
    assert_eq!(
        snapshot.remote_url.as_deref(),
        Some("https://github.com/acme/model.git")
    );
}

#[test]
fn strip_credentials_cases() {
    assert_eq!(strip_credentials("https://tok@host/x"), "https://host/x");
    assert_eq!(strip_credentials("ssh://git@host:22/x"), "ssh://host:22/x");
    assert_eq!(
        strip_credentials("git@github.com:a/b.git"),
        "git@github.com:a/b.git"
    );
    assert_eq!(strip_credentials("https://host/a@b"), "https://host/a@b");
}

#[test]
fn linked_worktree_reports_its_own_root_and_branch() {
    let dir = repository();
    let worktree = tempfile::tempdir().unwrap();
    let worktree_path = worktree.path().join("wt");
    git(
        dir.path(),
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            worktree_path.to_str().unwrap(),
        ],
    );
    fs::write(worktree_path.join("train.py"), "print('wt')\n").unwrap();
    let snapshot = found(&worktree_path);
    assert_eq!(snapshot.repo_root, worktree_path.canonicalize().unwrap());
    assert_eq!(snapshot.branch.as_deref(), Some("feature"));
    assert!(snapshot.is_dirty);
    assert!(!found(dir.path()).is_dirty);
}

#[test]
fn outside_any_repository_is_no_repository() {
    let dir = tempfile::tempdir().unwrap();
    // GIT_CEILING_DIRECTORIES is not consulted by libgit2's discover; /tmp is not a repository.
    assert_eq!(inspect_git(dir.path()).unwrap(), GitLookup::NoRepository);
}

#[test]
fn repository_without_commits() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "trunk"]);
    fs::write(dir.path().join("a"), "a").unwrap();
    let snapshot = found(dir.path());
    assert_eq!(snapshot.commit_sha, None);
    assert_eq!(snapshot.branch.as_deref(), Some("trunk"));
    assert_eq!(snapshot.untracked_files, vec!["a"]);
}
