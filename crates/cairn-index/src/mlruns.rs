//! The MLflow file store (`mlruns/`): experiments (and `.trash`), runs with params, tags, metric
//! histories, dataset inputs and artifacts, and the model registry in `models/`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use cairn_core::Store;
use cairn_core::model::{
    ExperimentId, GitOrigin, GitProvenance, ImportMode, ImportedExperiment, ImportedInput,
    ImportedLoggedModel, ImportedModelVersion, ImportedRegisteredModel, ImportedRun,
    IndexFileState, LifecycleStage, LoggedModelMetric, MetricPoint, ModelStage, Param, RunStatus,
    SourceKind, Tag,
};

use crate::files::{self, IndexError, IndexResult, KnownFiles};
use crate::report::{BadFile, IndexReport};
use crate::yaml;

/// Runs imported per store transaction.
const RUNS_PER_BATCH: usize = 256;

pub(crate) fn index(
    store: &dyn Store,
    mlruns: &Path,
    scope: &Path,
    known: &KnownFiles,
    report: &mut IndexReport,
    progress: &mut dyn crate::Progress,
) -> IndexResult<()> {
    let base = files::ArtifactBase::new(mlruns.parent().unwrap_or(mlruns), scope);
    let mut experiment_dirs = Vec::new();
    for (dir, deleted) in [(mlruns.to_path_buf(), false), (mlruns.join(".trash"), true)] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = Vec::new();
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.join("meta.yaml").is_file() {
                dirs.push(path);
            } else if path.join("meta.yaml").exists() {
                report.bad_files.push(BadFile {
                    path: path.join("meta.yaml").display().to_string(),
                    reason: "meta.yaml is not a file".into(),
                });
            } else if path.is_dir() && is_experiment_id(&path) {
                // An experiment folder that lost its meta.yaml: its runs cannot be placed.
                report.bad_files.push(BadFile {
                    path: path.display().to_string(),
                    reason: "experiment folder has no meta.yaml".into(),
                });
            }
        }
        dirs.sort();
        experiment_dirs.extend(dirs.into_iter().map(|path| (path, deleted)));
    }
    let mut pending: Vec<(ImportedRun, IndexFileState)> = Vec::new();
    for (experiment_dir, in_trash) in experiment_dirs {
        let experiment_id = match import_experiment(store, &experiment_dir, in_trash) {
            Ok(id) => id,
            Err(IndexError::Bad { path, reason }) => {
                report.bad_files.push(BadFile {
                    path: path.display().to_string(),
                    reason,
                });
                continue;
            }
            Err(error) => return Err(error),
        };
        let datasets = read_datasets(&experiment_dir);
        import_logged_models(store, &experiment_dir, experiment_id, &base, known, report)?;
        let Ok(entries) = std::fs::read_dir(&experiment_dir) else {
            continue;
        };
        let mut run_dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                !matches!(
                    name.as_deref(),
                    Some("datasets" | "models" | "tags" | "traces")
                ) && path.is_dir()
                    && path.join("meta.yaml").exists()
            })
            .collect();
        run_dirs.sort();
        for run_dir in run_dirs {
            let key = run_dir.to_string_lossy().into_owned();
            let (size, mtime, count) = files::tree_fingerprint(&run_dir);
            report.files_seen += count;
            let fingerprint = run_fingerprint(count);
            if let Some(state) = known.get(&key)
                && state.size_bytes == size
                && state.mtime_ns == mtime
                && state.parser_state.as_deref() == Some(&fingerprint[..])
            {
                report.runs_unchanged += 1;
                report.files_skipped += count;
                continue;
            }
            match read_run(&run_dir, experiment_id, &datasets, &base) {
                Ok(run) => {
                    let state = IndexFileState {
                        path: key,
                        source_kind: SourceKind::Mlruns,
                        size_bytes: size,
                        mtime_ns: mtime,
                        read_offset: size,
                        run_id: Some(run.run_id.clone()),
                        parser_state: Some(fingerprint),
                    };
                    pending.push((run, state));
                    if pending.len() >= RUNS_PER_BATCH {
                        flush(store, &mut pending, report)?;
                        progress.update(report, mlruns);
                    }
                }
                Err(IndexError::Bad { path, reason }) => report.bad_files.push(BadFile {
                    path: path.display().to_string(),
                    reason,
                }),
                Err(error) => return Err(error),
            }
        }
    }
    flush(store, &mut pending, report)?;
    import_registry(store, &mlruns.join("models"), report)?;
    Ok(())
}

/// Experiment folders are named by their (numeric) id.
fn is_experiment_id(path: &Path) -> bool {
    path.file_name()
        .map(|name| name.to_string_lossy())
        .is_some_and(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
}

fn flush(
    store: &dyn Store,
    pending: &mut Vec<(ImportedRun, IndexFileState)>,
    report: &mut IndexReport,
) -> IndexResult<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let (runs, states): (Vec<_>, Vec<_>) = std::mem::take(pending).into_iter().unzip();
    files::import_batch(store, &runs, ImportMode::Replace, &states, report)
}

fn import_experiment(store: &dyn Store, dir: &Path, in_trash: bool) -> IndexResult<ExperimentId> {
    let meta = yaml::read_mapping(&dir.join("meta.yaml"))?;
    let name = yaml::text(&meta, "name")
        .filter(|name| !name.is_empty())
        .ok_or_else(|| IndexError::bad(&dir.join("meta.yaml"), "experiment has no name"))?;
    let deleted = in_trash || yaml::text(&meta, "lifecycle_stage").as_deref() == Some("deleted");
    let experiment = ImportedExperiment {
        name,
        source_id: yaml::int(&meta, "experiment_id").map(ExperimentId),
        artifact_location: yaml::text(&meta, "artifact_location"),
        lifecycle_stage: if deleted {
            LifecycleStage::Deleted
        } else {
            LifecycleStage::Active
        },
        creation_time_ms: yaml::int(&meta, "creation_time"),
        last_update_time_ms: yaml::int(&meta, "last_update_time"),
        tags: read_key_files(&dir.join("tags"))?
            .into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect(),
    };
    Ok(store.import_experiment(&experiment)?)
}

/// `<exp>/datasets/<id>/meta.yaml`, by id.
fn read_datasets(experiment_dir: &Path) -> HashMap<String, ImportedInput> {
    let mut datasets = HashMap::new();
    let Ok(entries) = std::fs::read_dir(experiment_dir.join("datasets")) else {
        return datasets;
    };
    for entry in entries.flatten() {
        let Ok(meta) = yaml::read_mapping(&entry.path().join("meta.yaml")) else {
            continue;
        };
        let id = entry.file_name().to_string_lossy().into_owned();
        datasets.insert(
            id,
            ImportedInput {
                name: yaml::text(&meta, "name").unwrap_or_default(),
                digest: yaml::text(&meta, "digest").unwrap_or_default(),
                source_type: yaml::text(&meta, "source_type").unwrap_or_default(),
                source: yaml::text(&meta, "source").unwrap_or_default(),
                schema: yaml::text(&meta, "schema"),
                profile: yaml::text(&meta, "profile"),
                tags: Vec::new(),
            },
        );
    }
    datasets
}

/// One file per key under `dir` (a `/` in a key is a subfolder), sorted by key. A file that
/// cannot be read or is not UTF-8 text is an error naming it: MLflow itself cannot read such a
/// run, and a value garbled by a lossy decoding would be stored as if it had been logged.
fn read_key_files(dir: &Path) -> IndexResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            // A run without tags or params has no such folder.
            Err(error) if error.depth() == 0 && !dir.exists() => break,
            Err(error) => {
                let path = error.path().unwrap_or(dir).to_path_buf();
                return Err(IndexError::bad(&path, format!("cannot read: {error}")));
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let key = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(entry.path())
            .map_err(|error| IndexError::bad(entry.path(), format!("cannot read: {error}")))?;
        let value = String::from_utf8(bytes).map_err(|error| {
            IndexError::bad(
                entry.path(),
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    error.utf8_error().valid_up_to()
                ),
            )
        })?;
        out.push((key, value));
    }
    Ok(out)
}

/// What is remembered of a run folder beside its size and mtime: the reader's version, then
/// the file count. Raising `RUN_READER_VERSION` makes the next pass re-read every run folder
/// once, so a fix in how runs are read reaches stores indexed before it.
fn run_fingerprint(file_count: u64) -> Vec<u8> {
    let mut fingerprint = vec![RUN_READER_VERSION];
    fingerprint.extend_from_slice(&file_count.to_le_bytes());
    fingerprint
}

/// 1: numeric `status` codes read as MLflow's RunStatus (they had been read as RUNNING).
const RUN_READER_VERSION: u8 = 1;

fn status_from_int(code: Option<i64>) -> RunStatus {
    match code {
        Some(2) => RunStatus::Scheduled,
        Some(3) => RunStatus::Finished,
        Some(4) => RunStatus::Failed,
        Some(5) => RunStatus::Killed,
        _ => RunStatus::Running,
    }
}

fn read_run(
    run_dir: &Path,
    experiment_id: ExperimentId,
    datasets: &HashMap<String, ImportedInput>,
    base: &files::ArtifactBase,
) -> IndexResult<ImportedRun> {
    let meta_path = run_dir.join("meta.yaml");
    let meta = yaml::read_mapping(&meta_path)?;
    let run_id = yaml::text(&meta, "run_id")
        .or_else(|| yaml::text(&meta, "run_uuid"))
        .filter(|id| !id.is_empty())
        .ok_or_else(|| IndexError::bad(&meta_path, "run has no run_id"))?;
    let mut run = ImportedRun::new(
        run_id,
        experiment_id,
        SourceKind::Mlruns,
        run_dir.to_string_lossy(),
    );
    run.user_id = yaml::text(&meta, "user_id").unwrap_or_default();
    // MLflow writes the status as RunStatus's number (`status: 3`); older files and other
    // writers use its name. `read_mapping` keeps top-level numbers as their text.
    run.status = match yaml::text(&meta, "status") {
        Some(text) => RunStatus::parse(&text)
            .unwrap_or_else(|| status_from_int(text.trim().parse::<i64>().ok())),
        None => RunStatus::Running,
    };
    run.start_time_ms = yaml::int(&meta, "start_time");
    run.end_time_ms = yaml::int(&meta, "end_time");
    run.deleted_time_ms = yaml::int(&meta, "deleted_time");
    if yaml::text(&meta, "lifecycle_stage").as_deref() == Some("deleted") {
        run.lifecycle_stage = LifecycleStage::Deleted;
    }
    run.params = read_key_files(&run_dir.join("params"))?
        .into_iter()
        .map(|(key, value)| Param { key, value })
        .collect();
    run.tags = read_key_files(&run_dir.join("tags"))?
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect();
    run.run_name = run
        .tags
        .iter()
        .find(|tag| tag.key == "mlflow.runName")
        .map(|tag| tag.value.clone())
        .or_else(|| yaml::text(&meta, "run_name"))
        .unwrap_or_default();
    run.parent_run_id = tag_value(&run.tags, "mlflow.parentRunId");
    run.git = git_from_tags(&run.tags);
    for (key, path) in metric_files(&run_dir.join("metrics")) {
        let bytes = std::fs::read(&path)
            .map_err(|error| IndexError::bad(&path, format!("cannot read: {error}")))?;
        run.metrics.push((key, parse_metric_lines(&bytes)));
    }
    // Artifacts: the recorded URI, else the same tail under where the store was found, else
    // the run's own `artifacts/` folder.
    let recorded_uri = yaml::text(&meta, "artifact_uri").unwrap_or_default();
    let artifact_dir = base
        .resolve(&recorded_uri)
        .or_else(|| Some(run_dir.join("artifacts")).filter(|dir| dir.is_dir()));
    run.artifact_uri = match &artifact_dir {
        Some(dir) => format!("file://{}", dir.display()),
        None => recorded_uri,
    };
    if let Some(dir) = artifact_dir {
        run.artifacts = files::list_artifacts(&dir);
    }
    run.inputs = read_inputs(&run_dir.join("inputs"), datasets);
    run.outputs = read_outputs(&run_dir.join("outputs"));
    Ok(run)
}

/// `<exp>/models/<m-id>/`: MLflow 3 LoggedModels, re-read when their folder changed.
fn import_logged_models(
    store: &dyn Store,
    experiment_dir: &Path,
    experiment_id: ExperimentId,
    base: &files::ArtifactBase,
    known: &KnownFiles,
    report: &mut IndexReport,
) -> IndexResult<()> {
    let Ok(entries) = std::fs::read_dir(experiment_dir.join("models")) else {
        return Ok(());
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("meta.yaml").is_file())
        .collect();
    dirs.sort();
    let mut models = Vec::new();
    let mut states = Vec::new();
    for dir in dirs {
        let key = dir.to_string_lossy().into_owned();
        let (size, mtime, count) = files::tree_fingerprint(&dir);
        let fingerprint = count.to_le_bytes().to_vec();
        if known.get(&key).is_some_and(|state| {
            state.size_bytes == size
                && state.mtime_ns == mtime
                && state.parser_state.as_deref() == Some(&fingerprint[..])
        }) {
            continue;
        }
        match read_logged_model(&dir, experiment_id, base) {
            Ok(model) => {
                states.push(IndexFileState {
                    path: key,
                    source_kind: SourceKind::Mlruns,
                    size_bytes: size,
                    mtime_ns: mtime,
                    read_offset: size,
                    run_id: None,
                    parser_state: Some(fingerprint),
                });
                models.push(model);
            }
            Err(IndexError::Bad { path, reason }) => report.bad_files.push(BadFile {
                path: path.display().to_string(),
                reason,
            }),
            Err(error) => return Err(error),
        }
    }
    if !models.is_empty() {
        store.import_logged_models(&models)?;
        store.record_index_files(&states)?;
        report.logged_models += models.len() as u64;
    }
    Ok(())
}

fn read_logged_model(
    dir: &Path,
    experiment_id: ExperimentId,
    base: &files::ArtifactBase,
) -> IndexResult<ImportedLoggedModel> {
    let meta_path = dir.join("meta.yaml");
    let meta = yaml::read_mapping(&meta_path)?;
    let model_id = yaml::text(&meta, "model_id")
        .ok_or_else(|| IndexError::bad(&meta_path, "logged model has no model_id"))?;
    let recorded = yaml::text(&meta, "artifact_location").unwrap_or_default();
    let artifact_location = base
        .resolve(&recorded)
        .or_else(|| Some(dir.join("artifacts")).filter(|path| path.is_dir()))
        .map_or(recorded, |path| format!("file://{}", path.display()));
    let mut metrics = Vec::new();
    for (key, path) in metric_files(&dir.join("metrics")) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines() {
            let parts: Vec<&str> = line.split_ascii_whitespace().collect();
            let (Some(timestamp), Some(value)) = (parts.first(), parts.get(1)) else {
                continue;
            };
            let (Ok(timestamp_ms), Ok(value)) = (timestamp.parse::<i64>(), value.parse::<f64>())
            else {
                continue;
            };
            metrics.push(LoggedModelMetric {
                key: key.clone(),
                point: MetricPoint {
                    step: parts.get(2).and_then(|s| s.parse().ok()).unwrap_or(0),
                    timestamp_ms,
                    value,
                },
                run_id: parts.get(3).map(|s| (*s).to_string()),
                dataset_name: parts.get(4).map(|s| (*s).to_string()),
                dataset_digest: parts.get(5).map(|s| (*s).to_string()),
            });
        }
    }
    Ok(ImportedLoggedModel {
        model_id,
        experiment_id,
        name: yaml::text(&meta, "name").unwrap_or_default(),
        artifact_location,
        creation_time_ms: yaml::int(&meta, "creation_timestamp").unwrap_or(0),
        last_updated_time_ms: yaml::int(&meta, "last_updated_timestamp").unwrap_or(0),
        status: logged_model_status(yaml::int(&meta, "status")),
        status_message: yaml::text(&meta, "status_message").unwrap_or_default(),
        model_type: yaml::text(&meta, "model_type").unwrap_or_default(),
        source_run_id: yaml::text(&meta, "source_run_id"),
        lifecycle_stage: if yaml::text(&meta, "lifecycle_stage").as_deref() == Some("deleted") {
            LifecycleStage::Deleted
        } else {
            LifecycleStage::Active
        },
        params: read_key_files(&dir.join("params"))?
            .into_iter()
            .map(|(key, value)| Param { key, value })
            .collect(),
        tags: read_key_files(&dir.join("tags"))?
            .into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect(),
        metrics,
    })
}

/// MLflow's LoggedModelStatus numbers (1 pending, 2 ready, 3 upload failed).
pub(crate) fn logged_model_status(code: Option<i64>) -> String {
    match code {
        Some(2) => "LOGGED_MODEL_READY",
        Some(3) => "LOGGED_MODEL_UPLOAD_FAILED",
        _ => "LOGGED_MODEL_PENDING",
    }
    .to_string()
}

pub(crate) fn tag_value(tags: &[Tag], key: &str) -> Option<String> {
    tags.iter()
        .find(|tag| tag.key == key)
        .map(|tag| tag.value.clone())
        .filter(|value| !value.is_empty())
}

/// `mlflow.source.git.*` tags as provenance (origin `mlflow_tags`).
pub(crate) fn git_from_tags(tags: &[Tag]) -> Option<GitProvenance> {
    let commit = tag_value(tags, "mlflow.source.git.commit");
    let branch = tag_value(tags, "mlflow.source.git.branch");
    let remote = tag_value(tags, "mlflow.source.git.repoURL")
        .or_else(|| tag_value(tags, "mlflow.gitRepoURL"))
        .map(|url| strip_credentials(&url));
    if commit.is_none() && branch.is_none() && remote.is_none() {
        return None;
    }
    let mut git = GitProvenance::empty(GitOrigin::MlflowTags);
    git.commit_sha = commit;
    git.branch = branch;
    git.remote_url = remote;
    Some(git)
}

/// `https://user:token@host/x` → `https://host/x`.
fn strip_credentials(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && !userinfo.contains('/')
    {
        return format!("{scheme}://{host}");
    }
    url.to_string()
}

fn metric_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let key = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((key, entry.path().to_path_buf()));
    }
    out
}

/// Metric lines `<timestamp_ms> <value> <step> [dataset_name dataset_digest]`, exact duplicate
/// points dropped, unreadable lines skipped.
pub(crate) fn parse_metric_lines(bytes: &[u8]) -> Vec<MetricPoint> {
    let mut points = Vec::with_capacity(bytes.len() / 24);
    let mut seen: HashSet<(i64, u64, i64)> = HashSet::with_capacity(bytes.len() / 24);
    for line in bytes.split(|byte| *byte == b'\n') {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let mut parts = line.split_ascii_whitespace();
        let (Some(timestamp), Some(value)) = (parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(timestamp_ms), Ok(value)) = (timestamp.parse::<i64>(), value.parse::<f64>()) else {
            continue;
        };
        let step = match parts.next() {
            Some(step) => match step.parse::<i64>() {
                Ok(step) => step,
                Err(_) => continue,
            },
            None => 0,
        };
        if seen.insert((timestamp_ms, value.to_bits(), step)) {
            points.push(MetricPoint {
                step,
                timestamp_ms,
                value,
            });
        }
    }
    points
}

fn read_inputs(dir: &Path, datasets: &HashMap<String, ImportedInput>) -> Vec<ImportedInput> {
    let mut inputs = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return inputs;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(meta) = yaml::read_mapping(&path.join("meta.yaml")) else {
            continue;
        };
        let Some(dataset) = yaml::text(&meta, "source_id").and_then(|id| datasets.get(&id)) else {
            continue;
        };
        let mut input = dataset.clone();
        if let Some(serde_yaml::Value::Mapping(tags)) = meta.get("tags") {
            for (key, value) in tags {
                if let (Some(key), Some(value)) = (yaml::value_text(key), yaml::value_text(value)) {
                    input.tags.push(Tag { key, value });
                }
            }
        }
        inputs.push(input);
    }
    inputs
}

fn read_outputs(dir: &Path) -> Vec<(String, i64)> {
    let mut outputs = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return outputs;
    };
    for entry in entries.flatten() {
        let Ok(meta) = yaml::read_mapping(&entry.path().join("meta.yaml")) else {
            continue;
        };
        let model_id = yaml::text(&meta, "source_id")
            .unwrap_or_else(|| entry.file_name().to_string_lossy().into_owned());
        outputs.push((model_id, yaml::int(&meta, "step").unwrap_or(0)));
    }
    outputs.sort();
    outputs
}

/// Parses a stage as MLflow writes it; `None` for `Deleted_Internal`.
pub(crate) fn stage(text: &str) -> Option<ModelStage> {
    ModelStage::parse(text)
}

fn import_registry(
    store: &dyn Store,
    models_dir: &Path,
    report: &mut IndexReport,
) -> IndexResult<()> {
    let Ok(entries) = std::fs::read_dir(models_dir) else {
        return Ok(());
    };
    let mut model_dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("meta.yaml").is_file())
        .collect();
    model_dirs.sort();
    for dir in model_dirs {
        match read_registered_model(&dir) {
            Ok(model) => {
                store.import_registered_model(&model)?;
                report.registered_models += 1;
            }
            Err(IndexError::Bad { path, reason }) => report.bad_files.push(BadFile {
                path: path.display().to_string(),
                reason,
            }),
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

fn read_registered_model(dir: &Path) -> IndexResult<ImportedRegisteredModel> {
    let meta_path = dir.join("meta.yaml");
    let meta = yaml::read_mapping(&meta_path)?;
    let name = yaml::text(&meta, "name")
        .ok_or_else(|| IndexError::bad(&meta_path, "registered model has no name"))?;
    let mut model = ImportedRegisteredModel {
        name,
        description: yaml::text(&meta, "description").unwrap_or_default(),
        creation_time_ms: yaml::int(&meta, "creation_timestamp").unwrap_or(0),
        last_updated_time_ms: yaml::int(&meta, "last_updated_timestamp").unwrap_or(0),
        tags: read_key_files(&dir.join("tags"))?
            .into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect(),
        versions: Vec::new(),
        aliases: Vec::new(),
        history: None,
    };
    // `aliases/<alias>` files are authoritative; meta.yaml's `aliases:` is the fallback.
    let alias_files = read_key_files(&dir.join("aliases"))?;
    if alias_files.is_empty() {
        if let Some(serde_yaml::Value::Mapping(aliases)) = meta.get("aliases") {
            for (alias, version) in aliases {
                if let (Some(alias), Some(version)) = (
                    yaml::value_text(alias),
                    yaml::value_text(version).and_then(|v| v.trim().parse().ok()),
                ) {
                    model.aliases.push((alias, version));
                }
            }
        }
    } else {
        for (alias, version) in alias_files {
            if let Ok(version) = version.trim().parse() {
                model.aliases.push((alias, version));
            }
        }
    }
    model.aliases.sort();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(model);
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("version-") {
            continue;
        }
        let Ok(meta) = yaml::read_mapping(&entry.path().join("meta.yaml")) else {
            continue;
        };
        let Some(version) = yaml::int(&meta, "version").and_then(|v| u64::try_from(v).ok()) else {
            continue;
        };
        model.versions.push(ImportedModelVersion {
            version,
            creation_time_ms: yaml::int(&meta, "creation_timestamp").unwrap_or(0),
            last_updated_time_ms: yaml::int(&meta, "last_updated_timestamp").unwrap_or(0),
            user_id: yaml::text(&meta, "user_id").unwrap_or_default(),
            current_stage: stage(&yaml::text(&meta, "current_stage").unwrap_or_default()),
            description: yaml::text(&meta, "description").unwrap_or_default(),
            source: yaml::text(&meta, "source").unwrap_or_default(),
            run_id: yaml::text(&meta, "run_id").filter(|id| !id.is_empty()),
            status: yaml::text(&meta, "status").unwrap_or_else(|| "READY".into()),
            logged_model_id: yaml::text(&meta, "model_id"),
            storage_location: yaml::text(&meta, "storage_location"),
            tags: read_key_files(&entry.path().join("tags"))?
                .into_iter()
                .map(|(key, value)| Tag { key, value })
                .collect(),
        });
    }
    model.versions.sort_by_key(|version| version.version);
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_lines_parse_two_three_and_five_fields_and_drop_exact_duplicates() {
        let text = b"100 0.5 1\n100 0.5 1\n101 nan 2\n102 -inf\n103 inf 4 train abc123\nbad line\n104 0.25 5\n100 0.5 1";
        let points = parse_metric_lines(text);
        let summary: Vec<(i64, i64)> = points.iter().map(|p| (p.timestamp_ms, p.step)).collect();
        assert_eq!(
            summary,
            vec![(100, 1), (101, 2), (102, 0), (103, 4), (104, 5)]
        );
        assert!(points[1].value.is_nan());
        assert_eq!(points[2].value, f64::NEG_INFINITY);
        assert_eq!(points[3].value, f64::INFINITY);
    }

    #[test]
    fn git_remote_credentials_are_stripped() {
        assert_eq!(
            strip_credentials("https://user:token@github.com/org/repo.git"),
            "https://github.com/org/repo.git"
        );
        assert_eq!(
            strip_credentials("git@github.com:org/repo.git"),
            "git@github.com:org/repo.git"
        );
    }
}
