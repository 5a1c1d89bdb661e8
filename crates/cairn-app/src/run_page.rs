//! The run page: one run with its artifact files, saved diff, output log, inputs and outputs;
//! the file list behind a data hash.

use std::collections::BTreeMap;
use std::path::Path;

use cairn_core::Store;
use cairn_core::model::{ArtifactFile, RunIo};

use crate::artifact_files;
use crate::remote_artifacts::{self, RemoteArtifacts, join, store_key};
use crate::run_page_views::{
    ArtifactEntry, DatasetInputView, ManifestEntryView, ManifestView, ModelOutputView, RunPageView,
};
use crate::{AppError, ErrorKind};

/// Artifact path where `cairn run` keeps the command's interleaved stdout and stderr.
pub const OUTPUT_LOG_ARTIFACT: &str = "cairn/output.log";

/// The most files the page lists from a run's artifact folder.
pub const MAX_LISTED_ARTIFACTS: usize = 10_000;

/// The most bytes of the saved diff the page carries.
pub const MAX_DIFF_BYTES: u64 = 1024 * 1024;

/// Everything the run page shows at first paint. `artifact_root` is the store's artifact folder
/// (where `mlflow-artifacts:/` locations live).
pub fn get_run_page(
    store: &dyn Store,
    artifact_root: &Path,
    run_id: &str,
) -> Result<RunPageView, AppError> {
    get_run_page_with(store, artifact_root, None, run_id)
}

/// [`get_run_page`] reading `mlflow-artifacts:/` files through `remote` when there is one.
pub fn get_run_page_with(
    store: &dyn Store,
    artifact_root: &Path,
    remote: Option<&dyn RemoteArtifacts>,
    run_id: &str,
) -> Result<RunPageView, AppError> {
    let detail = crate::get_run_detail(store, run_id)?;
    let run = store.get_run(run_id)?;
    let indexed = store.list_artifacts(run_id)?;
    if let Some((remote, root)) =
        remote.and_then(|remote| Some((remote, store_key(&run.info.artifact_uri)?)))
    {
        let (files, truncated) = remote.walk(&root, MAX_LISTED_ARTIFACTS)?;
        let walked = files
            .into_iter()
            .map(|file| artifact_files::WalkedFile {
                path: file.path,
                size_bytes: file.size_bytes,
                modified_ms: file.modified_ms,
            })
            .collect();
        let (artifacts, artifacts_truncated) = merge_listing(Some((walked, truncated)), &indexed);
        let diff = match detail.git.as_ref().and_then(|g| g.diff_artifact.as_ref()) {
            Some(diff_path) => {
                match remote_artifacts::read_text(remote, &join(&root, diff_path), MAX_DIFF_BYTES) {
                    Ok(excerpt) => Some(excerpt),
                    Err(error) if error.kind == ErrorKind::NotFound => None,
                    Err(error) => return Err(error),
                }
            }
            None => None,
        };
        return finish_page(
            store,
            detail,
            &run,
            None,
            artifacts,
            artifacts_truncated,
            diff,
        );
    }
    // A location outside the store's roots shows the index's list only; reading a file names why.
    let folder = match artifact_files::run_folder(store, artifact_root, &run) {
        Ok(folder) => folder,
        Err(error) if error.kind == ErrorKind::Forbidden => None,
        Err(error) => return Err(error),
    };
    let walked = match folder.as_ref() {
        Some(folder) => {
            let listing = folder.walk(MAX_LISTED_ARTIFACTS)?;
            Some((listing.files, listing.truncated))
        }
        None => None,
    };
    let (artifacts, artifacts_truncated) = merge_listing(walked, &indexed);

    let diff = match (
        &folder,
        detail.git.as_ref().and_then(|g| g.diff_artifact.as_ref()),
    ) {
        (Some(folder), Some(diff_path)) => {
            match artifact_files::read_text(folder, diff_path, MAX_DIFF_BYTES, false) {
                Ok(excerpt) => Some(excerpt),
                Err(error) if error.kind == ErrorKind::NotFound => None,
                Err(error) => return Err(error),
            }
        }
        _ => None,
    };
    let artifact_dir = folder.map(|f| f.path().display().to_string());
    finish_page(
        store,
        detail,
        &run,
        artifact_dir,
        artifacts,
        artifacts_truncated,
        diff,
    )
}

/// The rest of the page, once its files are listed.
fn finish_page(
    store: &dyn Store,
    detail: crate::views::RunDetail,
    run: &cairn_core::model::Run,
    artifact_dir: Option<String>,
    artifacts: Vec<ArtifactEntry>,
    artifacts_truncated: bool,
    diff: Option<crate::run_page_views::TextExcerpt>,
) -> Result<RunPageView, AppError> {
    let run_id = run.info.run_id.as_str();
    let output_log = artifacts
        .iter()
        .find(|entry| entry.path == OUTPUT_LOG_ARTIFACT && entry.present)
        .map(|entry| entry.path.clone());
    let experiment_name = store.get_experiment(run.info.experiment_id)?.name;
    let tag = |key: &str| detail.row.tags.get(key).filter(|v| !v.is_empty()).cloned();
    let command = tag("cairn.command").or_else(|| tag("mlflow.source.name"));
    let RunIo {
        dataset_inputs,
        model_outputs,
        ..
    } = store.run_io(run_id)?;
    let inputs = dataset_inputs
        .iter()
        .map(|input| DatasetInputView {
            name: input.dataset.name.clone(),
            digest: input.dataset.digest.clone(),
            source_type: input.dataset.source_type.clone(),
            source: input.dataset.source.clone(),
            context: input
                .tags
                .iter()
                .find(|tag| tag.key == "mlflow.data.context")
                .map(|tag| tag.value.clone()),
        })
        .collect();
    let outputs = model_outputs
        .iter()
        .map(|output| ModelOutputView {
            model_id: output.model_id.clone(),
            step: output.step,
        })
        .collect();
    Ok(RunPageView {
        detail,
        experiment_name,
        command,
        artifact_dir,
        artifacts_writable: crate::files::in_store_artifacts(&run.info.artifact_uri),
        artifacts,
        artifacts_truncated,
        diff,
        output_log,
        inputs,
        outputs,
    })
}

/// The files of the run's artifact folder (and whether there were more) merged with the store's
/// index of them: hashes come from the index; files the index lists that are gone are kept with
/// `present: false`.
fn merge_listing(
    walked: Option<(Vec<artifact_files::WalkedFile>, bool)>,
    indexed: &[ArtifactFile],
) -> (Vec<ArtifactEntry>, bool) {
    let mut entries: BTreeMap<String, ArtifactEntry> = BTreeMap::new();
    let mut truncated = false;
    if let Some((files, more)) = walked {
        truncated = more;
        for file in files {
            entries.insert(
                file.path.clone(),
                ArtifactEntry {
                    kind: artifact_files::kind_from_name(&file.path),
                    path: file.path,
                    size_bytes: file.size_bytes,
                    blake3: None,
                    modified_ms: file.modified_ms,
                    present: true,
                },
            );
        }
    }
    for file in indexed {
        match entries.get_mut(&file.path) {
            // The index's hash holds while the file on disk has the size it recorded.
            Some(entry) if entry.size_bytes == file.size_bytes => {
                entry.blake3.clone_from(&file.blake3);
            }
            Some(_) => {}
            None if !truncated => {
                entries.insert(
                    file.path.clone(),
                    ArtifactEntry {
                        path: file.path.clone(),
                        size_bytes: file.size_bytes,
                        blake3: file.blake3.clone(),
                        modified_ms: file.modified_ms,
                        kind: artifact_files::kind_from_name(&file.path),
                        present: false,
                    },
                );
            }
            None => {}
        }
    }
    (entries.into_values().collect(), truncated)
}

/// The first `limit` entries of the file list recorded for a directory's data hash.
pub fn data_manifest(
    store: &dyn Store,
    root_hash: &str,
    limit: usize,
) -> Result<ManifestView, AppError> {
    let manifest = store.data_manifest(root_hash)?;
    let total_count = manifest.len() as u64;
    let entries = manifest
        .into_iter()
        .take(limit)
        .map(|entry| ManifestEntryView {
            path: entry.rel_path,
            kind: entry.kind.as_str(),
            size_bytes: entry.size_bytes,
            hash: entry.file_hash,
        })
        .collect();
    Ok(ManifestView {
        root_hash: root_hash.to_owned(),
        total_count,
        entries,
    })
}
