//! `cairn store` and `cairn store use`: which store is used and why, and the remembered choice
//! shared by the CLI, `cairn serve` and the desktop app. Every folder is a temporary one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

use common::Sandbox;

/// What `cairn store` is asked here.
trait StoreReport {
    /// The settings file `cairn store use` writes.
    fn settings(&self) -> PathBuf;
    /// `cairn store --json` run by `command`.
    fn report(&self, command: &mut Command) -> Value;
}

impl StoreReport for Sandbox {
    fn settings(&self) -> PathBuf {
        self.path("config/settings.json")
    }

    fn report(&self, command: &mut Command) -> Value {
        let output = command.args(["store", "--json"]).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn store_reports_each_origin_in_order_of_precedence() {
    let sandbox = Sandbox::without_store();
    let default = sandbox.path("xdg-data/cairn/cairn.db");
    let report = sandbox.report(&mut sandbox.command());
    assert_eq!(report["origin"], "default");
    assert_eq!(report["path"], text(&default));
    assert_eq!(report["remembered"], Value::Null);
    assert_eq!(report["settings_file"], text(&sandbox.settings()));

    let chosen = sandbox.path("chosen.db");
    let said = sandbox.ok(&["store", "use", text(&chosen)]);
    assert!(
        said.contains(&format!("remembered {}", text(&chosen))),
        "{said}"
    );
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.settings()).unwrap()).unwrap();
    assert_eq!(settings, serde_json::json!({"store": text(&chosen)}));
    let report = sandbox.report(&mut sandbox.command());
    assert_eq!(report["origin"], "remembered");
    assert_eq!(report["path"], text(&chosen));

    let env = sandbox.path("env.db");
    let report = sandbox.report(sandbox.command().env("CAIRN_STORE", &env));
    assert_eq!(report["origin"], "env");
    assert_eq!(report["path"], text(&env));
    assert_eq!(report["remembered"], text(&chosen));

    let flag = sandbox.path("flag.db");
    let report = sandbox.report(
        sandbox
            .command()
            .env("CAIRN_STORE", &env)
            .arg("--store")
            .arg(&flag),
    );
    assert_eq!(report["origin"], "flag");
    assert_eq!(report["path"], text(&flag));

    // The human form says the same, and that the remembered store waits for plain launches.
    let shown = String::from_utf8(
        sandbox
            .command()
            .arg("--store")
            .arg(&flag)
            .arg("store")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(shown.contains("from:        --store"), "{shown}");
    assert!(
        shown.contains(&format!(
            "remembered:  {} (used by launches without --store and CAIRN_STORE)",
            text(&chosen)
        )),
        "{shown}"
    );
}

#[test]
fn every_command_uses_the_remembered_store() {
    let sandbox = Sandbox::without_store();
    let folder = sandbox.path("team");
    std::fs::create_dir_all(&folder).unwrap();
    // A folder means its cairn.db, created at once.
    let said = sandbox.ok(&["store", "use", text(&folder)]);
    let store = folder.join("cairn.db");
    assert!(said.contains(text(&store)), "{said}");
    assert!(store.is_file());
    sandbox.ok(&["demo"]);
    let experiments: Value = serde_json::from_str(&sandbox.ok(&["experiments", "--json"])).unwrap();
    assert!(!experiments.as_array().unwrap().is_empty());
    assert!(!sandbox.path("xdg-data/cairn/cairn.db").exists());
    // Through --store, the same runs.
    let direct: Value =
        serde_json::from_str(&sandbox.ok(&["--store", text(&store), "experiments", "--json"]))
            .unwrap();
    assert_eq!(direct, experiments);

    // Back to the default store, which is empty.
    let said = sandbox.ok(&["store", "use", "--default"]);
    assert!(said.contains("forgot the remembered store"), "{said}");
    let report = sandbox.report(&mut sandbox.command());
    assert_eq!(report["origin"], "default");
    let experiments: Value = serde_json::from_str(&sandbox.ok(&["experiments", "--json"])).unwrap();
    assert!(
        experiments
            .as_array()
            .unwrap()
            .iter()
            .all(|experiment| experiment["run_count"] == 0),
        "{experiments}"
    );
}

#[test]
fn store_use_refuses_foreign_databases_newer_stores_and_other_files() {
    let sandbox = Sandbox::without_store();
    let foreign = sandbox.path("other-app.db");
    let connection = rusqlite::Connection::open(&foreign).unwrap();
    connection
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    drop(connection);
    let error = sandbox.fails(&["store", "use", text(&foreign)]);
    assert!(error.contains("not a Cairn store"), "{error}");
    assert!(error.contains(text(&foreign)), "{error}");

    let newer = sandbox.path("newer.db");
    sandbox.ok(&["--store", text(&newer), "experiments"]);
    let connection = rusqlite::Connection::open(&newer).unwrap();
    connection
        .pragma_update(None, "user_version", 9999)
        .unwrap();
    drop(connection);
    let error = sandbox.fails(&["store", "use", text(&newer)]);
    assert!(error.contains("9999"), "{error}");

    let notes = sandbox.path("notes.txt");
    std::fs::write(
        &notes,
        "plain text, not a database: long enough to have a header",
    )
    .unwrap();
    let error = sandbox.fails(&["store", "use", text(&notes)]);
    assert!(error.contains("notes.txt"), "{error}");

    // None of them was remembered.
    assert!(!sandbox.settings().exists());
    let output = sandbox.run(&["store", "use"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a path or --default is needed"
    );
}

#[test]
fn a_corrupt_settings_file_is_an_error_naming_it_unless_a_store_is_given() {
    let sandbox = Sandbox::without_store();
    std::fs::create_dir_all(sandbox.path("config")).unwrap();
    std::fs::write(sandbox.settings(), "{\"store\": ").unwrap();
    for args in [
        &["store"][..],
        &["experiments"],
        &["store", "use", "--default"],
    ] {
        let error = sandbox.fails(args);
        assert!(error.contains(text(&sandbox.settings())), "{error}");
        assert!(error.contains("not valid JSON"), "{error}");
    }
    assert!(!sandbox.path("xdg-data/cairn/cairn.db").exists());
    // --store and CAIRN_STORE do not need the settings file.
    sandbox.ok(&["--store", text(&sandbox.path("a.db")), "experiments"]);
    let output = sandbox
        .command()
        .env("CAIRN_STORE", sandbox.path("b.db"))
        .arg("experiments")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        std::fs::read_to_string(sandbox.settings()).unwrap(),
        "{\"store\": "
    );
}

#[test]
fn cairn_store_set_in_the_environment_is_noted_when_remembering() {
    let sandbox = Sandbox::without_store();
    let env = sandbox.path("env.db");
    let chosen = sandbox.path("chosen.db");
    let output = sandbox
        .command()
        .env("CAIRN_STORE", &env)
        .args(["store", "use", text(&chosen)])
        .output()
        .unwrap();
    assert!(output.status.success());
    let said = String::from_utf8(output.stdout).unwrap();
    assert!(said.contains("CAIRN_STORE is set"), "{said}");
    let report = sandbox.report(&mut sandbox.command());
    assert_eq!(report["path"], text(&chosen));
}
