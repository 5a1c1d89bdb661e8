//! `cairn monitor`: a model version's reference (`reference`), production batches judged against
//! it (`log`) and their history (`show`). The files are read here, on the user's machine; the
//! judging and storing is `cairn-monitor`'s, as for `POST /api/2.0/cairn/monitoring/*`.

mod print;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cairn_core::Store;
use cairn_core::time::now_millis;
use cairn_local::run_data::run_data;
use cairn_monitor::{
    Alert, BatchOptions, BatchReport, ModelRef, MonitorError, MonitorSettings, log_batch,
    reference_reading, resolve_version, set_reference_table,
};

use crate::args::{MonitorCommand, MonitorLogArgs, MonitorReferenceArgs};

/// The exit code of a usage or data error.
const ERROR_EXIT: u8 = 2;

/// Runs `cairn monitor`; failures are reported on stderr and become exit code 2.
pub fn run(store: &dyn Store, command: MonitorCommand, json: bool) -> ExitCode {
    let outcome = match command {
        MonitorCommand::Reference(args) => reference(store, &args, json).map(|()| false),
        MonitorCommand::Log(args) => log(store, &args, json),
        MonitorCommand::Show { model, last } => show(store, &model, last, json).map(|()| false),
    };
    match outcome {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(ERROR_EXIT)
        }
    }
}

fn text(error: MonitorError) -> String {
    error.to_string()
}

/// The table at `path` (a file or a folder), read as a reference is.
fn read_reference(path: &Path) -> Result<cairn_drift::Table, String> {
    cairn_drift::read_table(path, reference_reading()).map_err(|error| error.to_string())
}

/// The data the version's run used, when it used exactly one table.
fn run_reference(store: &dyn Store, model: &ModelRef) -> Result<(PathBuf, String), String> {
    let version = resolve_version(store, model).map_err(text)?;
    let found = store
        .get_model_version(model.name(), version)
        .map_err(|error| error.to_string())?;
    let run_id = found.run_id.ok_or_else(|| {
        format!(
            "version {version} of '{}' names no run, so its training data is unknown; give the \
             data: cairn monitor reference models:/{}/{version} TRAINING_DATA",
            model.name(),
            model.name()
        )
    })?;
    let tables = run_data(store, &run_id)?;
    match tables.as_slice() {
        [one] => Ok((one.path.clone(), one.describe())),
        _ => Err(format!(
            "run {run_id} of version {version} used {} tables ({}); name the training data: \
             cairn monitor reference models:/{}/{version} TRAINING_DATA",
            tables.len(),
            tables
                .iter()
                .map(|table| table.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            model.name()
        )),
    }
}

fn reference(store: &dyn Store, args: &MonitorReferenceArgs, json: bool) -> Result<(), String> {
    let model = ModelRef::parse_uri(&args.model).map_err(text)?;
    let settings = MonitorSettings {
        test: args.test.clone(),
        threshold: args.threshold,
        share: args.share,
        label_column: args.label_column.clone(),
        prediction_column: args.prediction_column.clone(),
        task: args.task.clone(),
        alerts: args
            .alerts
            .iter()
            .map(|rule| Alert::parse(rule))
            .collect::<Result<_, _>>()
            .map_err(text)?,
    };
    settings.check().map_err(text)?;
    let (path, how) = match &args.data {
        Some(path) => (path.clone(), "given".to_owned()),
        None => run_reference(store, &model)?,
    };
    let table = read_reference(&path)?;
    let source = path.display().to_string();
    let summary = set_reference_table(store, &model, &source, &table, &settings, now_millis())
        .map_err(text)?;
    print::reference(&summary, &table, &how, json).map_err(|error| error.to_string())
}

/// A batch's bytes: a file as it is (CSV or Parquet), a folder read as one table.
fn batch_bytes(path: &Path) -> Result<Vec<u8>, String> {
    if path.is_dir() {
        let table = cairn_drift::read_table(
            path,
            cairn_drift::ReadOptions {
                max_rows: usize::MAX,
                seed: 0,
            },
        )
        .map_err(|error| error.to_string())?;
        return Ok(table.to_csv());
    }
    std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))
}

fn log(store: &dyn Store, args: &MonitorLogArgs, json: bool) -> Result<bool, String> {
    let model = ModelRef::parse_uri(&args.model).map_err(text)?;
    let version = resolve_version(store, &model).map_err(text)?;
    if store
        .monitoring_reference_summary(model.name(), version)
        .map_err(|error| error.to_string())?
        .is_none()
    {
        // The first batch of a version whose run recorded its data: that data is the reference.
        let (path, how) = run_reference(store, &model).map_err(|why| {
            format!(
                "{}\n(the version has no reference yet and its run's data could not be used: {why})",
                MonitorError::NoReference {
                    name: model.name().to_owned(),
                    version
                }
            )
        })?;
        let table = read_reference(&path)?;
        let source = path.display().to_string();
        let summary = set_reference_table(
            store,
            &model,
            &source,
            &table,
            &MonitorSettings::default(),
            now_millis(),
        )
        .map_err(text)?;
        if !json {
            eprintln!(
                "reference: {} ({how}, {} rows) — the data version {version}'s run used",
                summary.source, summary.rows
            );
        }
    }
    let mut reports: Vec<BatchReport> = Vec::new();
    for path in &args.batches {
        let bytes = batch_bytes(path)?;
        let options = BatchOptions {
            label: path.display().to_string(),
            label_column: args.label_column.clone(),
            prediction_column: args.prediction_column.clone(),
        };
        let report = log_batch(store, &model, bytes, &options, now_millis()).map_err(text)?;
        reports.push(report);
    }
    print::batches(&reports, json).map_err(|error| error.to_string())?;
    Ok(reports
        .iter()
        .any(|report| report.drift.drifted || !report.alerts.is_empty()))
}

fn show(store: &dyn Store, uri: &str, last: usize, json: bool) -> Result<(), String> {
    let model = ModelRef::parse_uri(uri).map_err(text)?;
    let version = resolve_version(store, &model).map_err(text)?;
    let reference = store
        .monitoring_reference_summary(model.name(), version)
        .map_err(|error| error.to_string())?;
    let batches = store
        .list_monitoring_batches(model.name(), version, last.max(1))
        .map_err(|error| error.to_string())?;
    print::history(model.name(), version, reference.as_ref(), &batches, json)
        .map_err(|error| error.to_string())
}
