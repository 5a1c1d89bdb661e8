//! `cairn ui`: `cairn serve` on loopback at the first free port from 5000 (as `mlflow ui`), and
//! the default browser opened on it once it listens ($BROWSER, else `xdg-open`).

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::serve;
use crate::args::{ServeArgs, UiArgs};

/// The first port tried when none is given, as `mlflow ui`.
const FIRST_PORT: u16 = 5000;
/// How many ports from [`FIRST_PORT`] are tried.
const PORTS_TRIED: u16 = 100;

/// The server `cairn ui` runs, and the address it will listen on.
pub fn plan(args: &UiArgs) -> anyhow::Result<(serve::Plan, SocketAddr)> {
    let port = match args.port {
        Some(port) => port,
        None => first_free_port()?,
    };
    let serve_args = ServeArgs {
        host: Ipv4Addr::LOCALHOST.to_string(),
        port,
        auth: None,
        default_permission: "READ".to_string(),
        auth_token: None,
        auth_token_file: None,
        basic_auth: None,
        basic_auth_file: None,
        allowed_hosts: Vec::new(),
        trusted_proxies: Vec::new(),
        ui_dir: args.ui_dir.clone(),
        index_roots: Vec::new(),
        // As `cairn serve` reads it: where the store's `mlflow-artifacts:/` files live.
        artifacts: std::env::var("CAIRN_ARTIFACTS").ok(),
        database_timeout: cairn_server::DATABASE_DEADLINE.as_secs(),
    };
    let plan = serve::plan(&serve_args)?;
    Ok((plan, SocketAddr::from((Ipv4Addr::LOCALHOST, port))))
}

/// The first loopback port from 5000 nobody listens on.
fn first_free_port() -> anyhow::Result<u16> {
    (FIRST_PORT..FIRST_PORT + PORTS_TRIED)
        .find(|port| TcpListener::bind((Ipv4Addr::LOCALHOST, *port)).is_ok())
        .with_context(|| {
            format!(
                "no free port on 127.0.0.1 from {FIRST_PORT} to {}: pass --port",
                FIRST_PORT + PORTS_TRIED - 1
            )
        })
}

/// Opens the browser on `address` as soon as the server accepts connections there (in a thread
/// of its own; the server runs on this one). A browser that cannot be started is reported, and
/// the server keeps running.
pub fn open_browser_when_listening(address: SocketAddr) {
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if Instant::now() > deadline {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let url = format!("http://{address}/");
        let mut command = opener(std::env::var("BROWSER").ok().as_deref(), &url);
        let program = command.get_program().to_string_lossy().into_owned();
        let started = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .and_then(|mut child| child.wait());
        match started {
            Ok(status) if status.success() => {}
            Ok(status) => eprintln!("cairn ui: {program} {url} exited with {status}; open {url}"),
            Err(error) => eprintln!("cairn ui: cannot start {program} ({error}); open {url}"),
        }
    });
}

/// The command that opens `url`: the first entry of `$BROWSER` (a `:`-separated list; `%s` in
/// it stands for the URL, else the URL comes last), else `xdg-open`.
fn opener(browser: Option<&str>, url: &str) -> Command {
    let words: Vec<&str> = browser
        .and_then(|list| list.split(':').find(|entry| !entry.trim().is_empty()))
        .map(|entry| entry.split_whitespace().collect())
        .unwrap_or_default();
    let Some((program, rest)) = words.split_first() else {
        let mut command = Command::new("xdg-open");
        command.arg(url);
        return command;
    };
    let mut command = Command::new(program);
    let substituted = rest.iter().any(|word| word.contains("%s"));
    command.args(rest.iter().map(|word| word.replace("%s", url)));
    if !substituted {
        command.arg(url);
    }
    command
}

#[cfg(test)]
mod tests {
    use super::opener;

    fn words(command: &std::process::Command) -> Vec<String> {
        std::iter::once(command.get_program())
            .chain(command.get_args())
            .map(|word| word.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_opener_follows_the_browser_variable_and_falls_back_to_xdg_open() {
        let url = "http://127.0.0.1:5000/";
        assert_eq!(words(&opener(None, url)), ["xdg-open", url]);
        assert_eq!(words(&opener(Some(""), url)), ["xdg-open", url]);
        assert_eq!(words(&opener(Some("firefox"), url)), ["firefox", url]);
        assert_eq!(
            words(&opener(Some("chromium --new-window:firefox"), url)),
            ["chromium", "--new-window", url]
        );
        assert_eq!(
            words(&opener(Some("open-it --url=%s --fast"), url)),
            ["open-it", &format!("--url={url}"), "--fast"]
        );
    }
}
