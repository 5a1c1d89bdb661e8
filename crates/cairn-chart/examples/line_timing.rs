//! Times a line chart of histories given as raw data, the way `cairn plot line` draws one: the
//! histories go into a fresh store (not timed), then each repetition reads them back from the
//! store, renders the SVG and writes it to a file (timed). Prints one JSON line of medians, for
//! `benches/matplotlib_compare.py`.
//!
//! ```text
//! line_timing VALUES RUNS POINTS OUT.svg [REPEAT]
//! ```
//!
//! `VALUES` holds RUNS × POINTS little-endian f64, run after run; point `i` of a run is logged
//! at step `i`, one second after the previous one.

use std::error::Error;
use std::time::Instant;

use cairn_chart::{LineData, LineOptions, render_line_data};
use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{ExperimentId, MetricPoint, NewRun, RunStatus, RunUpdate, SourceKind};

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [values_path, runs, points, output, rest @ ..] = args.as_slice() else {
        return Err("usage: line_timing VALUES RUNS POINTS OUT.svg [REPEAT]".into());
    };
    let (runs, points): (usize, usize) = (runs.parse()?, points.parse()?);
    let repeat: usize = rest.first().map_or(Ok(5), |text| text.parse())?;
    let bytes = std::fs::read(values_path)?;
    if bytes.len() != runs * points * 8 {
        return Err(format!(
            "{values_path} holds {} bytes, not {runs} × {points} f64",
            bytes.len()
        )
        .into());
    }
    let values: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|word| {
            let mut le = [0u8; 8];
            le.copy_from_slice(word);
            f64::from_le_bytes(le)
        })
        .collect();

    let directory = tempfile::tempdir()?;
    let store = SqliteStore::open(&directory.path().join("compare.db"))?;
    let mut selected = Vec::with_capacity(runs);
    for (index, run_values) in values.chunks(points.max(1)).take(runs).enumerate() {
        let run = store.create_run(&NewRun {
            run_name: format!("run-{index:03}"),
            ..NewRun::new(ExperimentId::DEFAULT, SourceKind::Cli)
        })?;
        let history: Vec<MetricPoint> = run_values
            .iter()
            .enumerate()
            .map(|(step, value)| MetricPoint {
                step: step as i64,
                timestamp_ms: 1_700_000_000_000 + 1_000 * step as i64,
                value: *value,
            })
            .collect();
        store.append_metric(&run.info.run_id, "loss", &history)?;
        store.update_run(
            &run.info.run_id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                ..RunUpdate::default()
            },
        )?;
        selected.push(store.get_run(&run.info.run_id)?);
    }
    drop(values);

    let options = LineOptions {
        metric: "loss".to_string(),
        ..LineOptions::default()
    };
    let (mut reads, mut renders, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let data = LineData::load(&store, &selected, &options)?;
        let read = start.elapsed();
        let rendered = render_line_data(&data, &options)?;
        std::fs::write(output, &rendered.chart.bytes)?;
        let total = start.elapsed();
        reads.push(read.as_secs_f64() * 1e3);
        renders.push((total - read).as_secs_f64() * 1e3);
        totals.push(total.as_secs_f64() * 1e3);
        last = Some(rendered);
    }
    let Some(last) = last else {
        return Err("nothing rendered".into());
    };
    println!(
        "{{\"read_ms\": {:.3}, \"render_ms\": {:.3}, \"total_ms\": {:.3}, \"svg_bytes\": {}, \"points_total\": {}, \"points_drawn\": {}}}",
        median(reads),
        median(renders),
        median(totals),
        last.chart.bytes.len(),
        last.stats.points_total,
        last.stats.points_drawn
    );
    Ok(())
}
