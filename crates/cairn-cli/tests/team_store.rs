//! The CLI on a team database (a real PostgreSQL server, see `cairn_test_support::postgres`):
//! `cairn store copy` from a store file into a database and back, verified; `--database` and
//! `CAIRN_DATABASE_URL` for store commands; what a wrong database URL says.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod common;

use cairn_test_support::postgres::fresh_database;
use common::Sandbox;

#[test]
fn a_store_file_goes_to_a_database_and_back_verified() {
    let sandbox = Sandbox::with_store("laptop.db");
    sandbox.ok(&["demo"]);
    let laptop = sandbox.store();
    let team = fresh_database();

    let there = sandbox.json(&["store", "copy", laptop.to_str().unwrap(), &team]);
    assert_eq!(there["verified"], true, "{there}");
    assert!(there["runs_copied"].as_u64().unwrap() > 10, "{there}");
    assert_eq!(there["source_census"], there["destination_census"]);

    // Store commands read the database through --database and CAIRN_DATABASE_URL alike.
    let listed = sandbox.json(&["--database", &team, "runs", "list"]);
    let from_file = sandbox.json(&["runs", "list"]);
    assert_eq!(listed, from_file, "the database lists what the file does");
    let output = sandbox
        .command()
        .env("CAIRN_DATABASE_URL", &team)
        .args(["experiments", "--json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // A second copy finds every run there already.
    let again = sandbox.json(&["store", "copy", laptop.to_str().unwrap(), &team]);
    assert_eq!(again["runs_copied"], 0, "{again}");
    assert_eq!(again["verified"], true);

    let back = sandbox.path("back.db");
    let returned = sandbox.json(&["store", "copy", &team, back.to_str().unwrap()]);
    assert_eq!(returned["verified"], true, "{returned}");
    assert_eq!(returned["destination_census"], there["source_census"]);

    // Read from a folder holding none of the database's files (its server keeps them in a
    // bucket, say), the copy says how to name where they are; named, it says nothing.
    let empty = sandbox.path("no-files");
    std::fs::create_dir(&empty).unwrap();
    let empty = empty.to_str().unwrap();
    let elsewhere = sandbox.path("elsewhere.db");
    let elsewhere = elsewhere.to_str().unwrap();
    let unnamed = sandbox.json(&[
        "store",
        "copy",
        &team,
        elsewhere,
        "--database-artifacts",
        empty,
    ]);
    let notes = unnamed["notes"].as_array().unwrap();
    assert!(
        notes.len() == 1 && notes[0].as_str().unwrap().contains("--source-artifacts"),
        "{unnamed}"
    );
    let named = sandbox.json(&[
        "store",
        "copy",
        &team,
        elsewhere,
        "--source-artifacts",
        empty,
    ]);
    assert_eq!(named["notes"], serde_json::json!([]), "{named}");
}

#[test]
fn a_wrong_database_is_a_clear_error_without_the_password() {
    let sandbox = Sandbox::with_store("laptop.db");
    let team = fresh_database();
    let missing = team.rsplit_once('/').unwrap().0.to_owned() + "/no_such_database";
    let with_password = missing.replacen("cairn@", "cairn:sw0rdfish@", 1);
    let output = sandbox.run(&["--database", &with_password, "runs", "list"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\"no_such_database\" does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("sw0rdfish"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let store = sandbox.store().display().to_string();
    let copy = sandbox.run(&["store", "copy", &store, &store]);
    assert_eq!(copy.status.code(), Some(1));
}

#[test]
fn a_copy_refuses_what_is_not_a_store_and_writes_nothing() {
    let sandbox = Sandbox::with_store("laptop.db");
    sandbox.ok(&["demo"]);
    let laptop = sandbox.store().display().to_string();
    let out = sandbox.path("out.db").display().to_string();
    let empty_database = fresh_database();
    std::fs::write(sandbox.path("empty.db"), b"").unwrap();
    let empty = sandbox.path("empty.db").display().to_string();
    let missing = sandbox.path("missing.db").display().to_string();
    let same = format!("{}/./laptop.db", sandbox.home().display());
    let cases: [(&str, &str, &str); 9] = [
        (&missing, &out, "missing.db"),
        (&empty, &out, "is empty"),
        (&empty_database, &out, "holds no Cairn store"),
        ("mysql://u@h/db", &out, "mysql:// is not known"),
        ("s3://bucket/prefix", &out, "is a bucket"),
        ("http://127.0.0.1:9/", &out, "is an MLflow server"),
        (&laptop, "mysql://u@h/db", "mysql:// is not known"),
        (&laptop, "sqlite:///x.db", "sqlite:// is not known"),
        (&laptop, &same, "the same store"),
    ];
    for (source, destination, expected) in cases {
        let error = sandbox.fails(&["store", "copy", source, destination]);
        assert!(
            error.contains(expected),
            "{source} -> {destination}: {error}"
        );
    }
    assert!(!sandbox.path("out.db").exists(), "no store was made");
    assert!(
        !sandbox.path("mysql:").exists(),
        "no folder named after a URL"
    );
    assert!(!sandbox.path("missing.db").exists());

    // A store of other runs is refused as the destination, and keeps what it had.
    // (Another laptop's demo: the same experiments, other runs and model versions.)
    let other = Sandbox::with_store("other.db");
    other.ok(&["demo"]);
    let other_store = other.store().display().to_string();
    let before = other.json(&["runs", "list"]);
    let error = sandbox.fails(&["store", "copy", &laptop, &other_store]);
    assert!(error.contains("not from the source"), "{error}");
    assert_eq!(other.json(&["runs", "list"]), before);
}
