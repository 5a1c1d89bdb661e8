//! `cairn store copy` with artifact files in an object store: a laptop's store file and its
//! artifact folder go to another store with the files in a bucket of a real S3-compatible
//! server (`--destination-artifacts s3://...`), byte for byte and resumably, and come back into a
//! folder (`--source-artifacts`); a bucket that cannot be reached is an error naming it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod common;

use std::path::{Path, PathBuf};

use cairn_test_support::s3::fresh_bucket;
use common::Sandbox;

/// Every file under `root`, as (path relative to it, bytes), sorted.
fn files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path.strip_prefix(root).unwrap().to_path_buf(), bytes));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn artifact_files_go_into_a_bucket_and_come_back() {
    let bucket = fresh_bucket();
    let sandbox = Sandbox::with_store("laptop.db");
    let env = bucket.env();
    let cairn = |args: &[&str]| {
        let mut command = sandbox.command();
        for (key, value) in &env {
            command.env(key, value);
        }
        // Outside any git checkout: the runs' only artifacts are their output logs.
        let output = command
            .current_dir(sandbox.home())
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    for name in ["first", "second"] {
        let (code, _, stderr) = cairn(&[
            "--store",
            sandbox.store().to_str().unwrap(),
            "run",
            "--name",
            name,
            "--system-metrics-interval",
            "0",
            "--",
            "sh",
            "-c",
            "echo trained; head -c 9000000 /dev/zero | tr '\\0' x",
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let laptop_files = sandbox.path("laptop-artifacts");
    let before = files(&laptop_files);
    let names: Vec<(&PathBuf, usize)> = before
        .iter()
        .map(|(path, bytes)| (path, bytes.len()))
        .collect();
    assert_eq!(before.len(), 2, "{names:?}");
    assert!(before.iter().all(|(_, bytes)| bytes.len() > 9_000_000));

    let team = sandbox.path("team.db");
    let uri = bucket.uri("team");
    let copy_to_team = || {
        cairn(&[
            "--json",
            "store",
            "copy",
            sandbox.store().to_str().unwrap(),
            team.to_str().unwrap(),
            "--destination-artifacts",
            &uri,
        ])
    };
    let (code, stdout, stderr) = copy_to_team();
    assert_eq!(code, 0, "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["artifact_files_copied"], 2, "{report}");
    assert_eq!(report["verified"], true);
    assert!(
        !sandbox.path("team-artifacts").exists(),
        "the files went to the bucket, not beside the store"
    );

    // Again: everything is there at its size, nothing is sent.
    let (code, stdout, _) = copy_to_team();
    assert_eq!(code, 0);
    let again: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(again["artifact_files_copied"], 0, "{again}");

    // And home again, from the bucket into a new store's folder, byte for byte.
    let home = sandbox.path("home.db");
    let (code, stdout, stderr) = cairn(&[
        "--json",
        "store",
        "copy",
        team.to_str().unwrap(),
        home.to_str().unwrap(),
        "--source-artifacts",
        &uri,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // Byte for byte, and nothing else: the bucket's upload journal (the copy's own heartbeat,
    // written while it sent the large files) stays in the bucket.
    let home_files = files(&sandbox.path("home-artifacts"));
    let home_names: Vec<&PathBuf> = home_files.iter().map(|(path, _)| path).collect();
    assert!(
        home_files == before,
        "the files came back different: {home_names:?}"
    );

    // A bucket nobody serves is named, with no secret in the message.
    let (code, _, stderr) = {
        let mut command = sandbox.command();
        command
            .env("MLFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_ACCESS_KEY_ID", "someone")
            .env("AWS_SECRET_ACCESS_KEY", "a-secret-value");
        let output = command
            .args([
                "store",
                "copy",
                sandbox.store().to_str().unwrap(),
                sandbox.path("other.db").to_str().unwrap(),
                "--destination-artifacts",
                "s3://nowhere/x",
            ])
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::new(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    assert_ne!(code, 0);
    assert!(stderr.contains("nowhere"), "{stderr}");
    assert!(!stderr.contains("a-secret-value"), "{stderr}");
}
