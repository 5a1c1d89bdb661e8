//! The run page: one run with its artifact files, saved diff, output log, inputs and outputs;
//! the file list behind a data hash.

use std::collections::BTreeMap;
use std::path::Path;

use cairn_core::Store;
use cairn_core::model::{ArtifactFile, RunIo};

use crate::artifact_files::{self, RunFolder};
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
    let detail = crate::get_run_detail(store, run_id)?;
    let run = store.get_run(run_id)?;
    let indexed = store.list_artifacts(run_id)?;
    // A location outside the store's roots shows the index's list only; reading a file names why.
    let folder = match artifact_files::run_folder(store, artifact_root, &run) {
        Ok(folder) => folder,
        Err(error) if error.kind == ErrorKind::Forbidden => None,
        Err(error) => return Err(error),
    };
    let (artifacts, artifacts_truncated) = list_artifacts(folder.as_ref(), &indexed)?;

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
        artifact_dir: folder.map(|f| f.path().display().to_string()),
        artifacts_writable: crate::files::in_store_artifacts(&run.info.artifact_uri),
        artifacts,
        artifacts_truncated,
        diff,
        output_log,
        inputs,
        outputs,
    })
}

/// The files of the run's artifact folder merged with the store's index of them: hashes come
/// from the index; files the index lists that are gone are kept with `present: false`.
fn list_artifacts(
    folder: Option<&RunFolder>,
    indexed: &[ArtifactFile],
) -> Result<(Vec<ArtifactEntry>, bool), AppError> {
    let mut entries: BTreeMap<String, ArtifactEntry> = BTreeMap::new();
    let mut truncated = false;
    if let Some(folder) = folder {
        let listing = folder.walk(MAX_LISTED_ARTIFACTS)?;
        truncated = listing.truncated;
        for file in listing.files {
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
    Ok((entries.into_values().collect(), truncated))
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
