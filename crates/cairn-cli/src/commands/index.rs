//! `cairn index PATH...`: imports runs found under folders, with progress on a terminal and a
//! summary at the end.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use cairn_core::Store;
use cairn_index::{IndexReport, Progress, index_paths};
use indicatif::{ProgressBar, ProgressStyle};

/// Progress as one spinner line: files, runs, points and points per second.
struct SpinnerProgress {
    bar: ProgressBar,
    started: Instant,
}

impl Progress for SpinnerProgress {
    fn update(&mut self, report: &IndexReport, current: &Path) {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!(
            "{} files, {} runs ({} new), {} points ({:.0}/s)  {}",
            report.files_seen,
            report.runs_new + report.runs_updated + report.runs_unchanged,
            report.runs_new,
            report.points,
            report.points as f64 / seconds,
            current.display()
        ));
    }
}

pub fn index(store: &dyn Store, paths: &[PathBuf], json: bool) -> anyhow::Result<()> {
    check_paths_exist(paths)?;
    let started = Instant::now();
    let report = if std::io::stderr().is_terminal() && !json {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        let mut progress = SpinnerProgress {
            bar: bar.clone(),
            started,
        };
        let report = index_paths(store, paths, &mut progress);
        bar.finish_and_clear();
        report
    } else {
        index_paths(store, paths, &mut cairn_index::NoProgress)
    }
    .context("indexing")?;
    print_report(&report, started.elapsed().as_secs_f64(), json, true)
}

/// `--watch`: a first pass, then one per burst of changes, each summarised (JSON: one object
/// per line). Runs until interrupted; every pass is transactional, so Ctrl-C loses nothing.
pub fn watch(store: &dyn Store, paths: &[PathBuf], json: bool) -> anyhow::Result<()> {
    check_paths_exist(paths)?;
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut first = true;
    let mut started = Instant::now();
    if !json {
        eprintln!("Watching {} path(s); Ctrl-C stops.", paths.len());
    }
    // The store's own writes must not trigger passes when it lies inside a watched folder; the
    // rest of its folder (where the runs may be) is watched as usual.
    let ignored = cairn_core::IndexingStore::own_paths(store);
    cairn_index::watch(
        store,
        paths,
        &ignored,
        &mut cairn_index::NoProgress,
        &stop,
        |report| {
            let changed = report.runs_new + report.runs_updated + report.runs_missing > 0
                || !report.bad_files.is_empty();
            if (first || changed)
                && print_report(report, started.elapsed().as_secs_f64(), json, false).is_err()
            {
                // Nobody reads the summaries any more (a closed pipe): stop watching.
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            first = false;
            started = Instant::now();
        },
    )
    .context("watching")?;
    Ok(())
}

/// A path to index that does not exist is a mistake (a typo, a folder not mounted), not an
/// empty result: refuse it before anything is read.
fn check_paths_exist(paths: &[PathBuf]) -> anyhow::Result<()> {
    for path in paths {
        // `symlink_metadata`: a dangling link exists (and is reported by the indexer).
        match std::fs::symlink_metadata(path) {
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                anyhow::bail!("the path to index does not exist: {}", path.display())
            }
            Err(error) => anyhow::bail!("cannot read {error}: {}", path.display()),
        }
    }
    Ok(())
}

/// Prints a pass's summary; JSON is pretty for a single pass, one line per pass when watching.
fn print_report(
    report: &IndexReport,
    seconds: f64,
    json: bool,
    pretty: bool,
) -> anyhow::Result<()> {
    if json {
        let value = serde_json::json!({
            "runs_new": report.runs_new,
            "runs_updated": report.runs_updated,
            "runs_unchanged": report.runs_unchanged,
            "runs_missing": report.runs_missing,
            "points": report.points,
            "files_seen": report.files_seen,
            "files_skipped": report.files_skipped,
            "bad_records": report.bad_records,
            "registered_models": report.registered_models,
            "logged_models": report.logged_models,
            "seconds": seconds,
            "bad_files": report.bad_files.iter().map(|bad| serde_json::json!({
                "path": bad.path,
                "reason": bad.reason,
            })).collect::<Vec<_>>(),
        });
        if pretty {
            return super::print_json(&value);
        }
        outln!("{value}")?;
        return Ok(());
    }
    outln!(
        "Indexed in {seconds:.2} s: {} new, {} updated, {} unchanged runs; {} points; {} of {} files skipped as unchanged.",
        report.runs_new,
        report.runs_updated,
        report.runs_unchanged,
        report.points,
        report.files_skipped,
        report.files_seen
    )?;
    if report.registered_models + report.logged_models > 0 {
        outln!(
            "Registered models: {}; logged models: {}.",
            report.registered_models,
            report.logged_models
        )?;
    }
    if report.runs_missing > 0 {
        outln!(
            "{} runs whose source is gone are kept and marked missing.",
            report.runs_missing
        )?;
    }
    if report.bad_records > 0 {
        outln!(
            "{} event records skipped (bad checksum).",
            report.bad_records
        )?;
    }
    for bad in &report.bad_files {
        outln!("bad file: {}: {}", bad.reason, bad.path)?;
    }
    Ok(())
}
