//! `cairn run -- COMMAND...`: runs a command as a tracked run, with its provenance, its output
//! as an artifact, and an ephemeral loopback MLflow endpoint for the child's own logging.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use cairn_core::TrackingStore;
use cairn_core::model::{
    GitOrigin, GitProvenance, LogBatch, NewExperiment, NewRun, Param, RunStatus, RunUpdate,
    SourceKind, Tag,
};
use cairn_core::{SqliteStore, Store, StoreError};
use cairn_provenance::GitLookup;
use cairn_server::EphemeralServer;

use crate::args::RunArgs;

/// Artifact holding the child's interleaved stdout and stderr.
const OUTPUT_ARTIFACT: &str = "cairn/output.log";
/// Artifact holding the uncommitted diff of tracked files.
const DIFF_ARTIFACT: &str = "cairn/git.diff";

pub fn run(store: &SqliteStore, args: &RunArgs) -> anyhow::Result<ExitCode> {
    let params = parse_params(&args.params)?;
    let experiment_name = args
        .experiment
        .clone()
        .or_else(|| std::env::var("MLFLOW_EXPERIMENT_NAME").ok())
        .unwrap_or_else(|| "Default".to_string());
    let experiment_id = match store.get_experiment_by_name(&experiment_name) {
        Ok(experiment) => experiment.experiment_id,
        Err(StoreError::ExperimentNotFound { .. }) => store
            .create_experiment(&NewExperiment {
                name: experiment_name.clone(),
                artifact_location: None,
                tags: Vec::new(),
                experiment_id: None,
            })
            .with_context(|| format!("creating experiment {experiment_name}"))?,
        Err(error) => return Err(error).context("finding the experiment"),
    };
    let cwd = std::env::current_dir().context("reading the working directory")?;
    let command_line = args
        .command
        .iter()
        .map(|word| shell_quote(word))
        .collect::<Vec<_>>()
        .join(" ");
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default();
    let tag = |key: &str, value: &str| Tag {
        key: key.to_string(),
        value: value.to_string(),
    };
    let mut new_run = NewRun::new(experiment_id, SourceKind::CairnRun);
    new_run.run_name = args.name.clone().unwrap_or_default();
    new_run.user_id = user.clone();
    new_run.source_path = Some(cwd.display().to_string());
    new_run.tags = vec![
        tag("mlflow.source.type", "LOCAL"),
        tag("mlflow.source.name", &command_line),
        tag("mlflow.user", &user),
        tag("cairn.command", &command_line),
        tag("cairn.cwd", &cwd.display().to_string()),
        tag("cairn.host", &host),
    ];
    let run = store.create_run(&new_run).context("creating the run")?;
    let run_id = run.info.run_id.clone();
    let artifact_dir = local_artifact_dir(store, &run.info.artifact_uri)?;

    let prepared = record_provenance(store, &run_id, &cwd, &artifact_dir, &args.data, &params);
    if let Err(error) = prepared {
        let _ = store.update_run(&run_id, &finished(RunStatus::Failed));
        return Err(error);
    }

    let server_store = SqliteStore::open_with_durability(store.database_path(), store.durability())
        .context("opening the store for the loopback endpoint")?;
    let server = EphemeralServer::start(server_store)?;
    eprintln!(
        "cairn run: run {run_id} in experiment {experiment_name} ({})",
        server.url()
    );

    let outcome = supervise(
        store,
        &args.command,
        &server.url(),
        &run_id,
        &experiment_name,
        &artifact_dir,
        args.system_metrics_interval,
    );
    server.stop();
    let (status, exit_code) = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            let _ = store.update_run(&run_id, &finished(RunStatus::Failed));
            return Err(error);
        }
    };
    store
        .update_run(&run_id, &finished(status))
        .context("recording the run's end")?;
    Ok(ExitCode::from(exit_code))
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
    if !params.is_empty() {
        store
            .log_batch(
                run_id,
                &LogBatch {
                    params: params.to_vec(),
                    ..LogBatch::default()
                },
            )
            .context("recording params")?;
    }
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
    command: &[String],
    tracking_uri: &str,
    run_id: &str,
    experiment_name: &str,
    artifact_dir: &Path,
    system_metrics_interval_secs: f64,
) -> anyhow::Result<(RunStatus, u8)> {
    let Some((program, arguments)) = command.split_first() else {
        bail!("no command given after --");
    };
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
    let mut child = Command::new(program)
        .args(arguments)
        .env("MLFLOW_TRACKING_URI", tracking_uri)
        .env("MLFLOW_RUN_ID", run_id)
        .env("MLFLOW_EXPERIMENT_NAME", experiment_name)
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

/// The folder behind a run's artifact URI, for the store's own locations and local paths.
fn local_artifact_dir(store: &SqliteStore, artifact_uri: &str) -> anyhow::Result<PathBuf> {
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
