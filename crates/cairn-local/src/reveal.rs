//! "Open in folder": shows a run's artifact in the system file manager of this machine. It starts
//! a program, so only a local shell (the desktop app) offers it.

use cairn_app::ErrorKind;
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

use cairn_app::artifact_files::folder_of;
use cairn_app::run_page_views::RevealedFolder;
use cairn_app::{AppError, Store};

/// The program that opens a folder in the system's file manager, and its leading arguments (the
/// folder is appended).
#[derive(Debug, Clone)]
pub struct Opener {
    /// Program to start.
    pub program: OsString,
    /// Arguments before the folder.
    pub args: Vec<OsString>,
}

impl Opener {
    /// This system's opener: `open` on macOS, `explorer` on Windows, `xdg-open` elsewhere.
    pub fn system() -> Opener {
        let program = if cfg!(target_os = "macos") {
            "open"
        } else if cfg!(windows) {
            "explorer"
        } else {
            "xdg-open"
        };
        Opener {
            program: program.into(),
            args: Vec::new(),
        }
    }
}

/// Opens the folder holding the artifact at `path` (the run's folder itself when `path` is
/// empty) with `opener`, on the machine running this code. The opener is started and not waited
/// for.
pub fn reveal_artifact(
    store: &dyn Store,
    artifact_root: &Path,
    run_id: &str,
    path: &str,
    opener: &Opener,
) -> Result<RevealedFolder, AppError> {
    let folder = folder_of(store, artifact_root, run_id)?;
    let target = folder.resolve(path)?;
    let shown = if target.is_dir() {
        target
    } else {
        match target.parent() {
            Some(parent) => parent.to_path_buf(),
            None => target,
        }
    };
    let mut child = Command::new(&opener.program)
        .args(&opener.args)
        .arg(&shown)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| AppError {
            kind: ErrorKind::Internal,
            message: format!(
                "starting {} to open {}: {error}",
                opener.program.to_string_lossy(),
                shown.display()
            ),
        })?;
    // Reaped in the background so the opener leaves no zombie behind.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(RevealedFolder {
        folder: shown.display().to_string(),
    })
}
