//! Files added to a run as bytes: each becomes an artifact, written into the store's artifact
//! folder (through a temporary file), hashed with BLAKE3 and recorded in the artifact index.
//! Any caller may send bytes (`upload_artifact`); copying files named by a host path is a local
//! shell's capability (`cairn-local`), which hands their content to [`write_artifact`].

use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use cairn_core::Store;
use cairn_core::model::ArtifactFile;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{AppError, ErrorKind};

/// The largest file `upload_artifact` takes: its content travels base64-encoded in one JSON
/// message, which must stay under `cairn serve`'s 32 MB body limit. Larger files are added from
/// the desktop app (which copies local files) or with `mlflow.log_artifact`.
pub const MAX_UPLOAD_BYTES: u64 = 16 * 1024 * 1024;

/// The scheme of artifact locations inside the store's artifact folder.
const STORE_SCHEME: &str = "mlflow-artifacts:";

/// One file that became an artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AddedArtifact {
    /// Path relative to the run's artifact root, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// BLAKE3 of the content, lower-case hex.
    pub blake3: String,
}

/// What `add_artifacts` and `upload_artifact` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AddedArtifacts {
    /// The run.
    pub run_id: String,
    /// Every file copied, sorted by path.
    pub files: Vec<AddedArtifact>,
}

fn invalid(message: String) -> AppError {
    AppError {
        kind: ErrorKind::Invalid,
        message,
    }
}

fn internal(message: String) -> AppError {
    AppError {
        kind: ErrorKind::Internal,
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
fn run_artifact_dir(store: &dyn cairn_core::Store, run_id: &str) -> Result<PathBuf, AppError> {
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
    let temporary = target.with_file_name(temporary_name(&name));
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

/// The longest file name most file systems take, in bytes.
const MAX_NAME_BYTES: usize = 255;

/// The temporary name a write to `name` goes through: `.NAME.upload-<32 hex>`, the pattern
/// `cairn serve` sweeps at start when a killed process left one behind, with NAME shortened so
/// the whole fits [`MAX_NAME_BYTES`]. Unique per process and write.
fn temporary_name(name: &str) -> String {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let unique = blake3::hash(format!("{}-{write}-{nanos}", std::process::id()).as_bytes());
    let suffix = format!(".upload-{}", unique.to_hex().get(..32).unwrap_or_default());
    let room = MAX_NAME_BYTES - 1 - suffix.len();
    let mut end = name.len().min(room);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}{suffix}", name.get(..end).unwrap_or_default())
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

/// Writes `content` as the artifact at `parts` (a path checked by [`safe_relative`]) of a run
/// logged to Cairn, hashed and indexed. The run's folder must be in the store's artifact folder;
/// nothing is written outside it, even through symlinks.
pub fn write_artifact(
    store: &dyn cairn_core::Store,
    run_id: &str,
    parts: &[String],
    content: &mut dyn std::io::Read,
) -> Result<AddedArtifact, AppError> {
    if parts.is_empty() {
        return Err(invalid("an artifact needs a name".to_owned()));
    }
    let mut target = run_artifact_dir(store, run_id)?;
    target.extend(parts);
    check_inside(store.artifact_root(), &target)?;
    let (size, hash) = write_hashed(&target, content)?;
    record(store, run_id, parts.join("/"), size, hash)
}

/// A file sent from a browser.
#[derive(Debug, Clone, Deserialize, TS)]
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
    store: &dyn cairn_core::Store,
    request: &UploadRequest,
) -> Result<AddedArtifact, AppError> {
    upload_artifact_with(store, None, request)
}

/// [`upload_artifact`] writing `mlflow-artifacts:/` files through `remote` when there is one.
pub fn upload_artifact_with(
    store: &dyn cairn_core::Store,
    remote: Option<&dyn crate::remote_artifacts::RemoteArtifacts>,
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
    if let Some(remote) = remote {
        let run = store.get_run(&request.run_id)?;
        if let Some(root) = crate::remote_artifacts::store_key(&run.info.artifact_uri) {
            let path = parts.join("/");
            remote.write(&crate::remote_artifacts::join(&root, &path), &content)?;
            let hash = blake3::hash(&content).to_hex().to_string();
            return record(store, &request.run_id, path, content.len() as u64, hash);
        }
    }
    write_artifact(store, &request.run_id, &parts, &mut content.as_slice())
}

fn too_large(path: &str, size: u64) -> AppError {
    AppError {
        kind: ErrorKind::TooLarge,
        message: format!(
            "'{path}' is {:.1} MB; uploads from the browser take up to {} MB per file. Add larger \
             files from the desktop app or log them with mlflow.log_artifact",
            size as f64 / 1e6,
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::temporary_name;

    #[test]
    fn temporary_names_fit_a_file_name_and_never_repeat() {
        let long = "é".repeat(127);
        for name in ["model.pkl", long.as_str()] {
            let first = temporary_name(name);
            assert!(first.len() <= 255, "{}", first.len());
            assert!(first.starts_with('.'));
            let (_, suffix) = first.rsplit_once(".upload-").unwrap();
            assert_eq!(suffix.len(), 32);
            assert!(
                suffix
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert_ne!(first, temporary_name(name));
        }
    }
}
