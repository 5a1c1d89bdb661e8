//! Provenance: a run's git state and the content hashes of its inputs.

use cairn_core::model::{DataHash, DataKind, GitOrigin, GitProvenance};
use cairn_core::{Store, StoreError};

use crate::{T0, run};

fn full_git() -> GitProvenance {
    GitProvenance {
        origin: GitOrigin::Repository,
        repo_root: Some("/home/ada/src/model".into()),
        commit_sha: Some("0123456789abcdef0123456789abcdef01234567".into()),
        branch: Some("feature/ünïcode".into()),
        remote_url: Some("https://example.invalid/ada/model.git".into()),
        is_dirty: Some(false),
        diff_artifact: Some("cairn/git.diff".into()),
        untracked_files: vec!["data/new file.csv".into(), "notes.md".into()],
        author_name: Some("Ada Lovelace".into()),
        author_email: Some("ada@example.invalid".into()),
        commit_time_ms: Some(T0 - 60_000),
        commit_summary: Some("Tune the learning rate".into()),
    }
}

fn data(path: &str, kind: DataKind, hash_byte: &str, dvc_md5: Option<&str>) -> DataHash {
    DataHash {
        path: path.into(),
        kind,
        root_hash: hash_byte.repeat(32),
        size_bytes: 1 << 40,
        file_count: if kind == DataKind::File { 1 } else { 12_345 },
        dvc_md5: dvc_md5.map(String::from),
    }
}

pub(crate) fn git_provenance_round_trips_and_is_replaced(store: &dyn Store) {
    let id = run(store, "git");
    let bare = run(store, "bare");
    assert_eq!(store.get_run(&id).unwrap().git, None);

    store.set_git_provenance(&id, &full_git()).unwrap();
    assert_eq!(store.get_run(&id).unwrap().git, Some(full_git()));

    let dirty = GitProvenance {
        is_dirty: Some(true),
        ..full_git()
    };
    store.set_git_provenance(&id, &dirty).unwrap();
    assert_eq!(store.get_run(&id).unwrap().git, Some(dirty));

    // Replacing with less information clears what is no longer known.
    let from_tags = GitProvenance {
        commit_sha: Some("fedcba9876543210fedcba9876543210fedcba98".into()),
        ..GitProvenance::empty(GitOrigin::MlflowTags)
    };
    store.set_git_provenance(&id, &from_tags).unwrap();
    assert_eq!(store.get_run(&id).unwrap().git, Some(from_tags));

    let empty = GitProvenance::empty(GitOrigin::Repository);
    store.set_git_provenance(&bare, &empty).unwrap();
    assert_eq!(store.get_run(&bare).unwrap().git, Some(empty));
}

pub(crate) fn data_hashes_round_trip_sorted_and_replaced_by_path(store: &dyn Store) {
    let id = run(store, "data");
    assert!(store.get_run(&id).unwrap().data.is_empty());
    let train = data(
        "data/train",
        DataKind::Directory,
        "ab",
        Some("d41d8cd98f00b204e9800998ecf8427e.dir"),
    );
    let labels = data("data/labels.csv", DataKind::File, "cd", None);
    store.set_data_hash(&id, &train).unwrap();
    store.set_data_hash(&id, &labels).unwrap();
    assert_eq!(
        store.get_run(&id).unwrap().data,
        [labels.clone(), train.clone()],
        "sorted by path"
    );
    let retrained = data("data/train", DataKind::Directory, "ef", None);
    store.set_data_hash(&id, &retrained).unwrap();
    assert_eq!(
        store.get_run(&id).unwrap().data,
        [labels, retrained],
        "replaced by path"
    );
}

pub(crate) fn provenance_of_missing_run_is_refused(store: &dyn Store) {
    assert_err!(
        store.set_git_provenance("no-such-run", &full_git()),
        StoreError::RunNotFound { .. }
    );
    assert_err!(
        store.set_data_hash("no-such-run", &data("x", DataKind::File, "00", None)),
        StoreError::RunNotFound { .. }
    );
}

/// Git allows any byte but NUL in a file name, newlines included; the list must come back as
/// it was given.
pub(crate) fn untracked_file_names_with_newlines_round_trip(store: &dyn Store) {
    let id = run(store, "odd names");
    let git = GitProvenance {
        untracked_files: vec![
            "first\nsecond.txt".into(),
            "trailing\n".into(),
            "plain.txt".into(),
        ],
        ..GitProvenance::empty(GitOrigin::Repository)
    };
    store.set_git_provenance(&id, &git).unwrap();
    assert_eq!(
        store.get_run(&id).unwrap().git.unwrap().untracked_files,
        git.untracked_files
    );
}
