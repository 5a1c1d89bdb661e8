//! What differs between two runs' params, code and data (`cairn diff`).

use std::collections::BTreeMap;

use cairn_core::StoreResult;
use cairn_core::model::{ManifestEntry, Run};
use cairn_core::store::Store;

/// A value on each side; `None` where a side lacks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Param key, or data path.
    pub key: String,
    /// Run A's value.
    pub a: Option<String>,
    /// Run B's value.
    pub b: Option<String>,
}

/// Files that differ between two directory manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestChange {
    /// Relative path.
    pub rel_path: String,
    /// Hash in A's manifest.
    pub a: Option<String>,
    /// Hash in B's manifest.
    pub b: Option<String>,
}

/// The differences between runs A and B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDiff {
    /// Params whose values differ, sorted by key.
    pub params: Vec<Change>,
    /// Commit of each side (with `+dirty` when uncommitted changes were recorded), when differing.
    pub code: Option<Change>,
    /// Data inputs whose root hashes differ, sorted by path.
    pub data: Vec<Change>,
    /// For each differing data path known on both sides: files added, removed or changed.
    pub data_files: Vec<(String, Vec<ManifestChange>)>,
    /// Human-readable warnings (different data; code that differs only by uncommitted changes).
    pub warnings: Vec<String>,
}

/// Compares two runs.
pub fn diff_runs(store: &dyn Store, run_a: &str, run_b: &str) -> StoreResult<RunDiff> {
    let a = store.get_run(run_a)?;
    let b = store.get_run(run_b)?;
    let params = changes(
        a.params.iter().map(|p| (p.key.clone(), p.value.clone())),
        b.params.iter().map(|p| (p.key.clone(), p.value.clone())),
    );
    let code_a = code_label(&a);
    let code_b = code_label(&b);
    let mut warnings = Vec::new();
    let code = (code_a != code_b).then(|| Change {
        key: "commit".to_string(),
        a: code_a.clone(),
        b: code_b.clone(),
    });
    let commit = |run: &Run| run.git.as_ref().and_then(|git| git.commit_sha.clone());
    let dirty = |run: &Run| run.git.as_ref().and_then(|git| git.is_dirty) == Some(true);
    if commit(&a).is_some() && commit(&a) == commit(&b) && (dirty(&a) || dirty(&b)) {
        warnings.push("code differs only by uncommitted changes (see cairn/git.diff)".to_string());
    }
    let data = changes(
        a.data.iter().map(|d| (d.path.clone(), d.root_hash.clone())),
        b.data.iter().map(|d| (d.path.clone(), d.root_hash.clone())),
    );
    let mut data_files = Vec::new();
    for change in &data {
        if let (Some(hash_a), Some(hash_b)) = (&change.a, &change.b) {
            warnings.push(format!("data differs: {}", change.key));
            let manifest_a = store.data_manifest(hash_a)?;
            let manifest_b = store.data_manifest(hash_b)?;
            data_files.push((
                change.key.clone(),
                manifest_changes(&manifest_a, &manifest_b),
            ));
        }
    }
    Ok(RunDiff {
        params,
        code,
        data,
        data_files,
        warnings,
    })
}

fn code_label(run: &Run) -> Option<String> {
    let git = run.git.as_ref()?;
    let commit = git.commit_sha.clone()?;
    Some(if git.is_dirty == Some(true) {
        format!("{commit}+dirty")
    } else {
        commit
    })
}

fn changes(
    a: impl Iterator<Item = (String, String)>,
    b: impl Iterator<Item = (String, String)>,
) -> Vec<Change> {
    let mut merged: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    for (key, value) in a {
        merged.entry(key).or_default().0 = Some(value);
    }
    for (key, value) in b {
        merged.entry(key).or_default().1 = Some(value);
    }
    merged
        .into_iter()
        .filter(|(_, (a, b))| a != b)
        .map(|(key, (a, b))| Change { key, a, b })
        .collect()
}

/// Files added, removed or changed between two manifests, sorted by path.
pub fn manifest_changes(a: &[ManifestEntry], b: &[ManifestEntry]) -> Vec<ManifestChange> {
    changes(
        a.iter().map(|e| (e.rel_path.clone(), e.file_hash.clone())),
        b.iter().map(|e| (e.rel_path.clone(), e.file_hash.clone())),
    )
    .into_iter()
    .map(|change| ManifestChange {
        rel_path: change.key,
        a: change.a,
        b: change.b,
    })
    .collect()
}
