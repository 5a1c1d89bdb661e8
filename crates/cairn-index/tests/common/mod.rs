//! Helpers shared by the indexer's tests: temp copies of the real fixtures and a fresh store.

#![allow(dead_code, reason = "each test file uses a different subset")]

use std::path::{Path, PathBuf};

use cairn_core::SqliteStore;
use cairn_index::{IndexReport, NoProgress, index_paths};

/// The real fixtures at the workspace root.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real")
}

/// `expected.json`.
pub fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub use cairn_test_support::copy_tree;

/// A temp dir holding a copy of `fixtures()/<name>` (or all of them for `""`) and a store.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub store: SqliteStore,
}

impl Sandbox {
    pub fn new(fixture: &str) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let source = if fixture.is_empty() {
            fixtures()
        } else {
            fixtures().join(fixture)
        };
        copy_tree(&source, &dir.path().join("data"));
        let store = SqliteStore::open(&dir.path().join("store/cairn.db")).unwrap();
        Sandbox { dir, store }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data").canonicalize().unwrap()
    }

    pub fn index(&self) -> IndexReport {
        index_paths(&self.store, &[self.data()], &mut NoProgress).unwrap()
    }
}
