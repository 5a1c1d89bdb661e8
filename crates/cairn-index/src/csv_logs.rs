//! Lightning `CSVLogger` folders (`metrics.csv` + `hparams.yaml`) and Keras `CSVLogger` files:
//! one run each, read from where the last pass stopped when the file grows.

use std::collections::HashMap;
use std::path::Path;

use cairn_core::Store;
use cairn_core::model::{ImportMode, ImportedRun, IndexFileState, MetricPoint, Param, SourceKind};

use crate::files::{self, IndexError, IndexResult, KnownFiles};
use crate::report::IndexReport;
use crate::tensorboard::{experiment_for, read_from};
use crate::yaml;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Lightning,
    Keras,
}

pub(crate) fn index_lightning(
    store: &dyn Store,
    run_dir: &Path,
    metrics: &Path,
    known: &KnownFiles,
    report: &mut IndexReport,
) -> IndexResult<()> {
    index_csv(store, run_dir, metrics, Flavour::Lightning, known, report)
}

pub(crate) fn index_keras(
    store: &dyn Store,
    path: &Path,
    known: &KnownFiles,
    report: &mut IndexReport,
) -> IndexResult<()> {
    index_csv(store, path, path, Flavour::Keras, known, report)
}

fn index_csv(
    store: &dyn Store,
    run_path: &Path,
    csv: &Path,
    flavour: Flavour,
    known: &KnownFiles,
    report: &mut IndexReport,
) -> IndexResult<()> {
    let (size, mtime) =
        files::stat(csv).map_err(|error| IndexError::bad(csv, format!("cannot read: {error}")))?;
    let state = known.get(&csv.to_string_lossy());
    if state.is_some_and(|s| s.size_bytes == size && s.mtime_ns == mtime) {
        report.runs_unchanged += 1;
        report.files_skipped += 1;
        return Ok(());
    }
    // Lightning rewrites the whole file with a wider header when a new key is logged: resume
    // only when the header is still the one read before.
    let current_header = crate::discover::first_line(csv).unwrap_or_default();
    let (mode, offset, mut header) = match state {
        Some(state)
            if size >= state.read_offset
                && state.parser_state.as_deref() == Some(current_header.as_bytes()) =>
        {
            (ImportMode::Append, state.read_offset, current_header)
        }
        _ => (ImportMode::Replace, 0, String::new()),
    };
    let bytes = read_from(csv, offset)?;
    // Only whole lines: a last line without its newline is still being written.
    let complete = bytes
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |i| i + 1);
    let text = std::str::from_utf8(&bytes[..complete]).map_err(|error| {
        IndexError::bad(
            csv,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                offset + error.valid_up_to() as u64
            ),
        )
    })?;
    let mut lines = text.lines();
    if header.is_empty() {
        header = lines
            .next()
            .unwrap_or_default()
            .trim_end_matches('\r')
            .to_string();
    }
    let columns: Vec<String> = split_csv_line(&header);
    if columns.is_empty() || columns.iter().all(String::is_empty) {
        return Err(IndexError::bad(csv, "no header line"));
    }
    let step_column = match flavour {
        Flavour::Lightning => columns.iter().position(|c| c == "step"),
        Flavour::Keras => Some(0),
    };
    let timestamp_ms = mtime / 1_000_000;
    let run_kind = match flavour {
        Flavour::Lightning => SourceKind::LightningCsv,
        Flavour::Keras => SourceKind::KerasCsv,
    };
    let run_id = files::run_id_for(run_kind.as_str(), run_path);
    let mut run = ImportedRun::new(
        run_id.clone(),
        experiment_for(store, run_path)?,
        run_kind,
        run_path.to_string_lossy(),
    );
    run.run_name = match flavour {
        Flavour::Lightning => run_path.file_name(),
        Flavour::Keras => run_path.file_stem(),
    }
    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    run.artifact_uri = format!(
        "file://{}",
        if flavour == Flavour::Lightning {
            run_path
        } else {
            run_path.parent().unwrap_or(run_path)
        }
        .display()
    );
    let mut by_key: HashMap<usize, Vec<MetricPoint>> = HashMap::new();
    let mut row_index = 0i64;
    for line in lines {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let cells = split_csv_line(line);
        let step = step_column
            .and_then(|i| cells.get(i))
            .and_then(|cell| cell.trim().parse::<f64>().ok())
            .map_or(row_index, |step| step as i64);
        for (index, cell) in cells.iter().enumerate() {
            let cell = cell.trim();
            if Some(index) == step_column && flavour == Flavour::Lightning
                || cell.is_empty()
                || cell == "NA"
                || index >= columns.len()
            {
                continue;
            }
            let Ok(value) = cell.parse::<f64>() else {
                continue;
            };
            by_key.entry(index).or_default().push(MetricPoint {
                step,
                timestamp_ms,
                value,
            });
        }
        row_index += 1;
    }
    let mut keys: Vec<usize> = by_key.keys().copied().collect();
    keys.sort_unstable();
    for index in keys {
        if let Some(points) = by_key.remove(&index) {
            run.metrics.push((columns[index].clone(), points));
        }
    }
    if flavour == Flavour::Lightning {
        let hparams = run_path.join("hparams.yaml");
        if hparams.is_file() {
            match yaml::read_mapping(&hparams) {
                Ok(mapping) => {
                    let mut flat = Vec::new();
                    yaml::flatten(&mapping, "", &mut flat);
                    run.params = flat
                        .into_iter()
                        .map(|(key, value)| Param { key, value })
                        .collect();
                }
                Err(IndexError::Bad { path, reason }) => {
                    report.bad_files.push(crate::report::BadFile {
                        path: path.display().to_string(),
                        reason,
                    });
                }
                Err(error) => return Err(error),
            }
        }
    }
    let file_state = IndexFileState {
        path: csv.to_string_lossy().into_owned(),
        source_kind: run_kind,
        size_bytes: size,
        mtime_ns: mtime,
        read_offset: offset + complete as u64,
        run_id: Some(run_id),
        parser_state: Some(header.into_bytes()),
    };
    files::import_batch(store, &[run], mode, &[file_state], report)
}

/// Splits one CSV line, honouring double quotes.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}
