//! `cairn serve --database` when PostgreSQL restarts in the middle of a 16-writer ingest: no
//! request hangs, the ones that meet the restart get 503 with a message, the server reconnects
//! by itself, and every acknowledged point is stored exactly once. When PostgreSQL stops
//! answering altogether (its processes frozen, as a hung host or a partition leaves them),
//! requests get 503 within `--database-timeout`, `/metrics` still answers, a command opening the
//! database gives up within seconds, and the server carries on once it answers again. Each test
//! uses a PostgreSQL cluster of its own (the shared test server is neither restarted nor frozen).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::Sandbox;
use common::served::Served;
use serde_json::json;

const WRITERS: usize = 16;
const POINTS_PER_BATCH: usize = 20;

/// A cluster started for this test, stopped when dropped.
struct Cluster {
    dir: PathBuf,
    url: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres.sh")
}

impl Cluster {
    fn start() -> Cluster {
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cairn-fault-pg-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let output = Command::new(script())
            .arg("start")
            .arg(&dir)
            .arg(port.to_string())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let admin = String::from_utf8(output.stdout).unwrap().trim().to_owned();
        let status = Command::new("psql")
            .args([admin.as_str(), "-q", "-c", "CREATE DATABASE ingest"])
            .status()
            .unwrap();
        assert!(status.success());
        Cluster {
            url: admin.replace("/postgres", "/ingest"),
            dir,
        }
    }

    fn restart(&self) {
        let output = Command::new(script())
            .arg("restart")
            .arg(&self.dir)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Cluster {
    /// Sends `signal` to the server and all its processes.
    fn signal(&self, signal: &str) {
        assert!(self.try_signal(signal), "kill -{signal} failed");
    }

    /// [`Cluster::signal`], saying whether every process got it (one may have just ended).
    fn try_signal(&self, signal: &str) -> bool {
        let Ok(pid_file) = std::fs::read_to_string(self.dir.join("data/postmaster.pid")) else {
            return false;
        };
        let Some(postmaster) = pid_file.lines().next().map(|line| line.trim().to_owned()) else {
            return false;
        };
        let Ok(children) = Command::new("pgrep").args(["-P", &postmaster]).output() else {
            return false;
        };
        let mut pids = vec![postmaster];
        pids.extend(
            String::from_utf8_lossy(&children.stdout)
                .split_whitespace()
                .map(str::to_owned),
        );
        Command::new("kill")
            .arg(format!("-{signal}"))
            .args(&pids)
            .status()
            .is_ok_and(|status| status.success())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Nothing frozen is left behind, whatever the test did (a process may have ended).
        self.try_signal("CONT");
        let _ = Command::new(script()).arg("stop").arg(&self.dir).output();
    }
}

#[test]
fn a_postgres_restart_mid_ingest_loses_no_acknowledged_point() {
    let cluster = Cluster::start();
    let sandbox = Sandbox::with_store("unused.db");
    let mut command = sandbox.command();
    command
        .current_dir(sandbox.home())
        .args(["--database", &cluster.url, "serve", "--port", "0"]);
    let served = Served::start(command);
    let run_id = served.ok(
        "/api/2.0/mlflow/runs/create",
        &json!({"experiment_id": "0", "start_time": 1}),
    )["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let stop = AtomicBool::new(false);
    let (acknowledged, refused) = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (served, run_id, stop) = (&served, &run_id, &stop);
                scope.spawn(move || {
                    let (mut acknowledged, mut refused) = (Vec::new(), 0_usize);
                    let mut batch = 0_usize;
                    while !stop.load(Ordering::Relaxed) {
                        let first = batch * POINTS_PER_BATCH;
                        let metrics: Vec<_> = (first..first + POINTS_PER_BATCH)
                            .map(|step| {
                                json!({"key": format!("w{writer}"), "value": step as f64,
                                       "timestamp": 1, "step": step})
                            })
                            .collect();
                        let started = Instant::now();
                        let reply = served.post(
                            "/api/2.0/mlflow/runs/log-batch",
                            &json!({"run_id": run_id, "metrics": metrics}),
                        );
                        assert!(
                            started.elapsed() < Duration::from_secs(30),
                            "a request hung for {:?}",
                            started.elapsed()
                        );
                        match reply.status {
                            200 => acknowledged.push(batch),
                            503 => {
                                assert!(!reply.json()["message"].as_str().unwrap().is_empty());
                                refused += 1;
                            }
                            other => panic!("writer {writer}: {other} {}", reply.body),
                        }
                        batch += 1;
                    }
                    (acknowledged, refused)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(1500));
        cluster.restart();
        std::thread::sleep(Duration::from_millis(2500));
        stop.store(true, Ordering::Relaxed);
        let results: Vec<_> = writers
            .into_iter()
            .map(|writer| writer.join().unwrap())
            .collect();
        let refused: usize = results.iter().map(|(_, refused)| refused).sum();
        let acknowledged: Vec<Vec<usize>> = results.into_iter().map(|(ok, _)| ok).collect();
        (acknowledged, refused)
    });

    // The server is back without a restart of its own.
    let health = served.request("GET", "/health", b"");
    assert_eq!(health.status, 200, "{}", health.body);

    let mut total = 0;
    for (writer, batches) in acknowledged.iter().enumerate() {
        assert!(!batches.is_empty(), "writer {writer} never got through");
        let history = served.request(
            "GET",
            &format!(
                "/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=w{writer}&max_results=1000000"
            ),
            b"",
        );
        assert_eq!(history.status, 200, "{}", history.body);
        let mut steps: Vec<i64> = history.json()["metrics"]
            .as_array()
            .map(|points| {
                points
                    .iter()
                    .map(|point| point["step"].as_i64().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        steps.sort_unstable();
        let before = steps.len();
        steps.dedup();
        assert_eq!(
            steps.len(),
            before,
            "writer {writer}: a point is stored twice"
        );
        for batch in batches {
            for step in batch * POINTS_PER_BATCH..(batch + 1) * POINTS_PER_BATCH {
                assert!(
                    steps.binary_search(&(step as i64)).is_ok(),
                    "writer {writer}: acknowledged step {step} is missing"
                );
            }
        }
        total += batches.len() * POINTS_PER_BATCH;
    }
    eprintln!("{total} acknowledged points, {refused} batches refused during the restart");
}

#[test]
fn a_postgres_that_stops_answering_gets_503_in_time_and_is_used_again_after() {
    let cluster = Cluster::start();
    let sandbox = Sandbox::with_store("unused.db");
    let mut command = sandbox.command();
    command.current_dir(sandbox.home()).args([
        "--database",
        &cluster.url,
        "serve",
        "--port",
        "0",
        "--database-timeout",
        "2",
    ]);
    let served = Served::start(command);
    let created = served.ok(
        "/api/2.0/mlflow/runs/create",
        &json!({"experiment_id": "0", "start_time": 1}),
    );
    let run_id = created["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let batch = |step: i64| json!({"run_id": run_id, "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1, "step": step}]});

    cluster.signal("STOP");
    for (method, path, body) in [
        (
            "POST",
            "/api/2.0/mlflow/runs/log-batch",
            batch(1).to_string(),
        ),
        (
            "GET",
            &format!("/api/2.0/mlflow/runs/get?run_id={run_id}"),
            String::new(),
        ),
        ("POST", "/app/api/list_experiments", "{}".to_owned()),
    ] {
        let started = Instant::now();
        let reply = served.request(method, path, body.as_bytes());
        let waited = started.elapsed();
        assert_eq!(reply.status, 503, "{path}: {}", reply.body);
        assert!(waited < Duration::from_secs(8), "{path} waited {waited:?}");
        assert!(
            reply.body.contains("did not answer within 2 s") && reply.body.contains("/ingest"),
            "{path}: {}",
            reply.body
        );
    }
    let started = Instant::now();
    let metrics = served.request("GET", "/metrics", b"");
    assert_eq!(metrics.status, 200);
    assert!(metrics.body.contains("cairn_http_requests_total"));
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );

    // A command that opens the database gives up instead of waiting for it.
    let started = Instant::now();
    let output = sandbox
        .command()
        .args(["--database", &cluster.url, "runs", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did not answer"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );

    cluster.signal("CONT");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let reply = served.request(
            "POST",
            "/api/2.0/mlflow/runs/log-batch",
            batch(2).to_string().as_bytes(),
        );
        if reply.status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {}: {}",
            reply.status,
            reply.body
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let history = served.request(
        "GET",
        &format!("/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=loss"),
        b"",
    );
    assert_eq!(history.status, 200, "{}", history.body);
    let steps: Vec<i64> = history.json()["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|point| point["step"].as_i64().unwrap())
        .collect();
    assert!(steps.contains(&2), "{steps:?}");
}
