//! What the `cairn` binary's end-to-end tests share: a sandbox (a temporary home) and the binary
//! run inside it with a scrubbed environment — no CAIRN_STORE, and HOME, XDG_DATA_HOME and
//! CAIRN_CONFIG_DIR inside the sandbox — so no test touches the user's data or settings.
#![allow(
    dead_code,
    reason = "each test file uses the part of the sandbox it needs"
)]

pub mod served;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub struct Sandbox {
    home: tempfile::TempDir,
    /// The store every command is given with `--store`, relative to the home; `None` lets
    /// `cairn` choose it as it would for a user.
    store: Option<&'static str>,
    env: Vec<(&'static str, &'static str)>,
}

impl Sandbox {
    /// A sandbox whose commands run on the store at `store` inside it.
    pub fn with_store(store: &'static str) -> Sandbox {
        Sandbox {
            home: tempfile::tempdir().expect("temp home"),
            store: Some(store),
            env: Vec::new(),
        }
    }

    /// A sandbox whose commands name no store.
    pub fn without_store() -> Sandbox {
        Sandbox {
            store: None,
            ..Sandbox::with_store("")
        }
    }

    /// Sets one more environment variable for every command.
    pub fn with_env(mut self, key: &'static str, value: &'static str) -> Sandbox {
        self.env.push((key, value));
        self
    }

    /// The sandbox's folder (the commands' HOME).
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// A path inside the sandbox.
    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// The store commands run on.
    pub fn store(&self) -> PathBuf {
        self.path(self.store.expect("a sandbox with a store"))
    }

    /// `cairn` in the sandbox's environment, with no arguments yet.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
        command
            .env_remove("CAIRN_STORE")
            .env_remove("CAIRN_DATABASE_URL")
            .env_remove("CAIRN_USER")
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("CAIRN_CONFIG_DIR", self.path("config"))
            .envs(self.env.iter().copied());
        command
    }

    /// `cairn` in the sandbox's environment started by `sh` after `ulimit -n OPEN_FILES` (soft and
    /// hard), so the binary itself runs under that file-descriptor limit; no arguments yet.
    pub fn command_with_open_files_limit(&self, open_files: u64) -> Command {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {open_files} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_cairn"))
            .env_remove("CAIRN_STORE")
            .env_remove("CAIRN_DATABASE_URL")
            .env_remove("CAIRN_USER")
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("CAIRN_CONFIG_DIR", self.path("config"))
            .envs(self.env.iter().copied());
        command
    }

    /// Runs `cairn ARGS` on the sandbox's store.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut command = self.command();
        if self.store.is_some() {
            command.arg("--store").arg(self.store());
        }
        command.args(args).output().expect("run cairn")
    }

    /// The output of a command that must succeed.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "cairn {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    /// The `--json` output of a command that must succeed.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        serde_json::from_str(&self.ok(&with_json)).expect("JSON output")
    }

    /// Runs a command that must fail with exit 1 and one `error:` line, never a panic; returns
    /// that line.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_eq!(output.status.code(), Some(1), "cairn {args:?} should fail");
        let stderr = String::from_utf8(output.stderr).expect("utf-8 stderr");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }
}
