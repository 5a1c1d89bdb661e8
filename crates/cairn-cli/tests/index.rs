//! End-to-end tests of `cairn index`: a temp copy of the real fixtures, a temp store, a
//! scrubbed environment; the JSON summary and the human one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::path::Path;

use cairn_test_support::copy_tree;

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
fn index_of_a_missing_path_is_an_error_naming_it() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let missing = sandbox.path("nope").to_string_lossy().into_owned();
    for args in [
        vec!["index", missing.as_str()],
        vec!["index", "--watch", missing.as_str()],
        vec!["index", "--json", missing.as_str()],
    ] {
        let error = sandbox.fails(&args);
        assert!(error.contains(&missing), "{args:?}: {error}");
        assert!(error.contains("does not exist"), "{args:?}: {error}");
    }
}

/// Reads the child's stdout lines on a thread, so the test can wait for a line with a bound.
fn lines_of(stdout: std::process::ChildStdout) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The first JSON summary line matching `wanted`, or the lines seen when the watcher ended or
/// a minute passed (a bound against hanging, not a timing requirement).
fn wait_for_pass(
    lines: &std::sync::mpsc::Receiver<String>,
    wanted: impl Fn(&serde_json::Value) -> bool,
) -> Result<serde_json::Value, Vec<String>> {
    let mut seen = Vec::new();
    while let Ok(line) = lines.recv_timeout(std::time::Duration::from_secs(60)) {
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        if wanted(&value) {
            return Ok(value);
        }
        seen.push(line);
    }
    Err(seen)
}

#[test]
fn watch_imports_runs_in_a_folder_beside_the_store() {
    // The store `cairn.db` and the watched `runs/` share a folder: only the store's own files
    // are ignored, so a file appearing under `runs/` is imported.
    let sandbox = Sandbox::with_store("cairn.db");
    let runs = sandbox.path("runs");
    std::fs::create_dir_all(&runs).unwrap();
    let mut child = sandbox
        .command()
        .current_dir(sandbox.home())
        .args(["--store", "cairn.db", "index", "--watch", "--json", "runs"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lines = lines_of(child.stdout.take().unwrap());
    let first = wait_for_pass(&lines, |_| true);
    std::fs::write(runs.join("history.csv"), "epoch,loss\n0,1.0\n1,0.5\n").unwrap();
    let imported = wait_for_pass(&lines, |pass| pass["runs_new"] == 1);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(first.unwrap()["runs_new"], 0);
    let imported = imported.unwrap_or_else(|seen| panic!("no pass imported the file: {seen:?}"));
    assert_eq!(imported["bad_files"], serde_json::json!([]));
    let listed = sandbox.json(&["runs", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}
