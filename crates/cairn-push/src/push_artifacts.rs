//! A run's artifact files pushed: the files Cairn finds for the local run (its artifact folder,
//! read only inside the store's readable roots) compared with the server's listing, and each
//! one missing there or of another size uploaded through the server's `mlflow-artifacts` proxy,
//! streamed from disk.

use std::collections::HashMap;

use anyhow::Context;
use cairn_app::artifact_files::run_folder;
use cairn_core::model::Run;

use crate::push_run::{RemoteRun, RunPusher};
use crate::wire::{files_under, proxy_path};

impl RunPusher<'_, '_> {
    pub(crate) fn push_artifacts(&mut self, run: &Run, remote: &RemoteRun) -> anyhow::Result<()> {
        let store = self.shared.store;
        let folder = match run_folder(store, store.artifact_root(), run) {
            Ok(Some(folder)) => folder,
            Ok(None) => return Ok(()),
            Err(error) => {
                self.result
                    .notes
                    .push(format!("artifact files not sent: {}", error.message));
                return Ok(());
            }
        };
        let files = files_under(folder.path())
            .with_context(|| format!("{}: listing its artifact files", self.entity))?;
        if files.is_empty() {
            return Ok(());
        }
        if self.shared.options.dry_run && remote.fresh {
            self.result.files = files.len() as u64;
            return Ok(());
        }
        let Some(prefix) = proxy_path(&remote.artifact_uri) else {
            self.result.files_skipped = files.len() as u64;
            self.result.notes.push(format!(
                "the server keeps this run's artifacts at '{}', not behind its mlflow-artifacts \
                 proxy: {} artifact files not sent",
                remote.artifact_uri,
                files.len()
            ));
            return Ok(());
        };
        let there = if remote.fresh {
            HashMap::new()
        } else {
            self.remote_files(&remote.run_id)?
        };
        for (relative, size) in files {
            if there.get(&relative) == Some(&size) {
                continue;
            }
            self.result.files += 1;
            if self.shared.options.dry_run {
                continue;
            }
            let path = if prefix.is_empty() {
                relative.clone()
            } else {
                format!("{prefix}/{relative}")
            };
            self.shared.api.put_artifact(
                &path,
                &folder.path().join(&relative),
                &format!("artifact '{relative}' of {}", self.entity),
            )?;
        }
        Ok(())
    }

    /// Every file the server lists for its run, with its size, by path in the run's artifacts.
    fn remote_files(&self, remote_id: &str) -> anyhow::Result<HashMap<String, u64>> {
        let mut found = HashMap::new();
        let mut pending = vec![String::new()];
        while let Some(folder) = pending.pop() {
            let mut query = vec![("run_id", remote_id)];
            if !folder.is_empty() {
                query.push(("path", folder.as_str()));
            }
            let listing = self.shared.api.get(
                "artifacts/list",
                &query,
                &format!("the artifact files of {}", self.entity),
            )?;
            for file in listing["files"].as_array().into_iter().flatten() {
                let Some(path) = file["path"].as_str() else {
                    continue;
                };
                if file["is_dir"].as_bool() == Some(true) {
                    pending.push(path.to_owned());
                } else {
                    let size = file["file_size"]
                        .as_u64()
                        .or_else(|| file["file_size"].as_str().and_then(|s| s.parse().ok()))
                        .unwrap_or(u64::MAX);
                    found.insert(path.to_owned(), size);
                }
            }
        }
        Ok(found)
    }
}
