//! End-to-end tests of `cairn index`: a temp copy of the real fixtures, a temp store, a
//! scrubbed environment; the JSON summary and the human one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn cairn(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .env_remove("CAIRN_STORE")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .arg("--store")
        .arg(home.join("store/cairn.db"))
        .args(args)
        .output()
        .expect("run cairn")
}

fn fixture_copy() -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real");
    let data = home.path().join("data");
    copy_tree(&fixtures, &data);
    let data = data.to_string_lossy().into_owned();
    (home, data)
}

#[test]
fn index_json_summary_counts_new_then_unchanged_runs() {
    let (home, data) = fixture_copy();
    let first = cairn(home.path(), &["index", &data, "--json"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(first["runs_new"], 26, "{first}");
    assert!(first["points"].as_u64().unwrap() > 1000);
    assert_eq!(first["bad_files"].as_array().unwrap().len(), 0);
    let second = cairn(home.path(), &["index", &data, "--json"]);
    let second: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(second["runs_new"], 0);
    assert_eq!(second["runs_updated"], 0);
    assert_eq!(second["runs_unchanged"], 26);
    assert_eq!(second["points"], 0);
    // The imported runs are visible to the other commands.
    let runs = cairn(
        home.path(),
        &["runs", "show", "feb1cc059a1347859b01a25d157ad9f0", "--json"],
    );
    assert!(
        runs.status.success(),
        "{}",
        String::from_utf8_lossy(&runs.stderr)
    );
}

#[test]
fn index_reports_bad_files_and_goes_on() {
    let (home, data) = fixture_copy();
    let bad = Path::new(&data).join("tensorboard/broken-run");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("events.out.tfevents.1.x"), vec![7u8; 64]).unwrap();
    let output = cairn(home.path(), &["index", &data]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("26 new"), "{text}");
    assert!(text.contains("broken-run"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no progress escapes when not a terminal: {text}"
    );
}

#[test]
fn index_of_a_missing_path_is_reported() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nope").to_string_lossy().into_owned();
    let output = cairn(home.path(), &["index", &missing, "--json"]);
    assert!(output.status.success());
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["bad_files"][0]["reason"], "does not exist");
}
