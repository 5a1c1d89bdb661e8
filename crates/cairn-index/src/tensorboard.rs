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
    let mut batch = RunBatch {
        store,
        run_dir,
        run_id: run_id.clone(),
        experiment_id,
        mode,
        decoded: DecodedEvents::default(),
        done_states: Vec::new(),
        flushed: false,
    };
    for (path, size, mtime, state) in stats {
        let unchanged = state.is_some_and(|s| s.size_bytes == size && s.mtime_ns == mtime);
        if unchanged && mode == ImportMode::Append {
            report.files_skipped += 1;
            continue;
        }
        let (offset, decoder) = match (mode, state) {
            (ImportMode::Append, Some(state)) => (
                state.read_offset,
                EventDecoder::load(state.parser_state.as_deref().unwrap_or_default()),
            ),
            _ => (0, EventDecoder::default()),
        };
        let mut reader = FileReader {
            path,
            size,
            mtime,
            offset,
            decoder,
        };
        let file = std::fs::File::open(path)
            .map_err(|error| IndexError::bad(path, format!("cannot read: {error}")))?;
        read_records(file, &mut reader, &mut batch, report)?;
        batch.done_states.push(reader.state(&run_id));
    }
    batch.flush(None, report)
}

/// Bytes read from an event file at a time (small in unit tests, to cross chunk boundaries).
const CHUNK_BYTES: usize = if cfg!(test) { 4096 } else { 16 << 20 };
/// Points held in memory before they are written (with the offsets reached so far).
const FLUSH_POINTS: usize = if cfg!(test) { 1000 } else { 2_000_000 };

/// One event file being read.
struct FileReader<'a> {
    path: &'a Path,
    size: u64,
    mtime: i64,
    /// File offset of the next unread byte that belongs to a whole record.
    offset: u64,
    decoder: EventDecoder,
}

impl FileReader<'_> {
    fn state(&self, run_id: &str) -> IndexFileState {
        IndexFileState {
            path: self.path.to_string_lossy().into_owned(),
            source_kind: SourceKind::Tensorboard,
            size_bytes: self.size,
            mtime_ns: self.mtime,
            read_offset: self.offset,
            run_id: Some(run_id.to_string()),
            parser_state: Some(self.decoder.save()),
        }
    }
}

/// Reads `file` from `reader.offset` in chunks, decoding whole records and flushing points to
/// the store every [`FLUSH_POINTS`]. Stops at the end, at a truncated record, or where the
/// framing breaks.
fn read_records(
    mut file: std::fs::File,
    reader: &mut FileReader<'_>,
    batch: &mut RunBatch<'_>,
    report: &mut IndexReport,
) -> IndexResult<()> {
    let path = reader.path;
    let bad = |error: std::io::Error| IndexError::bad(path, format!("cannot read: {error}"));
    file.seek(SeekFrom::Start(reader.offset)).map_err(bad)?;
    let mut buffer: Vec<u8> = Vec::new();
    // Records of this file that were not events (the batch's count is reset by each flush).
    let mut malformed = 0u64;
    let report_malformed = |malformed: u64, report: &mut IndexReport| {
        if malformed > 0 {
            report.bad_files.push(crate::report::BadFile {
                path: path.display().to_string(),
                reason: format!("{malformed} records are not TensorBoard events (bad protobuf)"),
            });
        }
    };
    loop {
        let before = buffer.len();
        let read = (&mut file)
            .take(CHUNK_BYTES as u64)
            .read_to_end(&mut buffer)
            .map_err(bad)?;
        let at_end = read == 0 || buffer.len() - before < CHUNK_BYTES;
        let decoder = &mut reader.decoder;
        let decoded = &mut batch.decoded;
        let malformed_before = decoded.malformed_events;
        let scan = tfrecord::scan_records(&buffer, |record| decoder.decode(record, decoded));
        malformed += decoded.malformed_events.saturating_sub(malformed_before);
        report.bad_records += scan.bad_records;
        reader.offset += scan.consumed as u64;
        buffer.drain(..scan.consumed);
        if scan.broken {
            report.bad_files.push(crate::report::BadFile {
                path: path.display().to_string(),
                reason: format!("broken record framing at byte {}", reader.offset),
            });
            report_malformed(malformed, report);
            return Ok(());
        }
        if batch.decoded.scalars.len() >= FLUSH_POINTS {
            let state = reader.state(&batch.run_id);
            batch.flush(Some(state), report)?;
        }
        if at_end {
            report_malformed(malformed, report);
            return Ok(());
        }
    }
}

/// Points decoded for one run and not yet written, with the file states they reach.
struct RunBatch<'a> {
    store: &'a dyn Store,
    run_dir: &'a Path,
    run_id: String,
    experiment_id: cairn_core::model::ExperimentId,
    mode: ImportMode,
    decoded: DecodedEvents,
    /// States of files read to their end.
    done_states: Vec<IndexFileState>,
    /// Whether a piece of the run has been written already.
    flushed: bool,
}

impl RunBatch<'_> {
    /// Writes what has been decoded, with the finished files' states and `current` (the file
    /// being read, when mid-way). Later flushes append.
    fn flush(
        &mut self,
        current: Option<IndexFileState>,
        report: &mut IndexReport,
    ) -> IndexResult<()> {
        let mut states = std::mem::take(&mut self.done_states);
        states.extend(current);
        let decoded = std::mem::take(&mut self.decoded);
        if decoded.scalars.is_empty() && decoded.hparams.is_empty() {
            // Nothing readable (yet): remember how far the files were read, but make no empty
            // run.
            self.store.record_index_files(&states)?;
            return Ok(());
        }
        let mut run = ImportedRun::new(
            self.run_id.clone(),
            self.experiment_id,
            SourceKind::Tensorboard,
            self.run_dir.to_string_lossy(),
        );
        run.run_name = self
            .run_dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        run.artifact_uri = format!("file://{}", self.run_dir.display());
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
            let index = match index_of.get(&scalar.tag) {
                Some(index) => *index,
                None => {
                    index_of.insert(scalar.tag.clone(), run.metrics.len());
                    run.metrics.push((scalar.tag, Vec::new()));
                    run.metrics.len() - 1
                }
            };
            run.metrics[index].1.push(MetricPoint {
                step: scalar.step,
                timestamp_ms: scalar.wall_time_ms,
                value: scalar.value,
            });
        }
        let mode = self.mode;
        let first_flush = !self.flushed;
        self.mode = ImportMode::Append;
        self.flushed = true;
        let (new_before, updated_before) = (report.runs_new, report.runs_updated);
        files::import_batch(self.store, &[run], mode, &states, report)?;
        if !first_flush {
            // A run written in several pieces counts once, by its first piece.
            report.runs_new = new_before;
            report.runs_updated = updated_before;
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Writer;
    use crate::tfrecord::frame_record;
    use cairn_core::IndexingStore;
    use cairn_core::TrackingStore;

    fn event(step: u64) -> Vec<u8> {
        let mut value = Writer::default();
        value.bytes(1, b"loss").float(2, step as f32);
        let mut summary = Writer::default();
        summary.bytes(1, &value.bytes);
        let mut event = Writer::default();
        event
            .double(1, 1.7e9 + step as f64)
            .uint(2, step)
            .bytes(5, &summary.bytes);
        frame_record(&event.bytes)
    }

    #[test]
    fn large_files_are_read_in_chunks_and_written_in_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let run_dir = dir.path().join("logs/big");
        std::fs::create_dir_all(&run_dir).unwrap();
        let file = run_dir.join("events.out.tfevents.1.big");
        let mut bytes: Vec<u8> = (0..5_000).flat_map(event).collect();
        let whole = bytes.len();
        bytes.extend_from_slice(&event(5_000)[..10]); // a record still being written
        std::fs::write(&file, &bytes).unwrap();
        let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
        let logs = [dir.path().join("logs")];
        let report = crate::index_paths(&store, &logs, &mut crate::NoProgress).unwrap();
        assert_eq!(
            (report.runs_new, report.runs_updated, report.points),
            (1, 0, 5_000)
        );
        let run_id = files::run_id_for("tensorboard", &run_dir.canonicalize().unwrap());
        let history = store.metric_history(&run_id, "loss").unwrap();
        assert_eq!(history.len(), 5_000);
        assert!(history.iter().enumerate().all(|(i, p)| p.step == i as i64));
        let states = store.index_file_states_under("/").unwrap();
        assert_eq!(states[0].read_offset, whole as u64);
        // The writer finishes the record and adds more.
        let mut rest = event(5_000)[10..].to_vec();
        rest.extend((5_001..5_100).flat_map(event));
        bytes.extend(rest);
        std::fs::write(&file, &bytes).unwrap();
        let report = crate::index_paths(&store, &logs, &mut crate::NoProgress).unwrap();
        assert_eq!(
            (report.runs_new, report.runs_updated, report.points),
            (0, 1, 100)
        );
        assert_eq!(store.metric_history(&run_id, "loss").unwrap().len(), 5_100);
    }
}
