//! `Durability`: the `synchronous` setting really in effect on the store's own connections (the
//! writer and the pooled readers), for both choices and for a store opened again.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use cairn_core::{Durability, SqliteStore};

#[test]
fn synchronous_pragma_follows_the_chosen_durability_on_every_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cairn.db");
    // (how the store is opened, PRAGMA synchronous expected: 1 NORMAL, 2 FULL)
    let cases: [(Option<Durability>, i64); 3] = [
        (None, 1),
        (Some(Durability::Normal), 1),
        (Some(Durability::Full), 2),
    ];
    for (durability, expected) in cases {
        let store = match durability {
            None => SqliteStore::open(&path).unwrap(),
            Some(durability) => SqliteStore::open_with_durability(&path, durability).unwrap(),
        };
        assert_eq!(
            store.synchronous_in_effect().unwrap(),
            (expected, expected),
            "{durability:?}"
        );
        assert_eq!(store.durability(), durability.unwrap_or_default());
    }
}
