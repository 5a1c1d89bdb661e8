//! The runs a `cairn run` command creates through its loopback endpoint, made one unit with the
//! run Cairn opened for it (the wrapper): the command's first top-level run *is* the wrapper,
//! moved into the experiment the command chose; every later run is linked to it (parent tag,
//! the command's tags, git provenance and data hashes copied).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use cairn_core::model::{LogBatch, NewRun, Run, RunStatus, RunUpdate, Tag};
use cairn_core::StoreResult;
use cairn_server::RunCreator;

use super::local_artifact_dir;

/// MLflow's tag naming a nested run's parent.
pub(super) const PARENT_RUN_TAG: &str = "mlflow.parentRunId";
/// MLflow's tag kept in step with the run name.
const RUN_NAME_TAG: &str = "mlflow.runName";

/// How the loopback endpoint answers `runs/create` for one `cairn run`.
#[derive(Debug)]
pub(super) struct Adoption {
    wrapper_run_id: String,
    /// `--name` was given: the command's own run name does not replace it.
    keep_wrapper_name: bool,
    /// Tags every run of the unit carries (the command, where it ran, the wrapper's id).
    unit_tags: Vec<Tag>,
    /// The wrapper's artifact folder, where its `cairn/git.diff` is.
    wrapper_artifacts: PathBuf,
    state: Mutex<Adopted>,
}

#[derive(Debug, Default)]
struct Adopted {
    /// The command's first top-level run was answered with the wrapper.
    wrapper_taken: bool,
    /// Runs created besides the wrapper, in creation order.
    created: Vec<String>,
}

/// What the command made of its runs, for the closing line and the runs left running.
#[derive(Debug)]
pub(super) struct Unit {
    /// The command took the wrapper as its own run.
    pub wrapper_taken: bool,
    /// Runs created besides the wrapper.
    pub created: Vec<String>,
}

impl Adoption {
    pub(super) fn new(
        wrapper_run_id: String,
        keep_wrapper_name: bool,
        unit_tags: Vec<Tag>,
        wrapper_artifacts: PathBuf,
    ) -> Adoption {
        Adoption {
            wrapper_run_id,
            keep_wrapper_name,
            unit_tags,
            wrapper_artifacts,
            state: Mutex::new(Adopted::default()),
        }
    }

    /// What the command created so far.
    pub(super) fn unit(&self) -> Unit {
        let state = self.lock();
        Unit {
            wrapper_taken: state.wrapper_taken,
            created: state.created.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Adopted> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The wrapper, moved into `new`'s experiment and given the tags (and, without `--name`,
    /// the name) the command asked for; the wrapper's own tags stay.
    fn take_wrapper(&self, store: &dyn cairn_core::Store, new: NewRun) -> StoreResult<Run> {
        let wrapper_id = &self.wrapper_run_id;
        let wrapper = store.get_run(wrapper_id)?;
        if wrapper.info.experiment_id != new.experiment_id {
            store.move_run(wrapper_id, new.experiment_id)?;
        }
        let held: HashSet<&str> = wrapper.tags.iter().map(|tag| tag.key.as_str()).collect();
        let asked_name = Some(new.run_name.trim())
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .or_else(|| {
                new.tags
                    .iter()
                    .find(|tag| tag.key == RUN_NAME_TAG)
                    .map(|tag| tag.value.clone())
            });
        let tags: Vec<Tag> = new
            .tags
            .into_iter()
            .filter(|tag| tag.key != RUN_NAME_TAG && !held.contains(tag.key.as_str()))
            .collect();
        if !tags.is_empty() {
            store.log_batch(
                wrapper_id,
                &LogBatch {
                    tags,
                    ..LogBatch::default()
                },
            )?;
        }
        if let Some(name) = asked_name.filter(|_| !self.keep_wrapper_name) {
            store.update_run(
                wrapper_id,
                &RunUpdate {
                    status: None,
                    end_time_ms: None,
                    run_name: Some(name),
                },
            )?;
        }
        store.get_run(wrapper_id)
    }

    /// A new run, under the wrapper when the command gave it no parent, with the unit's tags
    /// and the wrapper's provenance.
    fn create_linked(&self, store: &dyn cairn_core::Store, mut new: NewRun) -> StoreResult<Run> {
        if new.parent_run_id.is_none() {
            new.parent_run_id = Some(self.wrapper_run_id.clone());
            new.tags.retain(|tag| tag.key != PARENT_RUN_TAG);
            new.tags
                .push(Tag::new(PARENT_RUN_TAG, self.wrapper_run_id.as_str()));
        }
        for tag in &self.unit_tags {
            if !new.tags.iter().any(|given| given.key == tag.key) {
                new.tags.push(tag.clone());
            }
        }
        let run = store.create_run(&new)?;
        let run_id = run.info.run_id.clone();
        // The run exists now: provenance that cannot be copied is reported, not a failed call.
        if let Err(error) = self.copy_provenance(store, &run) {
            eprintln!("cairn run: run {run_id} lacks the command's provenance: {error}");
        }
        store.get_run(&run_id)
    }

    fn copy_provenance(&self, store: &dyn cairn_core::Store, run: &Run) -> anyhow::Result<()> {
        let wrapper = store.get_run(&self.wrapper_run_id)?;
        let run_id = &run.info.run_id;
        if let Some(mut git) = wrapper.git {
            if let Some(diff) = git.diff_artifact.clone() {
                let copied = local_artifact_dir(store, &run.info.artifact_uri).and_then(|dir| {
                    super::copy_artifact(&self.wrapper_artifacts.join(&diff), &dir.join(&diff))
                });
                if copied.is_err() {
                    git.diff_artifact = None;
                }
            }
            store.set_git_provenance(run_id, &git)?;
        }
        for hash in &wrapper.data {
            store.set_data_hash(run_id, hash)?;
        }
        Ok(())
    }

    /// Ends the runs the command created and left running, with the command's outcome.
    pub(super) fn end_left_running(&self, store: &dyn cairn_core::Store, status: RunStatus, end_ms: i64) {
        for run_id in self.unit().created {
            let running = store
                .get_run(&run_id)
                .is_ok_and(|run| run.info.status == RunStatus::Running);
            if running {
                let ended = store.update_run(
                    &run_id,
                    &RunUpdate {
                        status: Some(status),
                        end_time_ms: Some(end_ms),
                        run_name: None,
                    },
                );
                if let Err(error) = ended {
                    eprintln!("cairn run: could not end run {run_id}: {error}");
                }
            }
        }
    }
}

impl RunCreator for Adoption {
    fn create_run(&self, store: &dyn cairn_core::Store, new: NewRun) -> StoreResult<Run> {
        // One creation at a time: two first runs racing must not both take the wrapper.
        let mut state = self.lock();
        if new.parent_run_id.is_none() && !state.wrapper_taken {
            let run = self.take_wrapper(store, new)?;
            state.wrapper_taken = true;
            return Ok(run);
        }
        let run = self.create_linked(store, new)?;
        state.created.push(run.info.run_id.clone());
        Ok(run)
    }
}
