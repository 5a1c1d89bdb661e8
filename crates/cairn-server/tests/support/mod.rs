//! A real `cairn serve` on an ephemeral loopback port over a real store in a temp dir, and a
//! minimal HTTP/1.1 client that can send any Host header or path.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;

use cairn_core::SqliteStore;
use cairn_server::{Auth, ServerConfig};

/// How long test servers wait for a stalled request body (the real default is 30 s).
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

pub struct TestServer {
    pub address: SocketAddr,
    pub artifact_root: PathBuf,
    pub dir: tempfile::TempDir,
}

/// What a test server starts with besides its store.
pub struct Setup {
    pub auth: Auth,
    pub ui_dir: Option<PathBuf>,
    pub allowed_hosts: Vec<String>,
    pub artifacts: Option<Arc<dyn cairn_artifact_store::ArtifactStore>>,
    pub max_artifact_bytes: u64,
    pub embedded_ui: Option<cairn_server::embedded_ui::EmbeddedUi>,
    pub trusted_proxies: cairn_server::client_address::TrustedProxies,
}

impl Setup {
    /// `auth`, and nothing else but uploads of up to 1 KiB.
    pub fn new(auth: Auth) -> Setup {
        Setup {
            auth,
            ui_dir: None,
            allowed_hosts: Vec::new(),
            artifacts: None,
            max_artifact_bytes: 1024,
            embedded_ui: None,
            trusted_proxies: cairn_server::client_address::TrustedProxies::default(),
        }
    }
}

pub fn start(auth: Auth) -> TestServer {
    start_with(auth, None)
}

pub fn start_with(auth: Auth, ui_dir: Option<PathBuf>) -> TestServer {
    start_configured(auth, ui_dir, Vec::new())
}

/// A server that also answers to the Host names in `allowed_hosts` (`--allowed-host`).
pub fn start_configured(
    auth: Auth,
    ui_dir: Option<PathBuf>,
    allowed_hosts: Vec<String>,
) -> TestServer {
    start_setup(Setup {
        ui_dir,
        allowed_hosts,
        ..Setup::new(auth)
    })
}

/// A server keeping `mlflow-artifacts:/` bytes in `artifacts`, taking uploads up to
/// `max_artifact_bytes`.
pub fn start_with_artifacts(
    artifacts: Arc<dyn cairn_artifact_store::ArtifactStore>,
    max_artifact_bytes: u64,
) -> TestServer {
    start_setup(Setup {
        artifacts: Some(artifacts),
        max_artifact_bytes,
        ..Setup::new(Auth::None)
    })
}

/// A server with a UI built into it (and no `ui_dir`), as `cairn serve` runs with one.
pub fn start_with_embedded_ui(embedded_ui: cairn_server::embedded_ui::EmbeddedUi) -> TestServer {
    start_setup(Setup {
        embedded_ui: Some(embedded_ui),
        ..Setup::new(Auth::None)
    })
}

pub fn start_setup(setup: Setup) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let artifact_root = store.artifact_root().to_path_buf();
    std::fs::create_dir_all(&artifact_root).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    let config = ServerConfig {
        address,
        auth: setup.auth,
        ui_dir: setup.ui_dir,
        embedded_ui: setup.embedded_ui,
        max_artifact_bytes: setup.max_artifact_bytes,
        allowed_hosts: setup.allowed_hosts,
        body_read_timeout: BODY_READ_TIMEOUT,
        database_deadline: cairn_server::DATABASE_DEADLINE,
        artifacts: setup.artifacts,
        trusted_proxies: setup.trusted_proxies,
    };
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            // Built inside the runtime, as `cairn serve` builds it.
            let router = cairn_server::app(Arc::new(store), &config, address);
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let limits = cairn_server::connections::ConnectionLimits::for_this_process();
            cairn_server::connections::serve_connections(
                listener,
                router,
                limits,
                std::future::pending(),
            )
            .await;
        });
    });
    TestServer {
        address,
        artifact_root,
        dir,
    }
}

pub struct Reply {
    pub status: u16,
    /// The status line and headers.
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn error_code(&self) -> String {
        self.json()["error_code"].as_str().unwrap_or("").to_string()
    }
}

impl TestServer {
    pub fn host(&self) -> String {
        self.address.to_string()
    }

    /// Sends a request with the right Host and `headers` on top.
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut all: Vec<(String, String)> = vec![("Host".into(), self.host())];
        for (name, value) in headers {
            all.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
            all.push((name.to_string(), value.to_string()));
        }
        raw(self.address, method, path, &all, body)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, body: serde_json::Value) -> Reply {
        self.send(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    }
}

/// Sends `request` as it is (any head, any body, even none) and reads the answer until the server
/// closes the connection. A read timeout keeps a server that never answers from hanging the test.
pub fn exchange(address: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    parse_reply(&response)
}

fn parse_reply(response: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .map(|(head, body)| (head.to_string(), body.to_string()))
        .unwrap_or_default();
    Reply { status, head, body }
}

pub fn raw(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    parse_reply(&response)
}
