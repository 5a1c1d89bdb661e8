//! A run's artifact folder on this machine: finding it from the run's artifact location, walking
//! it, resolving untrusted relative paths inside it (`..`, absolute paths and symlinks that lead
//! out are refused), previewing one file and showing a file's folder in the system file manager.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use base64::Engine;
use cairn_core::Store;
use cairn_core::model::Run;

use crate::run_page_views::{ArtifactPreview, TextExcerpt};
use crate::{AppError, ErrorKind};

/// The largest image a preview carries (base64 in the reply).
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

/// The most text a preview carries.
pub const MAX_TEXT_BYTES: u64 = 1024 * 1024;

/// Bytes looked at to tell text from binary when the name does not say.
pub(crate) const SNIFF_BYTES: usize = 8 * 1024;

/// A run's artifact folder that exists on this machine.
#[derive(Debug, Clone)]
pub struct RunFolder {
    root: PathBuf,
    canonical_root: PathBuf,
}

/// One regular file found in a run's folder.
pub(crate) struct WalkedFile {
    pub path: String,
    pub size_bytes: u64,
    pub modified_ms: Option<i64>,
}

/// The files of a run's folder, up to a limit.
pub(crate) struct Listing {
    pub files: Vec<WalkedFile>,
    pub truncated: bool,
}

/// The folders a run's files may be read from on this machine: the store's artifact folder and
/// the folders a local shell told the store to index (`cairn index`, the desktop app, `cairn serve
/// --index-root`). A run's artifact location comes from outside (a client's `artifact_uri`, an
/// imported `meta.yaml`): it is data, not permission, so a folder it names outside these roots is
/// refused.
#[derive(Debug, Clone)]
pub struct ReadableRoots {
    /// Canonical paths of the roots that exist.
    roots: Vec<PathBuf>,
}

impl ReadableRoots {
    /// The store's artifact folder and the folders it indexes.
    pub fn of(store: &dyn Store, artifact_root: &Path) -> Result<ReadableRoots, AppError> {
        let mut roots: Vec<PathBuf> = artifact_root.canonicalize().into_iter().collect();
        for root in store.index_roots()? {
            if let Ok(canonical) = Path::new(&root.path).canonicalize() {
                roots.push(canonical);
            }
        }
        Ok(ReadableRoots { roots })
    }

    /// Whether a canonical path lies inside one of the roots.
    pub fn contains(&self, canonical: &Path) -> bool {
        self.roots.iter().any(|root| canonical.starts_with(root))
    }
}

/// The folder behind a run's artifact location: `mlflow-artifacts:/...` inside the store's
/// artifact folder, `file://` URIs and absolute paths as they are. When that folder is gone (an
/// indexed run whose files moved), the folder the store's index recorded for its files. `None`
/// when no such folder exists here; `forbidden` when it lies outside the [`ReadableRoots`].
pub fn run_folder(
    store: &dyn Store,
    artifact_root: &Path,
    run: &Run,
) -> Result<Option<RunFolder>, AppError> {
    let run_id = &run.info.run_id;
    let uri = &run.info.artifact_uri;
    let candidate = folder_from_uri(artifact_root, uri)
        .and_then(RunFolder::open)
        .or_else(|| {
            store.list_artifacts(run_id).ok()?.iter().find_map(|file| {
                let location = PathBuf::from(file.location.as_ref()?);
                let relative = Path::new(&file.path);
                if !location.ends_with(relative) {
                    return None;
                }
                let depth = relative.components().count();
                RunFolder::open(location.ancestors().nth(depth)?.to_path_buf())
            })
        });
    let Some(folder) = candidate else {
        return Ok(None);
    };
    if !ReadableRoots::of(store, artifact_root)?.contains(&folder.canonical_root) {
        return Err(AppError {
            kind: ErrorKind::Forbidden,
            message: format!(
                "run {run_id}: its artifact location {} is outside the store's artifact folder \
                 and the folders it indexes; files there are not read",
                folder.canonical_root.display()
            ),
        });
    }
    Ok(Some(folder))
}

/// The folder behind any artifact location (a model version's, a LoggedModel's), as
/// [`run_folder`] finds a run's but without the index's fallback. `None` when no such folder
/// exists here (or the location is remote); `forbidden` when it lies outside the
/// [`ReadableRoots`].
pub fn location_folder(
    store: &dyn Store,
    artifact_root: &Path,
    uri: &str,
) -> Result<Option<RunFolder>, AppError> {
    let Some(folder) = folder_from_uri(artifact_root, uri).and_then(RunFolder::open) else {
        return Ok(None);
    };
    if !ReadableRoots::of(store, artifact_root)?.contains(&folder.canonical_root) {
        return Err(AppError {
            kind: ErrorKind::Forbidden,
            message: format!(
                "artifact location {uri} is outside the store's artifact folder and the folders \
                 it indexes; files there are not read"
            ),
        });
    }
    Ok(Some(folder))
}

/// The folder an artifact location names on this machine: `mlflow-artifacts:/X` is `X` in the
/// store's artifact folder (`None` when it has `..`), `file://` URIs and absolute paths are
/// themselves; other schemes are remote (`None`). Says nothing of whether it may be read: that
/// is [`ReadableRoots`]'.
pub fn folder_from_uri(artifact_root: &Path, uri: &str) -> Option<PathBuf> {
    if let Some(rest) = uri.strip_prefix("mlflow-artifacts:") {
        let mut folder = artifact_root.to_path_buf();
        for component in Path::new(rest.trim_start_matches('/')).components() {
            match component {
                Component::Normal(part) => folder.push(part),
                Component::CurDir => {}
                _ => return None,
            }
        }
        return Some(folder);
    }
    if let Some(rest) = uri.strip_prefix("file://") {
        // `file:///abs/path` and `file://localhost/abs/path`.
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        return Some(PathBuf::from(percent_decode(rest)));
    }
    let path = Path::new(uri);
    path.is_absolute().then(|| path.to_path_buf())
}

/// `%XX` escapes decoded; invalid UTF-8 is replaced.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl RunFolder {
    fn open(root: PathBuf) -> Option<RunFolder> {
        if !root.is_dir() {
            return None;
        }
        let canonical_root = root.canonicalize().ok()?;
        Some(RunFolder {
            root,
            canonical_root,
        })
    }

    /// The folder, as the run's location names it.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The existing file or folder at an untrusted `/`-separated path relative to the folder
    /// (empty means the folder itself), canonicalised. `..`, absolute paths, NUL, backslashes and
    /// symlinks that lead out of the folder are `invalid`; a missing path is `not_found`.
    pub fn resolve(&self, relative: &str) -> Result<PathBuf, AppError> {
        let invalid = |why: &str| AppError {
            kind: ErrorKind::Invalid,
            message: format!("invalid artifact path '{relative}': {why}"),
        };
        if relative.contains('\0') || relative.contains('\\') {
            return Err(invalid("it contains a NUL or a backslash"));
        }
        if relative.starts_with('/') || Path::new(relative).is_absolute() {
            return Err(invalid("absolute paths are not allowed"));
        }
        let mut resolved = self.canonical_root.clone();
        for component in Path::new(relative).components() {
            match component {
                Component::Normal(part) => resolved.push(part),
                Component::CurDir => {}
                Component::ParentDir => return Err(invalid("'..' is not allowed")),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(invalid("absolute paths are not allowed"));
                }
            }
        }
        let canonical = match resolved.canonicalize() {
            Ok(canonical) => canonical,
            Err(_) if fs::symlink_metadata(&resolved).is_ok() => {
                return Err(invalid("it is a broken link"));
            }
            Err(_) => {
                return Err(AppError {
                    kind: ErrorKind::NotFound,
                    message: format!(
                        "no artifact '{relative}' in {}",
                        self.canonical_root.display()
                    ),
                });
            }
        };
        if !canonical.starts_with(&self.canonical_root) {
            return Err(invalid("it resolves outside the run's artifact folder"));
        }
        Ok(canonical)
    }

    /// Every regular file below the folder (symlinks only when they stay inside it), up to
    /// `limit` files, sorted by path.
    pub(crate) fn walk(&self, limit: usize) -> Result<Listing, AppError> {
        let mut files = Vec::new();
        let mut truncated = false;
        let mut pending = vec![(self.root.clone(), String::new())];
        let mut first = true;
        while let Some((folder, prefix)) = pending.pop() {
            let entries = match fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(error) if first => {
                    return Err(AppError {
                        kind: ErrorKind::Internal,
                        message: format!("listing {}: {error}", folder.display()),
                    });
                }
                // A subfolder that cannot be read is left out rather than failing the page.
                Err(_) => continue,
            };
            first = false;
            for entry in entries.flatten() {
                let Ok(file_type) = entry.file_type() else {
                    continue;
                };
                let name = entry.file_name().to_string_lossy().into_owned();
                let relative = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}/{name}")
                };
                let metadata = if file_type.is_dir() {
                    pending.push((entry.path(), relative));
                    continue;
                } else if file_type.is_file() {
                    entry.metadata().ok()
                } else if file_type.is_symlink() {
                    entry
                        .path()
                        .canonicalize()
                        .ok()
                        .filter(|target| target.starts_with(&self.canonical_root))
                        .and_then(|target| fs::metadata(target).ok())
                        .filter(|metadata| metadata.is_file())
                } else {
                    None
                };
                let Some(metadata) = metadata else {
                    continue;
                };
                if files.len() == limit {
                    truncated = true;
                    break;
                }
                files.push(WalkedFile {
                    path: relative,
                    size_bytes: metadata.len(),
                    modified_ms: modified_ms(&metadata),
                });
            }
            if truncated {
                break;
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Listing { files, truncated })
    }
}

fn modified_ms(metadata: &fs::Metadata) -> Option<i64> {
    let since_epoch = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since_epoch.as_millis()).ok()
}

/// How a file is previewed, from its extension: `image`, `json`, `csv`, `text` or `binary`.
pub fn kind_from_name(name: &str) -> &'static str {
    if image_mime(name).is_some() {
        return "image";
    }
    match extension(name).as_deref() {
        Some("json") => "json",
        Some("csv" | "tsv") => "csv",
        Some(
            "txt" | "log" | "md" | "rst" | "yaml" | "yml" | "toml" | "ini" | "cfg" | "conf" | "py"
            | "sh" | "r" | "sql" | "diff" | "patch" | "html" | "htm" | "xml" | "jsonl" | "ndjson"
            | "js" | "ts" | "rs" | "c" | "h" | "cpp" | "java" | "go" | "tex" | "mlmodel" | "env",
        ) => "text",
        _ if file_name(name) == "MLmodel" || file_name(name) == "requirements.txt" => "text",
        _ => "binary",
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn extension(path: &str) -> Option<String> {
    let name = file_name(path);
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty()).then(|| ext.to_ascii_lowercase())
}

pub(crate) fn image_mime(name: &str) -> Option<&'static str> {
    Some(match extension(name)?.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// Names whose extension says "binary" outright, so no sniffing is needed.
pub(crate) fn known_binary(name: &str) -> bool {
    matches!(
        extension(name).as_deref(),
        Some(
            "pkl"
                | "pickle"
                | "pt"
                | "pth"
                | "bin"
                | "onnx"
                | "h5"
                | "hdf5"
                | "keras"
                | "npy"
                | "npz"
                | "parquet"
                | "safetensors"
                | "joblib"
                | "zip"
                | "gz"
                | "tar"
                | "pb"
                | "tflite"
                | "ckpt"
                | "pdf"
                | "so"
                | "dll"
                | "exe"
                | "ubj"
                | "cbm"
        )
    )
}

/// Whether a file's first bytes look like text: no NUL and valid UTF-8 (a character cut at the
/// end of the sample is allowed).
pub(crate) fn looks_like_text(sample: &[u8]) -> bool {
    if sample.contains(&0) {
        return false;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

/// Up to `max_bytes` of the text file at `relative`: its start, or its end when `from_end`.
/// Characters cut at the edges are dropped; invalid UTF-8 elsewhere becomes U+FFFD.
pub fn read_text(
    folder: &RunFolder,
    relative: &str,
    max_bytes: u64,
    from_end: bool,
) -> Result<TextExcerpt, AppError> {
    let path = folder.resolve(relative)?;
    let mut file = open_file(&path, relative)?;
    let size_bytes = file_size(&file, &path)?;
    let (bytes, truncated) = read_part(&mut file, &path, size_bytes, max_bytes, from_end)?;
    Ok(TextExcerpt {
        text: decode_part(&bytes, truncated, from_end),
        size_bytes,
        truncated,
    })
}

fn open_file(path: &Path, relative: &str) -> Result<File, AppError> {
    if path.is_dir() {
        return Err(AppError {
            kind: ErrorKind::Invalid,
            message: format!("artifact '{relative}' is a folder, not a file"),
        });
    }
    File::open(path).map_err(|error| io_error("opening", path, &error))
}

fn file_size(file: &File, path: &Path) -> Result<u64, AppError> {
    Ok(file
        .metadata()
        .map_err(|error| io_error("reading", path, &error))?
        .len())
}

fn io_error(action: &str, path: &Path, error: &std::io::Error) -> AppError {
    AppError {
        kind: ErrorKind::Internal,
        message: format!("{action} {}: {error}", path.display()),
    }
}

fn read_part(
    file: &mut File,
    path: &Path,
    size_bytes: u64,
    max_bytes: u64,
    from_end: bool,
) -> Result<(Vec<u8>, bool), AppError> {
    let truncated = size_bytes > max_bytes;
    if truncated && from_end {
        file.seek(SeekFrom::Start(size_bytes - max_bytes))
            .map_err(|error| io_error("reading", path, &error))?;
    }
    let mut bytes = Vec::new();
    file.take(max_bytes)
        .read_to_end(&mut bytes)
        .map_err(|error| io_error("reading", path, &error))?;
    Ok((bytes, truncated))
}

pub(crate) fn decode_part(bytes: &[u8], truncated: bool, from_end: bool) -> String {
    let mut bytes = bytes;
    if truncated && from_end {
        // Skip the tail of a character cut at the start.
        let skip = bytes
            .iter()
            .take(3)
            .take_while(|&&byte| byte & 0b1100_0000 == 0b1000_0000)
            .count();
        bytes = &bytes[skip..];
    }
    if truncated
        && !from_end
        && let Err(error) = std::str::from_utf8(bytes)
        && error.error_len().is_none()
    {
        bytes = &bytes[..error.valid_up_to()];
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// The run's folder, or `not_found` naming its artifact location.
/// The run's artifact folder; `not_found` when it has none on this machine.
pub fn folder_of(
    store: &dyn Store,
    artifact_root: &Path,
    run_id: &str,
) -> Result<RunFolder, AppError> {
    run_folder(store, artifact_root, &store.get_run(run_id)?)?.ok_or_else(|| AppError {
        kind: ErrorKind::NotFound,
        message: format!("run {run_id} has no artifact folder on this machine"),
    })
}

/// A preview of the artifact at `path` of a run: its kind, size and BLAKE3, and its content
/// when it can be shown — text up to `max_bytes` (at most [`MAX_TEXT_BYTES`], the end of the file
/// when `from_end`), images up to [`MAX_IMAGE_BYTES`] as base64.
pub fn read_artifact(
    store: &dyn Store,
    artifact_root: &Path,
    run_id: &str,
    path: &str,
    max_bytes: Option<u64>,
    from_end: bool,
) -> Result<ArtifactPreview, AppError> {
    let folder = folder_of(store, artifact_root, run_id)?;
    let file_path = folder.resolve(path)?;
    let mut file = open_file(&file_path, path)?;
    let metadata = file
        .metadata()
        .map_err(|error| io_error("reading", &file_path, &error))?;
    let size_bytes = metadata.len();
    let mut hasher = blake3::Hasher::new();
    hasher
        .update_reader(&mut file)
        .map_err(|error| io_error("reading", &file_path, &error))?;
    let blake3 = hasher.finalize().to_hex().to_string();
    file.rewind()
        .map_err(|error| io_error("reading", &file_path, &error))?;

    let mut kind = kind_from_name(path);
    if kind == "binary" && !known_binary(path) {
        let mut sample = Vec::with_capacity(SNIFF_BYTES);
        (&mut file)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(|error| io_error("reading", &file_path, &error))?;
        file.rewind()
            .map_err(|error| io_error("reading", &file_path, &error))?;
        if looks_like_text(&sample) {
            kind = "text";
        }
    }
    let mut preview = ArtifactPreview {
        path: path.to_owned(),
        kind,
        mime: image_mime(path),
        size_bytes,
        blake3,
        modified_ms: modified_ms(&metadata),
        text: None,
        base64: None,
        truncated: false,
        from_end: false,
    };
    match kind {
        "image" if size_bytes <= MAX_IMAGE_BYTES => {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)
                .map_err(|error| io_error("reading", &file_path, &error))?;
            preview.base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
        "image" => preview.truncated = true,
        "text" | "json" | "csv" => {
            let limit = max_bytes.unwrap_or(MAX_TEXT_BYTES).min(MAX_TEXT_BYTES);
            let (bytes, truncated) = read_part(&mut file, &file_path, size_bytes, limit, from_end)?;
            preview.text = Some(decode_part(&bytes, truncated, from_end));
            preview.truncated = truncated;
            preview.from_end = truncated && from_end;
        }
        _ => {}
    }
    Ok(preview)
}
