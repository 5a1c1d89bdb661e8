//! Data hashes against values computed independently from the documented byte string.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failure is a test failure"
)]

use std::fs;
use std::path::Path;

use cairn_core::SqliteStore;
use cairn_core::model::{DataKind, ManifestEntryKind};
use cairn_provenance::{ProvenanceError, hash_path, hash_with_store};

fn no_cache(keys: &[cairn_core::model::FileStatKey]) -> Vec<Option<String>> {
    vec![None; keys.len()]
}

fn hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// `b/c.txt`, `a.bin` (1000 bytes), `B` (upper case sorts before lower), an empty file.
fn tree(root: &Path) {
    fs::create_dir_all(root.join("b")).unwrap();
    fs::write(root.join("b/c.txt"), "hello\n").unwrap();
    fs::write(root.join("a.bin"), vec![7u8; 1000]).unwrap();
    fs::write(root.join("B"), "upper").unwrap();
    fs::write(root.join("empty"), "").unwrap();
}

#[test]
fn directory_hash_matches_the_documented_definition() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let expected_input = format!(
        "B\x005\x00{}\na.bin\x001000\x00{}\nb/c.txt\x006\x00{}\nempty\x000\x00{}\n",
        hex(b"upper"),
        hex(&[7u8; 1000]),
        hex(b"hello\n"),
        hex(b"")
    );
    let hashed = hash_path(dir.path(), no_cache).unwrap();
    assert_eq!(hashed.kind, DataKind::Directory);
    assert_eq!(hashed.root_hash, hex(expected_input.as_bytes()));
    assert_eq!(hashed.file_count, 4);
    assert_eq!(hashed.size_bytes, 1011);
    let names: Vec<&str> = hashed.entries.iter().map(|e| e.rel_path.as_str()).collect();
    assert_eq!(names, vec!["B", "a.bin", "b/c.txt", "empty"]);
}

#[test]
fn file_hash_is_blake3_of_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    fs::write(&path, "x,y\n1,2\n").unwrap();
    let hashed = hash_path(&path, no_cache).unwrap();
    assert_eq!(hashed.kind, DataKind::File);
    assert_eq!(hashed.root_hash, hex(b"x,y\n1,2\n"));
    assert_eq!(hashed.size_bytes, 8);
}

#[cfg(unix)]
#[test]
fn symlinks_are_listed_not_followed_and_loops_are_harmless() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let without = hash_path(dir.path(), no_cache).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("b/loop")).unwrap();
    std::os::unix::fs::symlink("a.bin", dir.path().join("link")).unwrap();
    let with = hash_path(dir.path(), no_cache).unwrap();
    assert_eq!(with.root_hash, without.root_hash);
    assert_eq!(with.file_count, 4);
    let links: Vec<_> = with
        .entries
        .iter()
        .filter(|e| e.kind == ManifestEntryKind::Symlink)
        .map(|e| (e.rel_path.as_str(), e.file_hash.clone()))
        .collect();
    assert_eq!(links, vec![("b/loop", hex(b"..")), ("link", hex(b"a.bin"))]);
}

#[cfg(unix)]
#[test]
fn unreadable_file_error_names_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let secret = dir.path().join("b/c.txt");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        return; // running as root: permissions are not enforced
    }
    let error = hash_path(dir.path(), no_cache).unwrap_err();
    assert!(matches!(error, ProvenanceError::Io { .. }));
    assert_eq!(error.to_string(), format!("reading {}", secret.display()));
}

#[test]
fn missing_path_error_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let error = hash_path(&missing, no_cache).unwrap_err();
    assert_eq!(error.to_string(), format!("reading {}", missing.display()));
}

#[test]
fn stat_cache_hits_when_unchanged_and_misses_after_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tree(&data);
    let store = SqliteStore::open(&dir.path().join("store.db")).unwrap();

    let (first_data, first) = hash_with_store(&store, &data).unwrap();
    assert_eq!(first.cache_hits, 0);
    assert_eq!(first.fresh_hashes.len(), 4);

    let (_, second) = hash_with_store(&store, &data).unwrap();
    assert_eq!(second.cache_hits, 4);
    assert!(second.fresh_hashes.is_empty());
    assert_eq!(second.root_hash, first.root_hash);

    // Touch: same bytes, new mtime → read again, same hash.
    let file = fs::File::options()
        .write(true)
        .open(data.join("B"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(file);
    let (_, touched) = hash_with_store(&store, &data).unwrap();
    assert_eq!(touched.cache_hits, 3);
    assert_eq!(touched.root_hash, first.root_hash);

    // Modify: the root hash changes.
    fs::write(data.join("b/c.txt"), "hello, world\n").unwrap();
    let (_, modified) = hash_with_store(&store, &data).unwrap();
    assert_eq!(modified.cache_hits, 3);
    assert_ne!(modified.root_hash, first.root_hash);

    // The manifest is kept per root hash.
    let manifest =
        cairn_core::ProvenanceStore::data_manifest(&store, &first_data.root_hash).unwrap();
    assert_eq!(manifest, first.entries);
}

#[test]
fn dvc_md5_is_recorded_when_tracked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("images");
    tree(&data);
    fs::write(
        dir.path().join("images.dvc"),
        "outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  size: 1011\n  nfiles: 4\n  path: images\n",
    )
    .unwrap();
    let store = SqliteStore::open(&dir.path().join("store.db")).unwrap();
    let (data_hash, _) = hash_with_store(&store, &data).unwrap();
    assert_eq!(
        data_hash.dvc_md5.as_deref(),
        Some("0123456789abcdef0123456789abcdef.dir")
    );
}
