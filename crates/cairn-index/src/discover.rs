//! Finding what can be imported under a folder: MLflow file stores and databases, TensorBoard
//! run folders, Lightning and Keras CSV logs. Skips `.git`, `node_modules` and virtualenvs.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::report::{BadFile, IndexReport};

/// Something importable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An MLflow file store (the `mlruns` folder).
    Mlruns(PathBuf),
    /// An MLflow SQLite database.
    MlflowDb(PathBuf),
    /// A TensorBoard run: a folder with event files (tensorboardX's hparams subfolders folded
    /// in), files sorted.
    Tensorboard {
        /// The run's folder.
        run_dir: PathBuf,
        /// Its event files.
        files: Vec<PathBuf>,
    },
    /// A Lightning `CSVLogger` version folder.
    LightningCsv {
        /// The `version_N` folder.
        run_dir: PathBuf,
        /// Its `metrics.csv`.
        metrics: PathBuf,
    },
    /// A Keras `CSVLogger` file.
    KerasCsv(PathBuf),
}

impl Source {
    /// The file or folder it was found at.
    pub fn path(&self) -> &Path {
        match self {
            Source::Mlruns(path) | Source::MlflowDb(path) | Source::KerasCsv(path) => path,
            Source::Tensorboard { run_dir, .. } | Source::LightningCsv { run_dir, .. } => run_dir,
        }
    }
}

const SKIPPED_DIRS: [&str; 8] = [
    ".git",
    "node_modules",
    "__pycache__",
    ".venv",
    "venv",
    "site-packages",
    ".tox",
    ".mypy_cache",
];

/// Every source under `root` (or `root` itself when it is a file), in walk order. Paths in
/// `skipped` (the store's own database and artifact folder, canonical) are never read: files
/// uploaded as artifacts are data, not runs to import.
pub fn discover(root: &Path, skipped: &[PathBuf], report: &mut IndexReport) -> Vec<Source> {
    let mut sources = Vec::new();
    let mut tensorboard: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                report.bad_files.push(BadFile {
                    path: error
                        .path()
                        .map_or_else(String::new, |p| p.display().to_string()),
                    reason: format!("cannot read: {error}"),
                });
                continue;
            }
        };
        let path = entry.path();
        if skipped.iter().any(|own| path == own) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_dir() {
            if entry.depth() > 0 && SKIPPED_DIRS.contains(&name.as_ref()) {
                walker.skip_current_dir();
                continue;
            }
            if path.join("pyvenv.cfg").is_file() {
                walker.skip_current_dir();
                continue;
            }
            if is_mlruns(path) {
                sources.push(Source::Mlruns(path.to_path_buf()));
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        report.files_seen += 1;
        if name.starts_with("events.out.tfevents.") {
            let dir = path.parent().unwrap_or(root);
            tensorboard
                .entry(tensorboard_run_dir(dir))
                .or_default()
                .push(path.to_path_buf());
        } else if name.ends_with(".db") || name.ends_with(".sqlite") {
            match classify_database(path, &name) {
                Database::Mlflow => sources.push(Source::MlflowDb(path.to_path_buf())),
                Database::Other => {}
                Database::Bad(reason) => report.bad_files.push(BadFile {
                    path: path.display().to_string(),
                    reason,
                }),
            }
        } else if name == "metrics.csv" && !is_utf8_start(path) {
            // Lightning writes UTF-8; a file it cannot have written is named, not passed over.
            report.bad_files.push(BadFile {
                path: path.display().to_string(),
                reason: "not UTF-8 text".into(),
            });
        } else if name == "metrics.csv" && is_lightning_dir(path) {
            let run_dir = path.parent().unwrap_or(root).to_path_buf();
            sources.push(Source::LightningCsv {
                run_dir,
                metrics: path.to_path_buf(),
            });
        } else if (name.ends_with(".csv") || name.ends_with(".log")) && is_keras_csv(path) {
            sources.push(Source::KerasCsv(path.to_path_buf()));
        }
    }
    for (run_dir, mut files) in tensorboard {
        files.sort();
        sources.push(Source::Tensorboard { run_dir, files });
    }
    sources
}

/// tensorboardX's `add_hparams` writes into a subfolder named after `time.time()`
/// (`1795485369.5096865`) beside the run's own event file: such a folder belongs to its parent's
/// run. A folder is folded only when its name has that shape and its parent holds event files,
/// so runs that are merely named after a timestamp stay runs.
fn tensorboard_run_dir(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let looks_like_time = name.split_once('.').is_some_and(|(seconds, fraction)| {
        seconds.len() >= 9
            && seconds.bytes().all(|b| b.is_ascii_digit())
            && !fraction.is_empty()
            && fraction.bytes().all(|b| b.is_ascii_digit())
    });
    match dir.parent() {
        Some(parent) if looks_like_time && has_event_file(parent) => parent.to_path_buf(),
        _ => dir.to_path_buf(),
    }
}

fn has_event_file(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("events.out.tfevents.")
        })
    })
}

/// An MLflow file store: named `mlruns`, or holding experiment folders with `meta.yaml` and
/// run folders below them.
fn is_mlruns(path: &Path) -> bool {
    if path.file_name().is_some_and(|name| name == "mlruns") {
        return true;
    }
    path.join("0").join("meta.yaml").is_file()
        || path.join(".trash").is_dir() && path.join("models").is_dir()
}

/// What a `.db`/`.sqlite` file is to the indexer.
enum Database {
    /// An SQLite file with MLflow's tables.
    Mlflow,
    /// Something else (another program's database): not ours to judge.
    Other,
    /// A file that should be an MLflow database and cannot be: the reason.
    Bad(String),
}

/// MLflow's database is named `mlflow.db` by every guide and default; under that name anything
/// but an SQLite file with MLflow's tables is reported. Under other names only an SQLite file
/// whose schema cannot be read (truncated, corrupt) is.
fn classify_database(path: &Path, name: &str) -> Database {
    let expected = name == "mlflow.db";
    let mut header = [0u8; 16];
    let header_read = std::fs::File::open(path).and_then(|mut file| file.read_exact(&mut header));
    match header_read {
        Ok(()) if &header == b"SQLite format 3\0" => {}
        Err(error) if expected && error.kind() != std::io::ErrorKind::UnexpectedEof => {
            return Database::Bad(format!("cannot read: {error}"));
        }
        _ if expected => return Database::Bad("not an SQLite database".into()),
        _ => return Database::Other,
    }
    match crate::mlflow_db::mlflow_tables(path) {
        Ok(true) => Database::Mlflow,
        Ok(false) if expected => Database::Bad("an SQLite file without MLflow's tables".into()),
        Ok(false) => Database::Other,
        Err(error) => Database::Bad(format!("cannot read database: {error}")),
    }
}

/// Whether the first 4 KiB of a file are UTF-8 (a character cut by the 4 KiB boundary is fine).
fn is_utf8_start(path: &Path) -> bool {
    let mut buffer = [0u8; 4096];
    let Ok(mut file) = std::fs::File::open(path) else {
        return true; // unreadable: the importer names the error
    };
    let Ok(read) = file.read(&mut buffer) else {
        return true;
    };
    match std::str::from_utf8(&buffer[..read]) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none() && read == buffer.len(),
    }
}

fn is_lightning_dir(metrics: &Path) -> bool {
    let Some(dir) = metrics.parent() else {
        return false;
    };
    if dir.join("hparams.yaml").is_file() {
        return true;
    }
    let header = first_line(metrics).unwrap_or_default();
    header.split(',').any(|column| column.trim() == "step")
}

fn is_keras_csv(path: &Path) -> bool {
    first_line(path).is_some_and(|header| {
        let mut columns = header.split(',');
        columns.next().is_some_and(|first| first.trim() == "epoch") && columns.next().is_some()
    })
}

/// The first line of a file (at most 4 KiB of it), without its line ending.
pub(crate) fn first_line(path: &Path) -> Option<String> {
    let mut buffer = [0u8; 4096];
    let mut file = std::fs::File::open(path).ok()?;
    let read = file.read(&mut buffer).ok()?;
    let text = match std::str::from_utf8(&buffer[..read]) {
        Ok(text) => text,
        // A character cut by the end of the buffer: the text before it.
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&buffer[..error.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    let line = text.split('\n').next()?;
    Some(line.trim_end_matches('\r').to_string())
}
