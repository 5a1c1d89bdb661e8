//! Runs a parsed command line against the store.

mod demo;
mod diff;
mod drift;
mod experiments;
mod gate;
mod gate_report;
mod hash;
mod index;
mod log;
mod models;
mod monitor;
mod plot;
mod push;
mod run;
mod run_ids;
mod runs;
mod serve;
mod store;
mod store_copy;
mod system_metrics;
mod ui;
mod users;

use std::process::ExitCode;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use cairn_core::store::redacted_url;
use cairn_core::{PostgresStore, SqliteStore, Store};

use crate::args::{Cli, Command, RunsCommand};

/// Runs the command; the exit code is the command's to choose.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // These read or change which store is used, so they open none first.
    if let Command::Store { command } = &cli.command {
        store::run(
            cli.store.as_deref(),
            cli.database.as_deref(),
            command.as_ref(),
            cli.json,
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Completions { shell } = &cli.command {
        // Written whole, so a closed pipe is an error `main` handles, never a panic.
        let mut script = Vec::new();
        let mut command = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(*shell, &mut command, "cairn", &mut script);
        std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Comparing two paths needs no store.
    if let Command::Drift(args) = &cli.command
        && !args.runs
    {
        return Ok(drift::run(None, args, cli.json));
    }
    let places = cairn_local::Places::from_env();
    let location = places.locate(cli.store.as_deref())?;
    // A server's options are checked before its store is opened: a refused credential or
    // address leaves no store behind.
    if let Command::Serve(args) = &cli.command {
        let plan = serve::plan(args)?;
        serve::serve(open(&cli, &location.path)?, plan)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Ui(args) = &cli.command {
        let (plan, address) = ui::plan(args)?;
        let store = open(&cli, &location.path)?;
        if !args.no_browser {
            ui::open_browser_when_listening(address);
        }
        serve::serve(store, plan)?;
        return Ok(ExitCode::SUCCESS);
    }
    let opened = open(&cli, &location.path)?;
    let shared = opened.store();
    let store: &dyn Store = &*shared;
    match cli.command {
        Command::Experiments { all, filter } => {
            experiments::list(store, all, filter.as_deref(), cli.json)?;
        }
        Command::Runs(RunsCommand::List(args)) => runs::list(store, &args, cli.json)?,
        Command::Runs(RunsCommand::Show { run_id }) => {
            runs::show(store, &run_ids::resolve(store, &run_id)?, cli.json)?;
        }
        Command::Log(command) => log::log(store, command)?,
        Command::Index { paths, watch } if watch => index::watch(store, &paths, cli.json)?,
        Command::Index { paths, .. } => index::index(store, &paths, cli.json)?,
        Command::Plot(command) => plot::plot(store, command, cli.json)?,
        Command::Models(command) => models::run(store, command, cli.json)?,
        Command::Gate(args) => return gate::run(store, &args, cli.json),
        Command::Drift(args) => return Ok(drift::run(Some(store), &args, cli.json)),
        Command::Monitor(command) => return Ok(monitor::run(store, command, cli.json)),
        Command::Run(args) => return run::run(&shared, &args),
        Command::Diff { run_a, run_b } => diff::diff(
            store,
            &run_ids::resolve(store, &run_a)?,
            &run_ids::resolve(store, &run_b)?,
            cli.json,
        )?,
        Command::Hash { paths } => hash::hash(store, &paths, cli.json)?,
        Command::Push(mut args) => {
            args.run_ids = run_ids::resolve_all(store, &args.run_ids)?;
            return push::push(store, &args, cli.json);
        }
        Command::Demo {
            if_empty,
            sweep: Some(runs),
        } if !if_empty => demo::sweep(store, runs, cli.json)?,
        Command::Demo { if_empty, .. } => demo::seed(store, if_empty, cli.json)?,
        Command::Users(command) => users::run(store, command, cli.json)?,
        // Handled above.
        Command::Store { .. }
        | Command::Serve(_)
        | Command::Ui(_)
        | Command::Completions { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// A store the command line opened: the local file, or a team database.
pub enum Opened {
    /// The SQLite store file (`--store`, `CAIRN_STORE`, remembered or default).
    Local(Arc<SqliteStore>),
    /// A database server (`--database`, `CAIRN_DATABASE_URL`).
    Database(Arc<dyn Store>),
}

impl Opened {
    /// The store, whichever it is.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Opened::Local(store) => Arc::clone(store) as Arc<dyn Store>,
            Opened::Database(store) => Arc::clone(store),
        }
    }
}

/// Opens the database `--database` names, else the store file at `path`.
fn open(cli: &Cli, path: &Path) -> anyhow::Result<Opened> {
    if let Some(url) = &cli.database {
        let store = open_database(url, &database_artifacts()?, "the store in")?;
        return Ok(Opened::Database(store));
    }
    let store = SqliteStore::open_with_durability(path, cli.durability.into())
        .with_context(|| format!("opening the store {}", path.display()))?;
    Ok(Opened::Local(Arc::new(store)))
}

/// Connects to the database at `url` (named `what` in errors, without its password), keeping
/// Cairn's own artifacts in `artifacts`.
pub(crate) fn open_database(
    url: &str,
    artifacts: &Path,
    what: &str,
) -> anyhow::Result<Arc<dyn Store>> {
    let store = PostgresStore::connect(url, artifacts)
        .with_context(|| format!("opening {what} {}", redacted_url(url)))?;
    Ok(Arc::new(store))
}

/// Where a database store keeps artifacts stored by Cairn itself: `./cairn-artifacts` of the
/// directory the command runs in, as MLflow's server uses `./mlartifacts`.
pub(crate) fn database_artifacts() -> anyhow::Result<std::path::PathBuf> {
    Ok(std::env::current_dir()
        .context("reading the working directory")?
        .join("cairn-artifacts"))
}

/// Prints a value as pretty JSON on stdout.
fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?)?;
    Ok(())
}
