//! End-to-end tests of `cairn drift` (exit codes, the terminal table, HTML/Markdown/JSON
//! reports, Parquet) and of the data two runs used: `cairn drift --runs` and the gate's
//! `--require no-drift`, whose drift report goes into the registry history.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

use common::Sandbox;

/// Writes a CSV: `x` uniform-ish on [shift, shift + 1), `colour` cycling through three colours
/// (with `tilt` of the rows red).
fn write_csv(path: &Path, rows: usize, shift: f64, tilt: f64) {
    let mut text = String::from("x,colour,note\n");
    let mut state = 0x2545_F491_4F6C_DD1D_u64 ^ (shift.to_bits() >> 3);
    for row in 0..rows {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let x = shift + (state >> 11) as f64 / (1u64 << 53) as f64;
        let colour = if (row as f64) < tilt * rows as f64 {
            "red"
        } else {
            ["red", "green", "blue"][row % 3]
        };
        let note = if row % 10 == 0 { "" } else { "n" };
        writeln!(text, "{x},{colour},{note}").unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn exit(sandbox: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let output = sandbox.run(args);
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cairn-drift/tests/fixtures")
        .join(name)
}

#[test]
fn drift_exit_codes_table_and_reports() {
    let sandbox = Sandbox::without_store();
    let (reference, same, shifted) = (
        sandbox.path("ref.csv"),
        sandbox.path("same.csv"),
        sandbox.path("shifted.csv"),
    );
    write_csv(&reference, 400, 0.0, 0.0);
    write_csv(&same, 400, 0.0, 0.0);
    write_csv(&shifted, 400, 0.3, 0.5);
    let s = |path: &Path| path.to_str().unwrap().to_owned();

    let (code, stdout, stderr) = exit(&sandbox, &["drift", &s(&reference), &s(&same)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("COLUMN") && stdout.contains("no drift"),
        "{stdout}"
    );

    let html = sandbox.path("drift.html");
    let (code, stdout, _) = exit(
        &sandbox,
        &["drift", &s(&reference), &s(&shifted), "--report", &s(&html)],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("DRIFT"), "{stdout}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(page.matches("<svg").count(), 3, "one chart per column");
    assert!(page.contains("Data drift: DRIFT"));

    let markdown = sandbox.path("out/drift.md");
    std::fs::create_dir_all(sandbox.path("out")).unwrap();
    let (code, _, _) = exit(
        &sandbox,
        &[
            "drift",
            &s(&reference),
            &s(&shifted),
            "--report",
            &s(&markdown),
        ],
    );
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(&markdown).unwrap();
    assert!(text.contains("![chart](drift_charts/01-x.svg)"), "{text}");
    assert!(sandbox.path("out/drift_charts/02-colour.svg").exists());

    let json = sandbox.path("drift.json");
    let args = [
        "drift",
        &s(&reference),
        &s(&shifted),
        "--test",
        "psi",
        "--threshold",
        "0.2",
        "--share",
        "0.6",
        "--report",
        &s(&json),
    ];
    let (code, _, _) = exit(&sandbox, &args);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["columns"][0]["test"], "psi");
    assert_eq!(report["columns"][0]["threshold"], 0.2);
    assert_eq!(report["share_threshold"], 0.6);
    assert_eq!(report["columns"][2]["reference"]["missing"], 40);
    assert_eq!(code, if report["drifted"] == true { 1 } else { 0 });

    let parquet = fixture("typed.parquet");
    let printed: Value =
        serde_json::from_str(&sandbox.ok(&["--json", "drift", &s(&parquet), &s(&parquet)]))
            .unwrap();
    assert_eq!(printed["columns"][2]["kind"], "categorical");

    // Usage and data errors exit 2 and say why.
    for (args, expected) in [
        (
            vec!["drift", &s(&reference) as &str, "missing.csv"],
            "missing.csv",
        ),
        (
            vec!["drift", &s(&reference), &s(&same), "--threshold", "0.1"],
            "needs a test",
        ),
        (
            vec!["drift", &s(&reference), &s(&same), "--share", "0"],
            "share",
        ),
        (
            vec!["drift", &s(&reference), &s(&same), "--report", "r.txt"],
            ".html, .md or .json",
        ),
        (vec!["drift", &s(&reference)], "REFERENCE"),
    ] {
        let (code, _, stderr) = exit(&sandbox, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn runs_data_and_the_no_drift_gate() {
    let sandbox = Sandbox::with_store("cairn.db").with_env("USER", "tester");
    let data = sandbox.path("data");
    std::fs::create_dir_all(&data).unwrap();
    write_csv(&data.join("train.csv"), 3000, 0.0, 0.0);
    std::fs::create_dir_all(sandbox.path("v2")).unwrap();
    write_csv(&sandbox.path("v2/train.csv"), 3000, 0.4, 0.6);
    std::fs::create_dir_all(sandbox.path("v3")).unwrap();
    write_csv(&sandbox.path("v3/train.csv"), 3000, 0.0, 0.0);
    let run = |name: &str, path: &str| {
        let output = sandbox
            .command()
            .current_dir(sandbox.home())
            .arg("--store")
            .arg(sandbox.store())
            .args(["run", "--name", name, "--data", path, "--", "true"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run("base", "data/train.csv");
    run("drifted", "v2/train.csv");
    run("steady", "v3/train.csv");
    let runs = sandbox.json(&["runs", "list"]);
    let id = |name: &str| {
        runs.as_array()
            .unwrap()
            .iter()
            .find(|run| run["run_name"] == name)
            .unwrap()["run_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (base, drifted, steady) = (id("base"), id("drifted"), id("steady"));
    let in_home = |args: &[&str]| {
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
    let (code, stdout, stderr) = in_home(&["drift", "--runs", &base, &drifted]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("--data, BLAKE3"), "{stdout}");
    assert_eq!(in_home(&["drift", "--runs", &base, &steady]).0, 0);

    for run_id in [&base, &drifted, &steady] {
        in_home(&["models", "register", run_id, "--name", "churn"]);
    }
    in_home(&["models", "promote", "churn", "1", "Production"]);
    let (code, stdout, stderr) =
        in_home(&["gate", "churn", "--candidate", "2", "--require", "no-drift"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("no-drift:0.5") && stdout.contains("DRIFT"),
        "{stdout}"
    );
    // The gate's own choice of test: a PSI that no shift reaches passes the drifted data.
    let (code, stdout, stderr) = in_home(&[
        "gate",
        "churn",
        "--candidate",
        "2",
        "--require",
        "no-drift",
        "--drift-test",
        "psi",
        "--drift-threshold",
        "1000",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, _, stderr) = in_home(&[
        "gate",
        "churn",
        "--candidate",
        "2",
        "--drift-threshold",
        "0.2",
    ]);
    assert_eq!(code, 2, "a threshold needs a test: {stderr}");
    let report = sandbox.path("gate.md");
    let (code, stdout, stderr) = in_home(&[
        "gate",
        "churn",
        "--candidate",
        "3",
        "--require",
        "no-drift:0.3",
        "--promote",
        "Staging",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let markdown = std::fs::read_to_string(&report).unwrap();
    assert!(markdown.contains("## Data drift: no drift"), "{markdown}");
    let (_, history, _) = in_home(&["--json", "models", "history", "churn"]);
    let history: Value = serde_json::from_str(&history).unwrap();
    let last = history.as_array().unwrap().last().unwrap();
    assert_eq!(last["gate_report"].as_str().unwrap(), markdown);

    // Data changed or gone since the run: exit 2, naming the run and the recorded hash.
    write_csv(&sandbox.path("v3/train.csv"), 10, 0.0, 0.0);
    let (code, _, stderr) = in_home(&["drift", "--runs", &base, &steady]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&steady) && stderr.contains("has changed since the run"),
        "{stderr}"
    );
    std::fs::remove_file(sandbox.path("v2/train.csv")).unwrap();
    let (code, _, stderr) =
        in_home(&["gate", "churn", "--candidate", "2", "--require", "no-drift"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&drifted)
            && stderr.contains("no longer on disk")
            && stderr.contains("BLAKE3"),
        "{stderr}"
    );
}
