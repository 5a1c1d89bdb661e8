//! Files brought to Cairn by drag and drop or upload: files added to a run become its artifacts
//! (copied into the store's artifact folder, hashed with BLAKE3 and recorded in the artifact
//! index), and dropped folders or logs are handed to the indexer, which reports its progress as
//! [`AppEvent::ImportProgress`] events.

use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use cairn_core::Store;
use cairn_core::model::ArtifactFile;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::events::{AppEvent, EventHub, ImportProgress};

/// The largest file `upload_artifact` takes: its content travels base64-encoded in one JSON
/// message, which must stay under `cairn serve`'s 32 MB body limit. Larger files are added from
/// the desktop app (which copies local paths) or with `mlflow.log_artifact`.
pub const MAX_UPLOAD_BYTES: u64 = 16 * 1024 * 1024;

/// The scheme of artifact locations inside the store's artifact folder.
const STORE_SCHEME: &str = "mlflow-artifacts:";

/// One file that became an artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedArtifact {
    /// Path relative to the run's artifact root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// BLAKE3 of the content, lower-case hex.
    pub blake3: String,
}

/// What `add_artifacts` and `upload_artifact` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedArtifacts {
    /// The run.
    pub run_id: String,
    /// Every file copied, sorted by path.
    pub files: Vec<AddedArtifact>,
}

fn invalid(message: String) -> AppError {
    AppError {
        kind: "invalid",
        message,
    }
}

fn internal(message: String) -> AppError {
    AppError {
        kind: "internal",
        message,
    }
}

/// Checks an untrusted artifact path (`dest`, an uploaded file's name): relative, no `..`, no
/// NUL or backslash, no empty or `.` parts. Returns its parts.
pub fn safe_relative(path: &str) -> Result<Vec<String>, AppError> {
    let reject = |why: &str| invalid(format!("invalid artifact path '{path}': {why}"));
    if path.contains('\0') || path.contains('\\') {
        return Err(reject("it contains a NUL or a backslash"));
    }
    if path.starts_with('/') || Path::new(path).is_absolute() {
        return Err(reject("absolute paths are not allowed"));
    }
    let mut parts = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => return Err(reject("'..' is not allowed")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(reject("absolute paths are not allowed"));
            }
        }
    }
    Ok(parts)
}

/// True when a run's artifact location is in the store's artifact folder, where Cairn may add files.
pub(crate) fn in_store_artifacts(artifact_uri: &str) -> bool {
    artifact_uri.starts_with(STORE_SCHEME)
}

/// The folder the run's artifacts live in, when it is inside the store's artifact folder.
/// Runs indexed in place keep their artifacts where the tool that made them wrote them; Cairn
/// does not write into those folders.
fn run_artifact_dir(store: &cairn_core::SqliteStore, run_id: &str) -> Result<PathBuf, AppError> {
    let run = store.get_run(run_id)?;
    let uri = &run.info.artifact_uri;
    let Some(relative) = uri.strip_prefix(STORE_SCHEME) else {
        return Err(invalid(format!(
            "run {run_id} was indexed from {}; its artifacts live at {uri}, which Cairn reads but \
             does not write to. Add files to runs logged to Cairn instead",
            run.info
                .source_path
                .as_deref()
                .unwrap_or("another tool's folder"),
        )));
    };
    let mut dir = store.artifact_root().to_path_buf();
    for part in safe_relative(relative.trim_start_matches('/'))? {
        dir.push(part);
    }
    Ok(dir)
}

/// Refuses a target that resolves (through symlinks) outside `root`: the deepest existing
/// ancestor of `target` inside `root` must still be inside it once symlinks are resolved.
fn check_inside(root: &Path, target: &Path) -> Result<(), AppError> {
    fs::create_dir_all(root).map_err(|error| {
        internal(format!(
            "creating the artifact folder {}: {error}",
            root.display()
        ))
    })?;
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut existing = target;
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            if !canonical.starts_with(&canonical_root) {
                return Err(invalid(format!(
                    "{} resolves outside the store's artifact folder",
                    target.display()
                )));
            }
            return Ok(());
        }
        match existing.parent() {
            Some(parent) if parent.starts_with(root) => existing = parent,
            _ => return Ok(()),
        }
    }
}

/// Writes `content` from `reader` to `target` (through a temporary file), hashing as it goes.
fn write_hashed(target: &Path, reader: &mut dyn std::io::Read) -> Result<(u64, String), AppError> {
    let io = |what: &str, error: std::io::Error| {
        internal(format!("{what} {}: {error}", target.display()))
    };
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| io("creating the folder of", e))?;
    }
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = target.with_file_name(format!(".{name}.upload-{}", std::process::id()));
    let mut file = fs::File::create(&temporary).map_err(|e| io("creating", e))?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0_u8; 256 * 1024];
    let mut size = 0_u64;
    let copied: Result<(), AppError> = (|| {
        loop {
            let read = reader
                .read(&mut buffer)
                .map_err(|e| io("reading the content for", e))?;
            if read == 0 {
                break;
            }
            let chunk = buffer.get(..read).unwrap_or_default();
            hasher.update(chunk);
            file.write_all(chunk).map_err(|e| io("writing", e))?;
            size += read as u64;
        }
        file.flush().map_err(|e| io("writing", e))
    })();
    drop(file);
    if let Err(error) = copied {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    fs::rename(&temporary, target).map_err(|e| io("moving the upload to", e))?;
    Ok((size, hasher.finalize().to_hex().to_string()))
}

fn record(
    store: &dyn Store,
    run_id: &str,
    path: String,
    size: u64,
    hash: String,
) -> Result<AddedArtifact, AppError> {
    store.record_artifact(
        run_id,
        &ArtifactFile {
            path: path.clone(),
            size_bytes: size,
            blake3: Some(hash.clone()),
            location: None,
            modified_ms: Some(cairn_core::time::now_millis()),
        },
    )?;
    Ok(AddedArtifact {
        path,
        size_bytes: size,
        blake3: hash,
    })
}

/// The local files and folders to copy into a run's artifacts.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddArtifactsRequest {
    /// The run.
    pub run_id: String,
    /// Absolute paths of files or folders (folders are copied with their contents).
    pub paths: Vec<String>,
    /// Folder inside the run's artifacts to put them in; the root when empty.
    #[serde(default)]
    pub dest: String,
}

/// Copies local files and folders into a run's artifact folder and indexes each file with its
/// size and BLAKE3 hash. Symlinks inside dropped folders are not followed.
pub fn add_artifacts(
    store: &cairn_core::SqliteStore,
    request: &AddArtifactsRequest,
) -> Result<AddedArtifacts, AppError> {
    if request.paths.is_empty() {
        return Err(invalid("no files to add".to_owned()));
    }
    let root = run_artifact_dir(store, &request.run_id)?;
    let dest = safe_relative(&request.dest)?;
    let mut sources = Vec::new();
    for path in &request.paths {
        let source = PathBuf::from(path);
        if !source.is_absolute() {
            return Err(invalid(format!("'{path}' is not an absolute path")));
        }
        let metadata = fs::metadata(&source)
            .map_err(|error| invalid(format!("cannot read '{path}': {error}")))?;
        let name = source
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .ok_or_else(|| invalid(format!("'{path}' has no file name")))?;
        let mut parts = dest.clone();
        parts.push(name);
        if metadata.is_dir() {
            collect_folder(&source, &parts, &mut sources)?;
        } else {
            sources.push((source, parts));
        }
    }
    let mut files = Vec::new();
    for (source, parts) in sources {
        let mut target = root.clone();
        target.extend(&parts);
        check_inside(store.artifact_root(), &target)?;
        let mut reader = fs::File::open(&source)
            .map_err(|error| invalid(format!("cannot read '{}': {error}", source.display())))?;
        let (size, hash) = write_hashed(&target, &mut reader)?;
        files.push(record(store, &request.run_id, parts.join("/"), size, hash)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(AddedArtifacts {
        run_id: request.run_id.clone(),
        files,
    })
}

/// Every regular file under `folder` with its artifact path parts (`prefix` + relative parts).
fn collect_folder(
    folder: &Path,
    prefix: &[String],
    out: &mut Vec<(PathBuf, Vec<String>)>,
) -> Result<(), AppError> {
    let entries = fs::read_dir(folder)
        .map_err(|error| invalid(format!("cannot read '{}': {error}", folder.display())))?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let mut parts = prefix.to_vec();
        parts.push(entry.file_name().to_string_lossy().into_owned());
        if kind.is_dir() {
            collect_folder(&entry.path(), &parts, out)?;
        } else if kind.is_file() {
            out.push((entry.path(), parts));
        }
    }
    Ok(())
}

/// A file sent from a browser.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadRequest {
    /// The run.
    pub run_id: String,
    /// Path inside the run's artifacts, `/`-separated (`plots/roc.png`).
    pub path: String,
    /// The content, base64 (standard alphabet, padded).
    pub content_base64: String,
}

/// Writes one uploaded file into a run's artifacts, hashed and indexed.
pub fn upload_artifact(
    store: &cairn_core::SqliteStore,
    request: &UploadRequest,
) -> Result<AddedArtifact, AppError> {
    let parts = safe_relative(&request.path)?;
    if parts.is_empty() {
        return Err(invalid("an uploaded file needs a name".to_owned()));
    }
    // Base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
    let decoded_size = (request.content_base64.len() as u64 / 4) * 3;
    if decoded_size > MAX_UPLOAD_BYTES + 3 {
        return Err(too_large(&request.path, decoded_size));
    }
    use base64::Engine as _;
    let content = base64::engine::general_purpose::STANDARD
        .decode(request.content_base64.as_bytes())
        .map_err(|error| {
            invalid(format!(
                "the content of '{}' is not base64: {error}",
                request.path
            ))
        })?;
    if content.len() as u64 > MAX_UPLOAD_BYTES {
        return Err(too_large(&request.path, content.len() as u64));
    }
    let root = run_artifact_dir(store, &request.run_id)?;
    let mut target = root;
    target.extend(&parts);
    check_inside(store.artifact_root(), &target)?;
    let (size, hash) = write_hashed(&target, &mut content.as_slice())?;
    record(store, &request.run_id, parts.join("/"), size, hash)
}

fn too_large(path: &str, size: u64) -> AppError {
    AppError {
        kind: "too_large",
        message: format!(
            "'{path}' is {:.1} MB; uploads from the browser take up to {} MB per file. Add larger \
             files from the desktop app or log them with mlflow.log_artifact",
            size as f64 / 1e6,
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    }
}

/// A source the indexer could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// The file or folder.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Runs that were not in the store before.
    pub runs_new: u64,
    /// Runs re-read because their source changed.
    pub runs_updated: u64,
    /// Runs whose source had not changed.
    pub runs_unchanged: u64,
    /// Metric points imported.
    pub points: u64,
    /// Files looked at.
    pub files_seen: u64,
    /// Registered models imported or refreshed.
    pub registered_models: u64,
    /// Sources that could not be read.
    pub errors: Vec<ImportError>,
}

impl From<&cairn_index::IndexReport> for ImportSummary {
    fn from(report: &cairn_index::IndexReport) -> ImportSummary {
        ImportSummary {
            runs_new: report.runs_new,
            runs_updated: report.runs_updated,
            runs_unchanged: report.runs_unchanged,
            points: report.points,
            files_seen: report.files_seen,
            registered_models: report.registered_models,
            errors: report
                .bad_files
                .iter()
                .map(|bad| ImportError {
                    path: bad.path.clone(),
                    reason: bad.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Publishes the indexer's progress, at most every 100 ms.
struct PublishProgress<'a> {
    events: &'a EventHub,
    job: &'a str,
    last: Option<Instant>,
}

impl cairn_index::Progress for PublishProgress<'_> {
    fn update(&mut self, report: &cairn_index::IndexReport, current: &Path) {
        if self
            .last
            .is_some_and(|last| last.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        self.events
            .publish(&AppEvent::ImportProgress(ImportProgress {
                job: self.job.to_owned(),
                current: current.display().to_string(),
                runs_new: report.runs_new,
                runs_updated: report.runs_updated,
                runs_unchanged: report.runs_unchanged,
                files_seen: report.files_seen,
                errors: report.bad_files.len() as u64,
                done: false,
            }));
    }
}

/// Indexes dropped folders and files (MLflow `mlruns/` folders or `mlflow.db`, TensorBoard event
/// files, Lightning/Keras CSV logs) into the store, publishing progress under `job`, then a
/// final `done` event and `runs_changed`.
pub fn import_paths(
    store: &dyn Store,
    events: &EventHub,
    job: &str,
    paths: &[String],
) -> Result<ImportSummary, AppError> {
    if paths.is_empty() {
        return Err(invalid("nothing to import".to_owned()));
    }
    let roots: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    if let Some(relative) = roots.iter().find(|path| !path.is_absolute()) {
        return Err(invalid(format!(
            "'{}' is not an absolute path",
            relative.display()
        )));
    }
    let mut progress = PublishProgress {
        events,
        job,
        last: None,
    };
    let report = cairn_index::index_paths(store, &roots, &mut progress)?;
    events.publish(&AppEvent::ImportProgress(ImportProgress {
        job: job.to_owned(),
        current: String::new(),
        runs_new: report.runs_new,
        runs_updated: report.runs_updated,
        runs_unchanged: report.runs_unchanged,
        files_seen: report.files_seen,
        errors: report.bad_files.len() as u64,
        done: true,
    }));
    if report.runs_new + report.runs_updated + report.registered_models > 0 {
        events.publish(&AppEvent::RunsChanged {
            run_ids: Vec::new(),
        });
    }
    Ok((&report).into())
}
