//! A model's performance on labelled batches against scikit-learn's answers on the same rows: the
//! committed fixtures written by `tests/drift/make_performance.py`, and, when the repository's
//! `.venv` exists, a fresh run of the script into a temporary folder.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::path::{Path, PathBuf};

use cairn_drift::performance::{Task, performance};
use cairn_drift::{ReadOptions, read_table};
use serde_json::Value;

/// Sums in another order than numpy's differ in the last bits only.
const TOLERANCE: f64 = 1e-12;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn check(dir: &Path) {
    let text = std::fs::read_to_string(dir.join("performance.json")).unwrap();
    let expected: Value = serde_json::from_str(&text).unwrap();
    let cases = expected["cases"].as_array().unwrap();
    assert!(cases.len() >= 6, "the fixtures hold every kind of case");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let table = read_table(
            &dir.join(case["file"].as_str().unwrap()),
            ReadOptions::default(),
        )
        .unwrap();
        let task = Task::parse(case["task"].as_str().unwrap()).unwrap();
        let label = case["label"].as_str().unwrap();
        let prediction = case["prediction"].as_str().unwrap();
        // The task inferred from the labels is the one scikit-learn was asked for.
        let inferred = performance(&table, label, prediction, None)
            .unwrap()
            .unwrap();
        assert_eq!(inferred.task, task, "{name}: inferred task");
        let found = performance(&table, label, prediction, Some(task))
            .unwrap()
            .unwrap();
        let theirs = case["metrics"].as_object().unwrap();
        let ours: Vec<&str> = found.metrics.iter().map(|(n, _)| n.as_str()).collect();
        let names: Vec<&str> = theirs.keys().map(String::as_str).collect();
        let mut sorted = ours.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, names, "{name}: the metrics given");
        for (metric, value) in &found.metrics {
            let expected = theirs[metric].as_f64().unwrap();
            assert!(
                (value - expected).abs() <= TOLERANCE * expected.abs().max(1.0),
                "{name} {metric}: ours {value}, scikit-learn {expected}"
            );
        }
        if name == "missing_labels" {
            assert!(found.skipped > 0, "rows without a label are left out");
        }
    }
}

#[test]
fn performance_matches_scikit_learn() {
    check(&fixtures());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    if python.exists() {
        let fresh = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(&python)
            .arg(root.join("tests/drift/make_performance.py"))
            .arg(fresh.path())
            .status()
            .expect("running make_performance.py");
        assert!(status.success(), "make_performance.py failed");
        check(fresh.path());
    }
}

#[test]
fn batches_without_labels_have_no_performance_and_texts_are_no_regression() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.csv");
    std::fs::write(&path, "label,prediction\n,1\nNA,0\n").unwrap();
    let table = read_table(&path, ReadOptions::default()).unwrap();
    assert_eq!(
        performance(&table, "label", "prediction", None).unwrap(),
        None
    );
    std::fs::write(&path, "label,prediction\n1.5,high\n2.5,3\n").unwrap();
    let table = read_table(&path, ReadOptions::default()).unwrap();
    let error = performance(&table, "label", "prediction", Some(Task::Regression)).unwrap_err();
    assert!(error.to_string().contains("labelled row 1"), "{error}");
    let error = performance(&table, "truth", "prediction", None).unwrap_err();
    assert!(
        error.to_string().contains("no label column 'truth'"),
        "{error}"
    );
}
