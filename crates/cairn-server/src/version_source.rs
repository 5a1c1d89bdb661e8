//! Where a new model version may come from. A version's `source` is a location a client sends:
//! it is data, and what the registry later downloads through it must stay where the store keeps
//! artifacts. As MLflow's server does (≥ 2.9): `..` is refused in every URI, `runs:/` must name a
//! run that exists, and a local path (`file://` or a bare path) is taken only inside the artifact
//! folder of the run given by `run_id`.

use std::path::{Component, Path};

use cairn_app::artifact_files::{folder_from_uri, percent_decode};
use cairn_core::{Store, StoreError, StoreResult};

fn refused(source: &str, why: &str) -> StoreError {
    StoreError::Invalid {
        field: format!("model version source '{source}'"),
        reason: why.to_owned(),
    }
}

/// Checks a `model-versions/create` source against the store (see the module's rules).
pub fn check(store: &dyn Store, source: &str, run_id: Option<&str>) -> StoreResult<()> {
    let decoded = percent_decode(source);
    let (scheme, rest) = match decoded.split_once(':') {
        // A one-letter "scheme" is a Windows drive, a local path.
        Some((scheme, rest)) if scheme.len() > 1 && !scheme.contains('/') => {
            (Some(scheme.to_ascii_lowercase()), rest)
        }
        _ => (None, decoded.as_str()),
    };
    if has_parent_reference(rest) {
        return Err(refused(
            source,
            "a source must be given without relative references ('..')",
        ));
    }
    match scheme.as_deref() {
        Some("runs") => {
            let id = rest.trim_start_matches('/').split('/').next().unwrap_or("");
            if id.is_empty() || store.get_run(id).is_err() {
                return Err(refused(source, &format!("no run '{id}' in this store")));
            }
            Ok(())
        }
        Some("file") => check_local(store, source, Path::new(strip_authority(rest)), run_id),
        None => check_local(store, source, Path::new(rest), run_id),
        Some(_) => Ok(()),
    }
}

/// A local source must lie inside the artifact folder of the run `run_id` names.
fn check_local(
    store: &dyn Store,
    source: &str,
    path: &Path,
    run_id: Option<&str>,
) -> StoreResult<()> {
    let outside = || {
        refused(
            source,
            "a local path is accepted only with run_id and inside that run's artifact folder",
        )
    };
    let run_id = run_id.filter(|id| !id.is_empty()).ok_or_else(outside)?;
    let run = store.get_run(run_id)?;
    let Some(folder) = folder_from_uri(store.artifact_root(), &run.info.artifact_uri) else {
        return Err(outside());
    };
    let folder = folder.canonicalize().unwrap_or(folder);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        return Err(outside());
    };
    let path = path.canonicalize().unwrap_or(path);
    if path.starts_with(&folder) {
        Ok(())
    } else {
        Err(outside())
    }
}

/// `//localhost/a/b` and `///a/b` → `/a/b`.
fn strip_authority(rest: &str) -> &str {
    match rest.strip_prefix("//") {
        Some(after) => after
            .find('/')
            .map_or("/", |slash| after.get(slash..).unwrap_or("/")),
        None => rest,
    }
}

fn has_parent_reference(path: &str) -> bool {
    path.split(['/', '\\']).any(|part| part == "..")
        || Path::new(path)
            .components()
            .any(|component| component == Component::ParentDir)
}

#[cfg(test)]
mod tests {
    use super::{has_parent_reference, percent_decode, strip_authority};

    #[test]
    fn parent_references_are_found_in_every_spelling() {
        for (path, found) in [
            ("/a/../b", true),
            ("//x/a/..", true),
            ("a\\..\\b", true),
            ("/a/..b/c", false),
            ("/a/b", false),
        ] {
            assert_eq!(has_parent_reference(path), found, "{path}");
        }
        assert_eq!(percent_decode("a%2F%2e%2E/b"), "a/../b");
    }

    #[test]
    fn file_uri_authorities_are_dropped() {
        assert_eq!(strip_authority("///tmp/x"), "/tmp/x");
        assert_eq!(strip_authority("//localhost/tmp/x"), "/tmp/x");
        assert_eq!(strip_authority("/tmp/x"), "/tmp/x");
    }
}
