//! Corrupted import sources, made from the real fixtures: each one is listed in
//! `IndexReport.bad_files` with its path and why, nothing of it is half-imported, and every run
//! around it is still imported. One table of (how to corrupt, path suffix, reason fragment).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use cairn_core::RunSearch;
use cairn_core::RunSearchStore;
use cairn_core::model::{SourceKind, ViewType};
use cairn_index::tfrecord::{frame_record, scan_records};
use common::Sandbox;

const FILESTORE_EXPERIMENT: &str = "mlflow-filestore/mlruns/108632201977812354";
const SQLITE_DB: &str = "mlflow-sqlite/mlflow.db";
const TB_RUN: &str = "tensorboard/run-lr0.05-1";
const TB_EVENT_FILE: &str = "tensorboard/run-lr0.05-1/events.out.tfevents.1795485369.vm";

struct Case {
    name: &'static str,
    /// Damages the copy of the fixtures in `data`.
    corrupt: fn(data: &Path),
    /// The bad file's path ends with this.
    path_suffix: &'static str,
    /// Its reason contains this.
    reason: &'static str,
    /// Runs whose source path contains this are not imported (the rest all are).
    runs_lost_under: Option<&'static str>,
}

fn truncate_half(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
}

/// Every record's payload replaced by deterministic junk, framed with valid checksums.
fn garbage_protobuf(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let mut lengths = Vec::new();
    let scan = scan_records(&bytes, |record| lengths.push(record.len()));
    assert_eq!(scan.consumed, bytes.len(), "a clean real event file");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut out = Vec::new();
    for length in lengths {
        let junk: Vec<u8> = (0..length.max(8))
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Wire types 3, 4, 6 and 7 do not exist: start each record with one.
                (state as u8) | 0x07
            })
            .collect();
        out.extend_from_slice(&frame_record(&junk));
    }
    std::fs::write(path, out).unwrap();
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "truncated mlflow.db",
            corrupt: |data| truncate_half(&data.join(SQLITE_DB)),
            path_suffix: SQLITE_DB,
            reason: "cannot read database",
            runs_lost_under: Some("mlflow-sqlite"),
        },
        Case {
            name: "text mlflow.db",
            corrupt: |data| std::fs::write(data.join(SQLITE_DB), "not a database\n").unwrap(),
            path_suffix: SQLITE_DB,
            reason: "not an SQLite database",
            runs_lost_under: Some("mlflow-sqlite"),
        },
        Case {
            name: "meta.yaml that is a folder",
            corrupt: |data| {
                let meta = data
                    .join(FILESTORE_EXPERIMENT)
                    .join("feb1cc059a1347859b01a25d157ad9f0/meta.yaml");
                std::fs::remove_file(&meta).unwrap();
                std::fs::create_dir(&meta).unwrap();
            },
            path_suffix: "feb1cc059a1347859b01a25d157ad9f0/meta.yaml",
            reason: "is a folder",
            runs_lost_under: Some("feb1cc059a1347859b01a25d157ad9f0"),
        },
        Case {
            name: "binary param file",
            corrupt: |data| {
                let param = data
                    .join(FILESTORE_EXPERIMENT)
                    .join("82b858632cb1454bb80f252f2c389d0f/params/alpha");
                std::fs::write(param, [0x30, 0x2e, 0xff, 0xfe, 0x00, 0x80]).unwrap();
            },
            path_suffix: "82b858632cb1454bb80f252f2c389d0f/params/alpha",
            reason: "not UTF-8",
            runs_lost_under: Some("82b858632cb1454bb80f252f2c389d0f"),
        },
        Case {
            name: "non-UTF-8 Lightning metrics.csv",
            corrupt: |data| {
                let version = data.join("lightning_logs/version_0");
                std::fs::create_dir_all(&version).unwrap();
                std::fs::write(version.join("hparams.yaml"), "lr: 0.01\n").unwrap();
                // Latin-1 text, as a tool that is not Lightning might write it.
                std::fs::write(
                    version.join("metrics.csv"),
                    b"epoch,step,p\xe9rte\n0,0,1.5\n0,1,1.25\n",
                )
                .unwrap();
            },
            path_suffix: "lightning_logs/version_0/metrics.csv",
            reason: "not UTF-8",
            runs_lost_under: None,
        },
        Case {
            name: "event file of garbage protobuf",
            corrupt: |data| garbage_protobuf(&data.join(TB_EVENT_FILE)),
            path_suffix: TB_EVENT_FILE,
            reason: "not TensorBoard events",
            runs_lost_under: None,
        },
    ]
}

/// The source of every run imported, relative to the data folder (TensorBoard and CSV run ids
/// are hashed from the absolute path, so sources are what two sandboxes can compare); an
/// `mlflow.db` run as `<db>#<run id>`.
fn imported_runs(sandbox: &Sandbox) -> BTreeSet<String> {
    let search = RunSearch {
        view: ViewType::All,
        max_results: 10_000,
        ..RunSearch::default()
    };
    let data = sandbox.data();
    sandbox
        .store
        .search_runs(&search)
        .unwrap()
        .runs
        .into_iter()
        .map(|run| {
            let source = run.info.source_path.unwrap_or_default();
            let relative = Path::new(&source)
                .strip_prefix(&data)
                .map_or(source.clone(), |p| p.display().to_string());
            if run.info.source_kind == SourceKind::MlflowDb {
                format!("{relative}#{}", run.info.run_id)
            } else {
                relative
            }
        })
        .collect()
}

#[test]
fn corrupted_sources_are_listed_as_bad_files_and_the_rest_is_imported() {
    let clean = Sandbox::new("");
    let clean_report = clean.index();
    assert!(clean_report.bad_files.is_empty(), "{clean_report:?}");
    let all_runs = imported_runs(&clean);
    for case in cases() {
        let sandbox = Sandbox::new("");
        (case.corrupt)(&sandbox.data());
        let report = sandbox.index();
        let listed: Vec<_> = report
            .bad_files
            .iter()
            .filter(|bad| bad.path.ends_with(case.path_suffix))
            .collect();
        assert_eq!(listed.len(), 1, "{}: {:?}", case.name, report.bad_files);
        assert!(
            listed[0].reason.contains(case.reason),
            "{}: {:?}",
            case.name,
            listed[0]
        );
        assert_eq!(report.bad_files.len(), 1, "{}: {report:?}", case.name);
        let expected: BTreeSet<_> = all_runs
            .iter()
            .filter(|source| {
                case.runs_lost_under
                    .is_none_or(|lost| !source.contains(lost))
            })
            .cloned()
            .collect();
        assert!(expected.len() < all_runs.len() || case.runs_lost_under.is_none());
        assert_eq!(imported_runs(&sandbox), expected, "{}", case.name);
        // A second pass imports nothing more of it (an event file read once is remembered; the
        // other sources are reported again).
        let again = sandbox.index();
        assert!(again.bad_files.len() <= 1, "{}: {again:?}", case.name);
        assert_eq!(imported_runs(&sandbox), expected, "{}", case.name);
    }
}

#[test]
fn garbage_event_file_gives_no_points_and_its_run_keeps_its_hparams() {
    let sandbox = Sandbox::new("");
    garbage_protobuf(&sandbox.data().join(TB_EVENT_FILE));
    sandbox.index();
    let search = RunSearch {
        max_results: 10_000,
        ..RunSearch::default()
    };
    let run = sandbox
        .store
        .search_runs(&search)
        .unwrap()
        .runs
        .into_iter()
        .find(|run| {
            run.info
                .source_path
                .as_deref()
                .is_some_and(|source| source.ends_with(TB_RUN))
        })
        .expect("the run is still imported from its hparams folder");
    // The real file's scalars (`loss/val`, see event_files.rs) are gone with it; the hparams
    // subfolder's own file still gives the run its params and `hparam/*` metrics.
    assert!(
        !run.metrics.iter().any(|metric| metric.key == "loss/val"),
        "{:?}",
        run.metrics
    );
    assert!(!run.params.is_empty());
}

/// The whole TensorBoard importer (chunked reads, offsets, the store) on real event files with
/// random bytes changed, cut short, or re-framed around junk payloads, with a fixed seed: no
/// panic, every pass succeeds, and a second pass over the same files (resuming from the offsets
/// the first remembered) does too.
#[test]
fn mutated_real_event_files_never_panic_the_importer() {
    let sandbox = Sandbox::new("tensorboard");
    let real = std::fs::read(
        sandbox
            .data()
            .join("run-lr0.05-1/events.out.tfevents.1795485369.vm"),
    )
    .unwrap();
    let mut state = 0x5DEE_CE66_D1CE_4E5Bu64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let fuzz = sandbox.data().join("fuzz");
    for round in 0..120 {
        let mut bytes = real.clone();
        match round % 3 {
            0 => {
                for _ in 0..1 + next() % 32 {
                    let at = (next() as usize) % bytes.len();
                    bytes[at] = next() as u8;
                }
            }
            1 => bytes.truncate((next() as usize) % bytes.len()),
            _ => {
                let mut payloads = Vec::new();
                scan_records(&bytes, |record| payloads.push(record.to_vec()));
                bytes.clear();
                for mut payload in payloads {
                    if next() % 4 == 0 {
                        let at = (next() as usize) % payload.len().max(1);
                        payload.truncate(at);
                        payload.extend((0..next() % 24).map(|_| next() as u8));
                    }
                    bytes.extend_from_slice(&frame_record(&payload));
                }
            }
        }
        let run = fuzz.join(format!("run-{round:03}"));
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join("events.out.tfevents.1.fuzz"), &bytes).unwrap();
    }
    let first = sandbox.index();
    assert!(
        first.runs_new >= 4,
        "the real runs beside the fuzz: {first:?}"
    );
    assert!(
        first.bad_records > 0 && !first.bad_files.is_empty(),
        "mutations were noticed: {first:?}"
    );
    // Grow every file by a junk tail: the next pass resumes from each remembered offset.
    for round in 0..120 {
        let file = fuzz.join(format!("run-{round:03}/events.out.tfevents.1.fuzz"));
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend((0..next() % 64).map(|_| next() as u8));
        std::fs::write(&file, bytes).unwrap();
    }
    sandbox.index();
}
