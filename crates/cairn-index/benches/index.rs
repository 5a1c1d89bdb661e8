//! Indexer benchmarks: import throughput from TensorBoard event files and from mlruns metric
//! files, and a no-change re-index of 10,000 mlruns runs. Synthetic trees in a temp folder, in
//! the tools' real layouts. Prints a table; run with `cargo bench -p cairn-index --bench index`.
//! `CAIRN_BENCH_SCALE` (default 1) multiplies the point counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops loudly on anything unexpected"
)]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use cairn_core::SqliteStore;
use cairn_index::proto::Writer;
use cairn_index::tfrecord::frame_record;
use cairn_index::{IndexReport, NoProgress, index_paths};

struct Row {
    name: String,
    figure: String,
    target: &'static str,
}

fn main() {
    let scale: usize = std::env::var("CAIRN_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let directory = tempfile::tempdir().expect("temporary folder");
    let mut rows = Vec::new();

    let events = directory.path().join("tb");
    let points = write_event_tree(&events, 20, 5, 10_000 * scale);
    let (report, seconds) = timed_index(&directory.path().join("tb.db"), &events);
    assert_eq!(report.points as usize, points);
    rows.push(Row {
        name: format!("import event files ({points} points, 20 runs)"),
        figure: format!("{:.2} M points/s", points as f64 / seconds / 1e6),
        target: ">= 1 M/s",
    });

    let mlruns_root = directory.path().join("ml");
    let points = write_mlruns(&mlruns_root.join("mlruns"), 200, 5, 1_000 * scale);
    let (report, seconds) = timed_index(&directory.path().join("ml.db"), &mlruns_root);
    assert_eq!(report.points as usize, points);
    rows.push(Row {
        name: format!("import mlruns metric files ({points} points, 200 runs)"),
        figure: format!("{:.2} M points/s", points as f64 / seconds / 1e6),
        target: ">= 1 M/s",
    });

    let many_root = directory.path().join("many");
    write_mlruns(&many_root.join("mlruns"), 10_000, 2, 10);
    let store_path = directory.path().join("many.db");
    let (first, first_seconds) = timed_index(&store_path, &many_root);
    assert_eq!(first.runs_new, 10_000);
    rows.push(Row {
        name: "first index of 10,000 mlruns runs".into(),
        figure: format!("{first_seconds:.2} s"),
        target: "",
    });
    let (again, seconds) = timed_index(&store_path, &many_root);
    assert_eq!(again.runs_unchanged, 10_000);
    assert_eq!(again.runs_new + again.runs_updated, 0);
    rows.push(Row {
        name: "no-change re-index of 10,000 mlruns runs".into(),
        figure: format!("{seconds:.2} s"),
        target: "<= 2 s",
    });

    println!("\n{:<58} {:>18}   target", "benchmark", "measured");
    println!("{}", "-".repeat(90));
    for row in rows {
        println!("{:<58} {:>18}   {}", row.name, row.figure, row.target);
    }
}

fn timed_index(store_path: &Path, root: &Path) -> (IndexReport, f64) {
    let store = SqliteStore::open(store_path).unwrap();
    let started = Instant::now();
    let report = index_paths(&store, &[root.to_path_buf()], &mut NoProgress).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert!(report.bad_files.is_empty(), "{:?}", report.bad_files);
    (report, seconds)
}

fn noise(state: &mut u64) -> f64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state % 10_000) as f64 / 10_000.0
}

/// `runs` folders of one event file each, `tags` scalar tags (TF1 `simple_value`, as PyTorch
/// and tensorboardX write them) logged at every one of `steps` steps.
fn write_event_tree(root: &Path, runs: usize, tags: usize, steps: usize) -> usize {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for run in 0..runs {
        let dir = root.join(format!("run-{run}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut bytes = Vec::new();
        let mut file_version = Writer::default();
        file_version.double(1, 1.7e9).bytes(3, b"brain.Event:2");
        bytes.extend(frame_record(&file_version.bytes));
        for step in 0..steps {
            for tag in 0..tags {
                let mut value = Writer::default();
                value
                    .bytes(1, format!("train/metric_{tag}").as_bytes())
                    .float(2, noise(&mut state) as f32);
                let mut summary = Writer::default();
                summary.bytes(1, &value.bytes);
                let mut event = Writer::default();
                event
                    .double(1, 1.7e9 + step as f64 * 0.1)
                    .uint(2, step as u64)
                    .bytes(5, &summary.bytes);
                bytes.extend(frame_record(&event.bytes));
            }
        }
        std::fs::write(dir.join("events.out.tfevents.1700000000.bench"), bytes).unwrap();
    }
    runs * tags * steps
}

/// An MLflow file store with one experiment of `runs` runs, each with params, tags and
/// `metrics` metric files of `steps` lines.
fn write_mlruns(mlruns: &Path, runs: usize, metrics: usize, steps: usize) -> usize {
    let experiment = mlruns.join("1");
    std::fs::create_dir_all(&experiment).unwrap();
    std::fs::create_dir_all(mlruns.join("0")).unwrap();
    std::fs::write(
        mlruns.join("0/meta.yaml"),
        "experiment_id: '0'\nlifecycle_stage: active\nname: Default\n",
    )
    .unwrap();
    std::fs::write(
        experiment.join("meta.yaml"),
        "experiment_id: '1'\nlifecycle_stage: active\nname: bench\n",
    )
    .unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for run in 0..runs {
        let run_id = format!("{run:032x}");
        let dir = experiment.join(&run_id);
        for sub in ["params", "tags", "metrics", "artifacts"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        std::fs::write(
            dir.join("meta.yaml"),
            format!(
                "artifact_uri: file:///nowhere/mlruns/1/{run_id}/artifacts\nend_time: 1700000100000\n\
                 experiment_id: '1'\nlifecycle_stage: active\nrun_id: {run_id}\nrun_name: run-{run}\n\
                 start_time: 1700000000000\nstatus: 3\nuser_id: bench\n"
            ),
        )
        .unwrap();
        std::fs::write(dir.join("params/lr"), format!("0.{run}")).unwrap();
        std::fs::write(dir.join("tags/mlflow.runName"), format!("run-{run}")).unwrap();
        for metric in 0..metrics {
            let mut text = String::with_capacity(steps * 40);
            for step in 0..steps {
                let _ = writeln!(
                    text,
                    "{} {} {step}",
                    1_700_000_000_000u64 + step as u64 * 100,
                    noise(&mut state)
                );
            }
            std::fs::write(dir.join("metrics").join(format!("m{metric}")), text).unwrap();
        }
    }
    runs * metrics * steps
}
