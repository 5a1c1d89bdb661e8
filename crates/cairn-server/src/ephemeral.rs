//! An in-process server on a loopback port the OS picks, for the lifetime of one child process
//! (`cairn run`): the child's mlflow client logs into the same store.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context;
use cairn_core::Store;

use crate::connections::{ConnectionLimits, serve_connections};
use crate::{Auth, DEFAULT_MAX_ARTIFACT_BYTES, RunCreator, ServerConfig, app_with_run_creator};

/// A running loopback server; dropping it (or [`EphemeralServer::stop`]) shuts it down.
#[derive(Debug)]
pub struct EphemeralServer {
    address: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EphemeralServer {
    /// Binds `127.0.0.1:0` and serves `store` on a background thread; `runs/create` goes
    /// through `run_creator` when there is one.
    pub fn start(
        store: Arc<dyn Store>,
        run_creator: Option<Arc<dyn RunCreator>>,
    ) -> anyhow::Result<EphemeralServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .context("listening on a loopback port")?;
        let address = listener.local_addr().context("reading the bound address")?;
        let config = ServerConfig {
            address,
            auth: Auth::None,
            ui_dir: None,
            embedded_ui: None,
            max_artifact_bytes: DEFAULT_MAX_ARTIFACT_BYTES,
            allowed_hosts: Vec::new(),
            body_read_timeout: crate::body_timeout::DEFAULT_BODY_READ_TIMEOUT,
            database_deadline: crate::DATABASE_DEADLINE,
            artifacts: None,
            trusted_proxies: crate::client_address::TrustedProxies::default(),
        };
        let (stop_streams, stopping) = tokio::sync::watch::channel(false);
        let router = app_with_run_creator(
            cairn_app::App::new(store),
            &config,
            address,
            stopping,
            run_creator,
        );
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("cairn-ephemeral-server".to_string())
            .spawn(move || {
                let limits = ConnectionLimits::for_this_process();
                runtime.block_on(serve_connections(listener, router, limits, async move {
                    let _ = stopped.await;
                    stop_streams.send_replace(true);
                }));
            })
            .context("starting the server thread")?;
        Ok(EphemeralServer {
            address,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, the value for `MLFLOW_TRACKING_URI`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops serving and waits for the server thread.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for EphemeralServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}
