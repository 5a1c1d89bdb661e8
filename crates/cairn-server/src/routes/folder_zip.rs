//! A run's artifact folder (or any folder in it) downloaded as one `.zip`:
//! `GET /app/artifacts.zip?run_id=&path=`. The archive is written while it is sent — on a
//! blocking thread, through a bounded channel, so a folder of many gigabytes never sits in memory
//! and a client that stops reading stops the writing. Only regular files inside the run's folder
//! are packed: symlinks are skipped (never followed out), as are unfinished uploads and
//! multipart staging. When the server's artifacts are in an object store, a run's
//! `mlflow-artifacts:/` folder is listed there and each object streamed into the archive.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::artifact_files::run_folder;
use cairn_artifact_store::ArtifactStore;
use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::Shared;
use crate::args::Args;
use crate::artifact_http::content_type::content_disposition;
use crate::artifact_http::file_error;
use crate::artifact_http::safe_path::safe_relative_path;
use crate::error::{ApiError, ApiResult};
use crate::multipart::is_staging_dir_name;
use crate::stale_uploads::is_upload_temp_name;

/// Bytes handed to the connection at a time.
const PIECE_BYTES: usize = 256 * 1024;
/// Pieces written ahead of the client: the most the archive holds in memory.
const PIECES_AHEAD: usize = 8;

/// `GET /app/artifacts.zip`.
pub fn routes() -> Router<Shared> {
    Router::new().route("/app/artifacts.zip", get(folder_zip))
}

async fn folder_zip(State(state): State<Shared>, args: Args) -> ApiResult<Response> {
    let run_id = args.run_id()?;
    let relative = match args.str("path").filter(|path| !path.is_empty()) {
        Some(path) => safe_relative_path("path", &path)?,
        None => String::new(),
    };
    let run = state
        .call({
            let run_id = run_id.clone();
            move |store| store.get_run(&run_id)
        })
        .await?;
    let base = match relative.rsplit('/').next().filter(|name| !name.is_empty()) {
        Some(name) => name.to_string(),
        None => format!("{}-artifacts", &run_id[..run_id.len().min(8)]),
    };
    if state.artifacts.local_root().is_none()
        && let Some(root) = super::run_files::store_key(&run.info.artifact_uri)
    {
        let folder = super::run_files::join_key(&root, &relative);
        let files = stored_files(&*state.artifacts, &folder).await?;
        if files.is_empty() {
            return Err(ApiError::not_found(format!(
                "artifact folder '{relative}' of run '{run_id}' does not exist"
            )));
        }
        let artifacts = Arc::clone(&state.artifacts);
        let runtime = tokio::runtime::Handle::current();
        return Ok(zip_response(&base, move |pieces| {
            write_stored_zip(&*artifacts, &runtime, files, pieces)
        }));
    }
    let store = Arc::clone(&state.store);
    let artifact_root = state.artifact_root.clone();
    let wanted = relative.clone();
    let folder = tokio::task::spawn_blocking(move || -> Result<PathBuf, ApiError> {
        let folder = run_folder(&*store, &artifact_root, &run)
            .map_err(file_error)?
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "run '{}' has no artifact folder on this server",
                    run.info.run_id
                ))
            })?;
        let found = folder.resolve(&wanted).map_err(file_error)?;
        if !found.is_dir() {
            return Err(ApiError::not_found(format!(
                "artifact folder '{wanted}' of run '{}' does not exist",
                run.info.run_id
            )));
        }
        Ok(found)
    })
    .await
    .map_err(|error| {
        ApiError::new(
            "INTERNAL_ERROR",
            format!("reading artifacts failed: {error}"),
        )
    })??;

    Ok(zip_response(&base, move |pieces| {
        write_zip(&folder, pieces)
    }))
}

/// The response of a zip named `base.zip` that `write` writes on a blocking thread.
fn zip_response(
    base: &str,
    write: impl FnOnce(Pieces) -> io::Result<()> + Send + 'static,
) -> Response {
    let (sender, receiver) = mpsc::channel::<Result<Bytes, io::Error>>(PIECES_AHEAD);
    tokio::task::spawn_blocking(move || {
        let pieces = Pieces {
            sender,
            buffer: Vec::with_capacity(PIECE_BYTES),
        };
        match write(pieces) {
            // The client went away: nothing to tell.
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
            // A file could not be read midway: the archive is cut short, which unzip reports
            // as damaged rather than complete.
            Err(error) => eprintln!("cairn serve: a folder's zip stopped: {error}"),
            Ok(()) => {}
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|piece| (piece, receiver))
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&format!("{base}.zip"))) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Every file under `folder` of the artifact store, by path, as (name in the archive, key).
async fn stored_files(
    store: &dyn ArtifactStore,
    folder: &str,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut files = Vec::new();
    let mut pending = vec![(folder.to_owned(), String::new())];
    while let Some((key, prefix)) = pending.pop() {
        for entry in store.list(&key).await? {
            let inside = format!("{prefix}{}", entry.name);
            let child = super::run_files::join_key(&key, &entry.name);
            if entry.is_dir {
                pending.push((child, format!("{inside}/")));
            } else {
                files.push((inside, child));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Packs `files` of the artifact store into a zip written to `out`, reading each object as a
/// stream through `runtime` (this runs on a blocking thread).
fn write_stored_zip(
    store: &dyn ArtifactStore,
    runtime: &tokio::runtime::Handle,
    files: Vec<(String, String)>,
    out: Pieces,
) -> io::Result<()> {
    let mut zip = ZipWriter::new_stream(out);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    for (name, key) in files {
        let mut read = match runtime.block_on(store.read(&key, None)) {
            Ok(read) => read,
            // Deleted while the archive was being written: left out.
            Err(cairn_artifact_store::ArtifactError::NotFound(_)) => continue,
            Err(error) => return Err(io::Error::other(error.to_string())),
        };
        zip.start_file(name, options).map_err(io::Error::other)?;
        while let Some(piece) = runtime.block_on(read.stream.next()) {
            let piece = piece.map_err(|error| io::Error::other(error.to_string()))?;
            zip.write_all(&piece)?;
        }
    }
    zip.finish().map_err(io::Error::other)?.into_inner().flush()
}

/// Packs every regular file under `folder`, by path, into a zip written to `out`.
fn write_zip(folder: &Path, out: Pieces) -> io::Result<()> {
    let mut zip = ZipWriter::new_stream(out);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    let mut files = Vec::new();
    collect_files(folder, "", &mut files)?;
    files.sort();
    let mut chunk = vec![0u8; 64 * 1024];
    for (name, path) in files {
        let mut file = match open_no_follow(&path) {
            Ok(file) => file,
            // Removed, or swapped for a symlink, while the archive was being written: left out.
            Err(error) if error.kind() == io::ErrorKind::NotFound || is_symlink_refusal(&error) => {
                continue;
            }
            Err(error) => return Err(error),
        };
        zip.start_file(name, options).map_err(io::Error::other)?;
        loop {
            let read = file.read(&mut chunk)?;
            if read == 0 {
                break;
            }
            zip.write_all(&chunk[..read])?;
        }
    }
    zip.finish().map_err(io::Error::other)?.into_inner().flush()
}

/// Opens `path` for reading, refusing to follow it if it is a symlink (so a file swapped for a
/// link after the folder was listed is never read through it).
#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Whether opening failed because the path is a symlink that was not followed.
fn is_symlink_refusal(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// The regular files under `folder` (symlinks and Cairn's unfinished uploads left out), as
/// (name in the archive, path on disk).
fn collect_files(
    folder: &Path,
    prefix: &str,
    files: &mut Vec<(String, PathBuf)>,
) -> io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_upload_temp_name(&name) || is_staging_dir_name(&name) {
            continue;
        }
        let kind = entry.file_type()?;
        let inside = format!("{prefix}{name}");
        if kind.is_dir() {
            collect_files(&entry.path(), &format!("{inside}/"), files)?;
        } else if kind.is_file() {
            files.push((inside, entry.path()));
        }
    }
    Ok(())
}

/// A `Write` that hands the archive to the response a piece at a time, waiting while the client
/// is behind, and fails once the client has gone.
struct Pieces {
    sender: mpsc::Sender<Result<Bytes, io::Error>>,
    buffer: Vec<u8>,
}

impl Pieces {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.buffer, Vec::with_capacity(PIECE_BYTES));
        self.sender
            .blocking_send(Ok(Bytes::from(piece)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client stopped reading"))
    }
}

impl Write for Pieces {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= PIECE_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}
