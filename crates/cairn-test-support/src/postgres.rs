//! A real PostgreSQL server for tests: [`fresh_database`] gives each test an empty database of
//! its own. The server is the one `CAIRN_TEST_POSTGRES_URL` names (an admin URL; the test
//! command starts one for the whole suite), or else a throwaway cluster this test process starts
//! once with `scripts/test-postgres.sh` and a watchdog stops when the process ends.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable naming a running server to use instead of starting one.
pub const URL_VARIABLE: &str = "CAIRN_TEST_POSTGRES_URL";

/// The admin URL of the test server, starting a cluster on first use when none is named.
/// Panics with what to do when no server can be had: a test that needs PostgreSQL does not
/// pass without one.
pub fn admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.is_empty() => url,
        _ => start_cluster(),
    })
}

/// The URL of a new, empty database on the test server.
pub fn fresh_database() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "cairn_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos())
    );
    let admin = admin_url();
    let mut client = postgres::Client::connect(admin, postgres::NoTls)
        .unwrap_or_else(|error| panic!("connecting to the test PostgreSQL at {admin}: {error}"));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|error| panic!("creating database {name}: {error}"));
    with_database(admin, &name)
}

/// `url` naming `database` instead of its own.
pub fn with_database(url: &str, database: &str) -> String {
    let without_query = url.split('?').next().unwrap_or(url);
    let base = without_query
        .rsplit_once('/')
        .map_or(without_query, |(base, _)| base);
    format!("{base}/{database}")
}

/// Starts a cluster on a free loopback port; returns its admin URL.
fn start_cluster() -> String {
    let script = repository().join("scripts/test-postgres.sh");
    let dir = std::env::temp_dir().join(format!("cairn-test-postgres-{}", std::process::id()));
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("finding a free port for PostgreSQL: {error}"));
    let output = Command::new(&script)
        .arg("start")
        .arg(&dir)
        .arg(port.to_string())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|error| panic!("running {}: {error}", script.display()));
    assert!(
        output.status.success(),
        "{} could not start PostgreSQL (install it with scripts/setup.sh, or set {URL_VARIABLE} \
         to an admin URL of a running server)",
        script.display()
    );
    // Stops the cluster once this test process has exited, however it ends.
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; '{script}' stop '{dir}'",
        pid = std::process::id(),
        script = script.display(),
        dir = dir.display()
    );
    #[allow(
        clippy::zombie_processes,
        reason = "the watchdog outlives this process on purpose; init reaps it"
    )]
    Command::new("sh")
        .arg("-c")
        .arg(watchdog)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("starting the PostgreSQL watchdog: {error}"));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The repository's root folder.
fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
