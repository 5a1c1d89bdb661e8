//! The repository's invariants as functions `tests/tidy.rs` runs under `cargo test`: every
//! Rust module opens with a `//!` line, and every path ARCHITECTURE.md names exists. Each
//! returns what is wrong, naming the file, so a failure says what to fix.

use std::path::{Path, PathBuf};

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Folders never searched: build output, installed packages, version control.
const SKIPPED: &[&str] = &["target", "node_modules", ".git", "dist", ".svelte-kit"];

/// Every file below `folder`, as paths relative to `root` with `/` separators, sorted.
fn files_below(root: &Path, folder: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if SKIPPED.iter().any(|skipped| name == *skipped) {
            continue;
        }
        if path.is_dir() {
            files_below(root, &path, found);
        } else if let Ok(relative) = path.strip_prefix(root) {
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The Rust files of every crate's `src/` (and the desktop shell's), relative to `root`.
pub fn module_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut source_folders = vec![root.join("src-tauri/src")];
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        source_folders.extend(crates.flatten().map(|entry| entry.path().join("src")));
    }
    for folder in source_folders {
        files_below(root, &folder, &mut files);
    }
    files.retain(|file| file.ends_with(".rs"));
    files.sort();
    files
}

/// Modules whose first non-blank line is not a `//!` doc line, as `path: first line`.
pub fn modules_without_doc_line(root: &Path) -> Vec<String> {
    module_files(root)
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
            let first = text
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("");
            (!first.starts_with("//!")).then(|| format!("{file}: starts with {first:?}"))
        })
        .collect()
}

/// Extensions that make a name in backticks a file of this repository rather than a file a
/// user has (`cairn.db`, `settings.json`).
const SOURCE_EXTENSIONS: &[&str] = &[
    ".rs", ".ts", ".svelte", ".sh", ".py", ".sql", ".md", ".toml",
];

/// The names in `markdown` that are paths of this repository: in backticks or as link
/// targets, outside fenced code blocks; a path has a `/` or a source file's extension, and no
/// placeholder (`<run>`), wildcard, URL or leading `/`. Paths into `../shared` are skipped:
/// they are outside the repository.
pub fn named_paths(markdown: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (index, piece) in line.split('`').enumerate() {
            if index % 2 == 1 {
                names.push(piece.to_owned());
            }
        }
        for piece in line.split("](").skip(1) {
            if let Some(end) = piece.find(')') {
                names.push(piece[..end].to_owned());
            }
        }
    }
    names.retain(|name| {
        let looks_like_path = name.contains('/')
            || SOURCE_EXTENSIONS
                .iter()
                .any(|extension| name.ends_with(extension));
        let is_something_else = name.is_empty()
            || name.starts_with('/')
            || name.starts_with("../shared")
            || name
                .chars()
                .any(|c| " <>*$:#'\"()[]{}=@|".contains(c) || c.is_whitespace());
        looks_like_path && !is_something_else
    });
    names.sort();
    names.dedup();
    names
}

/// Names with a `/` that ARCHITECTURE.md uses for something other than a file of this
/// repository.
const NOT_REPOSITORY_PATHS: &[&str] = &[
    ".git/index",          // any git repository's index, which provenance never refreshes
    "metrics/get-history", // MLflow REST endpoints
    "runs/search",
];

/// The paths `ARCHITECTURE.md` names that match no file or folder of the repository. A name
/// may be written from the repository's root or from any folder it sits in
/// (`store/mod.rs` for `crates/cairn-core/src/store/mod.rs`), as the codemap does.
pub fn missing_architecture_paths(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap_or_default();
    let mut known = Vec::new();
    files_below(root, root, &mut known);
    let mut folders: Vec<String> = known
        .iter()
        .flat_map(|file| {
            file.match_indices('/')
                .map(|(end, _)| file[..end].to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    folders.sort();
    folders.dedup();
    known.extend(folders);
    named_paths(&text)
        .into_iter()
        .filter(|name| !NOT_REPOSITORY_PATHS.contains(&name.as_str()))
        .filter(|name| {
            let name = name.trim_end_matches('/');
            !known
                .iter()
                .any(|path| path == name || path.ends_with(&format!("/{name}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::named_paths;

    #[test]
    fn only_repository_paths_are_taken_from_the_markdown() {
        let markdown = "`store/mod.rs` and [perf](docs/PERFORMANCE.md), not `cairn.db`, \
                        `mlflow-artifacts:/<exp>`, `/app/api/<command>`, `events.out.tfevents.*` \
                        or `../shared/design/SECURITY.md`; `scripts/`\n```\nignored/in/code.rs\n```";
        assert_eq!(
            named_paths(markdown),
            ["docs/PERFORMANCE.md", "scripts/", "store/mod.rs"]
        );
    }
}
