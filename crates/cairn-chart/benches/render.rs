//! Chart benchmarks: a line chart of 100 runs × 100,000 points read from a store and rendered
//! to SVG, 10 runs × 1,000 points, and SVG size against point count (bounded by width). Prints
//! a table; run with `cargo bench -p cairn-chart --bench render`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops loudly on anything unexpected"
)]

use std::time::Instant;

use cairn_chart::{
    LineData, LineOptions, RunSeries, load_histories, render_line, render_line_data,
};
use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{ExperimentId, MetricPoint, NewRun, Run, RunStatus, RunUpdate, SourceKind};

/// A noisy decaying curve with an occasional spike, 1-2 s between steps.
fn curve(points: usize, seed: u64) -> Vec<MetricPoint> {
    let mut state = seed | 1;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 10_000) as f64 / 10_000.0 - 0.5
    };
    let mut timestamp_ms = 1_700_000_000_000i64;
    (0..points)
        .map(|step| {
            timestamp_ms += 1_000 + (noise().abs() * 1_000.0) as i64;
            let spike = if step % 9_973 == 0 { 1.0 } else { 0.0 };
            MetricPoint {
                step: step as i64,
                timestamp_ms,
                value: 2.0 * (-(step as f64) / 20_000.0).exp() + 0.05 + noise() * 0.02 + spike,
            }
        })
        .collect()
}

fn seed_store(store: &SqliteStore, runs: usize, points: usize) -> Vec<Run> {
    (0..runs)
        .map(|index| {
            let run = store
                .create_run(&NewRun {
                    run_name: format!("run-{index:03}"),
                    ..NewRun::new(ExperimentId::DEFAULT, SourceKind::Cli)
                })
                .unwrap();
            let run_id = run.info.run_id;
            store
                .append_metric(&run_id, "loss", &curve(points, index as u64 + 1))
                .unwrap();
            store
                .update_run(
                    &run_id,
                    &RunUpdate {
                        status: Some(RunStatus::Finished),
                        ..RunUpdate::default()
                    },
                )
                .unwrap();
            store.get_run(&run_id).unwrap()
        })
        .collect()
}

/// CPU time this process has used (user + system, all threads), milliseconds; Linux only,
/// 10 ms resolution. Shown beside wall time because the bench machine may be shared.
fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    let Some((_, fields)) = stat.rsplit_once(')') else {
        return f64::NAN;
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    // After the command name: state is field 3, utime 14 and stime 15 (1-based, `man proc`).
    let ticks = |index: usize| fields.get(index - 3).and_then(|f| f.parse::<f64>().ok());
    match (ticks(14), ticks(15)) {
        (Some(user), Some(system)) => (user + system) * 10.0,
        _ => f64::NAN,
    }
}

/// The 1-minute load average (Linux), to read wall times against: on a shared machine another
/// build's threads take cores from the bench.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn options() -> LineOptions {
    LineOptions {
        metric: "loss".to_string(),
        ..LineOptions::default()
    }
}

/// How a bench row reads and renders.
#[derive(Clone, Copy)]
enum Path {
    /// `LineData::load` (histories streamed into columns) then `render_line_data`.
    Streamed,
    /// `load_histories` (a `MetricPoint` per point) then `render_line`: the path before
    /// `Store::visit_metric_history`, kept for comparison.
    Points,
}

/// Median milliseconds of (read, render, total, CPU) over `iterations`, the fastest total (what
/// a machine nobody else is using comes closest to), and the last SVG's size.
fn read_and_render(
    store: &SqliteStore,
    runs: &[Run],
    options: &LineOptions,
    path: Path,
    iterations: usize,
) -> (f64, f64, f64, f64, f64, usize) {
    let (mut reads, mut renders, mut totals, mut cpus) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    for _ in 0..iterations {
        let cpu_start = cpu_ms();
        let start = Instant::now();
        let (read, rendered) = match path {
            Path::Streamed => {
                let data = LineData::load(store, runs, options).unwrap();
                let read = start.elapsed();
                (read, render_line_data(&data, options).unwrap())
            }
            Path::Points => {
                let histories = load_histories(store, runs, &options.metric).unwrap();
                let read = start.elapsed();
                (read, render_line(&histories, options).unwrap())
            }
        };
        let total = start.elapsed();
        size = rendered.chart.bytes.len();
        reads.push(read.as_secs_f64() * 1e3);
        renders.push((total - read).as_secs_f64() * 1e3);
        totals.push(total.as_secs_f64() * 1e3);
        cpus.push(cpu_ms() - cpu_start);
    }
    let fastest = totals.iter().copied().fold(f64::INFINITY, f64::min);
    (
        median(reads),
        median(renders),
        median(totals),
        fastest,
        median(cpus),
        size,
    )
}

fn main() {
    let directory = tempfile::tempdir().expect("temporary folder");
    let store = SqliteStore::open(&directory.path().join("charts.db")).unwrap();
    println!("seeding 100 runs × 100,000 points and 10 runs × 1,000 points…");
    let big = seed_store(&store, 100, 100_000);
    let small = seed_store(&store, 10, 1_000);

    println!(
        "\n{} cores, load average {} before the line charts",
        std::thread::available_parallelism().map_or(1, usize::from),
        load_average()
    );
    println!(
        "{:<46} {:>8} {:>10} {:>9} {:>8} {:>8} {:>10}   target",
        "line chart, 1200×600 SVG (median)",
        "read ms",
        "render ms",
        "total ms",
        "fastest",
        "CPU ms",
        "SVG bytes"
    );
    println!("{}", "-".repeat(125));
    let smoothed_log = LineOptions {
        smoothing: Some(0.6),
        log_y: true,
        ..options()
    };
    for (label, runs, options, path, iterations, target) in [
        (
            "100 runs × 100,000 points, from the store",
            &big,
            options(),
            Path::Streamed,
            15,
            "total <= 200 ms",
        ),
        (
            "  the same, smoothing 0.6 + log y",
            &big,
            smoothed_log.clone(),
            Path::Streamed,
            5,
            "",
        ),
        (
            "  the same through MetricPoints (old path)",
            &big,
            options(),
            Path::Points,
            5,
            "",
        ),
        (
            "10 runs × 1,000 points, from the store",
            &small,
            options(),
            Path::Streamed,
            51,
            "total <= 10 ms",
        ),
        (
            "  the same through MetricPoints (old path)",
            &small,
            options(),
            Path::Points,
            51,
            "",
        ),
    ] {
        let (read, render, total, fastest, cpu, size) =
            read_and_render(&store, runs, &options, path, iterations);
        println!(
            "{label:<46} {read:>8.1} {render:>10.1} {total:>9.1} {fastest:>8.1} {cpu:>8.0} {size:>10}   {target}"
        );
    }

    println!("load average {} after them", load_average());

    println!(
        "\n{:<52} {:>10} {:>12}",
        "render only, histories in memory (median of 5)", "ms", "SVG bytes"
    );
    println!("{}", "-".repeat(78));
    let histories = load_histories(&store, &big, "loss").unwrap();
    for (label, options) in [
        ("100 × 100,000, 1200 px", options()),
        (
            "100 × 100,000, 300 px",
            LineOptions {
                width: 300,
                height: 200,
                ..options()
            },
        ),
        (
            "100 × 100,000, 1200 px, smoothing 0.6 + log y",
            smoothed_log,
        ),
    ] {
        let mut samples = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let start = Instant::now();
            size = render_line(&histories, &options).unwrap().chart.bytes.len();
            samples.push(start.elapsed().as_secs_f64() * 1e3);
        }
        println!("{label:<52} {:>10.1} {size:>12}", median(samples));
    }
    drop(histories);

    println!(
        "\n{:<52} {:>12} {:>14}",
        "SVG size against points (10 runs, 1200 px)", "points", "SVG bytes"
    );
    println!("{}", "-".repeat(82));
    for points in [1_000, 10_000, 100_000, 1_000_000] {
        let runs: Vec<RunSeries> = (0..10)
            .map(|index| RunSeries {
                run_id: format!("run-{index}"),
                run_name: format!("run-{index}"),
                points: curve(points, index + 1),
            })
            .collect();
        let rendered = render_line(&runs, &options()).unwrap();
        println!(
            "{:<52} {:>12} {:>14}",
            format!("10 runs × {points} points"),
            10 * points,
            rendered.chart.bytes.len()
        );
    }
}
