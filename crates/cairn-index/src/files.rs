//! Shared by the importers: what the index remembers, file fingerprints, run ids for sources
//! without their own, artifacts indexed in place, and moved-folder path resolution.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use cairn_core::model::{IndexFileState, IndexedArtifact};
use cairn_core::{Store, StoreError, StoreResult};
use walkdir::WalkDir;

/// Why an importer stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum IndexError {
    /// The store failed: the whole pass stops.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The source could not be read: it is reported and the pass goes on.
    #[error("{reason}: {}", path.display())]
    Bad {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl IndexError {
    pub(crate) fn bad(path: &Path, reason: impl Into<String>) -> IndexError {
        IndexError::Bad {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

pub(crate) type IndexResult<T> = Result<T, IndexError>;

/// What the index remembers of files under the root being indexed.
#[derive(Debug, Default)]
pub(crate) struct KnownFiles {
    by_path: HashMap<String, IndexFileState>,
}

impl KnownFiles {
    pub(crate) fn load(store: &dyn Store, prefix: &str) -> StoreResult<KnownFiles> {
        Ok(KnownFiles {
            by_path: store
                .index_file_states_under(prefix)?
                .into_iter()
                .map(|state| (state.path.clone(), state))
                .collect(),
        })
    }

    pub(crate) fn get(&self, path: &str) -> Option<&IndexFileState> {
        self.by_path.get(path)
    }
}

/// Size and modification time (nanoseconds) of a file.
pub(crate) fn stat(path: &Path) -> std::io::Result<(u64, i64)> {
    let metadata = std::fs::metadata(path)?;
    Ok((metadata.len(), mtime_ns(&metadata)))
}

pub(crate) fn mtime_ns(metadata: &std::fs::Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |duration| duration.as_nanos() as i64)
}

/// A fingerprint of a folder tree: (total size, latest mtime, file count). Any file added,
/// removed, grown or touched changes it.
pub(crate) fn tree_fingerprint(dir: &Path) -> (u64, i64, u64) {
    let mut size = 0u64;
    let mut latest = 0i64;
    let mut count = 0u64;
    for entry in WalkDir::new(dir).into_iter().flatten() {
        if let Ok(metadata) = entry.metadata() {
            if metadata.is_file() {
                size += metadata.len();
                count += 1;
            }
            latest = latest.max(mtime_ns(&metadata));
        }
    }
    (size, latest, count)
}

/// A stable 32-hex run id for a source that has none of its own (TensorBoard, CSV logs).
pub(crate) fn run_id_for(kind: &str, path: &Path) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(kind.as_bytes());
    hasher.update(b"\0");
    hasher.update(path.to_string_lossy().as_bytes());
    hasher.finalize().to_hex()[..32].to_string()
}

/// A path from an `artifact_uri` or `artifact_location` (`file://`, plain absolute paths).
pub(crate) fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let path = uri.strip_prefix("file://").unwrap_or(uri);
    let path = path.strip_prefix("localhost").unwrap_or(path);
    path.starts_with('/')
        .then(|| PathBuf::from(percent_decode(path)))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = text.get(index + 1..index + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a source's artifact locations are looked for: `found_in`, the folder the source was
/// found in (moved folders are resolved under it), and `scope`, the folder being indexed. A
/// location recorded in the source (a `meta.yaml`, a database row) is data: a folder outside the
/// scope is never walked, so indexing a folder reads nothing of the machine beyond it.
#[derive(Debug, Clone)]
pub(crate) struct ArtifactBase {
    found_in: PathBuf,
    /// Canonical.
    scope: PathBuf,
}

impl ArtifactBase {
    pub(crate) fn new(found_in: &Path, scope: &Path) -> ArtifactBase {
        ArtifactBase {
            found_in: found_in.to_path_buf(),
            scope: scope.canonicalize().unwrap_or_else(|_| scope.to_path_buf()),
        }
    }

    /// The local folder an artifact URI points at, inside the scope: `file://` and absolute
    /// paths (moved folders resolved under `found_in`), and `mlflow-artifacts:/...` (an `mlflow
    /// server`'s default `mlartifacts/` folder beside the database).
    pub(crate) fn resolve(&self, uri: &str) -> Option<PathBuf> {
        if let Some(rest) = uri.strip_prefix("mlflow-artifacts:") {
            let candidate = self
                .found_in
                .join("mlartifacts")
                .join(rest.trim_start_matches('/'));
            return self.inside(&candidate).then_some(candidate);
        }
        self.relocate(&uri_to_path(uri)?)
    }

    /// Resolves a path recorded on another machine: when `recorded` is not in the scope, tries
    /// ever shorter tails of it under `found_in` and returns the first that exists there.
    pub(crate) fn relocate(&self, recorded: &Path) -> Option<PathBuf> {
        if self.inside(recorded) {
            return Some(recorded.to_path_buf());
        }
        let components: Vec<_> = recorded.components().collect();
        (1..components.len()).find_map(|start| {
            let tail: PathBuf = components.get(start..)?.iter().collect();
            let candidate = self.found_in.join(tail);
            self.inside(&candidate).then_some(candidate)
        })
    }

    /// The path exists and, symlinks resolved, lies inside the scope.
    fn inside(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|canonical| canonical.starts_with(&self.scope))
    }
}

/// Every file under `dir`, as artifacts relative to it, sorted by path.
pub(crate) fn list_artifacts(dir: &Path) -> Vec<IndexedArtifact> {
    let mut artifacts = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        let Ok(relative) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let relative = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        artifacts.push(IndexedArtifact {
            mime: mime_for(&relative).map(str::to_string),
            path: relative,
            size_bytes: metadata.len(),
            location: entry.path().to_string_lossy().into_owned(),
            modified_ms: Some(mtime_ns(&metadata) / 1_000_000),
        });
    }
    artifacts
}

/// A MIME type from a file name's extension.
pub(crate) fn mime_for(name: &str) -> Option<&'static str> {
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())?;
    Some(match extension.as_str() {
        "txt" | "log" | "md" => "text/plain",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "py" => "text/x-python",
        "pkl" | "pickle" | "skops" | "pt" | "pth" | "onnx" | "bin" | "safetensors" | "h5" => {
            "application/octet-stream"
        }
        _ => return None,
    })
}

/// Imports runs in one transaction; when the store rejects the batch for something a source
/// got wrong (an invalid id, a conflicting value), imports them one by one and reports the
/// ones it rejects as bad files. A failing database still stops the pass.
pub(crate) fn import_batch(
    store: &dyn Store,
    runs: &[cairn_core::model::ImportedRun],
    mode: cairn_core::model::ImportMode,
    states: &[IndexFileState],
    report: &mut crate::report::IndexReport,
) -> IndexResult<()> {
    match store.import_runs(runs, mode, states) {
        Ok(outcomes) => {
            for outcome in outcomes {
                report.count_outcome(outcome);
            }
            report.points += runs.iter().map(|run| run.point_count() as u64).sum::<u64>();
            Ok(())
        }
        Err(error) if error.is_storage_failure() => Err(error.into()),
        Err(error) if runs.len() == 1 => {
            report.bad_files.push(crate::report::BadFile {
                path: runs[0].source_path.clone(),
                reason: format!("rejected by the store: {error}"),
            });
            Ok(())
        }
        Err(_) => {
            for run in runs {
                let own: Vec<IndexFileState> = states
                    .iter()
                    .filter(|state| state.run_id.as_deref() == Some(run.run_id.as_str()))
                    .cloned()
                    .collect();
                import_batch(store, std::slice::from_ref(run), mode, &own, report)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_paths_from_another_machine_resolve_under_where_they_were_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let synced = root.join("synced");
        let here = synced.join("mlruns/1/abc/artifacts");
        std::fs::create_dir_all(&here).unwrap();
        let base = ArtifactBase::new(&synced, &root);
        let recorded = Path::new("/home/someone/project/mlruns/1/abc/artifacts");
        assert_eq!(base.relocate(recorded), Some(here.clone()));
        assert_eq!(
            base.resolve("file:///home/someone/project/mlruns/1/abc/artifacts"),
            Some(here)
        );
        assert_eq!(base.relocate(Path::new("/nowhere/at/all")), None);
        let served = synced.join("mlartifacts/1/abc/artifacts");
        std::fs::create_dir_all(&served).unwrap();
        assert_eq!(
            base.resolve("mlflow-artifacts:/1/abc/artifacts"),
            Some(served)
        );
        assert_eq!(base.resolve("s3://bucket/1/abc"), None);
    }

    /// A location recorded in a source is data: folders outside the folder being indexed are
    /// never used, even when they exist, nor reached through `..` or a symlink.
    #[test]
    fn locations_outside_the_indexed_folder_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let scope = root.join("indexed");
        let outside = root.join("outside");
        std::fs::create_dir_all(scope.join("mlruns")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, scope.join("link")).unwrap();
        let base = ArtifactBase::new(&scope, &scope);
        for uri in [
            format!("file://{}", outside.display()),
            outside.display().to_string(),
            "file:///etc".to_owned(),
            format!("file://{}/mlruns/../../outside", scope.display()),
            format!("file://{}/link", scope.display()),
            "mlflow-artifacts:/../../outside".to_owned(),
        ] {
            assert_eq!(base.resolve(&uri), None, "{uri}");
        }
    }

    #[test]
    fn file_uris_are_percent_decoded() {
        assert_eq!(
            uri_to_path("file:///data/my%20runs/x"),
            Some(PathBuf::from("/data/my runs/x"))
        );
        assert_eq!(uri_to_path("file:///a/%zz"), Some(PathBuf::from("/a/%zz")));
        assert_eq!(uri_to_path("relative/path"), None);
    }

    #[test]
    fn mime_types_come_from_extensions() {
        assert_eq!(mime_for("summary.JSON"), Some("application/json"));
        assert_eq!(mime_for("notes/config.txt"), Some("text/plain"));
        assert_eq!(mime_for("MLmodel"), None);
    }
}
