//! `cairn run -- COMMAND...`: runs a command as a tracked run, with its provenance, its output
//! as an artifact, and an ephemeral loopback MLflow endpoint for the child's own logging, which
//! makes the runs the child creates one unit with it ([`adoption`]).

mod account;
mod adoption;
mod child;
mod experiment;

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use cairn_core::TrackingStore;
use cairn_core::model::{
    GitOrigin, GitProvenance, LogBatch, NewRun, Param, RunStatus, RunUpdate, SourceKind, Tag,
};
use cairn_core::{SqliteStore, Store};
use cairn_provenance::GitLookup;
use cairn_server::EphemeralServer;

use self::adoption::Adoption;
use self::child::Child;
use self::experiment::WrapperExperiment;
use crate::args::RunArgs;

/// Artifact holding the child's interleaved stdout and stderr.
const OUTPUT_ARTIFACT: &str = "cairn/output.log";
/// Artifact holding the uncommitted diff of tracked files.
const DIFF_ARTIFACT: &str = "cairn/git.diff";
/// Tag naming the `cairn run` a run belongs to (the wrapper's id, on the wrapper too), so
/// `tags.cairn.run = 'ID'` finds the whole unit.
const UNIT_TAG: &str = "cairn.run";

pub fn run(store: &SqliteStore, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let params = parse_params(&args.params)?;
    let experiment = WrapperExperiment::choose(store, args.experiment.as_deref())?;
    let cwd = std::env::current_dir().context("reading the working directory")?;
    let command_line = args
        .command
        .iter()
        .map(|word| shell_quote(word))
        .collect::<Vec<_>>()
        .join(" ");
    let user = account::user_name();
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default();
    let command_tags = vec![
        Tag::new("cairn.command", command_line.as_str()),
        Tag::new("cairn.cwd", cwd.display().to_string()),
        Tag::new("cairn.host", host),
    ];
    let mut new_run = NewRun::new(experiment.id, SourceKind::CairnRun);
    new_run.run_name = args.name.clone().unwrap_or_default();
    new_run.user_id = user.clone();
    new_run.source_path = Some(cwd.display().to_string());
    new_run.tags = vec![
        Tag::new("mlflow.source.type", "LOCAL"),
        Tag::new("mlflow.source.name", command_line.as_str()),
        Tag::new("mlflow.user", user),
    ];
    new_run.tags.extend(command_tags.iter().cloned());
    let run = store.create_run(&new_run).context("creating the run")?;
    let run_id = run.info.run_id.clone();
    let artifact_dir = local_artifact_dir(store, &run.info.artifact_uri)?;

    let prepared = record_provenance(store, &run_id, &cwd, &artifact_dir, &args.data, &params);
    if let Err(error) = prepared {
        let _ = store.update_run(&run_id, &finished(RunStatus::Failed));
        return Err(error);
    }

    let mut unit_tags = command_tags;
    unit_tags.push(Tag::new(UNIT_TAG, run_id.as_str()));
    let adoption = Arc::new(Adoption::new(
        run_id.clone(),
        args.name.is_some(),
        unit_tags,
        artifact_dir.clone(),
    ));
    let server_store = SqliteStore::open_with_durability(store.database_path(), store.durability())
        .context("opening the store for the loopback endpoint")?;
    let server = EphemeralServer::start(
        server_store,
        Some(Arc::clone(&adoption) as Arc<dyn cairn_server::RunCreator>),
    )?;
    eprintln!(
        "cairn run: run {run_id} in experiment {} ({})",
        experiment.name,
        server.url()
    );

    let child = Child {
        command: &args.command,
        tracking_uri: server.url(),
        run_id: &run_id,
        experiment_name: experiment.pass_name.as_deref(),
    };
    let outcome = supervise(store, &child, &artifact_dir, args.system_metrics_interval);
    server.stop();
    let (status, exit_code) = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            let _ = store.update_run(&run_id, &finished(RunStatus::Failed));
            adoption.end_left_running(store, RunStatus::Failed, cairn_core::time::now_millis());
            return Err(error);
        }
    };
    let ended = finished(status);
    store
        .update_run(&run_id, &ended)
        .context("recording the run's end")?;
    adoption.end_left_running(store, status, ended.end_time_ms.unwrap_or_default());
    report_unit(store, &run_id, &adoption.unit(), status);
    Ok(ExitCode::from(exit_code))
}

/// One closing line when the command's runs went beyond the wrapper: where it ended up and how
/// many runs hang under it.
fn report_unit(store: &SqliteStore, run_id: &str, unit: &adoption::Unit, status: RunStatus) {
    if !unit.wrapper_taken && unit.created.is_empty() {
        return;
    }
    let experiment = store
        .get_run(run_id)
        .and_then(|run| store.get_experiment(run.info.experiment_id))
        .map(|experiment| experiment.name)
        .unwrap_or_default();
    let more = match unit.created.len() {
        0 => String::new(),
        1 => "; 1 more run of the command is linked to it".to_string(),
        count => format!("; {count} more runs of the command are linked to it"),
    };
    eprintln!(
        "cairn run: run {run_id} {} in experiment {experiment}{more}",
        status.as_str()
    );
}

fn finished(status: RunStatus) -> RunUpdate {
    RunUpdate {
        status: Some(status),
        end_time_ms: Some(cairn_core::time::now_millis()),
        run_name: None,
    }
}

fn record_provenance(
    store: &dyn Store,
    run_id: &str,
    cwd: &Path,
    artifact_dir: &Path,
    data: &[PathBuf],
    params: &[Param],
) -> anyhow::Result<()> {
    store
        .log_batch(
            run_id,
            &LogBatch {
                params: params.to_vec(),
                tags: vec![Tag::new(UNIT_TAG, run_id)],
                ..LogBatch::default()
            },
        )
        .context("recording params")?;
    if let GitLookup::Found(snapshot) = cairn_provenance::inspect_git(cwd)? {
        let mut git = GitProvenance::empty(GitOrigin::Repository);
        git.repo_root = Some(snapshot.repo_root.display().to_string());
        git.commit_sha = snapshot.commit_sha;
        git.branch = snapshot.branch;
        git.remote_url = snapshot.remote_url;
        git.is_dirty = Some(snapshot.is_dirty);
        if !snapshot.diff_patch.is_empty() {
            write_artifact(artifact_dir, DIFF_ARTIFACT, snapshot.diff_patch.as_bytes())?;
            git.diff_artifact = Some(DIFF_ARTIFACT.to_string());
        }
        git.untracked_files = snapshot.untracked_files;
        git.author_name = snapshot.author_name;
        git.author_email = snapshot.author_email;
        git.commit_time_ms = snapshot.commit_time_ms;
        git.commit_summary = snapshot.commit_summary;
        store
            .set_git_provenance(run_id, &git)
            .context("recording git provenance")?;
    }
    for path in data {
        let (hash, _) = cairn_provenance::hash_with_store(store, path)
            .with_context(|| format!("hashing --data {}", path.display()))?;
        store
            .set_data_hash(run_id, &hash)
            .with_context(|| format!("recording the data hash of {}", path.display()))?;
    }
    Ok(())
}

/// Runs the child with its output teed to the terminal and the log artifact; returns the run
/// status and the exit code to pass on.
fn supervise(
    store: &SqliteStore,
    child: &Child<'_>,
    artifact_dir: &Path,
    system_metrics_interval_secs: f64,
) -> anyhow::Result<(RunStatus, u8)> {
    let Some(mut command) = child.command() else {
        bail!("no command given after --");
    };
    let program = child
        .command
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    let log_path = artifact_dir.join(OUTPUT_ARTIFACT);
    if let Some(parent) = log_path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let log = Arc::new(Mutex::new(
        File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?,
    ));
    // While the child runs, Ctrl-C reaches it through the terminal's process group; Cairn
    // itself must outlive it to record the ending.
    let interrupts = Interrupts::catch();
    let run_id = child.run_id;
    let mut child = command
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {program}"))?;
    let stdout = child
        .stdout
        .take()
        .map(|pipe| tee(pipe, false, Arc::clone(&log)));
    let stderr = child
        .stderr
        .take()
        .map(|pipe| tee(pipe, true, Arc::clone(&log)));
    let child_pid = child.id();
    let status = std::thread::scope(|scope| {
        let (stop_sampling, stop) = std::sync::mpsc::channel::<()>();
        if system_metrics_interval_secs > 0.0 {
            let interval = std::time::Duration::from_secs_f64(system_metrics_interval_secs);
            scope.spawn(move || {
                super::system_metrics::sample_until_stopped(
                    store, run_id, child_pid, interval, &stop,
                );
            });
        }
        let status = child.wait();
        drop(stop_sampling);
        status
    })
    .context("waiting for the command")?;
    for thread in [stdout, stderr].into_iter().flatten() {
        let _ = thread.join();
    }
    let interrupted = interrupts.seen();
    Ok(exit_outcome(status, interrupted))
}

fn exit_outcome(status: std::process::ExitStatus, interrupted: bool) -> (RunStatus, u8) {
    if let Some(code) = status.code() {
        let run_status = match (code, interrupted) {
            (0, _) => RunStatus::Finished,
            (_, true) => RunStatus::Killed,
            _ => RunStatus::Failed,
        };
        return (run_status, u8::try_from(code).unwrap_or(1));
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let code = u8::try_from(128 + signal).unwrap_or(1);
            return (RunStatus::Killed, code);
        }
    }
    (RunStatus::Failed, 1)
}

fn tee(
    mut pipe: impl Read + Send + 'static,
    is_stderr: bool,
    log: Arc<Mutex<File>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        while let Ok(count) = pipe.read(&mut buffer) {
            if count == 0 {
                break;
            }
            let chunk = &buffer[..count];
            if is_stderr {
                let mut terminal = std::io::stderr().lock();
                let _ = terminal.write_all(chunk);
                let _ = terminal.flush();
            } else {
                let mut terminal = std::io::stdout().lock();
                let _ = terminal.write_all(chunk);
                let _ = terminal.flush();
            }
            if let Ok(mut file) = log.lock() {
                let _ = file.write_all(chunk);
            }
        }
    })
}

/// SIGINT caught instead of fatal from [`Interrupts::catch`] on; the terminal delivers Ctrl-C to
/// the child (same process group) and Cairn stays alive to record how it ended.
struct Interrupts {
    seen: Arc<AtomicBool>,
}

impl Interrupts {
    fn catch() -> Interrupts {
        let seen = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&seen);
        let (registered, wait_registered) = std::sync::mpsc::channel::<()>();
        let _ = std::thread::Builder::new()
            .name("cairn-run-sigint".to_string())
            .spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    let _ = registered.send(());
                    return;
                };
                runtime.block_on(async move {
                    let signal =
                        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
                    let _ = registered.send(());
                    if let Ok(mut signal) = signal {
                        while signal.recv().await.is_some() {
                            flag.store(true, AtomicOrdering::SeqCst);
                        }
                    }
                });
            });
        // The handler must be in place before the child starts.
        let _ = wait_registered.recv();
        Interrupts { seen }
    }

    fn seen(&self) -> bool {
        self.seen.load(AtomicOrdering::SeqCst)
    }
}

fn write_artifact(artifact_dir: &Path, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let path = artifact_dir.join(relative);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Copies one artifact file of a run to the same place in another's folder.
fn copy_artifact(from: &Path, to: &Path) -> anyhow::Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    fs::copy(from, to)
        .map(|_| ())
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))
}

/// The folder behind a run's artifact URI, for the store's own locations and local paths.
fn local_artifact_dir(store: &dyn cairn_core::Store, artifact_uri: &str) -> anyhow::Result<PathBuf> {
    if let Some(rest) = artifact_uri.strip_prefix("mlflow-artifacts:") {
        return Ok(store.artifact_root().join(rest.trim_start_matches('/')));
    }
    if let Some(rest) = artifact_uri.strip_prefix("file://") {
        return Ok(PathBuf::from(rest));
    }
    if artifact_uri.contains("://") {
        bail!("cairn run keeps its log only in local artifact locations, not {artifact_uri}");
    }
    Ok(PathBuf::from(artifact_uri))
}

fn parse_params(params: &[String]) -> anyhow::Result<Vec<Param>> {
    params
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok(Param {
                key: key.to_string(),
                value: value.to_string(),
            }),
            _ => bail!("--param must be KEY=VALUE, got '{pair}'"),
        })
        .collect()
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
