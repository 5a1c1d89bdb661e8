//! End-to-end tests of `cairn index`: a temp copy of the real fixtures, a temp store, a
//! scrubbed environment; the JSON summary and the human one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::path::Path;

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

mod common;

use common::Sandbox;

/// A sandbox with a copy of the real fixtures in its `data/` folder, and that folder's path.
fn fixture_copy() -> (Sandbox, String) {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/real");
    let data = sandbox.path("data");
    copy_tree(&fixtures, &data);
    let data = data.to_string_lossy().into_owned();
    (sandbox, data)
}

#[test]
fn index_json_summary_counts_new_then_unchanged_runs() {
    let (sandbox, data) = fixture_copy();
    let first = sandbox.json(&["index", &data]);
    assert_eq!(first["runs_new"], 26, "{first}");
    assert!(first["points"].as_u64().unwrap() > 1000);
    assert_eq!(first["bad_files"].as_array().unwrap().len(), 0);
    let second = sandbox.json(&["index", &data]);
    assert_eq!(second["runs_new"], 0);
    assert_eq!(second["runs_updated"], 0);
    assert_eq!(second["runs_unchanged"], 26);
    assert_eq!(second["points"], 0);
    // The imported runs are visible to the other commands.
    let run = sandbox.json(&["runs", "show", "feb1cc059a1347859b01a25d157ad9f0"]);
    assert_eq!(run["status"], "FINISHED", "{run}");
}

#[test]
fn index_reports_bad_files_and_goes_on() {
    let (sandbox, data) = fixture_copy();
    let bad = Path::new(&data).join("tensorboard/broken-run");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("events.out.tfevents.1.x"), vec![7u8; 64]).unwrap();
    let text = sandbox.ok(&["index", &data]);
    assert!(text.contains("26 new"), "{text}");
    assert!(text.contains("broken-run"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no progress escapes when not a terminal: {text}"
    );
}

#[test]
fn index_of_a_missing_path_is_reported() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let missing = sandbox.path("nope").to_string_lossy().into_owned();
    let report = sandbox.json(&["index", &missing]);
    assert_eq!(report["bad_files"][0]["reason"], "does not exist");
}
