//! End-to-end tests of `cairn monitor`: the reference taken from the data a version's run
//! recorded, or given with alerts; batches judged with exit codes 0/1/2; the history shown.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::fmt::Write as _;
use std::path::Path;

mod common;

use common::Sandbox;

/// Writes a labelled CSV: `x` on [shift, shift + 1), `plan` cycling (with `tilt` of the rows
/// "basic"), `label` 0/1 and, with `accuracy`, a `prediction` right that often.
fn write_csv(path: &Path, rows: usize, shift: f64, tilt: f64, accuracy: Option<f64>) {
    let mut text = String::from(if accuracy.is_some() {
        "x,plan,label,prediction\n"
    } else {
        "x,plan,label\n"
    });
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ (shift.to_bits() >> 5) ^ rows as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for row in 0..rows {
        let x = shift + next();
        let plan = if (row as f64) < tilt * rows as f64 {
            "basic"
        } else {
            ["basic", "pro", "team"][row % 3]
        };
        let label = u8::from(next() < 0.4);
        write!(text, "{x},{plan},{label}").unwrap();
        if let Some(accuracy) = accuracy {
            let prediction = if next() < accuracy { label } else { 1 - label };
            write!(text, ",{prediction}").unwrap();
        }
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn monitoring_a_version_from_its_runs_data_to_its_history() {
    let sandbox = Sandbox::with_store("cairn.db").with_env("USER", "tester");
    std::fs::create_dir_all(sandbox.path("data")).unwrap();
    write_csv(&sandbox.path("data/train.csv"), 3000, 0.0, 0.0, None);
    write_csv(&sandbox.path("monday.csv"), 800, 0.0, 0.0, Some(0.9));
    write_csv(&sandbox.path("tuesday.csv"), 800, 0.5, 0.7, Some(0.55));
    let cairn = |args: &[&str]| {
        let output = sandbox
            .command()
            .current_dir(sandbox.home())
            .arg("--store")
            .arg(sandbox.store())
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, _, stderr) = cairn(&[
        "run",
        "--name",
        "train",
        "--data",
        "data/train.csv",
        "--",
        "true",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let runs = sandbox.json(&["runs", "list"]);
    let run_id = runs[0]["run_id"].as_str().unwrap().to_owned();
    assert_eq!(
        cairn(&["models", "register", &run_id, "--name", "churn"]).0,
        0
    );
    assert_eq!(cairn(&["models", "alias", "churn", "champion", "1"]).0, 0);

    // The first batch of a version without a reference: its run's data becomes the reference.
    let (code, stdout, stderr) = cairn(&["monitor", "log", "models:/churn@champion", "monday.csv"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("data/train.csv") && stderr.contains("--data, BLAKE3"),
        "{stderr}"
    );
    assert!(
        stdout.contains("monday.csv") && stdout.contains("accuracy 0.8"),
        "{stdout}"
    );

    let (code, stdout, stderr) = cairn(&[
        "monitor",
        "reference",
        "models:/churn/1",
        "data/train.csv",
        "--alert",
        "accuracy>=0.8",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("3000 rows"), "{stdout}");

    let (code, stdout, stderr) = cairn(&["monitor", "log", "models:/churn/1", "tuesday.csv"]);
    assert_eq!(code, 1, "drift and a broken alert exit 1: {stdout}{stderr}");
    assert!(
        stdout.contains("DRIFT") && stdout.contains("the alert wants accuracy>=0.8"),
        "{stdout}"
    );

    let history = sandbox.json(&["monitor", "show", "models:/churn/1"]);
    let batches = history["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0]["drifted"], false);
    assert_eq!(batches[1]["drifted"], true);
    assert!(batches[1]["metrics"]["accuracy"].as_f64().unwrap() < 0.7);
    assert_eq!(history["reference"]["rows"], 3000);

    for (args, words) in [
        (
            vec!["monitor", "log", "churn", "monday.csv"],
            "is not a model version",
        ),
        (
            vec!["monitor", "log", "models:/churn/4", "monday.csv"],
            "version 4",
        ),
        (
            vec!["monitor", "log", "models:/churn/1", "missing.csv"],
            "missing.csv",
        ),
        (
            vec![
                "monitor",
                "reference",
                "models:/churn/1",
                "data/train.csv",
                "--alert",
                "speed>=3",
            ],
            "speed",
        ),
        (
            vec![
                "monitor",
                "log",
                "models:/churn/1",
                "monday.csv",
                "--label-column",
                "truth",
            ],
            "truth",
        ),
    ] {
        let (code, stdout, stderr) = cairn(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains(words),
            "{args:?}: '{stderr}' should say '{words}'"
        );
    }
    assert_eq!(
        sandbox.json(&["monitor", "show", "models:/churn/1"])["batches"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "refused batches were not stored"
    );
}
