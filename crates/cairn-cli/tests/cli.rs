//! End-to-end tests of the `cairn` binary: each test gets a fresh temporary home and store, and
//! the environment is scrubbed so nothing touches the user's real data.
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

fn ids(runs: &Value) -> Vec<String> {
    runs.as_array()
        .expect("array of runs")
        .iter()
        .map(|run| run["run_id"].as_str().expect("run_id").to_string())
        .collect()
}

fn metric(run: &Value, key: &str) -> Option<f64> {
    run["metrics"][key].as_f64()
}

#[test]
fn demo_then_filter_and_order_returns_the_right_runs_in_order() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&["demo"]);
    let everything = sandbox.json(&["runs", "list", "--limit", "1000"]);
    let mut expected: Vec<&Value> = everything
        .as_array()
        .expect("runs")
        .iter()
        .filter(|run| {
            metric(run, "val_acc").is_some_and(|acc| acc > 0.8)
                && run["params"]["optimizer"] == "adam"
        })
        .collect();
    expected.sort_by(|a, b| {
        let (a, b) = (metric(a, "val_acc"), metric(b, "val_acc"));
        b.partial_cmp(&a).expect("comparable")
    });
    assert!(
        expected.len() >= 3,
        "the demo should have several good adam runs"
    );
    assert!(expected.len() < everything.as_array().expect("runs").len());
    let filtered = sandbox.json(&[
        "runs",
        "list",
        "--filter",
        "metrics.val_acc > 0.8 and params.optimizer = 'adam'",
        "--order-by",
        "metrics.val_acc DESC",
    ]);
    let expected_ids: Vec<String> = expected
        .iter()
        .map(|run| run["run_id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids(&filtered), expected_ids);
}

#[test]
fn demo_if_empty_seeds_once() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let first = sandbox.json(&["demo", "--if-empty"]);
    assert_eq!(first["seeded"], true);
    let runs = first["runs"].as_u64().expect("run count");
    let second = sandbox.json(&["demo", "--if-empty"]);
    assert_eq!(second["seeded"], false);
    let experiments = sandbox.json(&["experiments"]);
    let total: u64 = experiments
        .as_array()
        .expect("experiments")
        .iter()
        .map(|experiment| experiment["run_count"].as_u64().expect("count"))
        .sum();
    assert_eq!(total, runs);
    let names: Vec<&str> = experiments
        .as_array()
        .expect("experiments")
        .iter()
        .map(|experiment| experiment["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["Default", "cifar10-resnet", "imdb-sentiment", "mnist-cnn"]
    );
}

#[test]
fn runs_show_has_provenance_metrics_and_registry_versions() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&["demo"]);
    let best = sandbox.json(&[
        "runs",
        "list",
        "--experiment",
        "mnist-cnn",
        "--filter",
        "attributes.status = 'FINISHED'",
        "--order-by",
        "metrics.val_acc DESC",
        "--limit",
        "1",
    ]);
    let run_id = &ids(&best)[0];
    let detail = sandbox.json(&["runs", "show", run_id]);
    assert_eq!(detail["run_id"], run_id.as_str());
    assert_eq!(detail["status"], "FINISHED");
    assert_eq!(detail["git"]["origin"], "repository");
    assert_eq!(detail["git"]["commit"].as_str().expect("commit").len(), 40);
    assert_eq!(detail["data"][0]["kind"], "directory");
    let summaries = detail["metric_summaries"].as_array().expect("summaries");
    let keys: Vec<&str> = summaries
        .iter()
        .map(|metric| metric["key"].as_str().expect("key"))
        .collect();
    assert_eq!(keys, ["train_loss", "val_acc", "val_loss"]);
    assert!(summaries[0]["point_count"].as_u64().expect("count") >= 100);
    let versions = detail["model_versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 1, "the best mnist run is registered");
    assert_eq!(versions[0]["name"], "mnist-classifier");
    let text = sandbox.ok(&["runs", "show", run_id]);
    for expected in ["Params", "Metrics", "Code", "Data", "Registered versions"] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}

#[test]
fn log_commands_write_to_a_run_and_refuse_bad_input() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&["demo"]);
    let run_id = ids(&sandbox.json(&["runs", "list", "--limit", "1"]))[0].clone();
    sandbox.ok(&["log", "param", &run_id, "note", "first"]);
    sandbox.ok(&["log", "param", &run_id, "note", "first"]);
    sandbox.ok(&["log", "tag", &run_id, "reviewed", "yes"]);
    sandbox.ok(&["log", "metric", &run_id, "cli_metric", "0.5", "--step", "1"]);
    sandbox.ok(&["log", "metric", &run_id, "cli_metric", "nan", "--step", "2"]);
    sandbox.ok(&[
        "log",
        "metric",
        &run_id,
        "cli_metric",
        "-inf",
        "--step",
        "3",
    ]);
    let detail = sandbox.json(&["runs", "show", &run_id]);
    assert_eq!(detail["params"]["note"], "first");
    assert_eq!(detail["tags"]["reviewed"], "yes");
    assert_eq!(detail["metrics"]["cli_metric"], "-Infinity");

    let conflict = sandbox.fails(&["log", "param", &run_id, "note", "second"]);
    assert!(
        conflict.contains("param 'note'") && conflict.contains("'first'"),
        "{conflict}"
    );
    let missing = sandbox.fails(&["log", "tag", "no-such-run", "k", "v"]);
    assert_eq!(
        missing.trim_end(),
        "error: run 'no-such-run' does not exist"
    );
    let bad_value = sandbox.fails(&["log", "metric", &run_id, "loss", "twelve"]);
    assert!(
        bad_value.contains("'twelve' is not a number"),
        "{bad_value}"
    );
    let bad_key = sandbox.fails(&["log", "metric", &run_id, "../escape", "1"]);
    assert!(bad_key.contains("metric key '../escape'"), "{bad_key}");
}

#[test]
fn search_errors_name_the_position() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&["demo"]);
    let error = sandbox.fails(&["runs", "list", "--filter", "metrics.val_acc > 'high'"]);
    assert!(error.contains("at position"), "{error}");
    let error = sandbox.fails(&["runs", "list", "--order-by", "metrics.val_acc SIDEWAYS"]);
    assert!(error.contains("at position"), "{error}");
    let error = sandbox.fails(&["runs", "list", "--experiment", "nope"]);
    assert!(
        error.contains("experiment 'nope' does not exist"),
        "{error}"
    );
}

#[test]
fn default_store_is_in_the_data_folder_and_cairn_store_overrides_it() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let output = sandbox
        .command()
        .args(["demo", "--if-empty"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let default_store: &Path = &sandbox.path("xdg-data/cairn/cairn.db");
    assert!(default_store.exists(), "{}", default_store.display());

    let elsewhere = sandbox.path("elsewhere.db");
    let output = sandbox
        .command()
        .env("CAIRN_STORE", &elsewhere)
        .args(["experiments"])
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(elsewhere.exists());
}

#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let not_a_store = sandbox.path("notes.txt");
    std::fs::write(&not_a_store, "these are my notes, not a database\n").expect("write");
    let output = sandbox
        .command()
        .arg("--store")
        .arg(&not_a_store)
        .arg("experiments")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&not_a_store).expect("read"),
        "these are my notes, not a database\n"
    );
}

#[test]
fn plot_writes_svg_and_png_charts_of_demo_runs() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&["demo"]);
    let out = sandbox.path("charts");
    std::fs::create_dir_all(&out).unwrap();
    let path = |name: &str| out.join(name).to_str().unwrap().to_string();

    let adam = sandbox.json(&[
        "runs",
        "list",
        "--filter",
        "params.optimizer = 'adam'",
        "--experiment",
        "mnist-cnn",
    ]);
    let adam_names: Vec<&str> = adam
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["run_name"].as_str().unwrap())
        .collect();
    assert!(!adam_names.is_empty());
    let line_svg = path("line.svg");
    let report = sandbox.json(&[
        "plot",
        "line",
        "--metric",
        "val_loss",
        "--experiment",
        "mnist-cnn",
        "--filter",
        "params.optimizer = 'adam'",
        "--smooth",
        "0.6",
        "--log-y",
        "--width",
        "800",
        "--height",
        "400",
        "-o",
        &line_svg,
    ]);
    assert_eq!(report["plot_area"]["y_scale"], "log10");
    assert!(report["plot_area"]["right_px"].as_i64().unwrap() < 800);
    let svg = std::fs::read_to_string(&line_svg).unwrap();
    assert!(svg.starts_with("<svg"));
    for name in adam_names.iter().take(12) {
        assert!(svg.contains(name), "legend names {name}");
    }

    let ids = ids(&adam);
    let line_png = path("line.png");
    let mut args = vec![
        "plot", "line", "--metric", "val_acc", "--x", "wall", "--theme", "dark",
    ];
    args.extend(["-o", &line_png, "--runs"]);
    args.extend(ids.iter().map(String::as_str));
    let printed = sandbox.ok(&args);
    assert!(printed.starts_with("wrote "), "{printed}");
    let png = std::fs::read(&line_png).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1200);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 600);

    for (args, file) in [
        (
            vec![
                "scatter",
                "--x",
                "params.optimizer",
                "--y",
                "metrics.val_acc",
            ],
            "scatter.svg",
        ),
        (
            vec!["scatter", "--x", "params.lr", "--y", "val_loss"],
            "scatter.png",
        ),
        (
            vec![
                "parallel",
                "--dim",
                "params.optimizer,params.lr,metrics.val_acc",
                "--color-by",
                "metrics.val_acc",
            ],
            "parallel.svg",
        ),
        (
            vec!["hist", "--metric", "val_acc", "--bins", "8"],
            "hist.svg",
        ),
    ] {
        let file = path(file);
        let mut full = vec!["plot"];
        full.extend(args);
        full.extend(["--experiment", "cifar10-resnet", "-o", &file]);
        sandbox.ok(&full);
        assert!(std::fs::metadata(&file).unwrap().len() > 1_000, "{file}");
    }

    let error = sandbox.fails(&["plot", "line", "--metric", "val_loss", "-o", &path("x.txt")]);
    assert!(error.contains(".svg or .png"), "{error}");
    let error = sandbox.fails(&[
        "plot",
        "line",
        "--metric",
        "no_such_metric",
        "-o",
        &line_svg,
    ]);
    assert!(error.contains("no_such_metric"), "{error}");
    let error = sandbox.fails(&[
        "plot", "line", "--metric", "val_loss", "--smooth", "1.5", "-o", &line_svg,
    ]);
    assert!(error.contains("smoothing"), "{error}");
    let error = sandbox.fails(&[
        "plot",
        "hist",
        "--metric",
        "val_acc",
        "--filter",
        "params.optimizer = 'none'",
        "-o",
        &line_svg,
    ]);
    assert!(error.contains("no runs match"), "{error}");
}

#[test]
fn hash_prints_blake3_of_files_and_directories_and_reuses_the_stat_cache() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let data = sandbox.path("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    std::fs::write(data.join("sub/x.txt"), "x").unwrap();
    std::fs::write(data.join("y.txt"), "yy").unwrap();
    let file_hash = |bytes: &[u8]| blake3::hash(bytes).to_hex().to_string();
    let expected = file_hash(
        format!(
            "sub/x.txt\x001\x00{}\ny.txt\x002\x00{}\n",
            file_hash(b"x"),
            file_hash(b"yy")
        )
        .as_bytes(),
    );
    let data_arg = data.to_str().unwrap();
    let file_arg = data.join("y.txt");
    let first = sandbox.json(&["hash", data_arg, file_arg.to_str().unwrap()]);
    assert_eq!(first[0]["hash"], expected.as_str());
    assert_eq!(first[0]["kind"], "directory");
    assert_eq!(first[0]["file_count"], 2);
    assert_eq!(first[1]["hash"], file_hash(b"yy").as_str());
    assert_eq!(first[1]["cached_files"], 1);
    let second = sandbox.json(&["hash", data_arg]);
    assert_eq!(second[0]["cached_files"], 2);
    let text = sandbox.ok(&["hash", data_arg]);
    assert_eq!(text, format!("{expected}  {data_arg}\n"));
    let missing = sandbox.fails(&["hash", "/nonexistent/cairn-data"]);
    assert!(missing.contains("/nonexistent/cairn-data"), "{missing}");
}

#[test]
fn run_records_provenance_output_and_maps_exit_codes() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let repo = sandbox.path("project");
    std::fs::create_dir_all(repo.join("data")).unwrap();
    std::fs::write(repo.join("train.py"), "print(1)\n").unwrap();
    std::fs::write(repo.join("data/x.csv"), "a,b\n").unwrap();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("HOME", sandbox.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap();
        assert!(status.success());
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "train.py"]);
    git(&["commit", "-q", "-m", "init"]);
    std::fs::write(repo.join("train.py"), "print(2)\n").unwrap();

    let run = |name: &str, script: &str| {
        sandbox
            .command()
            .current_dir(&repo)
            .arg("--store")
            .arg(sandbox.store())
            .args([
                "run",
                "--experiment",
                "exp",
                "--name",
                name,
                "--data",
                "data",
            ])
            .args(["--param", "lr=0.1", "--", "sh", "-c", script])
            .output()
            .unwrap()
    };
    let ok = run(
        "ok",
        "echo \"to stdout $MLFLOW_EXPERIMENT_NAME $CAIRN_RUN_ID\"; echo to-stderr >&2; \
         case $MLFLOW_TRACKING_URI in http://127.0.0.1:*) exit 0;; *) exit 9;; esac",
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stdout = String::from_utf8(ok.stdout).unwrap();
    assert!(stdout.starts_with("to stdout exp "), "{stdout}");
    assert!(String::from_utf8_lossy(&ok.stderr).contains("to-stderr"));
    assert_eq!(run("fails", "exit 3").status.code(), Some(3));
    assert_eq!(run("killed", "kill -TERM $$").status.code(), Some(143));

    let runs = sandbox.json(&["runs", "list", "--experiment", "exp"]);
    let status_of = |name: &str| {
        runs.as_array()
            .unwrap()
            .iter()
            .find(|run| run["run_name"] == name)
            .map(|run| run["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status_of("ok"), "FINISHED");
    assert_eq!(status_of("fails"), "FAILED");
    assert_eq!(status_of("killed"), "KILLED");
    let ok_run = runs
        .as_array()
        .unwrap()
        .iter()
        .find(|run| run["run_name"] == "ok")
        .unwrap();
    assert_eq!(ok_run["source_kind"], "cairn_run");
    assert_eq!(ok_run["params"]["lr"], "0.1");
    assert_eq!(ok_run["git_dirty"], true);
    let data_hash = sandbox.json(&["hash", repo.join("data").to_str().unwrap()]);
    assert_eq!(ok_run["data_hash"], data_hash[0]["hash"]);

    let run_id = ok_run["run_id"].as_str().unwrap();
    let artifacts: Vec<PathBuf> = walk(&sandbox.store().with_file_name("cairn-artifacts"))
        .into_iter()
        .filter(|path| path.to_string_lossy().contains(run_id))
        .collect();
    let log = artifacts
        .iter()
        .find(|p| p.ends_with("cairn/output.log"))
        .unwrap();
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.contains("to stdout exp") && log.contains("to-stderr"),
        "{log}"
    );
    let diff = artifacts
        .iter()
        .find(|p| p.ends_with("cairn/git.diff"))
        .unwrap();
    let diff = std::fs::read_to_string(diff).unwrap();
    assert!(
        diff.contains("-print(1)") && diff.contains("+print(2)"),
        "{diff}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn diff_shows_params_and_data_files_and_warns() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    let work = sandbox.path("work");
    std::fs::create_dir_all(work.join("data")).unwrap();
    std::fs::write(work.join("data/keep.txt"), "same").unwrap();
    std::fs::write(work.join("data/change.txt"), "v1").unwrap();
    let run = |name: &str, lr: &str| {
        let output = sandbox
            .command()
            .current_dir(&work)
            .arg("--store")
            .arg(sandbox.store())
            .args(["run", "--name", name, "--data", "data", "--param"])
            .arg(format!("lr={lr}"))
            .args(["--", "true"])
            .output()
            .unwrap();
        assert!(output.status.success());
    };
    run("a", "0.1");
    std::fs::write(work.join("data/change.txt"), "v2").unwrap();
    std::fs::write(work.join("data/new.txt"), "n").unwrap();
    run("b", "0.2");
    let runs = sandbox.json(&["runs", "list"]);
    let id = |name: &str| {
        runs.as_array()
            .unwrap()
            .iter()
            .find(|run| run["run_name"] == name)
            .unwrap()["run_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let diff = sandbox.json(&["diff", &id("a"), &id("b")]);
    assert_eq!(diff["params"][0]["key"], "lr");
    assert_eq!(diff["params"][0]["b"], "0.2");
    assert_eq!(diff["data"][0]["key"], "data");
    let files: Vec<&str> = diff["data_files"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, vec!["change.txt", "new.txt"]);
    assert_eq!(diff["warnings"][0], "data differs: data");
    let same = sandbox.ok(&["diff", &id("a"), &id("a")]);
    assert_eq!(same, "no differences in params, code or data\n");
}

#[test]
fn run_child_logs_through_the_ephemeral_endpoint() {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("curl not installed; skipped");
        return;
    }
    let sandbox = Sandbox::with_store("store/cairn.db");
    let script = r#"curl -sf -X POST -H 'Content-Type: application/json' \
        -d "{\"run_id\":\"$CAIRN_RUN_ID\",\"key\":\"loss\",\"value\":0.5,\"timestamp\":1,\"step\":0}" \
        "$MLFLOW_TRACKING_URI/api/2.0/mlflow/runs/log-metric""#;
    let output = sandbox
        .command()
        .current_dir(sandbox.home())
        .arg("--store")
        .arg(sandbox.store())
        .args(["run", "--name", "logs", "--", "sh", "-c", script])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let runs = sandbox.json(&["runs", "list"]);
    assert_eq!(runs[0]["metrics"]["loss"], 0.5);
    assert_eq!(runs[0]["status"], "FINISHED");
}

#[test]
fn run_interrupted_by_ctrl_c_is_killed_and_cairn_records_it() {
    if Command::new("setsid").arg("--version").output().is_err() {
        eprintln!("setsid not installed; skipped");
        return;
    }
    let sandbox = Sandbox::with_store("store/cairn.db");
    // setsid: a process group of its own, so SIGINT to the group (what a terminal's Ctrl-C
    // does) reaches cairn and the child but not the test runner.
    let output = Command::new("setsid")
        .arg("--wait")
        .arg(env!("CARGO_BIN_EXE_cairn"))
        .env_remove("CAIRN_STORE")
        .env("HOME", sandbox.home())
        .current_dir(sandbox.home())
        .arg("--store")
        .arg(sandbox.store())
        .args([
            "run",
            "--name",
            "interrupted",
            "--",
            "sh",
            "-c",
            "kill -INT 0; sleep 5",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let runs = sandbox.json(&["runs", "list"]);
    assert_eq!(runs[0]["status"], "KILLED");
}

#[test]
fn run_samples_system_metrics_of_the_command() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    // Busy for a while, so several samples land: CPU needs two of them.
    let script = "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done";
    let output = sandbox
        .command()
        .current_dir(sandbox.home())
        .arg("--store")
        .arg(sandbox.store())
        .args([
            "run",
            "--name",
            "busy",
            "--system-metrics-interval",
            "0.05",
            "--",
            "sh",
            "-c",
            script,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let runs = sandbox.json(&["runs", "list"]);
    let run_id = runs[0]["run_id"].as_str().unwrap().to_string();
    let detail = sandbox.json(&["runs", "show", &run_id]);
    let summaries = detail["metric_summaries"].as_array().unwrap();
    let find = |key: &str| {
        summaries
            .iter()
            .find(|metric| metric["key"] == key)
            .cloned()
    };
    let rss = find("system/rss_mb").expect("system/rss_mb logged");
    assert!(rss["value"].as_f64().unwrap() > 0.0, "{rss}");
    let cpu = find("system/cpu_percent").expect("system/cpu_percent logged");
    let cpu_percent = cpu["value"].as_f64().unwrap();
    assert!((0.0..=400.0).contains(&cpu_percent), "{cpu}");

    let quiet = sandbox
        .command()
        .current_dir(sandbox.home())
        .arg("--store")
        .arg(sandbox.store())
        .args(["run", "--name", "quiet", "--system-metrics-interval", "0"])
        .args(["--", "true"])
        .output()
        .unwrap();
    assert!(quiet.status.success());
    let quiet_runs = sandbox.json(&["runs", "list", "--filter", "run_name = 'quiet'"]);
    let quiet_id = quiet_runs[0]["run_id"].as_str().unwrap().to_string();
    let quiet_detail = sandbox.json(&["runs", "show", &quiet_id]);
    assert!(
        quiet_detail["metric_summaries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|metric| !metric["key"].as_str().unwrap().starts_with("system/")),
        "sampling off logs no system metrics"
    );
}

#[test]
fn runs_list_into_a_pipe_closed_early_exits_quietly() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&["demo", "--sweep", "1500"]);
    let mut child = sandbox
        .command()
        .arg("--store")
        .arg(sandbox.store())
        .args(["runs", "list", "--limit", "2000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -1`: one line, then the reader goes. The listing (hundreds of KB) is far
    // larger than a pipe's buffer, so the writer is still writing when the pipe closes.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(first.starts_with("RUN"), "{first}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "no panic and no error line");
}

#[test]
fn durability_choice_is_parsed_from_the_flag_and_the_environment() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.ok(&["--durability", "full", "demo"]);
    let listed = sandbox.json(&["--durability", "normal", "runs", "list"]);
    assert!(!listed.as_array().unwrap().is_empty());
    let strict = Sandbox::with_store("store/cairn.db").with_env("CAIRN_DURABILITY", "full");
    strict.ok(&["experiments"]);
    let cases = [
        (
            Sandbox::with_store("store/cairn.db").with_env("CAIRN_DURABILITY", "paranoid"),
            vec!["experiments"],
        ),
        (
            Sandbox::with_store("store/cairn.db"),
            vec!["--durability", "paranoid", "experiments"],
        ),
    ];
    for (sandbox, args) in cases {
        let output = sandbox.run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--durability"), "{stderr}");
    }
}

/// `cairn experiments --filter` reads MLflow's experiment grammar through `cairn_core::search`,
/// the same code `experiments/search` uses; a bad filter names the option and the position.
#[test]
fn experiments_filter_with_the_search_grammar() {
    let sandbox = Sandbox::with_store("store/cairn.db");
    sandbox.json(&["demo"]);
    let names = |filter: &str| -> Vec<String> {
        sandbox
            .json(&["experiments", "--filter", filter])
            .as_array()
            .expect("experiments")
            .iter()
            .map(|experiment| experiment["name"].as_str().expect("name").to_owned())
            .collect()
    };
    for (filter, expected) in [
        ("name LIKE '%-res%'", vec!["cifar10-resnet"]),
        (
            "name = 'mnist-cnn' OR name = 'imdb-sentiment'",
            vec!["imdb-sentiment", "mnist-cnn"],
        ),
        (
            "name != 'Default' AND name ILIKE 'I%'",
            vec!["imdb-sentiment"],
        ),
        ("tags.nothing = 'x'", vec![]),
        (
            "",
            vec!["Default", "cifar10-resnet", "imdb-sentiment", "mnist-cnn"],
        ),
    ] {
        assert_eq!(names(filter), expected, "{filter}");
    }
    for (filter, says) in [
        ("experiment_id = '1'", "experiment_id"),
        ("name = mnist", "mnist"),
    ] {
        let error = sandbox.fails(&["experiments", "--filter", filter]);
        assert!(
            error.contains("--filter") && error.contains(says),
            "{filter}: {error}"
        );
    }
}

#[test]
fn a_unique_beginning_of_a_run_id_names_the_run() {
    use cairn_core::model::{ExperimentId, NewRun, SourceKind};
    use cairn_core::{SqliteStore, TrackingStore as _};

    let sandbox = Sandbox::with_store("short-ids.db");
    {
        let store = SqliteStore::open(&sandbox.store()).unwrap();
        for id in [
            "abcd0000000000000000000000000001",
            "abcd1111111111111111111111111112",
        ] {
            let mut new = NewRun::new(ExperimentId(0), SourceKind::MlflowApi);
            new.run_id = Some(id.to_owned());
            store.create_run(&new).unwrap();
        }
    }
    let shown = sandbox.json(&["runs", "show", "abcd1"]);
    assert_eq!(
        shown["run_id"], "abcd1111111111111111111111111112",
        "{shown}"
    );
    sandbox.ok(&["log", "tag", "ABCD0000", "owner", "ana"]);
    let tagged = sandbox.json(&["runs", "show", "abcd0000000000000000000000000001"]);
    assert!(tagged.to_string().contains("\"owner\""), "{tagged}");
    let ambiguous = sandbox.fails(&["runs", "show", "abcd"]);
    assert!(ambiguous.contains("several runs"), "{ambiguous}");
    let missing = sandbox.fails(&["runs", "show", "ffff"]);
    assert!(missing.contains("ffff"), "{missing}");
}
