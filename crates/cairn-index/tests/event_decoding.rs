//! What the event reader makes of the real tensorboardX files, pinned with `expect-test`
//! (`UPDATE_EXPECT=1 cargo test -p cairn-index --test event_decoding` refreshes the snapshots).
#![allow(
    clippy::unwrap_used,
    reason = "a broken fixture should stop the test loudly"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use cairn_index::event::{DecodedEvents, EventDecoder};
use cairn_index::tfrecord::scan_records;
use expect_test::{Expect, expect};

fn fixture_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/real/tensorboard/run-lr0.001-0")
}

/// Every event file under `dir` (sorted), summarised: records, bad records, hparams, and per
/// scalar tag its point count, first and last (step, value).
fn summarise(dir: &Path) -> String {
    let mut files: Vec<_> = walk(dir);
    files.sort();
    let mut out = String::new();
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let mut decoder = EventDecoder::default();
        let mut decoded = DecodedEvents::default();
        let mut records = 0;
        let scan = scan_records(&bytes, |record| {
            records += 1;
            decoder.decode(record, &mut decoded);
        });
        let relative = file.strip_prefix(dir).unwrap().display().to_string();
        let name = if relative.contains('/') {
            "hparams subfolder"
        } else {
            "main file"
        };
        writeln!(
            out,
            "{name}: {records} records, {} bad, {} of {} bytes",
            scan.bad_records,
            scan.consumed,
            bytes.len()
        )
        .unwrap();
        for (key, value) in &decoded.hparams {
            writeln!(out, "  hparam {key} = {value}").unwrap();
        }
        let mut by_tag: BTreeMap<&str, Vec<(i64, f64)>> = BTreeMap::new();
        for point in &decoded.scalars {
            by_tag
                .entry(&point.tag)
                .or_default()
                .push((point.step, point.value));
        }
        for (tag, points) in by_tag {
            let (first, last) = (points[0], points[points.len() - 1]);
            writeln!(
                out,
                "  scalar {tag}: {} points, first ({}, {:.6}), last ({}, {:.6})",
                points.len(),
                first.0,
                first.1,
                last.0,
                last.1
            )
            .unwrap();
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn check(dir: &Path, expect: Expect) {
    expect.assert_eq(&summarise(dir));
}

#[test]
fn tensorboardx_run_with_add_hparams() {
    check(
        &fixture_dir(),
        expect![[r#"
        hparams subfolder: 5 records, 0 bad, 390 of 390 bytes
          hparam lr = 0.001
          hparam alpha = 0.0001
          scalar hparam/final_acc: 1 points, first (0, 0.833333), last (0, 0.833333)
        main file: 92 records, 0 bad, 285563 of 285563 bytes
          scalar acc/val: 30 points, first (0, 0.820000), last (29, 0.833333)
          scalar loss/val: 30 points, first (0, 0.593610), last (29, 0.359468)
    "#]],
    );
}
