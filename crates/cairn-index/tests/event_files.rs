//! TensorBoard and CSV logs: the real event files import to `expected.json`, growing files
//! resume from their offset, corrupt copies are counted not fatal, and the event reader
//! survives random and mutated bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers shared by tests fail loudly on broken fixtures"
)]

mod common;

use std::io::Write;
use std::path::Path;

use cairn_core::model::SourceKind;
use cairn_core::{RunSearchStore, TrackingStore};
use cairn_index::event::{DecodedEvents, EventDecoder};
use cairn_index::proto::Writer;
use cairn_index::tfrecord::{frame_record, scan_records};
use cairn_test_support::Random;
use common::{Sandbox, expected};

fn run_id_of(sandbox: &Sandbox, name: &str) -> String {
    let page = sandbox
        .store
        .search_runs(&cairn_core::RunSearch::default())
        .unwrap();
    page.runs
        .into_iter()
        .find(|run| run.info.run_name == name)
        .unwrap_or_else(|| panic!("run {name} imported"))
        .info
        .run_id
}

fn event_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = walk(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("events.out")
        })
        .collect();
    files.sort();
    files
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

#[test]
fn tensorboard_imports_to_expected() {
    let sandbox = Sandbox::new("tensorboard");
    let report = sandbox.index();
    assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
    assert_eq!(
        report.runs_new, 4,
        "hparams subfolders fold into their parent run"
    );
    let expected = expected();
    for (name, run) in expected["tensorboard"].as_object().unwrap() {
        let run_id = run_id_of(&sandbox, name);
        let got = sandbox.store.get_run(&run_id).unwrap();
        assert_eq!(got.info.source_kind, SourceKind::Tensorboard);
        for (tag, points) in run["scalars"].as_object().unwrap() {
            let history = sandbox.store.metric_history(&run_id, tag).unwrap();
            let points = points.as_array().unwrap();
            assert_eq!(history.len(), points.len(), "{name} {tag}");
            for (got, want) in history.iter().zip(points) {
                assert_eq!(got.step, want[0].as_i64().unwrap());
                let want = want[1].as_f64().unwrap();
                assert!(
                    (got.value - want).abs() < 1e-6,
                    "{name} {tag}: {} vs {want}",
                    got.value
                );
            }
        }
        for (key, value) in run["hparams"].as_object().unwrap() {
            let param = got
                .params
                .iter()
                .find(|p| &p.key == key)
                .unwrap_or_else(|| panic!("{name} hparam {key}"));
            let parsed: f64 = param.value.parse().unwrap();
            assert!(
                (parsed - value.as_f64().unwrap()).abs() < 1e-12,
                "{name} {key}"
            );
        }
    }
    let again = sandbox.index();
    assert_eq!(
        (again.runs_new, again.runs_updated, again.points),
        (0, 0, 0)
    );
    assert_eq!(again.runs_unchanged, 4);
}

#[test]
fn growing_event_file_resumes_from_its_offset() {
    let sandbox = Sandbox::new("tensorboard");
    let run_dir = sandbox.data().join("run-lr0.001-0");
    let main_file = event_files(&run_dir)
        .into_iter()
        .find(|p| p.parent() == Some(run_dir.as_path()))
        .unwrap();
    let full = std::fs::read(&main_file).unwrap();
    // The writer is mid-way: cut inside a record, somewhere past the middle.
    let cut = full.len() * 3 / 5;
    std::fs::write(&main_file, &full[..cut]).unwrap();
    let first = sandbox.index();
    let run_id = run_id_of(&sandbox, "run-lr0.001-0");
    let partial = sandbox
        .store
        .metric_history(&run_id, "loss/val")
        .unwrap()
        .len();
    assert!(partial > 0 && partial < 30, "{partial}");
    assert_eq!(first.bad_records, 0);
    std::fs::write(&main_file, &full).unwrap();
    let second = sandbox.index();
    assert_eq!(second.runs_updated, 1, "{second:?}");
    let history = sandbox.store.metric_history(&run_id, "loss/val").unwrap();
    assert_eq!(history.len(), 30);
    let steps: Vec<i64> = history.iter().map(|p| p.step).collect();
    assert_eq!(steps, (0..30).collect::<Vec<_>>());
}

#[test]
fn corrupted_event_file_skips_bad_records_and_keeps_the_rest() {
    let sandbox = Sandbox::new("tensorboard");
    let run_dir = sandbox.data().join("run-lr0.05-1");
    let main_file = event_files(&run_dir)
        .into_iter()
        .find(|p| p.parent() == Some(run_dir.as_path()))
        .unwrap();
    let mut bytes = std::fs::read(&main_file).unwrap();
    // Flip payload bytes in the second half (data, not lengths, with good odds).
    let len = bytes.len();
    for offset in [len / 2, len / 2 + 333, len * 3 / 4] {
        bytes[offset] ^= 0x5a;
    }
    std::fs::write(&main_file, &bytes).unwrap();
    let report = sandbox.index();
    assert!(
        report.bad_records > 0 || !report.bad_files.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.runs_new, 4);
    let run_id = run_id_of(&sandbox, "run-lr0.05-1");
    let history = sandbox.store.metric_history(&run_id, "loss/val").unwrap();
    assert!(!history.is_empty() && history.len() <= 30);
}

#[test]
fn event_reader_never_panics_on_random_or_mutated_bytes() {
    let real: Vec<Vec<u8>> = event_files(&common::fixtures().join("tensorboard"))
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for round in 0..2000 {
        let mut bytes = if round % 2 == 0 {
            let source = &real[round % real.len()];
            let mut bytes = source.clone();
            for _ in 0..(1 + random.next_u64() % 16) {
                let at = (random.next_u64() as usize) % bytes.len();
                bytes[at] = random.next_u64() as u8;
            }
            let keep = (random.next_u64() as usize) % (bytes.len() + 1);
            bytes.truncate(keep.max(bytes.len() / 2));
            bytes
        } else {
            let len = (random.next_u64() % 512) as usize;
            (0..len).map(|_| random.next_u64() as u8).collect()
        };
        let mut decoder = EventDecoder::default();
        let mut out = DecodedEvents::default();
        let scan = scan_records(&bytes, |record| decoder.decode(record, &mut out));
        assert!(scan.consumed <= bytes.len());
        // Records with valid framing but random payloads must decode without panicking too.
        let payload: Vec<u8> = bytes.drain(..bytes.len().min(64)).collect();
        decoder.decode(&payload, &mut out);
        let framed = frame_record(&payload);
        scan_records(&framed, |record| decoder.decode(record, &mut out));
    }
}

/// An event with a TF2 scalar: `tensor` DT_FLOAT rank 0, metadata only on the first one.
fn tf2_event(step: u64, value: f32, with_metadata: bool, content: bool) -> Vec<u8> {
    let mut tensor = Writer::default();
    tensor.uint(1, 1).bytes(2, &[]);
    if content {
        tensor.bytes(4, &value.to_le_bytes());
    } else {
        tensor.float(5, value);
    }
    let mut summary_value = Writer::default();
    summary_value.bytes(1, b"train/loss");
    if with_metadata {
        let mut plugin = Writer::default();
        plugin.bytes(1, b"scalars");
        let mut metadata = Writer::default();
        metadata.bytes(1, &plugin.bytes);
        summary_value.bytes(9, &metadata.bytes);
    }
    summary_value.bytes(8, &tensor.bytes);
    let mut summary = Writer::default();
    summary.bytes(1, &summary_value.bytes);
    let mut event = Writer::default();
    event
        .double(1, 1_700_000_000.0 + step as f64)
        .uint(2, step)
        .bytes(5, &summary.bytes);
    event.bytes
}

#[test]
fn tf2_tensor_scalars_are_read_and_the_scalar_tag_is_remembered_across_passes() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("logs/tf2-run");
    std::fs::create_dir_all(&run_dir).unwrap();
    let file = run_dir.join("events.out.tfevents.1700000000.host");
    let mut bytes = Vec::new();
    for step in 0..5 {
        bytes.extend(frame_record(&tf2_event(
            step,
            step as f32 * 0.5,
            step == 0,
            step % 2 == 0,
        )));
    }
    std::fs::write(&file, &bytes).unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let index = || {
        cairn_index::index_paths(
            &store,
            &[dir.path().join("logs")],
            &mut cairn_index::NoProgress,
        )
        .unwrap()
    };
    assert_eq!(index().runs_new, 1);
    // More events without metadata: the tag is known to be a scalar from the saved state.
    let mut more = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    for step in 5..8 {
        more.write_all(&frame_record(&tf2_event(step, 9.0, false, true)))
            .unwrap();
    }
    drop(more);
    assert_eq!(index().runs_updated, 1);
    let run = store
        .search_runs(&cairn_core::RunSearch::default())
        .unwrap()
        .runs[0]
        .clone();
    let history = store
        .metric_history(&run.info.run_id, "train/loss")
        .unwrap();
    assert_eq!(history.len(), 8);
    assert_eq!(history[3].value, 1.5);
    assert_eq!(history[7].value, 9.0);
    assert_eq!(history[0].timestamp_ms, 1_700_000_000_000);
}

#[test]
fn keras_csv_grows_and_resumes_with_a_partial_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("keras-exp");
    std::fs::create_dir_all(&logs).unwrap();
    let file = logs.join("training.log");
    std::fs::write(
        &file,
        "epoch,accuracy,loss,val_loss\n0,0.5,1.0,NA\n1,0.6,0.8,0.9\n2,0.7,0.",
    )
    .unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let index = || {
        cairn_index::index_paths(
            &store,
            std::slice::from_ref(&logs),
            &mut cairn_index::NoProgress,
        )
        .unwrap()
    };
    let first = index();
    assert_eq!(first.runs_new, 1);
    let run = store
        .search_runs(&cairn_core::RunSearch::default())
        .unwrap()
        .runs[0]
        .clone();
    assert_eq!(run.info.source_kind, SourceKind::KerasCsv);
    assert_eq!(run.info.run_name, "training");
    assert_eq!(
        store
            .metric_history(&run.info.run_id, "loss")
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .metric_history(&run.info.run_id, "val_loss")
            .unwrap()
            .len(),
        1
    );
    let mut append = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    append.write_all(b"6,0.7\n3,0.8,0.5,0.6\n").unwrap();
    drop(append);
    let second = index();
    assert_eq!(second.runs_updated, 1, "{second:?}");
    let loss = store.metric_history(&run.info.run_id, "loss").unwrap();
    let steps: Vec<i64> = loss.iter().map(|p| p.step).collect();
    assert_eq!(steps, vec![0, 1, 2, 3]);
    assert_eq!(loss[2].value, 0.6);
    let third = index();
    assert_eq!(
        (third.runs_new, third.runs_updated, third.runs_unchanged),
        (0, 0, 1)
    );
}

#[test]
fn lightning_csv_with_hparams_imports_sparse_rows() {
    let dir = tempfile::tempdir().unwrap();
    let version = dir.path().join("lightning_logs/version_0");
    std::fs::create_dir_all(&version).unwrap();
    std::fs::write(
        version.join("metrics.csv"),
        "epoch,step,train_loss,val_acc\n0,49,0.9,\n0,49,,0.7\n1,99,0.5,\n1,99,,0.8\n",
    )
    .unwrap();
    std::fs::write(
        version.join("hparams.yaml"),
        "lr: 0.001\noptimizer:\n  name: adam\n  betas: [0.9, 0.999]\nbatch_size: 32\n",
    )
    .unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let report = cairn_index::index_paths(
        &store,
        &[dir.path().to_path_buf()],
        &mut cairn_index::NoProgress,
    )
    .unwrap();
    assert_eq!(report.runs_new, 1, "{report:?}");
    let run = store
        .search_runs(&cairn_core::RunSearch::default())
        .unwrap()
        .runs[0]
        .clone();
    assert_eq!(run.info.source_kind, SourceKind::LightningCsv);
    assert_eq!(run.info.run_name, "version_0");
    let params: Vec<(String, String)> = run
        .params
        .iter()
        .map(|p| (p.key.clone(), p.value.clone()))
        .collect();
    assert!(params.contains(&("lr".into(), "0.001".into())));
    assert!(params.contains(&("optimizer/name".into(), "adam".into())));
    assert!(params.contains(&("batch_size".into(), "32".into())));
    let val_acc = store.metric_history(&run.info.run_id, "val_acc").unwrap();
    assert_eq!(
        val_acc
            .iter()
            .map(|p| (p.step, p.value))
            .collect::<Vec<_>>(),
        vec![(49, 0.7), (99, 0.8)]
    );
    assert_eq!(
        store
            .metric_history(&run.info.run_id, "train_loss")
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn truncated_csv_and_garbage_event_files_do_not_stop_the_rest() {
    let sandbox = Sandbox::new("tensorboard");
    let junk_dir = sandbox.data().join("junk-run");
    std::fs::create_dir_all(&junk_dir).unwrap();
    std::fs::write(
        junk_dir.join("events.out.tfevents.1.junk"),
        vec![0xffu8; 1000],
    )
    .unwrap();
    std::fs::write(sandbox.data().join("history.csv"), "epoch,loss\n0,1").unwrap();
    let report = sandbox.index();
    assert!(
        report.bad_records > 0 || !report.bad_files.is_empty(),
        "{report:?}"
    );
    assert!(report.runs_new >= 4, "{report:?}");
}

fn tf1_event(step: u64, wall_time: f64, tag: &str, value: f32) -> Vec<u8> {
    let mut summary_value = Writer::default();
    summary_value.bytes(1, tag.as_bytes()).float(2, value);
    let mut summary = Writer::default();
    summary.bytes(1, &summary_value.bytes);
    let mut event = Writer::default();
    event
        .double(1, wall_time)
        .uint(2, step)
        .bytes(5, &summary.bytes);
    event.bytes
}

#[test]
fn a_restarted_job_keeps_both_segments_when_the_step_goes_backwards() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("runs/restarted");
    std::fs::create_dir_all(&run_dir).unwrap();
    let mut first = Vec::new();
    for step in 0..5 {
        first.extend(frame_record(&tf1_event(
            step,
            1.0e9 + step as f64,
            "loss",
            1.0,
        )));
    }
    std::fs::write(run_dir.join("events.out.tfevents.1000000000.a"), first).unwrap();
    let mut second = Vec::new();
    for step in 3..6 {
        second.extend(frame_record(&tf1_event(
            step,
            2.0e9 + step as f64,
            "loss",
            0.5,
        )));
    }
    std::fs::write(run_dir.join("events.out.tfevents.2000000000.a"), second).unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let report = cairn_index::index_paths(
        &store,
        &[dir.path().join("runs")],
        &mut cairn_index::NoProgress,
    )
    .unwrap();
    assert_eq!(report.runs_new, 1);
    let run = store
        .search_runs(&cairn_core::RunSearch::default())
        .unwrap()
        .runs[0]
        .clone();
    let steps: Vec<i64> = store
        .metric_history(&run.info.run_id, "loss")
        .unwrap()
        .iter()
        .map(|p| p.step)
        .collect();
    assert_eq!(steps, vec![0, 1, 2, 3, 4, 3, 4, 5]);
    assert_eq!(run.info.start_time_ms, Some(1_000_000_000_000));
}

#[test]
fn watch_indexes_again_when_a_file_appears() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            cairn_index::watch(
                &store,
                std::slice::from_ref(&logs),
                &[dir.path().join("cairn.db")],
                &mut cairn_index::NoProgress,
                &stop,
                |report| sender.send(report.clone()).unwrap(),
            )
        });
        let first = receiver
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap();
        assert_eq!(first.runs_new, 0);
        std::fs::write(logs.join("history.csv"), "epoch,loss\n0,1.0\n1,0.5\n").unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let mut seen_new = false;
        while std::time::Instant::now() < deadline && !seen_new {
            if let Ok(report) = receiver.recv_timeout(std::time::Duration::from_millis(500)) {
                seen_new = report.runs_new == 1;
            }
        }
        stop.store(true, Ordering::Relaxed);
        watcher.join().unwrap().unwrap();
        assert!(seen_new, "a pass after the file appeared imported it");
    });
}

#[test]
fn lightning_rewriting_its_csv_with_a_wider_header_is_reread() {
    let dir = tempfile::tempdir().unwrap();
    let version = dir.path().join("lightning_logs/version_3");
    std::fs::create_dir_all(&version).unwrap();
    let metrics = version.join("metrics.csv");
    std::fs::write(&metrics, "epoch,step,train_loss\n0,9,0.9\n0,19,0.8\n").unwrap();
    let store = cairn_core::SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let index = || {
        cairn_index::index_paths(
            &store,
            &[dir.path().to_path_buf()],
            &mut cairn_index::NoProgress,
        )
        .unwrap()
    };
    assert_eq!(index().runs_new, 1);
    // A new key appears: Lightning writes the file again from the top with the union header.
    std::fs::write(
        &metrics,
        "epoch,step,train_loss,val_acc\n0,9,0.9,\n0,19,0.8,\n0,19,,0.6\n1,29,0.7,\n",
    )
    .unwrap();
    assert_eq!(index().runs_updated, 1);
    let run = store
        .search_runs(&cairn_core::RunSearch::default())
        .unwrap()
        .runs[0]
        .clone();
    let loss = store
        .metric_history(&run.info.run_id, "train_loss")
        .unwrap();
    assert_eq!(
        loss.iter().map(|p| p.step).collect::<Vec<_>>(),
        vec![9, 19, 29]
    );
    assert_eq!(
        store
            .metric_history(&run.info.run_id, "val_acc")
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn git_node_modules_and_virtualenvs_are_not_walked() {
    let sandbox = Sandbox::new("tensorboard");
    let run = sandbox.data().join("run-lr0.001-0");
    let events = event_files(&run);
    for hidden in [
        "project/.git/logs",
        "web/node_modules/pkg",
        "env/lib/python3.12",
    ] {
        let dir = sandbox.data().join(hidden).join("run-x");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&events[0], dir.join("events.out.tfevents.1.copy")).unwrap();
    }
    std::fs::write(sandbox.data().join("env/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    let report = sandbox.index();
    assert_eq!(report.runs_new, 4, "{report:?}");
}

#[test]
fn runs_named_after_a_timestamp_are_not_folded_into_their_parent() {
    let sandbox = Sandbox::new("tensorboard");
    let source = event_files(&sandbox.data().join("run-lr0.01-2"))
        .into_iter()
        .find(|p| p.parent().unwrap().ends_with("run-lr0.01-2"))
        .unwrap();
    // A logs folder whose run folders are timestamps, with no event file of its own.
    for run in ["1795000000.25", "1795000001.5"] {
        let dir = sandbox.data().join("by-time").join(run);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&source, dir.join("events.out.tfevents.1.copy")).unwrap();
    }
    let report = sandbox.index();
    assert_eq!(report.runs_new, 6, "{report:?}");
}
