//! Embeds every `migrations/NNNN_*.sql` file of the workspace into the binary, in order.
//! A new file is picked up without touching this crate's code.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let migrations_dir = manifest_dir.join("../../migrations");
    println!("cargo:rerun-if-changed={}", migrations_dir.display());
    let mut files: Vec<(u32, String, PathBuf)> = Vec::new();
    let entries = std::fs::read_dir(&migrations_dir)
        .unwrap_or_else(|error| panic!("reading {}: {error}", migrations_dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.extension().is_none_or(|extension| extension != "sql") {
            continue;
        }
        let number: u32 = name
            .split('_')
            .next()
            .and_then(|digits| digits.parse().ok())
            .unwrap_or_else(|| panic!("migration {name} must start with its number, e.g. 0002_"));
        println!("cargo:rerun-if-changed={}", path.display());
        files.push((number, name, path));
    }
    files.sort();
    for (index, (number, name, _)) in files.iter().enumerate() {
        assert_eq!(
            *number as usize,
            index + 1,
            "migrations must be numbered 1, 2, 3... without gaps; {name} is out of place"
        );
    }
    let mut code = String::from("/// Every migration, in order: (version, file name, SQL).\n");
    code.push_str("pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[\n");
    for (number, name, path) in &files {
        let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            code,
            "    ({number}, {name:?}, include_str!({:?})),",
            absolute.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("migrations.rs");
    std::fs::write(&out, code).unwrap_or_else(|error| panic!("writing {}: {error}", out.display()));
}
