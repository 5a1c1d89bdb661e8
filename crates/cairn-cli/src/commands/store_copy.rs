//! `cairn store copy SOURCE DESTINATION`: one store into another (store files and PostgreSQL
//! databases alike), with the artifact files Cairn keeps, verified at the end; or, when the
//! destination is an `http(s)://` URL, into an MLflow tracking server ([`to_mlflow`]).

mod artifacts;
mod mlflow_registry;
mod mlflow_runs;
mod mlflow_verify;
mod to_mlflow;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use cairn_core::store::copy::{Census, copy_store};
use cairn_core::{SqliteStore, Store};
use serde_json::json;

use crate::args::StoreCopyArgs;

/// Copies, then prints what was copied and whether both stores agree; fails when they do not.
pub fn copy(args: &StoreCopyArgs, json: bool) -> anyhow::Result<()> {
    let artifacts = match &args.database_artifacts {
        Some(path) => path.clone(),
        None => super::database_artifacts()?,
    };
    let source = open(&args.source, &artifacts, "source")?;
    if to_mlflow::is_server(&args.destination) {
        return to_mlflow::copy(&*source, &args.destination, json);
    }
    let destination = open(&args.destination, &artifacts, "destination")?;
    anyhow::ensure!(
        source.location() != destination.location(),
        "the source and the destination are the same store ({})",
        source.location()
    );
    let interactive = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut last_shown = 0;
    let report = copy_store(&*source, &*destination, &mut |done, total| {
        if interactive && (done == total || done >= last_shown + 1000) {
            last_shown = done;
            eprint!("\rcairn store copy: {done} of {total} runs");
        }
    })
    .with_context(|| {
        format!(
            "copying {} into {} (run the same command again to resume)",
            source.location(),
            destination.location()
        )
    })?;
    if interactive {
        eprintln!();
    }
    let from = match &args.source_artifacts {
        Some(location) => artifacts::open(location, "--source-artifacts")?,
        None => folder(source.artifact_root()),
    };
    let to = match &args.destination_artifacts {
        Some(location) => artifacts::open(location, "--destination-artifacts")?,
        None => folder(destination.artifact_root()),
    };
    let files = if from.describe() == to.describe() {
        0
    } else {
        artifacts::copy(&*from, &*to)?
    };
    if json {
        super::print_json(&json!({
            "source": source.location(),
            "destination": destination.location(),
            "experiments": report.experiments,
            "runs_copied": report.runs_copied,
            "runs_skipped": report.runs_skipped,
            "logged_models": report.logged_models,
            "registered_models": report.registered_models,
            "artifact_files_copied": files,
            "verified": report.verified(),
            "source_census": census_json(&report.source),
            "destination_census": census_json(&report.destination),
        }))?;
    } else {
        outln!(
            "copied {} into {}: {} experiments, {} runs ({} already there), {} LoggedModels, \
             {} registered models, {} artifact files",
            source.location(),
            destination.location(),
            report.experiments,
            report.runs_copied,
            report.runs_skipped,
            report.logged_models,
            report.registered_models,
            files
        )?;
        let census = &report.destination;
        outln!(
            "verified: {} runs, {} params, {} tags, {} metric points (checksum {:016x}), {} model \
             versions",
            census.runs,
            census.params,
            census.tags,
            census.metric_points,
            census.metric_checksum,
            census.model_versions
        )?;
    }
    anyhow::ensure!(
        report.verified(),
        "the stores differ after the copy: source {:?}, destination {:?}",
        report.source,
        report.destination
    );
    Ok(())
}

fn census_json(census: &Census) -> serde_json::Value {
    json!({
        "experiments": census.experiments,
        "runs": census.runs,
        "params": census.params,
        "tags": census.tags,
        "metric_points": census.metric_points,
        "metric_checksum": format!("{:016x}", census.metric_checksum),
        "model_versions": census.model_versions,
        "logged_models": census.logged_models,
    })
}

/// A database URL opens a PostgreSQL store; anything else is a store file.
fn open(target: &str, artifacts: &Path, role: &str) -> anyhow::Result<Arc<dyn Store>> {
    if target.starts_with("postgresql://") || target.starts_with("postgres://") {
        return super::open_database(target, artifacts, &format!("the {role}"));
    }
    let store = SqliteStore::open(Path::new(target))
        .with_context(|| format!("opening the {role} store file {target}"))?;
    Ok(Arc::new(store))
}

/// A store's own artifact folder.
fn folder(root: &Path) -> Arc<dyn cairn_artifact_store::ArtifactStore> {
    Arc::new(cairn_artifact_store::FolderStore::new(root.to_path_buf()))
}
