//! Unfinished uploads left behind by a server or app that was killed mid-upload, removed from the
//! artifact folder when `cairn serve` starts.
//!
//! An upload is written to `.NAME.upload-SUFFIX` beside its target and renamed into place when
//! complete; SUFFIX is a simple UUID (32 lowercase hex digits, the server's uploads) or a process
//! id (the app's `upload_artifact` and drops). Only regular files with exactly that name, not
//! changed for [`STALE_AFTER`], are removed: a younger one may be an upload in flight in another
//! process on the same store (the desktop app, or `cairn run`'s server). Symlinks are neither
//! followed nor removed.
//!
//! A multipart upload's staging folder (`.NAME.mpu-UPLOAD_ID`, see `crate::multipart`) goes the
//! same way once neither it nor any part in it has changed for [`STALE_AFTER`].

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long an upload's temporary file must have been left unchanged to count as abandoned.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// Whether `name` is an upload's temporary file name.
pub fn is_upload_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((target, suffix)) = rest.rsplit_once(".upload-") else {
        return false;
    };
    let uuid = suffix.len() == 32
        && suffix
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
    let pid = (1..=10).contains(&suffix.len()) && suffix.bytes().all(|byte| byte.is_ascii_digit());
    !target.is_empty() && (uuid || pid)
}

/// Removes abandoned uploads and multipart staging folders under `root` (every depth); returns
/// how many. Folders that cannot be
/// read are skipped.
pub fn sweep(root: &Path) -> usize {
    sweep_older_than(root, SystemTime::now() - STALE_AFTER)
}

/// [`sweep`] with the cut-off time given: files last modified before `cutoff` go.
pub fn sweep_older_than(root: &Path, cutoff: SystemTime) -> usize {
    let mut removed = 0;
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            // The entry's own type: a symlink is a symlink here, never its target.
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                let is_staging = entry
                    .file_name()
                    .to_str()
                    .is_some_and(crate::multipart::is_staging_dir_name);
                if !is_staging {
                    folders.push(entry.path());
                } else if last_change(&entry.path()).is_some_and(|changed| changed < cutoff)
                    && std::fs::remove_dir_all(entry.path()).is_ok()
                {
                    removed += 1;
                }
                continue;
            }
            if !file_type.is_file() || !entry.file_name().to_str().is_some_and(is_upload_temp_name)
            {
                continue;
            }
            let modified = entry.metadata().and_then(|metadata| metadata.modified());
            if modified.is_ok_and(|modified| modified < cutoff)
                && std::fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// When a folder or any entry directly in it last changed; `None` when it cannot be read.
fn last_change(folder: &Path) -> Option<SystemTime> {
    let mut newest = std::fs::symlink_metadata(folder).ok()?.modified().ok()?;
    for entry in std::fs::read_dir(folder).ok()?.flatten() {
        let modified = entry.metadata().ok()?.modified().ok()?;
        newest = newest.max(modified);
    }
    Some(newest)
}

#[cfg(test)]
mod tests {
    use super::is_upload_temp_name;

    #[test]
    fn only_the_exact_upload_temp_pattern_matches() {
        for (name, matches) in [
            (".model.pkl.upload-0123456789abcdef0123456789abcdef", true),
            (".a.upload-12345", true),
            (".a.upload.upload-12345", true),
            ("model.pkl", false),
            (".model.pkl", false),
            ("a.upload-12345", false),
            (".upload-12345", false),
            (".a.upload-", false),
            (".a.upload-12345x", false),
            (".a.upload-0123456789ABCDEF0123456789ABCDEF", false),
            (".a.upload-0123456789abcdef0123456789abcde", false),
            (".a.upload-12345678901", false),
            (".a.upload-12345.bak", false),
        ] {
            assert_eq!(is_upload_temp_name(name), matches, "{name}");
        }
    }
}
