//! The PostgreSQL store's own behaviour against a real server (see
//! `cairn_test_support::postgres`): its migrations and their golden schema, how it names the
//! database without the password, what an unreachable server is called, and the change watch.
//! What it shares with the SQLite store is checked by `store_contract.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failing setup step should stop the test with its error"
)]

use cairn_core::store::latest_postgres_schema_version;
use cairn_core::{PostgresStore, StoreError};
use cairn_test_support::postgres::fresh_database;
use expect_test::expect_file;

fn artifacts() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary artifacts folder")
}

#[test]
fn connecting_migrates_once_and_again_is_a_no_op() {
    let url = fresh_database();
    let dir = artifacts();
    let first = PostgresStore::connect(&url, dir.path()).unwrap();
    drop(first);
    // A second server on the same database finds it migrated.
    let _second = PostgresStore::connect(&url, dir.path()).unwrap();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let versions: Vec<i64> = client
        .query("SELECT version FROM cairn_schema ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        versions,
        (1..=latest_postgres_schema_version()).collect::<Vec<_>>()
    );
}

#[test]
fn servers_starting_together_migrate_once() {
    let url = fresh_database();
    let dir = artifacts();
    std::thread::scope(|scope| {
        let starts: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| PostgresStore::connect(&url, dir.path()).map(drop)))
            .collect();
        for start in starts {
            start.join().expect("no panic").expect("each server connects");
        }
    });
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let applied: i64 = client
        .query_one("SELECT COUNT(*) FROM cairn_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(applied, latest_postgres_schema_version());
}

#[test]
fn a_database_from_a_newer_cairn_is_refused_naming_its_version() {
    let url = fresh_database();
    let dir = artifacts();
    drop(PostgresStore::connect(&url, dir.path()).unwrap());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute("INSERT INTO cairn_schema (version) VALUES (9999)", &[])
        .unwrap();
    let error = PostgresStore::connect(&url, dir.path()).unwrap_err();
    assert!(
        error.to_string().contains("version 9999"),
        "the error names the version: {error}"
    );
}

#[test]
fn the_location_never_shows_the_password() {
    let url = fresh_database();
    let with_password = url.replacen("cairn@", "cairn:s3cret-pass@", 1);
    let dir = artifacts();
    // The test server trusts loopback, so the password is accepted and ignored.
    let store = PostgresStore::connect(&with_password, dir.path()).unwrap();
    assert!(!store.location().contains("s3cret"), "{}", store.location());
    assert!(store.location().starts_with("postgresql://cairn@127.0.0.1:"));
}

#[test]
fn an_unreachable_server_is_unavailable_and_named_without_password() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgresql://someone:hunter2@127.0.0.1:{port}/cairn");
    let dir = artifacts();
    let error = PostgresStore::connect(&url, dir.path()).unwrap_err();
    assert!(matches!(error, StoreError::Unavailable { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn a_malformed_url_is_an_error_naming_the_option() {
    let dir = artifacts();
    let error = PostgresStore::connect("postgresql://a:b@host:notaport/db", dir.path()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("database"), "{message}");
    assert!(!message.contains(":b@"), "{message}");
}

/// Tables, columns, indexes and triggers, one per line in a stable order: what a migration
/// changes.
fn schema_dump(url: &str) -> String {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut lines = Vec::new();
    for row in client
        .query(
            "SELECT table_name, column_name, data_type, is_nullable, COALESCE(column_default, '')
             FROM information_schema.columns WHERE table_schema = 'public'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        let (table, column, kind, nullable, default): (String, String, String, String, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        let null = if nullable == "YES" { "" } else { " NOT NULL" };
        let default = if default.is_empty() {
            String::new()
        } else {
            format!(" DEFAULT {default}")
        };
        lines.push(format!("column {table}.{column} {kind}{null}{default}"));
    }
    for row in client
        .query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
            &[],
        )
        .unwrap()
    {
        lines.push(format!("index {}", row.get::<_, String>(0)));
    }
    for row in client
        .query(
            "SELECT pg_get_constraintdef(c.oid), c.conrelid::regclass::text FROM pg_constraint c
             JOIN pg_namespace n ON n.oid = c.connamespace
             WHERE n.nspname = 'public' AND c.contype IN ('c', 'f')
             ORDER BY c.conrelid::regclass::text, c.conname",
            &[],
        )
        .unwrap()
    {
        lines.push(format!(
            "constraint {}: {}",
            row.get::<_, String>(1),
            row.get::<_, String>(0)
        ));
    }
    for row in client
        .query(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger
             WHERE NOT tgisinternal ORDER BY tgrelid::regclass::text, tgname",
            &[],
        )
        .unwrap()
    {
        lines.push(format!(
            "trigger {}: {}",
            row.get::<_, String>(1),
            row.get::<_, String>(0)
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn golden_schema_matches_the_migrations() {
    let url = fresh_database();
    let dir = artifacts();
    drop(PostgresStore::connect(&url, dir.path()).unwrap());
    // UPDATE_EXPECT=1 cargo test -p cairn-core --test postgres_store rewrites it: review the diff.
    expect_file!["golden/postgres_schema.txt"].assert_eq(&schema_dump(&url));
}
