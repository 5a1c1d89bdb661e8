//! A real S3-compatible server for tests (SeaweedFS, checking SigV4 signatures):
//! [`fresh_bucket`] gives each test an empty bucket of its own. The server is the one
//! `CAIRN_TEST_S3_ENDPOINT` names (credentials `cairntest` / `cairntestsecret` unless
//! `CAIRN_TEST_S3_ACCESS_KEY_ID` / `CAIRN_TEST_S3_SECRET_ACCESS_KEY` say otherwise), or else one
//! this test process starts once with `scripts/test-s3.sh` and a watchdog stops when the process
//! ends. [`S3Server`] is a server of a test's own, which it may halt and bring back (outages).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use object_store::signer::Signer as _;

/// The variable naming a running server to use instead of starting one.
pub const ENDPOINT_VARIABLE: &str = "CAIRN_TEST_S3_ENDPOINT";

/// The key id `scripts/test-s3.sh` gives its server.
pub const ACCESS_KEY_ID: &str = "cairntest";
/// The secret `scripts/test-s3.sh` gives its server.
pub const SECRET_ACCESS_KEY: &str = "cairntestsecret";
/// The region requests are signed for.
pub const REGION: &str = "us-east-1";

/// A bucket on the test server, and how to reach it.
#[derive(Debug, Clone)]
pub struct TestBucket {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The bucket's name.
    pub bucket: String,
    /// A key id the server accepts.
    pub access_key_id: String,
    /// Its secret.
    pub secret_access_key: String,
}

impl TestBucket {
    /// The variables a `cairn serve --artifacts s3://BUCKET` reaching it needs.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MLFLOW_S3_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", self.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_access_key.clone()),
            ("AWS_DEFAULT_REGION", REGION.to_owned()),
        ]
    }

    /// `s3://BUCKET` (or `s3://BUCKET/prefix`).
    pub fn uri(&self, prefix: &str) -> String {
        if prefix.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{prefix}", self.bucket)
        }
    }
}

/// The endpoint of the shared test server, starting one on first use when none is named.
/// Panics with what to do when no server can be had.
pub fn endpoint() -> &'static str {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT.get_or_init(|| match std::env::var(ENDPOINT_VARIABLE) {
        Ok(endpoint) if !endpoint.is_empty() => endpoint.trim_end_matches('/').to_owned(),
        _ => {
            let server = S3Server::start();
            let endpoint = server.endpoint.clone();
            server.stop_when_process_ends();
            endpoint
        }
    })
}

/// A new, empty bucket on the shared test server.
pub fn fresh_bucket() -> TestBucket {
    let (access_key_id, secret_access_key) = credentials();
    new_bucket(endpoint(), &access_key_id, &secret_access_key)
}

/// The key pair for the shared server.
fn credentials() -> (String, String) {
    let var = |name: &str, default: &str| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    (
        var("CAIRN_TEST_S3_ACCESS_KEY_ID", ACCESS_KEY_ID),
        var("CAIRN_TEST_S3_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
    )
}

/// Creates a bucket with a fresh name on the server at `endpoint`.
pub fn new_bucket(endpoint: &str, access_key_id: &str, secret_access_key: &str) -> TestBucket {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let bucket = format!(
        "t{}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos())
    );
    let created = TestBucket {
        endpoint: endpoint.to_owned(),
        bucket,
        access_key_id: access_key_id.to_owned(),
        secret_access_key: secret_access_key.to_owned(),
    };
    create_bucket(&created);
    created
}

/// S3's CreateBucket (`PUT /BUCKET/`), signed by a presigned URL so that no other S3 client is
/// needed.
fn create_bucket(bucket: &TestBucket) {
    let client = object_store::aws::AmazonS3Builder::new()
        .with_endpoint(&bucket.endpoint)
        .with_allow_http(true)
        .with_region(REGION)
        .with_bucket_name(&bucket.bucket)
        .with_access_key_id(&bucket.access_key_id)
        .with_secret_access_key(&bucket.secret_access_key)
        .build()
        .unwrap_or_else(|error| panic!("an S3 client for {}: {error}", bucket.endpoint));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|error| panic!("a runtime to sign a request: {error}"));
    let url = runtime
        .block_on(client.signed_url(
            http::Method::PUT,
            &object_store::path::Path::from(""),
            Duration::from_secs(300),
        ))
        .unwrap_or_else(|error| panic!("signing CreateBucket: {error}"));
    let status = plain_request("PUT", url.as_str());
    assert!(
        status == 200,
        "creating bucket {} on {} answered {status}",
        bucket.bucket,
        bucket.endpoint
    );
}

/// Sends a body-less HTTP/1.1 request to an `http://` URL; answers the status code.
fn plain_request(method: &str, url: &str) -> u16 {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("not an http:// URL: {url}"));
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream =
        TcpStream::connect(host).unwrap_or_else(|error| panic!("connecting to {host}: {error}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap_or_else(|error| panic!("{error}"));
    write!(
        stream,
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|error| panic!("sending to {host}: {error}"));
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// A SeaweedFS server of this test's own, stopped (and its data removed) when dropped.
#[derive(Debug)]
pub struct S3Server {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    dir: PathBuf,
    port: u16,
    owned: bool,
}

impl S3Server {
    /// Starts one on a free loopback port. Panics saying how to install it when it cannot.
    pub fn start() -> S3Server {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cairn-test-s3-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .unwrap_or_else(|error| panic!("finding a free port for SeaweedFS: {error}"));
        let mut server = S3Server {
            endpoint: String::new(),
            dir,
            port,
            owned: true,
        };
        server.endpoint = server.resume();
        server
    }

    /// A new bucket on this server.
    pub fn fresh_bucket(&self) -> TestBucket {
        new_bucket(&self.endpoint, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
    }

    /// Stops the server, keeping its data (an outage).
    pub fn halt(&self) {
        let status = Command::new(script())
            .arg("halt")
            .arg(&self.dir)
            .status()
            .unwrap_or_else(|error| panic!("running test-s3.sh halt: {error}"));
        assert!(status.success(), "test-s3.sh halt failed");
    }

    /// Starts the server (again) on its port and data; answers its endpoint.
    pub fn resume(&self) -> String {
        let script = script();
        let output = Command::new(&script)
            .arg("start")
            .arg(&self.dir)
            .arg(self.port.to_string())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|error| panic!("running {}: {error}", script.display()));
        assert!(
            output.status.success(),
            "{} could not start SeaweedFS (install it with scripts/setup.sh or \
             scripts/s3-venv.sh, or set {ENDPOINT_VARIABLE} to a running S3 server)",
            script.display()
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Leaves the server running until this test process has exited, however it ends.
    #[allow(
        clippy::zombie_processes,
        reason = "the watchdog outlives this process on purpose"
    )]
    fn stop_when_process_ends(mut self) {
        let watchdog = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; '{script}' stop '{dir}'",
            pid = std::process::id(),
            script = script().display(),
            dir = self.dir.display()
        );
        Command::new("sh")
            .arg("-c")
            .arg(watchdog)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("starting the SeaweedFS watchdog: {error}"));
        self.owned = false;
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if self.owned {
            let _ = Command::new(script()).arg("stop").arg(&self.dir).status();
        }
    }
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-s3.sh")
}
