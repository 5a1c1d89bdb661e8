//! `cairn diff RUN_A RUN_B`: params, code and data differences, with warnings.

use cairn_core::Store;
use cairn_provenance::{Change, diff_runs};
use serde_json::json;

pub fn diff(store: &dyn Store, run_a: &str, run_b: &str, json: bool) -> anyhow::Result<()> {
    let diff = diff_runs(store, run_a, run_b)?;
    let change_json = |change: &Change| json!({"key": change.key, "a": change.a, "b": change.b});
    if json {
        let value = json!({
            "params": diff.params.iter().map(change_json).collect::<Vec<_>>(),
            "code": diff.code.as_ref().map(change_json),
            "data": diff.data.iter().map(change_json).collect::<Vec<_>>(),
            "data_files": diff.data_files.iter().map(|(path, files)| json!({
                "path": path,
                "files": files.iter().map(|f| json!({"path": f.rel_path, "a": f.a, "b": f.b})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "warnings": diff.warnings,
        });
        return super::print_json(&value);
    }
    for warning in &diff.warnings {
        eprintln!("warning: {warning}");
    }
    let side = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_string());
    if !diff.params.is_empty() {
        outln!("params:")?;
        for change in &diff.params {
            outln!(
                "  {}: {} -> {}",
                change.key,
                side(&change.a),
                side(&change.b)
            )?;
        }
    }
    if let Some(code) = &diff.code {
        outln!("code:\n  {} -> {}", side(&code.a), side(&code.b))?;
    }
    if !diff.data.is_empty() {
        outln!("data:")?;
        for change in &diff.data {
            outln!(
                "  {}: {} -> {}",
                change.key,
                side(&change.a),
                side(&change.b)
            )?;
        }
        for (path, files) in &diff.data_files {
            for file in files {
                let mark = match (&file.a, &file.b) {
                    (None, _) => "+",
                    (_, None) => "-",
                    _ => "M",
                };
                outln!("    {mark} {path}/{}", file.rel_path)?;
            }
        }
    }
    if diff.params.is_empty() && diff.code.is_none() && diff.data.is_empty() {
        outln!("no differences in params, code or data")?;
    }
    Ok(())
}
