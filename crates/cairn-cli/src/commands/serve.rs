//! `cairn serve`: the MLflow-compatible server over the store.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use cairn_core::SqliteStore;
use cairn_server::{Auth, DEFAULT_MAX_ARTIFACT_BYTES, ServerConfig};

use crate::args::ServeArgs;

pub fn serve(store: SqliteStore, args: &ServeArgs) -> anyhow::Result<()> {
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
    let roots = index_roots(&args.index_roots)?;
    // The CLI is a local shell: it follows the folders the operator named and the store's
    // watched ones. The server gets only the store's operations (`App`), never these.
    let local = cairn_local::LocalApp::new(std::sync::Arc::new(store));
    for root in &roots {
        local
            .follow(root)
            .with_context(|| format!("--index-root {root}"))?;
    }
    if let Err(error) = local.start_watching() {
        eprintln!("cairn serve: the store's watched folders are not followed: {error}");
    }
    let served = cairn_server::serve_app_blocking(local.app().clone(), config);
    // Dropping the local app stops the folder threads once the server has stopped.
    drop(local);
    served
}

/// Each `--index-root` as an existing folder's canonical path; an error names the one that is not.
fn index_roots(paths: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    paths
        .iter()
        .map(|path| {
            let canonical = path
                .canonicalize()
                .with_context(|| format!("--index-root {}", path.display()))?;
            anyhow::ensure!(
                canonical.is_dir(),
                "--index-root {} is not a folder",
                path.display()
            );
            Ok(canonical.to_string_lossy().into_owned())
        })
        .collect()
}

/// `ui/dist` of the workspace the binary was built in, when it has been built.
fn default_ui_dir() -> Option<PathBuf> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dist = workspace.join("ui/dist");
    dist.join("index.html").is_file().then_some(dist)
}
