//! DVC's md5 for a path it tracks: from `PATH.dvc` beside it, else from a `dvc.lock` in one of
//! its parent directories. A small line reader, enough for the files DVC writes.

use std::fs;
use std::path::{Component, Path, PathBuf};

/// DVC's md5 (e.g. `"d8acabbfd4ee51c95da5d7628c7ef74b"` or `"....dir"`) when DVC tracks `path`.
pub fn dvc_md5(path: &Path) -> Option<String> {
    let absolute = absolute(path)?;
    let file_name = absolute.file_name()?.to_str()?.to_string();
    let dvc_file = absolute.with_file_name(format!("{file_name}.dvc"));
    if let Ok(text) = fs::read_to_string(&dvc_file)
        && let Some(md5) = md5_for(&text, &file_name)
    {
        return Some(md5);
    }
    for ancestor in absolute.ancestors().skip(1) {
        let Ok(text) = fs::read_to_string(ancestor.join("dvc.lock")) else {
            continue;
        };
        let Ok(relative) = absolute.strip_prefix(ancestor) else {
            continue;
        };
        let relative = relative.to_str()?.replace('\\', "/");
        if let Some(md5) = md5_for(&text, &relative) {
            return Some(md5);
        }
    }
    None
}

fn absolute(path: &Path) -> Option<PathBuf> {
    let joined = std::path::absolute(path).ok()?;
    // Drop `.` and resolve `..` lexically, as DVC's relative paths are.
    let mut clean = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    Some(clean)
}

/// The md5 of the YAML list item whose `path:` is `wanted`.
fn md5_for(text: &str, wanted: &str) -> Option<String> {
    let mut item_path: Option<String> = None;
    let mut item_md5: Option<String> = None;
    let mut found = None;
    let mut finish = |path: &mut Option<String>, md5: &mut Option<String>| {
        if path.as_deref().map(|p| p.trim_end_matches('/')) == Some(wanted) && found.is_none() {
            found = md5.clone();
        }
        *path = None;
        *md5 = None;
    };
    for line in text.lines() {
        let trimmed = line.trim_start();
        let (starts_item, body) = match trimmed.strip_prefix("- ") {
            Some(rest) => (true, rest.trim_start()),
            None => (false, trimmed),
        };
        if starts_item {
            finish(&mut item_path, &mut item_md5);
        }
        if let Some(value) = body.strip_prefix("path:") {
            item_path = Some(unquote(value));
        } else if let Some(value) = body.strip_prefix("md5:") {
            item_md5 = Some(unquote(value));
        }
    }
    finish(&mut item_path, &mut item_md5);
    found
}

fn unquote(value: &str) -> String {
    value
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::md5_for;

    #[test]
    fn reads_dvc_file_and_lock() {
        let dvc = "outs:\n- md5: abc123.dir\n  size: 10\n  nfiles: 2\n  path: images\n";
        assert_eq!(md5_for(dvc, "images").as_deref(), Some("abc123.dir"));
        let lock = "schema: '2.0'\nstages:\n  prepare:\n    cmd: python prep.py\n    deps:\n    - path: data/raw.csv\n      md5: 111\n    outs:\n    - path: data/prepared\n      md5: 222.dir\n";
        assert_eq!(md5_for(lock, "data/prepared").as_deref(), Some("222.dir"));
        assert_eq!(md5_for(lock, "data/raw.csv").as_deref(), Some("111"));
        assert_eq!(md5_for(lock, "data/other"), None);
    }
}
