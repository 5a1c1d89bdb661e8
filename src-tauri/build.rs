//! Build script: embeds `tauri.conf.json`, the capabilities and the built UI (`../ui/dist`).

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Tauri embeds the UI at compile time, but nothing tells cargo to rebuild when it changes:
    // watch the whole folder (cargo scans a directory for any modified file).
    let ui_dist = Path::new("../ui/dist");
    println!("cargo:rerun-if-changed={}", ui_dist.display());
    // Say how to make the UI rather than fail deep in Tauri's codegen.
    let index_html = ui_dist.join("index.html");
    if !index_html.exists() {
        eprintln!(
            "error: the UI is not built: {} is missing\n\
             build it first with `npm ci && npm run build` in ui/ (scripts/app.sh does both)",
            index_html.display()
        );
        return ExitCode::FAILURE;
    }
    tauri_build::build();
    ExitCode::SUCCESS
}
