//! TensorBoard runs: one folder of `events.out.tfevents.*` files per run (tensorboardX's hparams
//! subfolder folded in). Growing files are read from where the last pass stopped.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use cairn_core::Store;
use cairn_core::model::{
    ImportMode, ImportedExperiment, ImportedRun, IndexFileState, LifecycleStage, MetricPoint,
    Param, SourceKind,
};

use crate::event::{DecodedEvents, EventDecoder};
use crate::files::{self, IndexError, IndexResult, KnownFiles};
use crate::report::IndexReport;
use crate::tfrecord;

/// The experiment a run folder belongs to: its parent folder's name.
pub(crate) fn experiment_for(
    store: &dyn Store,
    run_dir: &Path,
) -> IndexResult<cairn_core::model::ExperimentId> {
    let name = run_dir.parent().and_then(Path::file_name).map_or_else(
        || "Default".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(store.import_experiment(&ImportedExperiment {
        name,
        source_id: None,
        artifact_location: None,
        lifecycle_stage: LifecycleStage::Active,
        creation_time_ms: None,
        last_update_time_ms: None,
        tags: Vec::new(),
    })?)
}

pub(crate) fn index(
    store: &dyn Store,
    run_dir: &Path,
    event_files: &[PathBuf],
    known: &KnownFiles,
    report: &mut IndexReport,
) -> IndexResult<()> {
    let mut stats = Vec::new();
    let mut any_changed = false;
    let mut any_shrunk = false;
    for path in event_files {
        let (size, mtime) = files::stat(path)
            .map_err(|error| IndexError::bad(path, format!("cannot read: {error}")))?;
        let state = known.get(&path.to_string_lossy());
        match state {
            Some(state) if state.size_bytes == size && state.mtime_ns == mtime => {}
            Some(state) if size < state.read_offset => {
                any_shrunk = true;
                any_changed = true;
            }
            _ => any_changed = true,
        }
        stats.push((path, size, mtime, state));
    }
    if !any_changed {
        report.runs_unchanged += 1;
        report.files_skipped += event_files.len() as u64;
        return Ok(());
    }
    let run_id = files::run_id_for("tensorboard", run_dir);
    let experiment_id = experiment_for(store, run_dir)?;
    let mode = if any_shrunk {
        ImportMode::Replace
    } else {
        ImportMode::Append
    };
    let mut decoded = DecodedEvents::default();
    let mut states = Vec::new();
    for (path, size, mtime, state) in stats {
        let unchanged = state.is_some_and(|s| s.size_bytes == size && s.mtime_ns == mtime);
        if unchanged && mode == ImportMode::Append {
            report.files_skipped += 1;
            continue;
        }
        let (offset, mut decoder) = match (mode, state) {
            (ImportMode::Append, Some(state)) => (
                state.read_offset,
                EventDecoder::load(state.parser_state.as_deref().unwrap_or_default()),
            ),
            _ => (0, EventDecoder::default()),
        };
        let bytes = read_from(path, offset)?;
        let scan = tfrecord::scan_records(&bytes, |record| decoder.decode(record, &mut decoded));
        report.bad_records += scan.bad_records;
        if scan.broken {
            report.bad_files.push(crate::report::BadFile {
                path: path.display().to_string(),
                reason: format!(
                    "broken record framing at byte {}",
                    offset + scan.consumed as u64
                ),
            });
        }
        states.push(IndexFileState {
            path: path.to_string_lossy().into_owned(),
            source_kind: SourceKind::Tensorboard,
            size_bytes: size,
            mtime_ns: mtime,
            read_offset: offset + scan.consumed as u64,
            run_id: Some(run_id.clone()),
            parser_state: Some(decoder.save()),
        });
    }
    let mut run = ImportedRun::new(
        run_id,
        experiment_id,
        SourceKind::Tensorboard,
        run_dir.to_string_lossy(),
    );
    run.run_name = run_dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    run.artifact_uri = format!("file://{}", run_dir.display());
    run.params = decoded
        .hparams
        .into_iter()
        .map(|(key, value)| Param { key, value })
        .collect();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    for scalar in decoded.scalars {
        run.start_time_ms = Some(
            run.start_time_ms
                .map_or(scalar.wall_time_ms, |start| start.min(scalar.wall_time_ms)),
        );
        run.end_time_ms = Some(
            run.end_time_ms
                .map_or(scalar.wall_time_ms, |end| end.max(scalar.wall_time_ms)),
        );
        let index = *index_of.entry(scalar.tag.clone()).or_insert_with(|| {
            run.metrics.push((scalar.tag.clone(), Vec::new()));
            run.metrics.len() - 1
        });
        run.metrics[index].1.push(MetricPoint {
            step: scalar.step,
            timestamp_ms: scalar.wall_time_ms,
            value: scalar.value,
        });
    }
    if run.metrics.is_empty() && run.params.is_empty() {
        // Nothing readable yet (a fresh or broken file): remember how far it was read, but do
        // not make an empty run.
        store.record_index_files(&states)?;
        return Ok(());
    }
    files::import_batch(store, &[run], mode, &states, report)
}

/// The bytes of `path` from `offset` to its end.
pub(crate) fn read_from(path: &Path, offset: u64) -> IndexResult<Vec<u8>> {
    let bad = |error: std::io::Error| IndexError::bad(path, format!("cannot read: {error}"));
    let mut file = std::fs::File::open(path).map_err(bad)?;
    file.seek(SeekFrom::Start(offset)).map_err(bad)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(bad)?;
    Ok(bytes)
}
