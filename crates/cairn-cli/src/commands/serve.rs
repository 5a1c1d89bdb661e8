//! `cairn serve`: the MLflow-compatible server over the store.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use cairn_core::SqliteStore;
use cairn_server::{Auth, DEFAULT_MAX_ARTIFACT_BYTES, ServerConfig};

use crate::args::ServeArgs;

pub fn serve(
    store: SqliteStore,
    source: cairn_app::StoreSource,
    args: &ServeArgs,
) -> anyhow::Result<()> {
    let host = if args.host == "localhost" {
        "127.0.0.1"
    } else {
        args.host.as_str()
    };
    let ip: IpAddr = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .with_context(|| format!("--host {} is not an IP address", args.host))?;
    let auth = match (&args.auth_token, &args.basic_auth) {
        (Some(token), _) if !token.is_empty() => Auth::Token(token.clone()),
        (_, Some(user_pass)) => {
            anyhow::ensure!(user_pass.contains(':'), "--basic-auth must be USER:PASS");
            Auth::Basic(user_pass.clone())
        }
        _ => Auth::None,
    };
    let config = ServerConfig {
        address: SocketAddr::new(ip, args.port),
        auth,
        ui_dir: args.ui_dir.clone().or_else(default_ui_dir),
        max_artifact_bytes: DEFAULT_MAX_ARTIFACT_BYTES,
    };
    // Settings → Store shows where the store came from; a running server never switches it.
    let app = cairn_app::App::new(std::sync::Arc::new(store)).with_store_source(source);
    cairn_server::serve_app_blocking(app, config)
}

/// `ui/dist` of the workspace the binary was built in, when it has been built.
fn default_ui_dir() -> Option<PathBuf> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dist = workspace.join("ui/dist");
    dist.join("index.html").is_file().then_some(dist)
}
