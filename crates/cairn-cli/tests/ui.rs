//! `cairn ui`, `cairn completions` and `cairn --version` as a user runs them: the UI served from
//! the binary itself (no `ui/dist` beside it, no `--ui-dir`) on loopback from port 5000 up, the
//! browser opener given the served URL, completion scripts a shell accepts, and the commit the
//! binary was built from.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::Sandbox;
use common::served::Served;

/// The index of the UI the binary embedded: `ui/dist` of the workspace it was built in.
fn built_index() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist/index.html");
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}: build the UI before cairn (`npm run build` in ui/; scripts/test.sh does)",
            path.display()
        )
    })
}

/// `cairn --store cairn.db ui ARGS...` run from the sandbox's folder (no ui/dist there).
fn start_ui(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Served {
    let mut command = sandbox.command();
    command
        .current_dir(sandbox.home())
        .arg("--store")
        .arg(sandbox.store())
        .arg("ui")
        .args(args)
        .envs(env.iter().copied());
    Served::start(command)
}

#[test]
fn cairn_ui_serves_the_embedded_ui_on_a_port_from_5000() {
    let sandbox = Sandbox::with_store("cairn.db");
    let served = start_ui(&sandbox, &["--no-browser"], &[]);
    assert!(served.address.ip().is_loopback(), "{}", served.address);
    assert!(
        (5000..5100).contains(&served.address.port()),
        "{}",
        served.address
    );
    let index = served.send("GET", "/", &[], b"");
    assert_eq!(index.status, 200, "{}", index.body);
    assert_eq!(index.body, built_index());
    let api = served.send(
        "GET",
        "/api/2.0/mlflow/experiments/get?experiment_id=0",
        &[],
        b"",
    );
    assert_eq!(api.json()["experiment"]["name"], "Default");
}

#[test]
fn cairn_ui_opens_the_browser_on_the_served_url() {
    let sandbox = Sandbox::with_store("cairn.db");
    let opened = sandbox.path("opened.txt");
    let browser = sandbox.path("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{}.part' && mv '{0}.part' '{0}'\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let served = start_ui(&sandbox, &[], &[("BROWSER", browser.to_str().unwrap())]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = loop {
        if let Ok(url) = std::fs::read_to_string(&opened) {
            break url;
        }
        assert!(Instant::now() < deadline, "the browser was never opened");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(url, format!("http://{}/", served.address));
    assert_eq!(served.send("GET", "/", &[], b"").body, built_index());
}

#[test]
fn a_busy_port_given_with_port_is_refused_naming_it() {
    let sandbox = Sandbox::with_store("cairn.db");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let error = sandbox.fails(&["ui", "--no-browser", "--port", &port]);
    assert!(error.contains(&port), "{error}");
}

#[test]
fn bash_completions_parse_and_name_the_subcommands() {
    let sandbox = Sandbox::without_store();
    let script = sandbox.ok(&["completions", "bash"]);
    for subcommand in ["serve", "ui", "runs", "models", "completions"] {
        assert!(script.contains(subcommand), "{subcommand} missing");
    }
    let file = sandbox.path("cairn.bash");
    std::fs::write(&file, &script).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    for shell in ["zsh", "fish"] {
        assert!(
            sandbox.ok(&["completions", shell]).contains("serve"),
            "{shell}"
        );
    }
    let unknown = sandbox.run(&["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("tcsh"));
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let version = Sandbox::without_store().ok(&["--version"]);
    assert!(
        version.starts_with(&format!("cairn {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    assert!(version.contains(head.trim()), "{version} vs {head}");
}
