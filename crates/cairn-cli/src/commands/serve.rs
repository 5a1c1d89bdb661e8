//! `cairn serve`: the MLflow-compatible server over the store.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::Context;
use cairn_server::client_address::TrustedProxies;
use cairn_server::{Auth, DEFAULT_MAX_ARTIFACT_BYTES, ServerConfig};

use super::Opened;
use crate::args::ServeArgs;

/// The environment variables that carry credentials (argv is visible to every user in `ps`).
const TOKEN_VARIABLE: &str = "CAIRN_AUTH_TOKEN";
const BASIC_VARIABLE: &str = "CAIRN_BASIC_AUTH";

/// What `cairn serve` was asked for, checked before the store is opened: the address, the
/// credentials, the Host names and the folders to index.
pub struct Plan {
    config: ServerConfig,
    roots: Vec<String>,
}

/// Checks the arguments; every refusal names the option (and the file, for credentials).
pub fn plan(args: &ServeArgs) -> anyhow::Result<Plan> {
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
    let auth = auth(args, |name| std::env::var(name).ok())?;
    for name in &args.allowed_hosts {
        check_host_name(name)?;
    }
    let trusted_proxies = TrustedProxies::parse(&args.trusted_proxies)
        .map_err(|error| anyhow::anyhow!("--trusted-proxy {error}"))?;
    let config = ServerConfig {
        address: SocketAddr::new(ip, args.port),
        auth,
        ui_dir: args.ui_dir.clone(),
        embedded_ui: Some(crate::embedded_ui::UI),
        max_artifact_bytes: DEFAULT_MAX_ARTIFACT_BYTES,
        allowed_hosts: args.allowed_hosts.clone(),
        body_read_timeout: cairn_server::body_timeout::DEFAULT_BODY_READ_TIMEOUT,
        database_deadline: std::time::Duration::from_secs(args.database_timeout),
        artifacts: artifact_store(args.artifacts.as_deref())?,
        trusted_proxies,
    };
    let roots = index_roots(&args.index_roots)?;
    Ok(Plan { config, roots })
}

/// The artifact store `--artifacts` names (checked when the server starts), or `None` for the
/// store's own folder.
fn artifact_store(
    location: Option<&str>,
) -> anyhow::Result<Option<std::sync::Arc<dyn cairn_artifact_store::ArtifactStore>>> {
    let Some(text) = location.filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    let location = cairn_artifact_store::ArtifactLocation::parse(text)
        .map_err(|error| anyhow::anyhow!("--artifacts: {error}"))?;
    let settings = cairn_artifact_store::S3Settings::from_env();
    cairn_artifact_store::open(&location, &settings)
        .map(Some)
        .map_err(|error| anyhow::anyhow!("--artifacts {text}: {error}"))
}

/// Serves the store as planned until Ctrl-C or SIGTERM.
pub fn serve(store: Opened, plan: Plan) -> anyhow::Result<()> {
    let Plan { config, roots } = plan;
    if matches!(config.auth, Auth::Users { .. }) {
        let shared = store.store();
        super::users::bootstrap_admin(&*shared)?;
        if shared.list_users()?.is_empty() {
            eprintln!(
                "cairn serve: accounts are on but there is no user yet: create an admin with \
                 `cairn users create NAME --admin` (the same --store/--database)"
            );
        }
    }
    let store = match store {
        Opened::Local(store) => store,
        Opened::Database(store) => {
            anyhow::ensure!(
                roots.is_empty(),
                "--index-root indexes folders into a local store file; a server on a database \
                 takes runs through its API (or `cairn store copy`)"
            );
            let app = cairn_app::App::new(store);
            if let Err(error) = app.start_watching() {
                eprintln!("cairn serve: live updates are off: {error}");
            }
            return cairn_server::serve_app_blocking(app, config);
        }
    };
    // The CLI is a local shell: it follows the folders the operator named and the store's
    // watched ones. The server gets only the store's operations (`App`), never these.
    let local = cairn_local::LocalApp::new(store);
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

/// The credentials clients must send: from a flag, else a file flag, else the environment
/// (`CAIRN_AUTH_TOKEN`, `CAIRN_BASIC_AUTH`). Empty ones are refused: an empty token must never
/// mean "no authentication".
fn auth(args: &ServeArgs, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Auth> {
    if args.auth.as_deref() == Some("users") {
        let default_permission = cairn_core::model::Permission::parse(&args.default_permission)
            .with_context(|| format!("--default-permission {}", args.default_permission))?;
        return Ok(Auth::Users { default_permission });
    }
    if let Some(token) = &args.auth_token {
        return token_auth(token, "--auth-token");
    }
    if let Some(path) = &args.auth_token_file {
        return token_auth(&read_secret(path, "the auth token")?, &file_origin(path));
    }
    if let Some(user_pass) = &args.basic_auth {
        return basic_auth(user_pass, "--basic-auth");
    }
    if let Some(path) = &args.basic_auth_file {
        return basic_auth(
            &read_secret(path, "the basic-auth credentials")?,
            &file_origin(path),
        );
    }
    match (env(TOKEN_VARIABLE), env(BASIC_VARIABLE)) {
        (Some(_), Some(_)) => {
            anyhow::bail!("both {TOKEN_VARIABLE} and {BASIC_VARIABLE} are set: unset one of them")
        }
        (Some(token), None) => token_auth(&token, TOKEN_VARIABLE),
        (None, Some(user_pass)) => basic_auth(&user_pass, BASIC_VARIABLE),
        (None, None) => Ok(Auth::None),
    }
}

fn file_origin(path: &Path) -> String {
    format!("the file {}", path.display())
}

fn token_auth(token: &str, origin: &str) -> anyhow::Result<Auth> {
    anyhow::ensure!(
        !token.is_empty(),
        "the auth token from {origin} is empty: an empty token would let anyone in"
    );
    anyhow::ensure!(
        !token.chars().any(|c| c.is_whitespace() || c.is_control()),
        "the auth token from {origin} contains a space or control character; clients cannot \
         send it in an Authorization header"
    );
    Ok(Auth::Token(token.to_string()))
}

fn basic_auth(user_pass: &str, origin: &str) -> anyhow::Result<Auth> {
    let parts = user_pass.split_once(':');
    anyhow::ensure!(
        parts.is_some_and(|(user, password)| !user.is_empty() && !password.is_empty()),
        "the basic-auth credentials from {origin} must be USER:PASS with a non-empty user and \
         password"
    );
    Ok(Auth::Basic(user_pass.to_string()))
}

/// A secret kept in a file, without its trailing newline.
fn read_secret(path: &Path, what: &str) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading {what} from {}", path.display()))?;
    let secret = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    Ok(secret.to_string())
}

/// An `--allowed-host` value: a host name or address, optionally with `:PORT`.
fn check_host_name(name: &str) -> anyhow::Result<()> {
    let usable = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'));
    anyhow::ensure!(
        usable,
        "--allowed-host '{name}' is not a host name (letters, digits, '.', '-', an IP address, \
         optionally ':PORT')"
    );
    Ok(())
}
