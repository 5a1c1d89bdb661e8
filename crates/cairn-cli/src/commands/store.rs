//! `cairn store`: which store is used and why; `cairn store use` remembers another one.

use std::path::Path;

use cairn_local::{Places, StoreOrigin};
use serde::Serialize;

use crate::args::StoreCommand;

/// Where the store came from, as `cairn store --json` prints it.
#[derive(Serialize)]
struct StoreReport {
    /// The team database store commands use instead of a file (`--database` or
    /// `CAIRN_DATABASE_URL`), without its password.
    database: Option<String>,
    /// The database file used.
    path: String,
    /// `flag`, `env`, `remembered` or `default`.
    origin: StoreOrigin,
    /// The store remembered by `cairn store use`, if any.
    remembered: Option<String>,
    /// The store in the user's data folder.
    default: Option<String>,
    /// The settings file holding the remembered store.
    settings_file: Option<String>,
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

pub fn run(
    flag: Option<&Path>,
    database: Option<&str>,
    command: Option<&StoreCommand>,
    json: bool,
) -> anyhow::Result<()> {
    let places = Places::from_env();
    match command {
        None => show(&places, flag, database, json),
        Some(StoreCommand::Use { path, default }) => {
            let path = if *default { None } else { path.as_deref() };
            choose(&places, path, json)
        }
        Some(StoreCommand::Copy(args)) => super::store_copy::copy(args, json),
    }
}

fn why(origin: StoreOrigin) -> &'static str {
    match origin {
        StoreOrigin::Flag => "--store",
        StoreOrigin::Env => "$CAIRN_STORE",
        StoreOrigin::Remembered => "remembered (cairn store use)",
        StoreOrigin::Default => "default (the user's data folder)",
    }
}

fn show(
    places: &Places,
    flag: Option<&Path>,
    database: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let location = places.locate(flag)?;
    let database = database
        .filter(|url| !url.is_empty())
        .map(cairn_core::store::redacted_url);
    // With --store or CAIRN_STORE the settings file is not needed; a bad one is still reported.
    let remembered = places.remembered();
    let report = StoreReport {
        database: database.clone(),
        path: text(&location.path),
        origin: location.origin,
        remembered: remembered
            .as_ref()
            .ok()
            .cloned()
            .flatten()
            .as_deref()
            .map(text),
        default: places.default_store.as_deref().map(text),
        settings_file: places.settings_file.as_deref().map(text),
    };
    if json {
        return super::print_json(&report);
    }
    if let Some(database) = &database {
        outln!("store:       {database}")?;
        outln!("from:        --database or $CAIRN_DATABASE_URL (store files are not used)")?;
        outln!("store file:  {} ({})", report.path, why(location.origin))?;
    } else {
        outln!("store:       {}", report.path)?;
        outln!("from:        {}", why(location.origin))?;
    }
    match (&remembered, &report.remembered) {
        (Err(error), _) => outln!("remembered:  unreadable: {error}")?,
        (Ok(_), Some(path)) if location.origin != StoreOrigin::Remembered => {
            outln!("remembered:  {path} (used by launches without --store and CAIRN_STORE)")?;
        }
        (Ok(_), Some(_)) => {}
        (Ok(_), None) => outln!("remembered:  none")?,
    }
    if let Some(default) = &report.default {
        outln!("default:     {default}")?;
    }
    if let Some(file) = &report.settings_file {
        outln!("settings:    {file}")?;
    }
    Ok(())
}

fn choose(places: &Places, path: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let remembered = places.use_store(path)?;
    let next = places.locate(None)?;
    if json {
        return super::print_json(&serde_json::json!({
            "remembered": remembered.as_deref().map(text),
            "store": text(&next.path),
            "origin": next.origin,
        }));
    }
    match &remembered {
        Some(path) => outln!("remembered {}", path.display())?,
        None => outln!(
            "forgot the remembered store; launches use the default {}",
            text(&next.path)
        )?,
    }
    if next.origin == StoreOrigin::Env {
        outln!(
            "note: CAIRN_STORE is set, so it is used instead: {} (unset it to use the \
             remembered store)",
            text(&next.path)
        )?;
    }
    outln!("a running `cairn serve` or desktop app keeps its store until restarted")?;
    Ok(())
}
