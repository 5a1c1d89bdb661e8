//! `cairn push RUN_ID... --to URL`: local runs sent to a team's MLflow-compatible server
//! ([`cairn_push::push_runs`]); a line per run, a summary, and exit 1 naming each run that
//! failed.

use std::process::ExitCode;

use cairn_core::Store;
use cairn_push::http::MlflowClient;
use cairn_push::{Credentials, PushOptions, PushReport, RunPushed};

use crate::args::PushArgs;

/// Pushes, prints what went, and fails when a run did not.
pub fn push(store: &dyn Store, args: &PushArgs, json: bool) -> anyhow::Result<ExitCode> {
    let credentials = match &args.token_file {
        Some(path) => Some(Credentials::from_token_file(path)?),
        None => None,
    };
    let client = MlflowClient::new(&args.to, credentials)?;
    let options = PushOptions {
        experiment: args.experiment.clone(),
        dry_run: args.dry_run,
        move_aliases: args.move_aliases,
        workers: args.workers.max(1),
        ..PushOptions::default()
    };
    let interactive = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let started = std::time::Instant::now();
    let report = cairn_push::push_runs(store, &client, &args.run_ids, &options, &|done, total| {
        if interactive {
            eprint!("\rcairn push: {done} of {total} runs");
        }
    })?;
    if interactive {
        eprintln!();
    }
    let seconds = started.elapsed().as_secs_f64();
    if json {
        super::print_json(&serde_json::json!({
            "server": report.server,
            "dry_run": report.dry_run,
            "runs": report.pushed,
            "failed": report.failed,
            "totals": report.totals(),
            "seconds": seconds,
        }))?;
    } else {
        print_lines(&report, seconds)?;
    }
    for run in &report.pushed {
        for note in &run.notes {
            eprintln!("cairn push: run {}: {note}", run.run_id);
        }
    }
    if report.failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for failed in &report.failed {
        eprintln!(
            "error: run {} was not pushed: {}",
            failed.run_id, failed.error
        );
    }
    let ids: Vec<&str> = report.failed.iter().map(|f| f.run_id.as_str()).collect();
    eprintln!(
        "error: {} of {} runs were not pushed to {} ({}); run the same command again to resume",
        ids.len(),
        ids.len() + report.pushed.len(),
        report.server,
        ids.join(", ")
    );
    Ok(ExitCode::FAILURE)
}

fn print_lines(report: &PushReport, seconds: f64) -> anyhow::Result<()> {
    let verb = if report.dry_run {
        "would push"
    } else {
        "pushed"
    };
    for run in &report.pushed {
        outln!(
            "{verb} {} -> {} {}",
            run.run_id,
            report.server,
            describe(run)
        )?;
    }
    let totals = report.totals();
    let rate = if seconds > 0.0 {
        totals.points as f64 / seconds
    } else {
        0.0
    };
    outln!(
        "{verb} {} runs to {} ({} new there, {} failed): {} params, {} tags, {} points, {} files, \
         {} model versions in {seconds:.1} s ({rate:.0} points/s)",
        totals.runs,
        report.server,
        totals.created,
        report.failed.len(),
        totals.params,
        totals.tags,
        totals.points,
        totals.files,
        totals.model_versions,
    )?;
    Ok(())
}

fn describe(run: &RunPushed) -> String {
    let remote = match &run.remote_run_id {
        Some(id) => format!("run {id}"),
        None => "a new run".to_owned(),
    };
    if run.nothing_new() {
        return format!("{remote}: nothing new");
    }
    let mut parts = vec![
        format!("{} params", run.params),
        format!("{} tags", run.tags),
        format!("{} points", run.points),
        format!("{} files", run.files),
    ];
    if run.datasets > 0 {
        parts.push(format!("{} datasets", run.datasets));
    }
    if run.model_versions > 0 {
        parts.push(format!("{} model versions", run.model_versions));
    }
    let created = if run.created { " (created)" } else { "" };
    format!("{remote}{created}: {}", parts.join(", "))
}
