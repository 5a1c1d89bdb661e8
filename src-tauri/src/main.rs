//! Cairn's desktop shell: opens the store, exposes its operations as one Tauri command and shows
//! the web UI in a window. No business logic lives here: each command is one call into
//! `cairn_local::LocalApp` — the store's commands, the same `cairn serve` exposes over HTTP, plus
//! those only the person at this machine may use (host paths, "open in folder", the store choice).
// Hides the console window that Windows would otherwise open next to the app in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;

use cairn_app::AppError;
use cairn_local::{LocalApp, Places, StoreSource};
use serde_json::Value;
use tauri::{Emitter, Manager};

const USAGE: &str = "\
Cairn desktop app

Usage: cairn-desktop [--store PATH] [--route ROUTE]

Options:
  --store PATH   the store to open (default: $CAIRN_STORE, else the store remembered in
                 Settings → Store or by `cairn store use`, else Cairn's data directory)
  --route ROUTE  the screen to open on, as the UI's hash route: '#/runs/RUN_ID' (a run page),
                 '#/models/NAME', '#/compare?runs=A,B', '#/settings' (default: the runs view)
  -h, --help     print this help
  -V, --version  print the version
";

/// `call`: runs a command by name — a store command exactly as `cairn serve` does for
/// `POST /app/api/<command>`, or a local shell's; the UI's `TauriBackend` sends every call here.
// `async` runs the command on Tauri's async runtime instead of the main (UI) thread.
#[tauri::command(async)]
fn call(app: tauri::State<'_, LocalApp>, command: String, args: Value) -> Result<Value, AppError> {
    app.call(&command, args)
}

/// `reopen`: starts the app again on the store launches without `--store` and `$CAIRN_STORE`
/// open (the one `use_store` just remembered), on the settings screen, and closes this one.
#[tauri::command]
fn reopen(handle: tauri::AppHandle) -> Result<(), String> {
    let program = std::env::current_exe()
        .map_err(|error| format!("finding the running app to start it again: {error}"))?;
    std::process::Command::new(&program)
        .args(relaunch_args(std::env::args_os().skip(1)))
        .env_remove(cairn_local::STORE_ENV)
        .spawn()
        .map_err(|error| format!("starting {} again: {error}", program.display()))?;
    handle.exit(0);
    Ok(())
}

/// The arguments of a relaunch: this launch's, without `--store` (so the remembered store is
/// opened) and with `--route '#/settings'` (where the user chose it).
fn relaunch_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut kept = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--store" | "--route") => {
                args.next();
            }
            Some(other) if other.starts_with("--store=") || other.starts_with("--route=") => {}
            _ => kept.push(arg),
        }
    }
    kept.push(OsString::from("--route"));
    kept.push(OsString::from("#/settings"));
    kept
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
enum Invocation {
    Run {
        store_path: Option<PathBuf>,
        route: Option<String>,
    },
    Help,
    Version,
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, String> {
    let mut store_path = None;
    let mut route = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(Invocation::Help),
            Some("-V" | "--version") => return Ok(Invocation::Version),
            Some("--store") => match args.next() {
                Some(path) => store_path = Some(store_argument(path.into())?),
                None => return Err("--store needs a path".to_owned()),
            },
            Some("--route") => match args.next() {
                Some(value) => route = Some(parse_route(&value.to_string_lossy())?),
                None => return Err("--route needs a route such as '#/runs/RUN_ID'".to_owned()),
            },
            Some(other) if other.starts_with("--store=") => {
                let path = other.strip_prefix("--store=").unwrap_or_default();
                store_path = Some(store_argument(PathBuf::from(path))?);
            }
            Some(other) if other.starts_with("--route=") => {
                route = Some(parse_route(other.trim_start_matches("--route="))?);
            }
            _ => return Err(format!("unexpected argument: {}", arg.to_string_lossy())),
        }
    }
    Ok(Invocation::Run { store_path, route })
}

/// Checks a `--route` value: the UI's hash route (`#/runs/ID`), returned without its `#`.
fn parse_route(value: &str) -> Result<String, String> {
    match value.strip_prefix('#') {
        Some(route) if route.starts_with('/') && !route.contains(char::is_whitespace) => {
            Ok(route.to_owned())
        }
        _ => Err(format!(
            "--route takes the UI's hash route, such as '#/runs/RUN_ID', not '{value}'"
        )),
    }
}

/// Opens the window's web view on `route` (a hash route without its `#`) instead of the runs view.
fn open_route(window: &tauri::WebviewWindow, route: &str) -> tauri::Result<()> {
    let mut url = window.url()?;
    url.set_fragment(Some(route));
    window.navigate(url)
}

/// On Linux, fails early with a message instead of GTK's panic when there is no display to open a
/// window on (over SSH, in CI without Xvfb).
fn check_display() -> Result<(), String> {
    if cfg!(target_os = "linux") {
        let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
        if !has_display {
            return Err(
                "no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is \
                 set); run Cairn in a desktop session, or use `cairn serve` and a browser"
                    .to_owned(),
            );
        }
    }
    Ok(())
}

/// The title of the message box an error before the window opens is shown in.
const STARTUP_FAILURE_TITLE: &str = "Cairn cannot start";

/// An error that stops the app before its window exists: said on stderr, and in a native message
/// box, since an app started from a launcher has no terminal to say it in.
fn startup_failure(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    show_error_box(&format!(
        "{message}\n\nStart Cairn with --store PATH to open another store, or run \
         `cairn store` in a terminal to see which store is chosen and why."
    ));
    ExitCode::FAILURE
}

/// The native message box of [`startup_failure`].
fn show_error_box(message: &str) {
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(STARTUP_FAILURE_TITLE)
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

/// The path given with `--store`; an empty one would open a private, temporary database.
fn store_argument(path: PathBuf) -> Result<PathBuf, String> {
    if path.as_os_str().is_empty() {
        return Err("--store needs a path, not an empty string".to_owned());
    }
    Ok(path)
}

fn main() -> ExitCode {
    let (store_path, route) = match parse_args(std::env::args_os().skip(1)) {
        Ok(Invocation::Run { store_path, route }) => (store_path, route),
        Ok(Invocation::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Version) => {
            println!("cairn-desktop {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            // Started from a launcher, there is no terminal to read that in.
            if check_display().is_ok() {
                show_error_box(&format!("the command line: {message}\n\n{USAGE}"));
            }
            return ExitCode::from(2);
        }
    };

    if let Err(message) = check_display() {
        eprintln!("error: {message}");
        return ExitCode::FAILURE;
    }

    // Without --store: $CAIRN_STORE, else the remembered store, else the data directory.
    let places = Places::from_env();
    let location = match places.locate(store_path.as_deref()) {
        Ok(location) => location,
        Err(err) => return startup_failure(&format!("choosing the store: {err}")),
    };
    let store = match cairn_local::open_store(Some(&location.path)) {
        Ok(store) => store,
        Err(err) => {
            return startup_failure(&format!(
                "opening the store {}: {err}",
                location.path.display()
            ));
        }
    };
    eprintln!(
        "cairn-desktop[{}]: store {} ({})",
        std::process::id(),
        location.path.display(),
        location.origin.describe()
    );

    // Settings → Store can remember another store and reopen the app on it.
    let app = LocalApp::new(Arc::new(store))
        .with_store_source(StoreSource {
            origin: location.origin,
            places,
        })
        .with_store_switching()
        // "Push to team": the push engine reaches the team server over HTTP.
        .with_team_connector(Arc::new(cairn_push::http::connect));
    // Commits by any process (an mlflow client, `cairn index`) reach the window as events.
    if let Err(err) = app.start_watching() {
        eprintln!("warning: live updates are off: {err}");
    }
    let events = app.app().events().subscribe();

    let result = tauri::Builder::default()
        .manage(app)
        // The system's file and folder choosers (Settings → Watched folders → Choose folder…,
        // Settings → Store → Open another store… and New store…).
        .plugin(tauri_plugin_dialog::init())
        .setup(move |tauri_app| {
            if let (Some(route), Some(window)) = (&route, tauri_app.get_webview_window("main")) {
                open_route(&window, route)?;
            }
            let handle = tauri_app.handle().clone();
            std::thread::Builder::new()
                .name("cairn-events".to_owned())
                .spawn(move || {
                    // Ends when the hub goes away with the app.
                    while let Ok(event) = events.recv() {
                        let _ = handle.emit("cairn://event", &event);
                    }
                })?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![call, reopen])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: running the desktop app: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Invocation, String> {
        parse_args(args.iter().map(OsString::from))
    }

    #[test]
    fn store_flag_takes_a_path_in_either_spelling() {
        let expected = Invocation::Run {
            store_path: Some(PathBuf::from("/tmp/s.db")),
            route: None,
        };
        assert_eq!(parse(&["--store", "/tmp/s.db"]), Ok(expected));
        let expected = Invocation::Run {
            store_path: Some(PathBuf::from("/tmp/s.db")),
            route: None,
        };
        assert_eq!(parse(&["--store=/tmp/s.db"]), Ok(expected));
    }

    #[test]
    fn no_arguments_means_the_default_store() {
        let expected = Invocation::Run {
            store_path: None,
            route: None,
        };
        assert_eq!(parse(&[]), Ok(expected));
    }

    #[test]
    fn route_flag_takes_a_hash_route_in_either_spelling() {
        let expected = Invocation::Run {
            store_path: None,
            route: Some("/runs/abc123".to_owned()),
        };
        assert_eq!(parse(&["--route", "#/runs/abc123"]), Ok(expected));
        let expected = Invocation::Run {
            store_path: Some(PathBuf::from("/tmp/s.db")),
            route: Some("/compare?runs=a,b".to_owned()),
        };
        assert_eq!(
            parse(&["--route=#/compare?runs=a,b", "--store", "/tmp/s.db"]),
            Ok(expected)
        );
    }

    #[test]
    fn a_route_without_its_hash_or_slash_is_an_error() {
        assert!(parse(&["--route"]).is_err());
        assert!(parse(&["--route", "/runs/abc"]).is_err());
        assert!(parse(&["--route", "#runs"]).is_err());
        assert!(parse(&["--route", "#/runs/a b"]).is_err());
    }

    #[test]
    fn a_relaunch_drops_the_store_and_opens_the_settings() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            relaunch_args(args(&["--store", "/a.db", "--route", "#/runs/x"])),
            args(&["--route", "#/settings"])
        );
        assert_eq!(
            relaunch_args(args(&["--store=/a.db", "--route=#/models"])),
            args(&["--route", "#/settings"])
        );
        assert_eq!(relaunch_args(args(&[])), args(&["--route", "#/settings"]));
        assert_eq!(
            parse(&["--route", "#/settings"]),
            Ok(Invocation::Run {
                store_path: None,
                route: Some("/settings".to_owned())
            })
        );
    }

    #[test]
    fn unknown_arguments_and_a_missing_path_are_errors() {
        assert!(parse(&["--store"]).is_err());
        assert!(parse(&["--store", ""]).is_err());
        assert!(parse(&["--store="]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
        assert_eq!(parse(&["--help"]), Ok(Invocation::Help));
    }
}
