//! `cairn store copy SOURCE http(s)://HOST[:PORT]`: a Cairn store into any MLflow-compatible
//! tracking server through its REST API, as a way out: experiments, runs with full histories,
//! dataset inputs and artifact files, the registry. Resumable (runs and versions carry
//! `cairn.copied_from`), and checked at the end by reading the destination back.

use std::collections::HashMap;

use anyhow::Context;
use cairn_core::Store;
use cairn_core::model::{Experiment, LifecycleStage, ViewType};
use serde_json::json;

use super::mlflow_registry::copy_registry;
use super::mlflow_runs::RunCopier;
use super::mlflow_verify::verify;
use cairn_push::MlflowApi;
use cairn_push::http::MlflowClient;

/// Copies `source` into the server at `url`, prints what it did, and fails when the check at
/// the end finds a difference.
pub fn copy(source: &dyn Store, url: &str, json: bool) -> anyhow::Result<()> {
    let client = MlflowClient::new(url, None)?;
    let server = client.server().to_owned();
    let interactive = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let experiments = source.list_experiments(ViewType::All)?;
    let mut copier = RunCopier {
        client: &client,
        source,
        artifact_root: source.artifact_root(),
        mapping: HashMap::new(),
        report: Default::default(),
        unlinked: Vec::new(),
    };
    for (index, summary) in experiments.iter().enumerate() {
        let experiment = &summary.experiment;
        if interactive {
            eprint!(
                "\rcairn store copy: experiment {} of {} ('{}')",
                index + 1,
                experiments.len(),
                experiment.name
            );
        }
        let destination_id = ensure_experiment(&client, experiment)?;
        copier
            .copy_experiment(experiment.experiment_id, &destination_id)
            .with_context(|| {
                format!(
                    "copying experiment '{}' into {server} (run the same command again to resume)",
                    experiment.name
                )
            })?;
        if experiment.lifecycle_stage == LifecycleStage::Deleted {
            client.post(
                "experiments/delete",
                &json!({ "experiment_id": destination_id }),
                &format!("experiment '{}'", experiment.name),
            )?;
        }
    }
    if interactive {
        eprintln!();
    }
    copier
        .link_parents()
        .with_context(|| format!("linking nested runs to their parents in {server}"))?;
    let runs = copier.report;
    let registry = copy_registry(&client, source, &copier.mapping)
        .with_context(|| format!("copying the registry into {server}"))?;
    let check = verify(&client, source, &copier.mapping)
        .with_context(|| format!("reading back what {server} holds"))?;
    let notes: Vec<&String> = runs.notes.iter().chain(&registry.notes).collect();
    for note in &notes {
        eprintln!("cairn store copy: {note}");
    }
    if json {
        super::super::print_json(&json!({
            "source": source.location(),
            "destination": server,
            "experiments": experiments.len(),
            "runs_copied": runs.copied,
            "runs_skipped": runs.skipped,
            "runs_updated": runs.updated,
            "runs_discarded": runs.discarded,
            "registered_models": registry.models,
            "model_versions_copied": registry.versions_copied,
            "model_versions_skipped": registry.versions_skipped,
            "logged_models": registry.logged_models,
            "artifact_files_uploaded": runs.artifact_files,
            "artifact_files_skipped": runs.artifact_files_skipped,
            "notes": notes,
            "verified": check.verified(),
            "differences": check.differences,
            "source_census": check.source,
            "destination_census": check.destination,
        }))?;
    } else {
        outln!(
            "copied {} into {server}: {} experiments, {} runs ({} already there, {} brought up to \
             date, {} half-copied ones redone), {} registered models ({} versions, {} already \
             there), {} artifact files",
            source.location(),
            experiments.len(),
            runs.copied,
            runs.skipped,
            runs.updated,
            runs.discarded,
            registry.models,
            registry.versions_copied,
            registry.versions_skipped,
            runs.artifact_files,
        )?;
        let counts = &check.destination;
        outln!(
            "read back: {} experiments, {} runs, {} params, {} tags, {} metric points, {} model \
             versions",
            counts.experiments,
            counts.runs,
            counts.params,
            counts.tags,
            counts.metric_points,
            counts.model_versions
        )?;
    }
    anyhow::ensure!(
        check.verified(),
        "{server} differs from {} after the copy ({} differences): {}; source {:?}, destination {:?}",
        source.location(),
        check.difference_count,
        check.differences.join("; "),
        check.source,
        check.destination
    );
    Ok(())
}

/// The destination experiment of the same name, created (with its tags) when missing, restored
/// when deleted so that runs can be added (deleted again after, when the source's is).
fn ensure_experiment(client: &dyn MlflowApi, experiment: &Experiment) -> anyhow::Result<String> {
    let name = &experiment.name;
    let entity = format!("experiment '{name}'");
    let tags: Vec<_> = experiment
        .tags
        .iter()
        .map(|tag| json!({ "key": tag.key, "value": tag.value }))
        .collect();
    let found = client.try_get("experiments/get-by-name", &[("experiment_name", name)]);
    let answer = match found {
        Ok(answer) => answer,
        Err(error) if error.is_missing() => {
            let created = client.post(
                "experiments/create",
                &json!({ "name": name, "tags": tags }),
                &entity,
            )?;
            return id_of(client, &created["experiment_id"], &entity);
        }
        Err(_) => client.get(
            "experiments/get-by-name",
            &[("experiment_name", name)],
            &entity,
        )?,
    };
    let id = id_of(client, &answer["experiment"]["experiment_id"], &entity)?;
    if answer["experiment"]["lifecycle_stage"].as_str() == Some("deleted") {
        client.post(
            "experiments/restore",
            &json!({ "experiment_id": id }),
            &entity,
        )?;
    }
    for tag in &experiment.tags {
        client.post(
            "experiments/set-experiment-tag",
            &json!({ "experiment_id": id, "key": tag.key, "value": tag.value }),
            &entity,
        )?;
    }
    Ok(id)
}

fn id_of(
    client: &dyn MlflowApi,
    value: &serde_json::Value,
    entity: &str,
) -> anyhow::Result<String> {
    match value {
        serde_json::Value::String(id) => Ok(id.clone()),
        serde_json::Value::Number(id) => Ok(id.to_string()),
        _ => anyhow::bail!(
            "{}: {entity}: the answer has no experiment id",
            client.server()
        ),
    }
}
