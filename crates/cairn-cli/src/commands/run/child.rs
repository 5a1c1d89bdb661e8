//! How the command is started: its arguments and the environment that points its mlflow client
//! at the loopback endpoint without pinning it to a run.

use std::ffi::OsString;
use std::process::Command;

/// The command and what its environment must say.
#[derive(Debug)]
pub(super) struct Child<'a> {
    /// The program and its arguments.
    pub command: &'a [String],
    /// The loopback endpoint, for `MLFLOW_TRACKING_URI`.
    pub tracking_uri: String,
    /// The wrapper run, for `CAIRN_RUN_ID`.
    pub run_id: &'a str,
    /// `--experiment`, passed as `MLFLOW_EXPERIMENT_NAME`.
    pub experiment_name: Option<&'a str>,
}

/// One change to the inherited environment.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum EnvChange {
    Set(&'static str, String),
    Remove(&'static str),
}

impl Child<'_> {
    /// The environment changes, given the variable lookup of Cairn's own environment.
    ///
    /// `MLFLOW_RUN_ID` is removed: with it the client resumes that run and refuses a script's
    /// `mlflow.set_experiment` of another experiment. The script creates its runs instead and
    /// the endpoint answers the first with the wrapper (see `adoption`); REST callers find the
    /// wrapper's id in `CAIRN_RUN_ID`.
    pub(super) fn env_changes(
        &self,
        inherited: impl Fn(&str) -> Option<OsString>,
    ) -> Vec<EnvChange> {
        let mut changes = vec![
            EnvChange::Set("MLFLOW_TRACKING_URI", self.tracking_uri.clone()),
            EnvChange::Set("CAIRN_RUN_ID", self.run_id.to_string()),
            EnvChange::Remove("MLFLOW_RUN_ID"),
        ];
        if let Some(name) = self.experiment_name {
            changes.push(EnvChange::Set("MLFLOW_EXPERIMENT_NAME", name.to_string()));
            changes.push(EnvChange::Remove("MLFLOW_EXPERIMENT_ID"));
        }
        // The 3.x client's telemetry thread has crashed workers without internet access.
        if inherited("MLFLOW_DISABLE_TELEMETRY").is_none() {
            changes.push(EnvChange::Set(
                "MLFLOW_DISABLE_TELEMETRY",
                "true".to_string(),
            ));
        }
        changes
    }

    /// The command, its environment changed; `None` when no command was given.
    pub(super) fn command(&self) -> Option<Command> {
        let (program, arguments) = self.command.split_first()?;
        let mut command = Command::new(program);
        command.args(arguments);
        for change in self.env_changes(|key| std::env::var_os(key)) {
            match change {
                EnvChange::Set(key, value) => command.env(key, value),
                EnvChange::Remove(key) => command.env_remove(key),
            };
        }
        Some(command)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

    use super::*;

    fn child(experiment_name: Option<&str>) -> Vec<EnvChange> {
        let command = ["python".to_string()];
        Child {
            command: &command,
            tracking_uri: "http://127.0.0.1:1".to_string(),
            run_id: "abc",
            experiment_name,
        }
        .env_changes(|_| None)
    }

    #[test]
    fn the_child_is_pointed_at_the_endpoint_but_not_pinned_to_a_run() {
        let changes = child(None);
        assert!(changes.contains(&EnvChange::Remove("MLFLOW_RUN_ID")));
        assert!(changes.contains(&EnvChange::Set("CAIRN_RUN_ID", "abc".into())));
        assert!(
            !changes
                .iter()
                .any(|change| matches!(change, EnvChange::Set("MLFLOW_EXPERIMENT_NAME", _))),
            "without --experiment the user's own experiment variables stay"
        );
        let named = child(Some("churn"));
        assert!(named.contains(&EnvChange::Set("MLFLOW_EXPERIMENT_NAME", "churn".into())));
        assert!(named.contains(&EnvChange::Remove("MLFLOW_EXPERIMENT_ID")));
    }

    #[test]
    fn telemetry_is_off_unless_the_user_chose() {
        let off = EnvChange::Set("MLFLOW_DISABLE_TELEMETRY", "true".into());
        assert!(child(None).contains(&off));
        let command = ["python".to_string()];
        let chosen = Child {
            command: &command,
            tracking_uri: String::new(),
            run_id: "abc",
            experiment_name: None,
        }
        .env_changes(|key| (key == "MLFLOW_DISABLE_TELEMETRY").then(|| "false".into()));
        assert!(
            !chosen
                .iter()
                .any(|change| matches!(change, EnvChange::Set("MLFLOW_DISABLE_TELEMETRY", _)))
        );
    }
}
