//! End-to-end tests of `cairn models` and `cairn gate` on a sandboxed demo store (fresh temporary
//! home, CAIRN_STORE scrubbed). The demo has `mnist-classifier`: v1 Archived, v2 Production
//! (@champion), v3 Staging (@challenger).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use serde_json::Value;

const MODEL: &str = "mnist-classifier";

mod common;

use common::Sandbox;

/// A fresh sandbox with the demo seeded.
fn demo() -> Sandbox {
    let sandbox = Sandbox::with_store("cairn.db").with_env("USER", "tester");
    sandbox.ok(&["demo"]);
    sandbox
}

/// The registry's own questions to a sandbox.
trait Registry {
    fn gate(&self, args: &[&str]) -> (i32, String, String);
    fn stages(&self) -> Vec<(u64, String)>;
}

impl Registry for Sandbox {
    /// Runs a gate and returns (exit code, stdout, stderr).
    fn gate(&self, args: &[&str]) -> (i32, String, String) {
        let mut full = vec!["gate", MODEL];
        full.extend_from_slice(args);
        let output = self.run(&full);
        (
            output.status.code().expect("exit code"),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    fn stages(&self) -> Vec<(u64, String)> {
        self.json(&["models", "versions", MODEL])
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_u64().unwrap(),
                    v["stage"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

fn stages(expected: &[(u64, &str)]) -> Vec<(u64, String)> {
    expected
        .iter()
        .map(|(v, s)| (*v, (*s).to_owned()))
        .collect()
}

#[test]
fn list_show_versions_and_resolve_every_uri_form() {
    let sandbox = demo();
    let list = sandbox.ok(&["models", "list"]);
    assert!(list.contains("Production: v2"), "{list}");
    assert!(list.contains("@champion: v2"), "{list}");
    let shown = sandbox.json(&["models", "show", MODEL]);
    assert_eq!(shown["aliases"]["challenger"], 3);
    assert_eq!(
        sandbox.stages(),
        stages(&[(1, "Archived"), (2, "Production"), (3, "Staging")])
    );
    for (uri, version) in [
        ("models:/mnist-classifier/1", 1),
        ("models:/mnist-classifier/Production", 2),
        ("models:/mnist-classifier/staging", 3),
        ("models:/mnist-classifier/latest", 3),
        ("models:/mnist-classifier@champion", 2),
        ("models:/mnist-classifier@challenger", 3),
    ] {
        let resolved = sandbox.json(&["models", "resolve", uri]);
        assert_eq!(resolved["version"], version, "{uri}");
        let run_id = resolved["run_id"].as_str().unwrap();
        let location = resolved["artifact_location"].as_str().unwrap();
        assert!(
            location.contains(run_id) && location.ends_with("/model"),
            "{location}"
        );
    }
    for bad in [
        "models:/mnist-classifier@nobody",
        "models:/mnist-classifier/9",
        "models:/mnist-classifier",
        "runs:/abc/model",
    ] {
        assert!(
            !sandbox.run(&["models", "resolve", bad]).status.success(),
            "{bad}"
        );
    }
}

#[test]
fn register_promote_alias_and_history() {
    let sandbox = demo();
    let run_id = sandbox.json(&["runs", "list", "--limit", "1"])[0]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let registered = sandbox.json(&["models", "register", &run_id, "--name", MODEL]);
    assert_eq!(registered["version"], 4);
    assert_eq!(registered["source"], format!("runs:/{run_id}/model"));
    // A missing model is created.
    let fresh = sandbox.json(&[
        "models",
        "register",
        &run_id,
        "--artifact-path",
        "clf",
        "--name",
        "new-model",
    ]);
    assert_eq!(fresh["version"], 1);
    assert_eq!(fresh["source"], format!("runs:/{run_id}/clf"));

    sandbox.ok(&[
        "models",
        "promote",
        MODEL,
        "4",
        "production",
        "--archive-existing",
        "--comment",
        "better",
    ]);
    assert_eq!(
        sandbox.stages(),
        stages(&[
            (1, "Archived"),
            (2, "Archived"),
            (3, "Staging"),
            (4, "Production")
        ])
    );
    sandbox.ok(&["models", "alias", MODEL, "champion", "4"]);
    let resolved = sandbox.json(&["models", "resolve", "models:/mnist-classifier@champion"]);
    assert_eq!(resolved["version"], 4);
    assert!(
        !sandbox
            .run(&["models", "promote", MODEL, "4", "Prod"])
            .status
            .success()
    );

    let history = sandbox.json(&["models", "history", MODEL]);
    let history = history.as_array().unwrap();
    let cli: Vec<&Value> = history.iter().filter(|e| e["origin"] == "cli").collect();
    let changes: Vec<(String, Option<u64>)> = cli
        .iter()
        .map(|e| {
            (
                e["change"].as_str().unwrap().to_owned(),
                e["version"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("transition".to_owned(), Some(2)),
            ("transition".to_owned(), Some(4)),
            ("set_alias".to_owned(), Some(4)),
        ]
    );
    assert_eq!(cli[0]["from_stage"], "Production");
    assert_eq!(cli[0]["to_stage"], "Archived");
    assert_eq!(cli[1]["from_stage"], "None");
    assert_eq!(cli[1]["comment"], "better");
    assert_eq!(cli[1]["user_id"], "tester");
    assert_eq!(cli[2]["alias"], "champion");
    // The demo's own history is there too, and the table prints.
    assert!(history.iter().any(|e| e["origin"] == "demo"));
    assert!(
        sandbox
            .ok(&["models", "history", MODEL])
            .contains("set_alias")
    );
}

/// The CLI and the app record the same user: `$CAIRN_USER` first (the CLI used to skip it).
#[test]
fn registry_changes_are_recorded_under_cairn_user_before_user() {
    let sandbox = demo().with_env("CAIRN_USER", "release-bot");
    sandbox.ok(&["models", "promote", MODEL, "3", "production"]);
    let history = sandbox.json(&["models", "history", MODEL]);
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["origin"], "cli");
    assert_eq!(last["user_id"], "release-bot");
}

/// One wording for a bad stage, from `cairn models promote` and `cairn gate --promote` alike.
#[test]
fn a_bad_stage_is_named_with_the_four_stages() {
    let sandbox = demo();
    let error = sandbox.fails(&["models", "promote", MODEL, "3", "Prod"]);
    assert_eq!(
        error.trim_end(),
        "error: 'Prod' is not a stage: None, Staging, Production or Archived"
    );
}

#[test]
fn gate_passes_writes_the_report_and_promotes() {
    let sandbox = demo();
    let report = sandbox.path("report.md");
    let (code, stdout, stderr) = sandbox.gate(&[
        "--candidate",
        "3",
        "--rule",
        "metrics.val_acc >= baseline + 0.002",
        "--rule",
        "metrics.val_loss <= 1",
        "--promote",
        "Production",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("PASSED") && stdout.contains("promoted"),
        "{stdout}"
    );
    let markdown = std::fs::read_to_string(&report).unwrap();
    assert!(
        markdown.starts_with("# Gate: mnist-classifier — PASSED"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| `metrics.val_acc >= baseline + 0.002` |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Baseline (Production): version 2"),
        "{markdown}"
    );
    assert_eq!(
        sandbox.stages(),
        stages(&[(1, "Archived"), (2, "Archived"), (3, "Production")])
    );
    let history = sandbox.json(&["models", "history", MODEL]);
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["origin"], "gate");
    assert_eq!(last["version"], 3);
    assert_eq!(last["to_stage"], "Production");
    assert_eq!(last["gate_report"].as_str().unwrap(), markdown);
}

#[test]
fn gate_fails_with_exit_1_and_a_json_report() {
    let sandbox = demo();
    let report = sandbox.path("report.json");
    let (code, stdout, _) = sandbox.gate(&[
        "--candidate",
        "3",
        "--against",
        "@champion",
        "--rule",
        "metrics.val_acc >= baseline + 0.5",
        "--rule",
        "metrics.val_acc >= 0.5",
        "--promote",
        "Production",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["against"], "@champion");
    assert_eq!(json["baseline"]["version"], 2);
    assert_eq!(json["rules"][0]["passed"], false);
    assert_eq!(json["rules"][1]["passed"], true);
    // Nothing was promoted.
    assert_eq!(
        sandbox.stages(),
        stages(&[(1, "Archived"), (2, "Production"), (3, "Staging")])
    );
}

#[test]
fn gate_errors_exit_2_and_missing_baseline_is_decided_by_the_flag() {
    let sandbox = demo();
    // Missing metric.
    let (code, _, stderr) = sandbox.gate(&["--candidate", "3", "--rule", "metrics.f1 > 0.5"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("f1"), "{stderr}");
    // Bad rule, bad reference, no rules.
    for args in [
        &["--candidate", "3", "--rule", "metrics.val_acc >> 1"][..],
        &["--candidate", "3", "--rule", "params.lr > 1"][..],
        &[
            "--candidate",
            "3",
            "--against",
            "Prod",
            "--rule",
            "metrics.val_acc > 0",
        ][..],
        &["--candidate", "3"][..],
        &["--candidate", "9", "--rule", "metrics.val_acc > 0"][..],
    ] {
        assert_eq!(sandbox.gate(args).0, 2, "{args:?}");
    }
    // No baseline.
    let rule = [
        "--candidate",
        "3",
        "--against",
        "@nobody",
        "--rule",
        "metrics.val_acc >= baseline",
    ];
    let (code, _, stderr) = sandbox.gate(&rule);
    assert_eq!(code, 2);
    assert!(stderr.contains("--missing-baseline"), "{stderr}");
    let mut pass = rule.to_vec();
    pass.extend(["--missing-baseline", "pass"]);
    assert_eq!(sandbox.gate(&pass).0, 0);
    let mut fail = rule.to_vec();
    fail.extend(["--missing-baseline", "fail"]);
    assert_eq!(sandbox.gate(&fail).0, 1);
    // A run id is a candidate too.
    let run_id = sandbox.json(&["models", "resolve", "models:/mnist-classifier/3"])["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (code, stdout, stderr) = sandbox.gate(&[
        "--candidate",
        &run_id,
        "--rule",
        "metrics.val_acc >= baseline",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("candidate: version 3"), "{stdout}");
    // Requirements are judged (pass or fail), never a usage error.
    let (code, stdout, _) = sandbox.gate(&["--candidate", "3", "--require", "same-data"]);
    assert!(code == 0 || code == 1, "{stdout}");
    assert!(stdout.contains("same-data"), "{stdout}");
}
