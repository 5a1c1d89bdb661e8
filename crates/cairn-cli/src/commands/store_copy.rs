//! `cairn store copy SOURCE DESTINATION`: one store into another (store files and PostgreSQL
//! databases alike), with the artifact files Cairn keeps, verified at the end; or, when the
//! destination is an `http(s)://` URL, into an MLflow tracking server ([`to_mlflow`]).

mod artifacts;
mod mlflow_registry;
mod mlflow_runs;
mod mlflow_update;
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
    let source_kind = Target::of(&args.source, "source")?;
    let destination_kind = Target::of(&args.destination, "destination")?;
    anyhow::ensure!(
        source_kind != Target::Server,
        "the source '{}' is an MLflow server: `cairn store copy` reads a store file or a \
         PostgreSQL database (to bring runs home from a server, `cairn index` its mlruns folder \
         or mlflow.db)",
        cairn_push::http::redact(&args.source)
    );
    let source = open(&args.source, source_kind, &artifacts, "source")?;
    if destination_kind == Target::Server {
        return to_mlflow::copy(&*source, &args.destination, json);
    }
    anyhow::ensure!(
        !same_file(&args.source, &args.destination),
        "the source and the destination are the same store ({})",
        source.location()
    );
    let destination = open(
        &args.destination,
        destination_kind,
        &artifacts,
        "destination",
    )?;
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
    let same_place = from.describe() == to.describe();
    let files = if same_place {
        artifacts::Copied::default()
    } else {
        artifacts::copy(&*from, &*to)?
    };
    let mut notes = Vec::new();
    if !same_place
        && source_kind == Target::Database
        && args.source_artifacts.is_none()
        && files.found == 0
        && report.source.runs > 0
    {
        notes.push(format!(
            "no artifact files were found in the source's {} (a database's files are read \
             there unless --source-artifacts names where its `cairn serve --artifacts` keeps \
             them, a bucket say): name that place and run the same command again",
            from.describe()
        ));
    }
    for note in &notes {
        eprintln!("cairn store copy: {note}");
    }
    let files = files.copied;
    if json {
        super::print_json(&json!({
            "source": source.location(),
            "destination": destination.location(),
            "experiments": report.experiments,
            "runs_copied": report.runs_copied,
            "runs_skipped": report.runs_skipped,
            "logged_models": report.logged_models,
            "registered_models": report.registered_models,
            "monitoring_batches": report.monitoring_batches,
            "artifact_files_copied": files,
            "notes": notes,
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
        "the stores differ after the copy (source ≠ destination): {}; run the same command \
         again to copy what is missing",
        report.source.differences(&report.destination).join(", ")
    );
    Ok(())
}

/// What a command-line store names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A store file.
    File,
    /// A PostgreSQL database.
    Database,
    /// An MLflow tracking server (a destination only).
    Server,
}

impl Target {
    /// `text`'s kind by its scheme (case aside); a scheme this command does not copy is
    /// refused, so that `mysql://...` never becomes a folder of that name.
    fn of(text: &str, role: &str) -> anyhow::Result<Target> {
        anyhow::ensure!(!text.trim().is_empty(), "the {role} is empty");
        let Some((scheme, _)) = text.split_once("://") else {
            return Ok(Target::File);
        };
        match scheme.to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" => Ok(Target::Database),
            "http" | "https" => Ok(Target::Server),
            "s3" => anyhow::bail!(
                "the {role} '{text}' is a bucket: buckets hold artifacts, named with \
                 --source-artifacts / --destination-artifacts; the store is a file or a \
                 postgresql:// URL"
            ),
            other => anyhow::bail!(
                "the {role} '{}' is not a store this command copies ({other}:// is not known): \
                 give a store file, a postgresql:// URL or, as the destination, an http(s):// \
                 MLflow server",
                cairn_push::http::redact(text)
            ),
        }
    }
}

/// Whether two store file names are one file (however spelled: relative, absolute, through a
/// symlink).
fn same_file(first: &str, second: &str) -> bool {
    match (std::fs::canonicalize(first), std::fs::canonicalize(second)) {
        (Ok(first), Ok(second)) => first == second,
        _ => false,
    }
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

/// The store `target` names. A source must already be a store: a missing or empty file, or a
/// database without Cairn's schema, is refused and left as it is.
fn open(
    target: &str,
    kind: Target,
    artifacts: &Path,
    role: &str,
) -> anyhow::Result<Arc<dyn Store>> {
    let source = role == "source";
    if kind == Target::Database {
        if source {
            let store = cairn_core::store::PostgresStore::connect_existing(target, artifacts)
                .with_context(|| {
                    format!(
                        "opening the source {}",
                        cairn_core::store::redacted_url(target)
                    )
                })?;
            return Ok(Arc::new(store));
        }
        return super::open_database(target, artifacts, &format!("the {role}"));
    }
    if source {
        let size = std::fs::metadata(target)
            .with_context(|| format!("the source store file {target}"))?
            .len();
        anyhow::ensure!(
            size > 0,
            "the source store file {target} is empty: no store to copy"
        );
    }
    let store = SqliteStore::open(Path::new(target))
        .with_context(|| format!("opening the {role} store file {target}"))?;
    Ok(Arc::new(store))
}

/// A store's own artifact folder.
fn folder(root: &Path) -> Arc<dyn cairn_artifact_store::ArtifactStore> {
    Arc::new(cairn_artifact_store::FolderStore::new(root.to_path_buf()))
}
