//! Security rules: authentication off loopback, Host checks, artifact path traversal, size
//! limits.
#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the support module is not #[test] code"
)]

mod support;

use std::net::SocketAddr;

use base64::Engine as _;
use cairn_server::{Auth, DEFAULT_MAX_ARTIFACT_BYTES, ServerConfig, check_config};
use support::{start, start_configured};

#[test]
fn listening_off_loopback_requires_authentication() {
    let config = |address: &str, auth: Auth| ServerConfig {
        address: address.parse::<SocketAddr>().unwrap(),
        auth,
        ui_dir: None,
        embedded_ui: None,
        max_artifact_bytes: DEFAULT_MAX_ARTIFACT_BYTES,
        allowed_hosts: Vec::new(),
        body_read_timeout: cairn_server::body_timeout::DEFAULT_BODY_READ_TIMEOUT,
        database_deadline: cairn_server::DATABASE_DEADLINE,
        artifacts: None,
        trusted_proxies: cairn_server::client_address::TrustedProxies::default(),
    };
    assert!(check_config(&config("0.0.0.0:5000", Auth::None)).is_err());
    assert!(check_config(&config("127.0.0.1:5000", Auth::None)).is_ok());
    assert!(check_config(&config("0.0.0.0:5000", Auth::Token("t".into()))).is_ok());
    assert!(check_config(&config("0.0.0.0:5000", Auth::Basic("u:p".into()))).is_ok());
}

#[test]
fn bearer_token_is_required_when_configured() {
    let server = start(Auth::Token("s3cret".into()));
    let path = "/api/2.0/mlflow/experiments/get?experiment_id=0";
    let none = server.get(path);
    assert_eq!(none.status, 401);
    assert_eq!(none.error_code(), "UNAUTHENTICATED");
    assert_eq!(
        server
            .send("GET", path, &[("Authorization", "Bearer wrong")], b"")
            .status,
        401
    );
    assert_eq!(
        server
            .send("GET", path, &[("Authorization", "Bearer s3cret")], b"")
            .status,
        200
    );
}

#[test]
fn basic_auth_is_required_when_configured() {
    let server = start(Auth::Basic("ann:pw".into()));
    let path = "/api/2.0/mlflow/experiments/get?experiment_id=0";
    let encode = |text: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(text)
        )
    };
    assert_eq!(server.get(path).status, 401);
    assert_eq!(
        server
            .send("GET", path, &[("Authorization", &encode("ann:no"))], b"")
            .status,
        401
    );
    assert_eq!(
        server
            .send("GET", path, &[("Authorization", &encode("ann:pw"))], b"")
            .status,
        200
    );
}

#[test]
fn foreign_host_headers_are_rejected_with_403() {
    let server = start(Auth::None);
    let path = "/api/2.0/mlflow/experiments/get?experiment_id=0";
    let rebinding = server.send("GET", path, &[("Host", "evil.example:5000")], b"");
    assert_eq!(rebinding.status, 403);
    assert_eq!(rebinding.error_code(), "PERMISSION_DENIED");
    let port = server.address.port();
    let localhost = format!("localhost:{port}");
    assert_eq!(
        server
            .send("GET", path, &[("Host", &localhost)], b"")
            .status,
        200
    );
}

#[test]
fn artifact_paths_outside_the_root_are_rejected() {
    let server = start(Auth::None);
    let base = "/api/2.0/mlflow-artifacts/artifacts";
    for path in [
        format!("{base}/0/run/../../../escape.txt"),
        format!("{base}/0/%2e%2e/%2e%2e/escape.txt"),
        format!("{base}//etc/passwd"),
    ] {
        let reply = server.send("PUT", &path, &[], b"data");
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE");
        assert_eq!(server.get(&path).status, 400, "{path}");
    }
    let listing = server.get("/api/2.0/mlflow-artifacts/artifacts?path=../");
    assert_eq!(listing.status, 400);
    // A symlink inside the root that points outside it.
    let outside = server.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, server.artifact_root.join("link")).unwrap();
    let through_link = server.send("PUT", &format!("{base}/link/x.txt"), &[], b"data");
    assert_eq!(through_link.status, 400, "{}", through_link.body);
    assert!(!outside.join("x.txt").exists());
}

#[test]
fn artifacts_round_trip_and_oversized_uploads_get_413() {
    let server = start(Auth::None);
    let path = "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a.txt";
    assert_eq!(server.send("PUT", path, &[], b"hello").status, 200);
    assert_eq!(server.get(path).body, "hello");
    let listing = server
        .get("/api/2.0/mlflow-artifacts/artifacts?path=0/r/artifacts")
        .json();
    assert_eq!(listing["files"][0]["path"], "a.txt");
    assert_eq!(listing["files"][0]["file_size"], 5);
    let big = vec![b'x'; 4096];
    let reply = server.send("PUT", path, &[], &big);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(server.get(path).body, "hello");
    assert_eq!(server.send("DELETE", path, &[], b"").status, 200);
    assert_eq!(server.get(path).status, 404);
}

#[test]
fn authorization_schemes_match_without_regard_to_case() {
    let token = start(Auth::Token("s3cret".into()));
    let basic = start(Auth::Basic("ann:pw".into()));
    let encoded = base64::engine::general_purpose::STANDARD.encode("ann:pw");
    let path = "/api/2.0/mlflow/experiments/get?experiment_id=0";
    for (server, authorization, status) in [
        (&token, "Bearer s3cret".to_string(), 200),
        (&token, "bearer s3cret".to_string(), 200),
        (&token, "BEARER s3cret".to_string(), 200),
        (&token, "Bearer   s3cret ".to_string(), 200),
        (&token, "Bearer".to_string(), 401),
        (&token, "Bearer ".to_string(), 401),
        (&token, "Bearers3cret".to_string(), 401),
        (&token, "Basic s3cret".to_string(), 401),
        (&token, "bearer s3cre".to_string(), 401),
        (&basic, format!("Basic {encoded}"), 200),
        (&basic, format!("basic {encoded}"), 200),
        (&basic, format!("BASIC {encoded}"), 200),
        (&basic, format!("Bearer {encoded}"), 401),
        (&basic, "basic".to_string(), 401),
    ] {
        let reply = server.send("GET", path, &[("Authorization", &authorization)], b"");
        assert_eq!(reply.status, status, "{authorization:?}: {}", reply.body);
    }
}

#[test]
fn hosts_the_operator_allows_are_accepted_with_or_without_a_port() {
    let server = start_configured(
        Auth::None,
        None,
        vec!["Tracking.Example.com".into(), "proxy.example:8443".into()],
    );
    let port = server.address.port();
    let path = "/api/2.0/mlflow/experiments/get?experiment_id=0";
    for (host, status) in [
        ("tracking.example.com".to_string(), 200),
        (format!("tracking.example.com:{port}"), 200),
        ("TRACKING.EXAMPLE.COM".to_string(), 200),
        ("proxy.example:8443".to_string(), 200),
        (format!("localhost:{port}"), 200),
        ("proxy.example".to_string(), 403),
        (format!("proxy.example:{port}"), 403),
        ("tracking.example.com:9999".to_string(), 403),
        ("evil.example".to_string(), 403),
    ] {
        let reply = server.send("GET", path, &[("Host", &host)], b"");
        assert_eq!(reply.status, status, "{host}: {}", reply.body);
    }
}
