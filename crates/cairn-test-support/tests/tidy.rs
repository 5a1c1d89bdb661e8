//! Tidy checks under `cargo test`: the crate boundaries (`scripts/check-boundaries.sh`), a
//! `//!` line opening every module, and every path ARCHITECTURE.md names existing. Each failure
//! names the files to fix.

use cairn_test_support::tidy::{
    missing_architecture_paths, modules_without_doc_line, workspace_root,
};

#[test]
fn crate_boundaries_hold() {
    let script = workspace_root().join("scripts/check-boundaries.sh");
    let output = std::process::Command::new("bash")
        .arg(&script)
        .output()
        .unwrap_or_else(|error| panic!("running {}: {error}", script.display()));
    assert!(
        output.status.success(),
        "{} failed:\n{}{}",
        script.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_module_opens_with_a_doc_line() {
    let missing = modules_without_doc_line(&workspace_root());
    assert!(
        missing.is_empty(),
        "these modules need a `//!` line saying what they are for:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn every_path_in_architecture_md_exists() {
    let missing = missing_architecture_paths(&workspace_root());
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist (fix the text or the tree):\n  {}",
        missing.join("\n  ")
    );
}
