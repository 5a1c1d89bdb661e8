//! `cairn serve` as an operator starts it: credentials checked at start and taken from the
//! environment or a file, an artifact store that cannot be used refused at start, unfinished uploads swept at start, and a server under `ulimit -n 1024`
//! that still answers `/health` while 1,100 idle and slow connections are open; on a database,
//! `/metrics` shows the pool.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on anything unexpected"
)]

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use cairn_test_support::postgres::fresh_database;
use common::Sandbox;
use common::served::Served;

/// `GET path` with extra headers: the status and the body.
fn get(server: &Served, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let reply = server.send("GET", path, headers, b"");
    (reply.status, reply.body)
}

const EXPERIMENT: &str = "/api/2.0/mlflow/experiments/get?experiment_id=0";

/// `cairn --database URL serve` on a fresh database of the test cluster, on a free port, its
/// artifacts in the sandbox.
fn serve_on_a_fresh_database(sandbox: &Sandbox) -> Command {
    let mut command = sandbox.command();
    command
        .args(["--database", &fresh_database(), "serve", "--port", "0"])
        .arg("--artifacts")
        .arg(sandbox.path("team-artifacts"));
    command
}

#[test]
fn an_artifact_store_that_cannot_be_used_is_refused_at_start_naming_it() {
    let sandbox = Sandbox::with_store("cairn.db");
    let error = sandbox.fails(&["serve", "--port", "0", "--artifacts", "gs://bucket/x"]);
    assert!(
        error.contains("--artifacts: invalid artifact location 'gs://bucket/x'"),
        "{error}"
    );
    // Nothing listens on port 1: the start-up check names the bucket and the endpoint, never
    // the secret.
    let sandbox = Sandbox::with_store("cairn.db")
        .with_env("MLFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:1")
        .with_env("AWS_ACCESS_KEY_ID", "cairn")
        .with_env("AWS_SECRET_ACCESS_KEY", "not-printed");
    let error = sandbox.fails(&[
        "serve",
        "--port",
        "0",
        "--artifacts",
        "s3://team-bucket/runs",
    ]);
    assert!(
        error.contains(
            "cannot use its artifact store: the artifact store (S3 bucket 'team-bucket' (prefix \
             'runs') at http://127.0.0.1:1) cannot be reached"
        ),
        "{error}"
    );
    assert!(!error.contains("not-printed"), "{error}");
}

#[test]
fn empty_or_malformed_credentials_are_refused_at_start() {
    let files = Sandbox::with_store("cairn.db");
    std::fs::write(files.path("empty-token"), "\n").unwrap();
    let missing = files.path("no-such-token");
    let empty_token = files.path("empty-token");
    let path_of = |path: &Path| path.to_str().unwrap().to_string();
    // Arguments after `serve --port 0`, an environment variable, what the error must say.
    type Case = (Vec<String>, Option<(&'static str, &'static str)>, String);
    let cases: Vec<Case> = vec![
        (
            vec!["--auth-token".into(), String::new()],
            None,
            "the auth token from --auth-token is empty".into(),
        ),
        (
            vec!["--auth-token".into(), "two words".into()],
            None,
            "contains a space or control character".into(),
        ),
        (
            vec!["--basic-auth".into(), ":".into()],
            None,
            "from --basic-auth must be USER:PASS with a non-empty user and password".into(),
        ),
        (
            vec!["--basic-auth".into(), "ann:".into()],
            None,
            "must be USER:PASS".into(),
        ),
        (
            vec!["--basic-auth".into(), ":pw".into()],
            None,
            "must be USER:PASS".into(),
        ),
        (
            vec!["--basic-auth".into(), "ann".into()],
            None,
            "must be USER:PASS".into(),
        ),
        (
            Vec::new(),
            Some(("CAIRN_AUTH_TOKEN", "")),
            "the auth token from CAIRN_AUTH_TOKEN is empty".into(),
        ),
        (
            Vec::new(),
            Some(("CAIRN_BASIC_AUTH", "ann:")),
            "from CAIRN_BASIC_AUTH must be USER:PASS".into(),
        ),
        (
            vec!["--auth-token-file".into(), path_of(&missing)],
            None,
            format!("reading the auth token from {}", missing.display()),
        ),
        (
            vec!["--auth-token-file".into(), path_of(&empty_token)],
            None,
            format!(
                "the auth token from the file {} is empty",
                empty_token.display()
            ),
        ),
        (
            vec!["--basic-auth-file".into(), path_of(&empty_token)],
            None,
            format!("from the file {} must be USER:PASS", empty_token.display()),
        ),
        (
            vec!["--allowed-host".into(), "evil.example/path".into()],
            None,
            "--allowed-host 'evil.example/path' is not a host name".into(),
        ),
        (
            vec!["--trusted-proxy".into(), "proxy.example".into()],
            None,
            "--trusted-proxy 'proxy.example' is not an IP address or network".into(),
        ),
        (
            Vec::new(),
            Some(("CAIRN_TRUSTED_PROXIES", "10.0.0.1,10.0.0.0/40")),
            "--trusted-proxy '10.0.0.0/40': the prefix length must be 0 to 32".into(),
        ),
    ];
    for (args, env, expected) in cases {
        let sandbox = match env {
            Some((key, value)) => Sandbox::with_store("cairn.db").with_env(key, value),
            None => Sandbox::with_store("cairn.db"),
        };
        let mut all = vec!["serve", "--port", "0"];
        all.extend(args.iter().map(String::as_str));
        let error = sandbox.fails(&all);
        assert!(error.contains(&expected), "{args:?} {env:?}: {error}");
        // Refused before the store was opened: none was made.
        assert!(
            !sandbox.store().exists(),
            "{args:?} {env:?}: a store was made"
        );
    }
}

#[test]
fn credentials_come_from_the_environment_or_a_file() {
    // base64("ann:pw")
    let basic = "Basic YW5uOnB3";
    let from_env = Sandbox::with_store("cairn.db").with_env("CAIRN_AUTH_TOKEN", "env-token");
    let from_files = Sandbox::with_store("cairn.db");
    std::fs::write(from_files.path("token"), "file-token\n").unwrap();
    std::fs::write(from_files.path("basic"), "ann:pw\r\n").unwrap();
    let token_file = from_files.path("token");
    let basic_file = from_files.path("basic");
    for (sandbox, args, good) in [
        (&from_env, Vec::new(), "Bearer env-token"),
        (
            &from_files,
            vec!["--auth-token-file", token_file.to_str().unwrap()],
            "bearer file-token",
        ),
        (
            &from_files,
            vec!["--basic-auth-file", basic_file.to_str().unwrap()],
            basic,
        ),
    ] {
        let server = Served::start(sandbox.serve_command(&args));
        assert_eq!(get(&server, EXPERIMENT, &[]).0, 401, "{args:?}");
        assert_eq!(
            get(&server, EXPERIMENT, &[("Authorization", "Bearer wrong")]).0,
            401,
            "{args:?}"
        );
        assert_eq!(
            get(&server, EXPERIMENT, &[("Authorization", good)]).0,
            200,
            "{args:?}"
        );
    }
}

#[test]
fn unfinished_uploads_are_swept_from_the_artifact_folder_at_start() {
    let sandbox = Sandbox::with_store("cairn.db");
    let root = sandbox.path("cairn-artifacts");
    let run = root.join("0/run1/artifacts");
    std::fs::create_dir_all(&run).unwrap();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let write = |path: &Path, old: bool| {
        std::fs::write(path, "partial").unwrap();
        if old {
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(an_hour_ago).unwrap();
        }
    };
    let outside = sandbox.path("outside.txt");
    write(&outside, true);
    let planted = [
        (
            run.join(".model.pkl.upload-0123456789abcdef0123456789abcdef"),
            true,
            false,
        ),
        (root.join(".notes.txt.upload-4242"), true, false),
        // In flight elsewhere (changed in the last minutes): kept.
        (
            run.join(".fresh.bin.upload-fedcba9876543210fedcba9876543210"),
            false,
            true,
        ),
        // Not the exact pattern, or not a regular file: kept.
        (run.join("model.pkl"), true, true),
        (run.join(".model.pkl"), true, true),
        (run.join(".draft.upload-notes"), true, true),
        (run.join("a.upload-12345"), true, true),
    ];
    for (path, old, _) in &planted {
        write(path, *old);
    }
    let link = run.join(".link.upload-99999");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let folder = run.join(".folder.upload-12345");
    std::fs::create_dir(&folder).unwrap();
    let server = Served::start(sandbox.serve_command(&[]));
    assert_eq!(get(&server, "/health", &[]).0, 200);
    for (path, _, kept) in &planted {
        assert_eq!(path.exists(), *kept, "{}", path.display());
    }
    assert!(link.symlink_metadata().is_ok());
    assert!(outside.exists());
    assert!(folder.is_dir());
}

/// Raises this process's soft limit on open files to at least `wanted` (up to the hard limit).
fn raise_open_files_limit(wanted: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|current| current < wanted) {
        let current = limit.maximum.map_or(wanted, |maximum| maximum.min(wanted));
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(current),
                maximum: limit.maximum,
            },
        )
        .unwrap();
    }
}

#[test]
fn a_server_limited_to_1024_descriptors_answers_health_while_1100_idle_and_slow_connections_wait() {
    raise_open_files_limit(4096);
    let sandbox = Sandbox::with_store("cairn.db");
    let mut command = sandbox.command_with_open_files_limit(1024);
    command
        .arg("--store")
        .arg(sandbox.store())
        .args(["serve", "--port", "0"]);
    let server = Served::start(command);
    // The limit is the server's own (`sh` exec'd into it).
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
    let open_files = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        open_files.split_whitespace().nth(3),
        Some("1024"),
        "{open_files}"
    );
    // Half only connect, half start a request head and never finish it.
    let mut held = Vec::new();
    for index in 0..1100 {
        let mut stream = TcpStream::connect(server.address).unwrap();
        if index % 2 == 1 {
            let slow = format!(
                "GET /health HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
                server.address
            );
            // The server may already have closed it to make room.
            let _ = stream.write_all(slow.as_bytes());
        }
        held.push(stream);
    }
    // The connection cap keeps descriptors free for the store and artifacts (without it, accept
    // would take all 1,024 and the server could neither open a file nor, until the header
    // timeout, accept a new client).
    let open = || {
        std::fs::read_dir(format!("/proc/{}/fd", server.child.id()))
            .unwrap()
            .count()
    };
    assert!(open() <= 1024 - 128, "the server has {} files open", open());
    let (status, body) = get(&server, "/health", &[]);
    assert_eq!((status, body.as_str()), (200, "OK"));
    assert!(open() <= 1024 - 128, "the server has {} files open", open());
    // And it keeps answering.
    assert_eq!(get(&server, EXPERIMENT, &[]).0, 200);
    drop(held);
}

#[test]
fn sigterm_stops_the_server_after_its_requests_on_either_store() {
    let sandbox = Sandbox::with_store("cairn.db");
    for (store, command) in [
        ("store file", sandbox.serve_command(&[])),
        ("database", serve_on_a_fresh_database(&sandbox)),
    ] {
        let mut server = Served::start(command);
        // An idle keep-alive connection must not hold the shutdown up, nor the store's idle
        // connections (the health check leaves one open on a database) make it fail.
        let idle = TcpStream::connect(server.address).unwrap();
        assert_eq!(get(&server, "/health", &[]).0, 200, "{store}");
        assert_eq!(get(&server, EXPERIMENT, &[]).0, 200, "{store}");
        let pid = server.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = server.child.wait().unwrap();
        assert!(
            status.success(),
            "on a {store}, SIGTERM ended it with {status}"
        );
        drop(idle);
    }
}

#[test]
fn metrics_of_a_server_on_a_database_show_its_connections() {
    let sandbox = Sandbox::with_store("cairn.db");
    let server = Served::start(serve_on_a_fresh_database(&sandbox));
    assert_eq!(get(&server, EXPERIMENT, &[]).0, 200);
    let (status, page) = get(&server, "/metrics", &[]);
    assert_eq!(status, 200, "{page}");
    let sample = |series: &str| -> f64 {
        page.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("/metrics has no {series}:\n{page}"))
    };
    // The request before kept its connection; none is busy between requests.
    assert!(sample("cairn_store_connections{state=\"idle\"}") >= 1.0);
    assert_eq!(sample("cairn_store_connections{state=\"busy\"}"), 0.0);
    assert_eq!(sample("cairn_store_connections_limit"), 32.0);
    assert_eq!(sample("cairn_store_connection_waiters"), 0.0);
    assert_eq!(sample("cairn_store_connection_timeouts_total"), 0.0);
}
