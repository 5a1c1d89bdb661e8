//! Build script: embeds the built web UI (`ui/dist` of the workspace, when it exists) and records
//! the git commit the binary is built from, for `cairn --version`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let dist = manifest.join("../../ui/dist");
    // Cargo scans a folder for any changed file; a missing one reruns this script on every build,
    // so a UI built later is picked up.
    println!("cargo:rerun-if-changed={}", dist.display());
    let table = ui_table(&dist);
    if let Err(error) = std::fs::write(out_dir.join("embedded_ui.rs"), table) {
        println!("cargo:warning=writing the embedded UI table: {error}");
        std::process::exit(1);
    }
    println!(
        "cargo:rustc-env=CAIRN_BUILD_COMMIT={}",
        commit_note(&manifest)
    );
}

/// The Rust source of the `FILES` table: every file under `dist`, sorted by path, with its bytes
/// (`include_bytes!`) and an ETag; an empty table when the UI is not built.
fn ui_table(dist: &Path) -> String {
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        collect(dist, "", &mut files);
    } else {
        println!(
            "cargo:warning=the web UI is not built ({} is missing): this cairn serves no UI; \
             build it with `npm ci && npm run build` in ui/",
            dist.join("index.html").display()
        );
    }
    files.sort();
    let mut table = String::from("static FILES: &[UiFile] = &[\n");
    for (relative, absolute) in &files {
        let Ok(bytes) = std::fs::read(absolute) else {
            println!("cargo:warning=cannot read {}", absolute.display());
            continue;
        };
        let _ = writeln!(
            table,
            "    UiFile {{ path: {relative:?}, bytes: include_bytes!({:?}), etag: \"\\\"{:016x}-{:x}\\\"\" }},",
            absolute.display().to_string(),
            fnv1a(&bytes),
            bytes.len()
        );
    }
    table.push_str("];\n");
    table
}

/// Every file below `folder` as (path relative to the UI's root with `/`, absolute path).
fn collect(folder: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            println!("cargo:warning=skipping a UI file whose name is not UTF-8");
            continue;
        };
        let relative = format!("{prefix}{name}");
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &format!("{relative}/"), files);
        } else if path.is_file() {
            let absolute = path.canonicalize().unwrap_or(path);
            files.push((relative, absolute));
        }
    }
}

/// 64-bit FNV-1a: a cheap, stable fingerprint for ETags (not a security hash).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `commit 0123456789ab` from git, else from `CAIRN_BUILD_COMMIT` (for builds from a source
/// tarball), else a note that the commit is unknown.
fn commit_note(manifest: &Path) -> String {
    println!("cargo:rerun-if-env-changed=CAIRN_BUILD_COMMIT");
    if let Some(commit) = std::env::var("CAIRN_BUILD_COMMIT")
        .ok()
        .filter(|commit| !commit.trim().is_empty())
    {
        return format!("commit {}", commit.trim());
    }
    let Some(commit) = git(manifest, &["rev-parse", "--short=12", "HEAD"]) else {
        return "commit unknown: built outside a git checkout".to_string();
    };
    // Rebuild when HEAD moves: a commit, a checkout (the files live in the worktree's git dir).
    for watched in ["HEAD", "logs/HEAD"] {
        if let Some(path) = git(manifest, &["rev-parse", "--git-path", watched]) {
            println!("cargo:rerun-if-changed={}", manifest.join(path).display());
        }
    }
    format!("commit {commit}")
}

/// A git command's trimmed output in `dir`, when git runs and succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}
