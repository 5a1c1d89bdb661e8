//! `cairn serve`: an MLflow-compatible tracking, artifact and model-registry server over the
//! Cairn store, plus the UI's HTTP backend (`/app/api/<command>`) and the UI's static files.
//!
//! Routes translate MLflow's JSON (see [`wire`] and [`args`]) to the core's domain types and call
//! the [`Store`](cairn_core::Store) on the blocking pool: the store has one writer connection
//! behind a mutex, so async tasks never hold it and readers never wait (WAL).
#![warn(missing_docs)]

pub mod accounts;
mod app_artifacts;
pub mod args;
mod artifact_http;
pub mod body_timeout;
pub mod client_address;
pub mod connections;
pub mod embedded_ui;
mod ephemeral;
pub mod error;
mod history_order;
mod json_body;
pub mod limits;
mod messages;
pub mod multipart;
mod percent;
mod python_json;
mod routes;
pub mod run_creation;
mod schema;
mod search_args;
pub mod security;
pub mod server_origin;
pub mod stale_uploads;
pub mod telemetry;
mod version_source;
pub mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use cairn_artifact_store::{ArtifactStore, FolderStore};
use cairn_core::{Store, StoreResult};

pub use crate::ephemeral::EphemeralServer;
use crate::error::ApiError;
pub use crate::routes::MAX_EVENT_STREAMS;
pub use crate::run_creation::RunCreator;
pub use crate::security::Auth;

/// Largest artifact upload accepted, in bytes.
pub const DEFAULT_MAX_ARTIFACT_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The address to listen on.
    pub address: SocketAddr,
    /// Who may call it.
    pub auth: Auth,
    /// The built UI to serve at `/` from a folder (`--ui-dir`); it wins over `embedded_ui`.
    pub ui_dir: Option<PathBuf>,
    /// The UI built into the binary, served when there is no `ui_dir`; `None` (a server without
    /// a UI, as in tests) answers every unrouted path with MLflow's JSON 404.
    pub embedded_ui: Option<embedded_ui::EmbeddedUi>,
    /// Largest artifact upload, in bytes.
    pub max_artifact_bytes: u64,
    /// More Host names a server bound to one address answers to (`--allowed-host`), e.g. its
    /// DNS name, with or without a port.
    pub allowed_hosts: Vec<String>,
    /// Longest pause between two pieces of a request body
    /// ([`body_timeout::DEFAULT_BODY_READ_TIMEOUT`]).
    pub body_read_timeout: std::time::Duration,
    /// How long a request waits on a database store before it is answered 503
    /// (`--database-timeout`, [`DATABASE_DEADLINE`] by default); a store file has no deadline.
    pub database_deadline: std::time::Duration,
    /// Where `mlflow-artifacts:/` bytes live (`--artifacts`); `None` is the store's own folder.
    pub artifacts: Option<Arc<dyn ArtifactStore>>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); empty: the
    /// TCP peer is the client.
    pub trusted_proxies: client_address::TrustedProxies,
}

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The UI's operations over the same store (`/app/api/<command>`, `/app/events`).
    pub app: cairn_app::App,
    /// Where `mlflow-artifacts:/` bytes live: every route reading or writing them goes here.
    pub artifacts: Arc<dyn ArtifactStore>,
    /// The store's own artifact folder (runs indexed or logged there by a local shell are read
    /// from it, inside `cairn_app::artifact_files::ReadableRoots`).
    pub artifact_root: PathBuf,
    /// Where proxy multipart uploads (`mlflow-artifacts/mpu/*`) are kept and joined.
    pub multipart: Arc<dyn multipart::MultipartUploads>,
    /// Who may call.
    pub auth: Auth,
    /// The user accounts, on a server with them (`--auth users`).
    pub accounts: Option<Arc<accounts::Accounts>>,
    /// Host header values accepted (DNS-rebinding protection); `None` accepts any.
    pub allowed_hosts: Option<Vec<String>>,
    /// Largest artifact upload, in bytes.
    pub max_artifact_bytes: u64,
    /// Longest pause between two pieces of a request body.
    pub body_read_timeout: std::time::Duration,
    /// How long a request waits on the store; `None`: as long as it takes (a store file).
    pub store_deadline: Option<std::time::Duration>,
    /// The built UI in a folder, when there is one.
    pub ui_dir: Option<PathBuf>,
    /// The UI built into the binary, used when there is no folder.
    pub embedded_ui: Option<embedded_ui::EmbeddedUi>,
    /// Turns true when the server shuts down, ending open event streams (`/app/events`).
    pub stopping: tokio::sync::watch::Receiver<bool>,
    /// Room for open event streams: each holds a thread of the blocking pool, which store calls
    /// need too.
    pub event_streams: Arc<tokio::sync::Semaphore>,
    /// Makes the runs `runs/create` asks for, when not the store itself.
    pub run_creator: Option<Arc<dyn RunCreator>>,
    /// What the server counts about itself (`/metrics`).
    pub telemetry: telemetry::Telemetry,
    /// When the server started.
    pub started: std::time::Instant,
}

/// The MLflow release whose REST API `cairn serve` implements, answered at `/version`: MLflow
/// clients read it to decide which endpoints a server has (tests pin the same client).
pub const MLFLOW_API_VERSION: &str = "3.17.2";

/// Shared state of the handlers.
pub type Shared = Arc<AppState>;

impl AppState {
    /// Runs a store call on the blocking pool.
    pub async fn call<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&dyn Store) -> StoreResult<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.call_with(work).await
    }

    /// Runs blocking work over the store (a store call, or one that also reads and judges
    /// data) on the blocking pool; its error becomes MLflow's JSON error.
    pub async fn call_with<T: Send + 'static, E: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&dyn Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, ApiError>
    where
        ApiError: From<E>,
    {
        let store = Arc::clone(&self.store);
        self.blocking(move || work(&*store))
            .await?
            .map_err(ApiError::from)
    }

    /// Runs blocking work that reads the store, within [`AppState::store_deadline`].
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        self.blocking_within(self.store_deadline(), work).await
    }

    /// Runs blocking work on the blocking pool; past `deadline` the request is answered 503
    /// naming the store.
    pub async fn blocking_within<T: Send + 'static>(
        &self,
        deadline: Option<std::time::Duration>,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        blocking_on_store(&*self.store, deadline, work).await
    }

    /// How long a request waits on the store ([`store_deadline`]).
    pub fn store_deadline(&self) -> Option<std::time::Duration> {
        self.store_deadline
    }
}

/// How long a request waits on `store`, a database's being `database`: a database server that stops answering (a hung host, a
/// network partition) keeps its connections open, so without a deadline requests would wait as
/// long as it does. A store file on this machine has none: its long calls (indexing a folder
/// from the UI) are the user's own.
pub fn store_deadline(
    store: &dyn Store,
    database: std::time::Duration,
) -> Option<std::time::Duration> {
    store.connections().map(|_| database)
}

/// Runs blocking work that uses `store` on the blocking pool; past `deadline` the request is
/// answered 503 naming the store (the work itself goes on, and ends when the store answers or
/// drops the connection).
pub async fn blocking_on_store<T: Send + 'static>(
    store: &dyn Store,
    deadline: Option<std::time::Duration>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let task = tokio::task::spawn_blocking(work);
    let joined = match deadline {
        Some(deadline) => match tokio::time::timeout(deadline, task).await {
            Ok(joined) => joined,
            Err(_) => {
                return Err(ApiError::new(
                    "TEMPORARILY_UNAVAILABLE",
                    format!(
                        "the database {} did not answer within {} s; try again (a write may \
                         still be carried out when it answers)",
                        store.location(),
                        deadline.as_secs()
                    ),
                ));
            }
        },
        None => task.await,
    };
    joined.map_err(|join_error| {
        ApiError::new("INTERNAL_ERROR", format!("store call failed: {join_error}"))
    })
}

/// The longest a request waits on a database store before it is answered 503.
pub const DATABASE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// Checks the configuration's security rules: off loopback, authentication is required.
pub fn check_config(config: &ServerConfig) -> anyhow::Result<()> {
    if !config.address.ip().is_loopback() && config.auth == Auth::None {
        anyhow::bail!(
            "refusing to listen on {} without authentication: pass --auth users (accounts; \
             `cairn users create NAME --admin` first), or --auth-token-file PATH or \
             --basic-auth-file PATH (clients send MLFLOW_TRACKING_TOKEN or \
             MLFLOW_TRACKING_USERNAME/PASSWORD), or listen on 127.0.0.1",
            config.address.ip()
        );
    }
    Ok(())
}

/// The whole application for a store and an address. Open event streams end when `stopping`
/// turns true.
pub fn app_with_shutdown(
    app: cairn_app::App,
    config: &ServerConfig,
    bound: SocketAddr,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> Router {
    app_with_run_creator(app, config, bound, stopping, None)
}

/// [`app_with_shutdown`] whose `runs/create` goes through `run_creator` when there is one.
pub fn app_with_run_creator(
    app: cairn_app::App,
    config: &ServerConfig,
    bound: SocketAddr,
    stopping: tokio::sync::watch::Receiver<bool>,
    run_creator: Option<Arc<dyn RunCreator>>,
) -> Router {
    let store = Arc::clone(app.shared_store());
    let artifacts = artifact_store(config, store.artifact_root());
    // The UI's run page reads files that are not in the store's own folder (an object store, or
    // another folder) through the same artifact store.
    let elsewhere = artifacts.local_root() != Some(store.artifact_root());
    let app = match tokio::runtime::Handle::try_current() {
        Ok(runtime) if elsewhere => app.with_remote_artifacts(Arc::new(
            app_artifacts::BridgedArtifacts::new(Arc::clone(&artifacts), runtime),
        )),
        _ => app,
    };
    // A local --artifacts folder is where this server's runs keep their files.
    let artifact_root = artifacts
        .local_root()
        .unwrap_or(store.artifact_root())
        .to_path_buf();
    let accounts = match &config.auth {
        Auth::Users { default_permission } => Some(Arc::new(accounts::Accounts::new(
            Arc::clone(&store),
            *default_permission,
            store_deadline(&*store, config.database_deadline),
        ))),
        _ => None,
    };
    let deadline = store_deadline(&*store, config.database_deadline);
    let state = Arc::new(AppState {
        accounts,
        multipart: multipart::for_store(&artifacts, config.max_artifact_bytes),
        artifacts,
        artifact_root,
        app,
        store,
        auth: config.auth.clone(),
        allowed_hosts: security::allowed_hosts(bound, &config.allowed_hosts),
        max_artifact_bytes: config.max_artifact_bytes,
        body_read_timeout: config.body_read_timeout,
        store_deadline: deadline,
        ui_dir: config.ui_dir.clone(),
        embedded_ui: config.embedded_ui,
        stopping,
        event_streams: Arc::new(tokio::sync::Semaphore::new(routes::MAX_EVENT_STREAMS)),
        run_creator,
        telemetry: telemetry::Telemetry::default(),
        started: std::time::Instant::now(),
    });
    client_address::behind(routes::router(state), &config.trusted_proxies)
}

/// The artifact store `config` names, else the store's own folder.
fn artifact_store(
    config: &ServerConfig,
    artifact_root: &std::path::Path,
) -> Arc<dyn ArtifactStore> {
    config
        .artifacts
        .clone()
        .unwrap_or_else(|| Arc::new(FolderStore::new(artifact_root.to_path_buf())))
}

/// The whole application for a store and an address, without a store watcher: event streams
/// carry only what the app itself publishes.
pub fn app(store: Arc<dyn Store>, config: &ServerConfig, bound: SocketAddr) -> Router {
    let (_, stopping) = tokio::sync::watch::channel(false);
    app_with_shutdown(cairn_app::App::new(store), config, bound, stopping)
}

/// Listens and serves until Ctrl-C or SIGTERM.
pub async fn serve(store: Arc<dyn Store>, config: ServerConfig) -> anyhow::Result<()> {
    serve_app(cairn_app::App::new(store), config).await
}

/// [`serve`] with an app the caller made (e.g. told where its store came from).
pub async fn serve_app(app: cairn_app::App, config: ServerConfig) -> anyhow::Result<()> {
    check_config(&config)?;
    let artifacts = artifact_store(&config, app.shared_store().artifact_root());
    artifacts
        .check()
        .await
        .map_err(|error| anyhow::anyhow!("cairn serve cannot use its artifact store: {error}"))?;
    let swept = match artifacts.local_root().map(std::path::Path::to_path_buf) {
        Some(root) => tokio::task::spawn_blocking(move || stale_uploads::sweep(&root))
            .await
            .unwrap_or_default(),
        None => 0,
    };
    if swept > 0 {
        eprintln!("cairn serve: removed {swept} unfinished upload(s) left by a stopped server");
    }
    if artifacts.multipart().is_some() {
        if let Err(error) = multipart::beat(&*artifacts).await {
            eprintln!("cairn serve: unfinished multipart uploads are not tracked: {error}");
        }
        match multipart::abort_abandoned(&*artifacts, multipart::SERVER_GONE_AFTER).await {
            Ok(0) => {}
            Ok(aborted) => eprintln!(
                "cairn serve: aborted {aborted} multipart upload(s) a stopped server left in {}",
                artifacts.describe()
            ),
            Err(error) => {
                eprintln!("cairn serve: unfinished multipart uploads were not checked: {error}")
            }
        }
        tokio::spawn(multipart::sweep_forever(Arc::clone(&artifacts)));
    }
    let listener = tokio::net::TcpListener::bind(config.address)
        .await
        .with_context(|| format!("listening on {}", config.address))?;
    let bound = listener.local_addr().context("reading the bound address")?;
    // Commits by any process reach browsers on /app/events.
    if let Err(error) = app.start_watching() {
        eprintln!("cairn serve: live updates are off: {error}");
    }
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let router = app_with_shutdown(app, &config, bound, stopping);
    let limits = connections::ConnectionLimits::for_this_process();
    if bound.ip().is_unspecified() {
        // 0.0.0.0 is where the server listens, not an address a client can use.
        let host = machine_name().unwrap_or_else(|| "THIS-MACHINE".to_owned());
        let port = bound.port();
        eprintln!(
            "cairn serve: listening on every address, port {port} \
             (MLFLOW_TRACKING_URI=http://{host}:{port} from other machines, \
             http://127.0.0.1:{port} on this one)"
        );
    } else {
        eprintln!("cairn serve: listening on http://{bound} (MLFLOW_TRACKING_URI=http://{bound})");
    }
    connections::serve_connections(listener, router, limits, async move {
        shutdown_signal().await;
        stop.send_replace(true);
    })
    .await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM: requests in flight finish, then the server stops.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// [`serve`] on a new multi-threaded runtime, for the CLI.
pub fn serve_blocking(store: Arc<dyn Store>, config: ServerConfig) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(store, config))
}

/// [`serve_app`] on a new multi-threaded runtime, for the CLI.
pub fn serve_app_blocking(app: cairn_app::App, config: ServerConfig) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve_app(app, config))
}

/// This machine's network name, as the kernel has it (Linux), for telling clients where to
/// connect.
fn machine_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}
