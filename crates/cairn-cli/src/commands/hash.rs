//! `cairn hash PATH...`: content hashes of data, the same ones `cairn run --data` records.

use std::path::PathBuf;

use anyhow::Context;
use cairn_core::Store;
use serde::Serialize;

#[derive(Serialize)]
struct HashOutput {
    path: String,
    kind: &'static str,
    hash: String,
    size_bytes: u64,
    file_count: u64,
    symlinks: u64,
    cached_files: u64,
    dvc_md5: Option<String>,
}

pub fn hash(store: &dyn Store, paths: &[PathBuf], json: bool) -> anyhow::Result<()> {
    let mut outputs = Vec::with_capacity(paths.len());
    for path in paths {
        let (data, hashed) = cairn_provenance::hash_with_store(store, path)
            .with_context(|| format!("hashing {}", path.display()))?;
        outputs.push(HashOutput {
            path: data.path,
            kind: data.kind.as_str(),
            hash: data.root_hash,
            size_bytes: data.size_bytes,
            file_count: data.file_count,
            symlinks: hashed.entries.len() as u64
                - hashed.file_count.min(hashed.entries.len() as u64),
            cached_files: hashed.cache_hits,
            dvc_md5: data.dvc_md5,
        });
    }
    if json {
        return super::print_json(&outputs);
    }
    for output in &outputs {
        outln!("{}  {}", output.hash, output.path)?;
    }
    Ok(())
}
