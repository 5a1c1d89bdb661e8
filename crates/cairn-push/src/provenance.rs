//! A run's provenance as tags on the server, which has no place of its own for it: the code
//! under MLflow's own `mlflow.source.git.*` names (when the run does not carry them already) and
//! whether the tree was dirty, and the content hashes of its inputs as one JSON tag.

use cairn_core::model::Run;
use serde_json::json;

/// The tag holding the run's data hashes: a JSON list of `{path, kind, root_hash, size_bytes,
/// file_count, dvc_md5}`.
pub const DATA_HASHES_TAG: &str = "cairn.data_hashes";
/// The tag saying whether the run's working tree had uncommitted changes.
pub const GIT_DIRTY_TAG: &str = "cairn.git.dirty";
/// The longest tag value MLflow takes.
const MAX_TAG_VALUE: usize = 8000;

/// Adds the provenance tags of `run` to `tags` (never replacing one already there); says in
/// `notes` what could not go.
pub fn provenance_tags(run: &Run, tags: &mut Vec<(String, String)>, notes: &mut Vec<String>) {
    let mut add = |key: &str, value: String| {
        if !tags.iter().any(|(there, _)| there == key) {
            tags.push((key.to_owned(), value));
        }
    };
    if let Some(git) = &run.git {
        if let Some(commit) = &git.commit_sha {
            add("mlflow.source.git.commit", commit.clone());
        }
        if let Some(branch) = &git.branch {
            add("mlflow.source.git.branch", branch.clone());
        }
        if let Some(remote) = &git.remote_url {
            add("mlflow.source.git.repoURL", remote.clone());
        }
        if let Some(dirty) = git.is_dirty {
            add(GIT_DIRTY_TAG, dirty.to_string());
        }
    }
    if !run.data.is_empty() {
        let hashes: Vec<_> = run
            .data
            .iter()
            .map(|data| {
                json!({
                    "path": data.path,
                    "kind": data.kind.as_str(),
                    "root_hash": data.root_hash,
                    "size_bytes": data.size_bytes,
                    "file_count": data.file_count,
                    "dvc_md5": data.dvc_md5,
                })
            })
            .collect();
        let value = serde_json::Value::Array(hashes).to_string();
        if value.len() <= MAX_TAG_VALUE {
            add(DATA_HASHES_TAG, value);
        } else {
            notes.push(format!(
                "its {} data hashes are too long for one tag ({} characters): not sent",
                run.data.len(),
                value.len()
            ));
        }
    }
}
