//! Where a run came from: the git state of its code and content hashes of its data.
//!
//! Reads only: nothing here writes to a repository or a data directory. The store is reached
//! through [`record_data`], which keeps the stat cache and the manifest.
#![warn(missing_docs)]

mod data_hash;
mod dvc;
mod error;
mod git;
mod run_diff;

pub use data_hash::{HashedData, directory_hash, hash_file, hash_path};
pub use dvc::dvc_md5;
pub use error::ProvenanceError;
pub use git::{GitLookup, GitSnapshot, inspect as inspect_git, strip_credentials};
pub use run_diff::{Change, ManifestChange, RunDiff, diff_runs, manifest_changes};

use std::path::Path;

use cairn_core::model::DataHash;
use cairn_core::store::Store;

/// Hashes `path` using the store's stat cache, then records the fresh file hashes and the
/// manifest. Store failures are not fatal for the hash: the cache is an optimisation.
pub fn hash_with_store(
    store: &dyn Store,
    path: &Path,
) -> Result<(DataHash, HashedData), ProvenanceError> {
    let hashed = hash_path(path, |keys| {
        store
            .cached_file_hashes(keys)
            .unwrap_or_else(|_| vec![None; keys.len()])
    })?;
    let _ = store.record_file_hashes(&hashed.fresh_hashes);
    let _ = store.record_data_manifest(&hashed.root_hash, &hashed.entries);
    let data = DataHash {
        path: path.display().to_string(),
        kind: hashed.kind,
        root_hash: hashed.root_hash.clone(),
        size_bytes: hashed.size_bytes,
        file_count: hashed.file_count,
        dvc_md5: dvc_md5(path),
    };
    Ok((data, hashed))
}
