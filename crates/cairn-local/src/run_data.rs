//! The data a run used, for `cairn drift --runs`, the gate's `no-drift`, the desktop compare
//! view's drift section and a model version's monitoring reference: its `--data` paths
//! (with the BLAKE3 hash recorded then, re-checked now so a changed file is not compared in
//! the old one's name) and the local sources of its logged datasets. Relative paths are read
//! from the current directory, then from the run's git checkout.

use std::path::{Path, PathBuf};

use cairn_core::Store;
use cairn_core::model::{DataHash, Run};

/// One data input of a run, found on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    /// Where it is now.
    pub path: PathBuf,
    /// The hash recorded with the run, when it was a `--data` path.
    pub hash: Option<String>,
}

impl RunData {
    /// How it was found, in words.
    pub fn describe(&self) -> String {
        match &self.hash {
            Some(hash) => format!("--data, BLAKE3 {}", short(hash)),
            None => "logged dataset source".to_owned(),
        }
    }

    fn name(&self) -> String {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn locate(run: &Run, path: &str) -> Option<PathBuf> {
    let given = PathBuf::from(path);
    if given.exists() {
        return Some(given);
    }
    if given.is_relative()
        && let Some(root) = run.git.as_ref().and_then(|git| git.repo_root.as_deref())
    {
        let joined = Path::new(root).join(&given);
        if joined.exists() {
            return Some(joined);
        }
    }
    None
}

fn hashed(store: &dyn Store, run: &Run, data: &DataHash) -> Result<RunData, String> {
    let Some(path) = locate(run, &data.path) else {
        return Err(format!(
            "run {}: its data {} (BLAKE3 {}) is no longer on disk; restore that version \
             (e.g. `dvc checkout` or `git checkout`) to compare it",
            run.info.run_id, data.path, data.root_hash
        ));
    };
    let now = cairn_provenance::hash_path(&path, |keys| {
        store
            .cached_file_hashes(keys)
            .unwrap_or_else(|_| vec![None; keys.len()])
    })
    .map_err(|error| {
        format!(
            "run {}: hashing {}: {error}",
            run.info.run_id,
            path.display()
        )
    })?;
    if now.root_hash != data.root_hash {
        return Err(format!(
            "run {}: {} has changed since the run (recorded BLAKE3 {}, now {}); restore the \
             recorded version to compare it",
            run.info.run_id, data.path, data.root_hash, now.root_hash
        ));
    }
    Ok(RunData {
        path,
        hash: Some(data.root_hash.clone()),
    })
}

/// A local path in a logged dataset's source JSON (`uri`, `url` or `path`; `file://` allowed).
fn source_path(source: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(source).ok()?;
    let text = ["uri", "url", "path"]
        .iter()
        .find_map(|key| value.get(key).and_then(|found| found.as_str()))?;
    if let Some(rest) = text.strip_prefix("file://") {
        return Some(rest.to_owned());
    }
    (!text.contains("://")).then(|| text.to_owned())
}

fn is_table(path: &Path) -> bool {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    path.is_dir()
        || lower.ends_with(".csv")
        || lower.ends_with(".parquet")
        || lower.ends_with(".pq")
}

/// Every table a run used: its `--data` paths (checked against their hashes), then its logged
/// datasets' local sources.
pub fn run_data(store: &dyn Store, run_id: &str) -> Result<Vec<RunData>, String> {
    let run = store
        .get_run(run_id)
        .map_err(|error| format!("run {run_id}: {error}"))?;
    let mut found = Vec::new();
    for data in &run.data {
        let entry = hashed(store, &run, data)?;
        if is_table(&entry.path) {
            found.push(entry);
        }
    }
    let io = store
        .run_io(run_id)
        .map_err(|error| format!("run {run_id}: reading its datasets: {error}"))?;
    for input in &io.dataset_inputs {
        let Some(path) = source_path(&input.dataset.source) else {
            continue;
        };
        match locate(&run, &path) {
            Some(path) if is_table(&path) => {
                if !found.iter().any(|entry: &RunData| entry.path == path) {
                    found.push(RunData { path, hash: None });
                }
            }
            Some(_) => {}
            None => {
                return Err(format!(
                    "run {run_id}: its dataset '{}' (digest {}) was read from {path}, which is \
                     no longer on disk",
                    input.dataset.name, input.dataset.digest
                ));
            }
        }
    }
    if found.is_empty() {
        return Err(format!(
            "run {run_id} records no CSV or Parquet data (no `cairn run --data` path or logged \
             dataset with a local source)"
        ));
    }
    Ok(found)
}

/// The reference run's and the current run's table: their only one, or the one file name both
/// share.
pub fn paired_data(
    store: &dyn Store,
    reference: &str,
    current: &str,
) -> Result<(RunData, RunData), String> {
    let left = run_data(store, reference)?;
    let right = run_data(store, current)?;
    if let ([one], [other]) = (left.as_slice(), right.as_slice()) {
        return Ok((one.clone(), other.clone()));
    }
    let shared: Vec<(&RunData, &RunData)> = left
        .iter()
        .filter_map(|a| right.iter().find(|b| b.name() == a.name()).map(|b| (a, b)))
        .collect();
    match shared.as_slice() {
        [(a, b)] => Ok(((*a).clone(), (*b).clone())),
        _ => {
            let names = |list: &[RunData]| {
                list.iter()
                    .map(|entry| entry.path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Err(format!(
                "runs {reference} ({}) and {current} ({}) do not share exactly one data file \
                 name; compare paths instead: cairn drift REFERENCE CURRENT",
                names(&left),
                names(&right)
            ))
        }
    }
}
