//! `cairn drift`: reads the two tables (paths, or the data two runs used), lets `cairn_drift`
//! judge, prints the table, writes the report (`report.rs`) and picks the exit code (0 no
//! drift, 1 drift, 2 usage or data error).

pub mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cairn_core::Store;
use cairn_drift::markdown::{format_score, rule, summary, unseen, verdict};
use cairn_drift::{DriftOptions, DriftReport, ReadOptions, TestKind};

use crate::args::DriftArgs;
use crate::output::Table;

/// The exit code of a usage or data error.
const ERROR_EXIT: u8 = 2;

/// Runs `cairn drift`; every failure is reported on stderr and becomes exit code 2.
pub fn run(store: Option<&dyn Store>, args: &DriftArgs, json: bool) -> ExitCode {
    match judge(store, args, json) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(ERROR_EXIT)
        }
    }
}

/// The options the flags ask for.
pub fn options(args: &DriftArgs) -> Result<DriftOptions, String> {
    let test = args
        .test
        .as_deref()
        .map(|name| TestKind::parse(name).ok_or_else(|| format!("unknown test '{name}'")))
        .transpose()?;
    let options = DriftOptions {
        test,
        threshold: args.threshold,
        share: args.share,
    };
    options.validate().map_err(|error| error.to_string())?;
    Ok(options)
}

/// Reads both tables (at once) and compares them.
pub fn compare_paths(
    reference: &Path,
    current: &Path,
    read: ReadOptions,
    options: &DriftOptions,
) -> Result<DriftReport, String> {
    cairn_drift::compare_files(reference, current, read, options).map_err(|error| error.to_string())
}

fn judge(store: Option<&dyn Store>, args: &DriftArgs, json: bool) -> Result<bool, String> {
    let options = options(args)?;
    let read = ReadOptions {
        max_rows: args.max_rows,
        seed: args.seed,
    };
    let (reference, current): (PathBuf, PathBuf) = if args.runs {
        let store = store.ok_or("--runs needs a store")?;
        let pair = cairn_local::run_data::paired_data(store, &args.inputs[0], &args.inputs[1])?;
        if !json {
            println!(
                "reference: run {} — {} ({})",
                args.inputs[0],
                pair.0.path.display(),
                pair.0.describe()
            );
            println!(
                "current:   run {} — {} ({})",
                args.inputs[1],
                pair.1.path.display(),
                pair.1.describe()
            );
        }
        (pair.0.path, pair.1.path)
    } else {
        (
            PathBuf::from(&args.inputs[0]),
            PathBuf::from(&args.inputs[1]),
        )
    };
    let report = compare_paths(&reference, &current, read, &options)?;
    if let Some(path) = &args.report {
        report::write(&report, path)?;
    }
    let printed = if json {
        println!("{}", report::to_json(&report));
        Ok(())
    } else {
        print_table(&report)
    };
    printed.map_err(|error| format!("writing to stdout: {error}"))?;
    Ok(report.drifted)
}

fn print_table(report: &DriftReport) -> std::io::Result<()> {
    println!(
        "reference: {} ({})",
        report.reference.source, report.reference.reading
    );
    println!(
        "current:   {} ({})",
        report.current.source, report.current.reading
    );
    let mut table = Table::new([
        "COLUMN",
        "KIND",
        "TEST",
        "SCORE",
        "DRIFT WHEN",
        "RESULT",
        "MISSING",
        "NOTES",
    ]);
    for column in &report.columns {
        let notes: Vec<String> = [column.note.clone(), unseen(column)]
            .into_iter()
            .filter(|note| !note.is_empty())
            .collect();
        table.row([
            column.name.clone(),
            column.kind.as_str().to_owned(),
            column.test.as_str().to_owned(),
            format_score(column.score),
            rule(column),
            verdict(column.drifted).to_owned(),
            format!("{} / {}", column.reference.missing, column.current.missing),
            notes.join("; "),
        ]);
    }
    table.print()?;
    for skipped in &report.skipped {
        println!("not compared: {} ({})", skipped.name, skipped.reason);
    }
    println!("{}", summary(report));
    Ok(())
}
