//! The runs of a copy, a batch at a time: each run read whole (histories, inputs, outputs,
//! provenance, artifact index) and written with its ids in one import transaction per batch.

use crate::error::StoreResult;
use crate::model::{
    ExperimentId, ImportMode, ImportedInput, ImportedRun, IndexedArtifact, ModelInput, Run,
    ViewType,
};
use crate::store::{RunSearch, Store};

use super::{Progress, RUNS_PER_BATCH};

/// Copies every run of `experiment_ids`; returns (copied, skipped).
pub(super) fn copy_runs(
    source: &dyn Store,
    destination: &dyn Store,
    experiment_ids: &[ExperimentId],
    progress: Progress<'_>,
) -> StoreResult<(u64, u64)> {
    let search = RunSearch {
        experiment_ids: experiment_ids.to_vec(),
        view: ViewType::All,
        max_results: RUNS_PER_BATCH,
        count_total: true,
        ..RunSearch::default()
    };
    let (mut copied, mut skipped, mut offset) = (0_u64, 0_u64, 0_usize);
    loop {
        let page = source.search_runs(&RunSearch {
            offset,
            ..search.clone()
        })?;
        let total = page.total_count.unwrap_or_default();
        let mut batch = Vec::with_capacity(page.runs.len());
        let mut extras = Vec::new();
        for run in &page.runs {
            if already_there(destination, run) {
                skipped += 1;
                continue;
            }
            let (imported, model_inputs) = read_run(source, run)?;
            batch.push(imported);
            extras.push((run, model_inputs));
        }
        if !batch.is_empty() {
            destination.import_runs(&batch, ImportMode::Replace, &[])?;
            for (run, model_inputs) in extras {
                for data in &run.data {
                    destination.set_data_hash(&run.info.run_id, data)?;
                    // A folder's per-file hashes, which `cairn diff` compares.
                    let entries = source.data_manifest(&data.root_hash)?;
                    if !entries.is_empty() {
                        destination.record_data_manifest(&data.root_hash, &entries)?;
                    }
                }
                if !model_inputs.is_empty() {
                    destination.log_run_model_inputs(&run.info.run_id, &model_inputs)?;
                }
            }
            copied += batch.len() as u64;
        }
        progress(copied + skipped, total);
        match page.next_offset {
            Some(next) if !page.runs.is_empty() => offset = next,
            _ => break,
        }
    }
    Ok((copied, skipped))
}

/// Whether `destination` holds `run` as it is: same fields, params, tags, latest metrics
/// (bit for bit, so a NaN equals itself), provenance.
fn already_there(destination: &dyn Store, run: &Run) -> bool {
    let Ok(there) = destination.get_run(&run.info.run_id) else {
        return false;
    };
    let same_metrics = there.metrics.len() == run.metrics.len()
        && there.metrics.iter().zip(&run.metrics).all(|(a, b)| {
            a.key == b.key
                && a.point_count == b.point_count
                && a.latest.step == b.latest.step
                && a.latest.timestamp_ms == b.latest.timestamp_ms
                && a.latest.value.to_bits() == b.latest.value.to_bits()
        });
    same_metrics
        && there.info == run.info
        && there.params == run.params
        && there.tags == run.tags
        && there.git == run.git
        && there.data == run.data
}

/// Everything of `run` an import writes, and the LoggedModels it used as inputs (written after
/// the import: the import has no field for them).
fn read_run(source: &dyn Store, run: &Run) -> StoreResult<(ImportedRun, Vec<ModelInput>)> {
    let run_id = &run.info.run_id;
    let mut metrics = Vec::with_capacity(run.metrics.len());
    for metric in &run.metrics {
        metrics.push((
            metric.key.clone(),
            source.metric_history(run_id, &metric.key)?,
        ));
    }
    let io = source.run_io(run_id)?;
    let model_inputs = io.model_inputs;
    let inputs = io
        .dataset_inputs
        .into_iter()
        .map(|input| ImportedInput {
            name: input.dataset.name,
            digest: input.dataset.digest,
            source_type: input.dataset.source_type,
            source: input.dataset.source,
            schema: input.dataset.schema,
            profile: input.dataset.profile,
            tags: input.tags,
        })
        .collect();
    let artifacts = source
        .list_artifacts(run_id)?
        .into_iter()
        .map(|file| IndexedArtifact {
            path: file.path,
            size_bytes: file.size_bytes,
            mime: None,
            location: file.location.unwrap_or_default(),
            modified_ms: file.modified_ms,
        })
        .collect();
    let info = &run.info;
    let imported = ImportedRun {
        run_id: run_id.clone(),
        experiment_id: info.experiment_id,
        run_name: info.run_name.clone(),
        user_id: info.user_id.clone(),
        status: info.status,
        start_time_ms: info.start_time_ms,
        end_time_ms: info.end_time_ms,
        lifecycle_stage: info.lifecycle_stage,
        deleted_time_ms: None,
        artifact_uri: info.artifact_uri.clone(),
        source_kind: info.source_kind,
        source_path: info.source_path.clone().unwrap_or_default(),
        parent_run_id: info.parent_run_id.clone(),
        params: run.params.clone(),
        tags: run.tags.clone(),
        metrics,
        artifacts,
        inputs,
        git: run.git.clone(),
        outputs: io
            .model_outputs
            .into_iter()
            .map(|output| (output.model_id, output.step))
            .collect(),
    };
    Ok((imported, model_inputs))
}
