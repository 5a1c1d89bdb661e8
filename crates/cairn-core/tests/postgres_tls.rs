//! TLS to PostgreSQL against a real server that takes TCP connections over TLS only, with a
//! certificate for "localhost" signed by a CA of its own: each `sslmode` as libpq means it, and
//! refusals that say what was wrong. Runs where the suite's PostgreSQL is
//! (`CAIRN_TEST_POSTGRES_URL`), on a cluster of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::path::{Path, PathBuf};
use std::process::Command;

use cairn_core::{PostgresStore, StoreError};

struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        std::env::var("CAIRN_TEST_POSTGRES_URL").ok()?;
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let started = Command::new(script())
            .args([
                "start",
                dir.path().join("pg").to_str().unwrap(),
                &port.to_string(),
                "--tls",
            ])
            .output()
            .unwrap();
        assert!(
            started.status.success(),
            "{}",
            String::from_utf8_lossy(&started.stderr)
        );
        Some(Cluster { dir, port })
    }

    fn url(&self, host: &str, query: &str) -> String {
        format!("postgresql://cairn@{host}:{}/postgres?{query}", self.port)
    }

    fn ca(&self) -> PathBuf {
        self.dir.path().join("pg/tls/ca.pem")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .args(["stop", self.dir.path().join("pg").to_str().unwrap()])
            .output();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-postgres.sh")
}

fn connect(url: &str) -> Result<PostgresStore, StoreError> {
    let artifacts = tempfile::tempdir().unwrap();
    PostgresStore::connect(url, artifacts.path())
}

#[test]
fn each_sslmode_connects_or_refuses_as_libpq_does() {
    let Some(cluster) = Cluster::start() else {
        eprintln!("skipped: CAIRN_TEST_POSTGRES_URL is not set");
        return;
    };
    let ca = cluster.ca();
    let ca = ca.to_str().unwrap();
    // Encrypted without a check, by default and when required; the server takes nothing else.
    for query in [
        "",
        "sslmode=prefer",
        "sslmode=require",
        "application_name=x&sslmode=require",
    ] {
        connect(&cluster.url("127.0.0.1", query))
            .unwrap_or_else(|error| panic!("{query}: {error}"));
    }
    // Checked against the CA: its chain, and (verify-full) that the certificate names the host.
    for (host, query) in [
        ("localhost", format!("sslmode=verify-full&sslrootcert={ca}")),
        ("127.0.0.1", format!("sslmode=verify-ca&sslrootcert={ca}")),
        ("127.0.0.1", format!("sslmode=require&sslrootcert={ca}")),
    ] {
        connect(&cluster.url(host, &query)).unwrap_or_else(|error| panic!("{query}: {error}"));
    }
    let refusals = [
        (cluster.url("127.0.0.1", "sslmode=disable"), "no encryption"),
        (
            cluster.url(
                "127.0.0.1",
                &format!("sslmode=verify-full&sslrootcert={ca}"),
            ),
            "certificate",
        ),
        (
            cluster.url("localhost", "sslmode=verify-full"),
            "certificate",
        ),
        (
            cluster.url(
                "localhost",
                "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            ),
            "/nonexistent/ca.pem",
        ),
        (
            cluster.url("localhost", "sslmode=sometimes"),
            "sslmode 'sometimes'",
        ),
    ];
    for (url, words) in refusals {
        let error = connect(&url).expect_err(&url).to_string();
        assert!(
            error.contains(words),
            "{url}: '{error}' should say '{words}'"
        );
        assert!(
            !error.contains("sslrootcert=/"),
            "the message names the file once: {error}"
        );
    }
}
