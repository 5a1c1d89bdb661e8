//! `cairn gate`: parses the flags, lets `cairn_core::registry::gate` judge, prints the table,
//! writes the report (`gate_report.rs`), promotes when asked, and picks the exit code (0 pass, 1 fail, 2 error).

use std::process::ExitCode;

use cairn_core::Store;
use cairn_core::model::ModelStage;
use cairn_core::model::Run;
use cairn_core::registry::ModelRef;
use cairn_core::registry::gate::{
    Candidate, DriftJudge, DriftOutcome, GateError, GateReport, GateSpec, MissingBaseline,
    Requirement, Rule, evaluate_with,
};

use super::{drift, gate_report};
use crate::args::GateArgs;
use crate::output::Table;

/// The exit code of a usage or data error.
const ERROR_EXIT: u8 = 2;

pub fn run(store: &dyn Store, args: &GateArgs, json: bool) -> anyhow::Result<ExitCode> {
    match judge(store, args, json) {
        Ok(true) => Ok(ExitCode::SUCCESS),
        Ok(false) => Ok(ExitCode::from(1)),
        Err(Failure::Gate(error)) => {
            eprintln!("error: {error}");
            Ok(ExitCode::from(ERROR_EXIT))
        }
        // Stdout failed (a closed pipe): `main` decides, as for every other command.
        Err(Failure::Output(error)) => Err(error.into()),
    }
}

/// Why judging stopped: the gate could not be judged, or its answer could not be written.
enum Failure {
    Gate(GateError),
    Output(std::io::Error),
}

impl From<GateError> for Failure {
    fn from(error: GateError) -> Failure {
        Failure::Gate(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Failure {
        Failure::Output(error)
    }
}

fn spec(args: &GateArgs) -> Result<(GateSpec, Option<ModelStage>), GateError> {
    let rules = args
        .rules
        .iter()
        .map(|rule| Rule::parse(rule))
        .collect::<Result<Vec<_>, _>>()?;
    let requirements = args
        .requires
        .iter()
        .map(|requirement| Requirement::parse(requirement))
        .collect::<Result<Vec<_>, _>>()?;
    if rules.is_empty() && requirements.is_empty() {
        return Err(GateError::Usage(
            "give at least one --rule or --require".to_owned(),
        ));
    }
    let promote = args
        .promote
        .as_deref()
        .map(|stage| {
            stage
                .parse::<ModelStage>()
                .map_err(|unknown| GateError::Usage(format!("--promote {unknown}")))
        })
        .transpose()?;
    let missing_baseline = match args.missing_baseline.as_deref() {
        Some("pass") => MissingBaseline::Pass,
        Some("fail") => MissingBaseline::Fail,
        _ => MissingBaseline::Error,
    };
    let spec = GateSpec {
        model: args.name.clone(),
        candidate: Candidate::parse(&args.candidate),
        against: ModelRef::parse(&args.against)?,
        rules,
        requirements,
        missing_baseline,
    };
    Ok((spec, promote))
}

fn judge(store: &dyn Store, args: &GateArgs, json: bool) -> Result<bool, Failure> {
    let (spec, promote) = spec(args)?;
    let judge = EngineJudge {
        store,
        test: args
            .drift_test
            .as_deref()
            .and_then(cairn_drift::TestKind::parse),
        threshold: args.drift_threshold,
    };
    let report = evaluate_with(store, &spec, Some(&judge))?;
    if let Some(path) = &args.report {
        let text = gate_report::render_for(&report, &path.to_string_lossy())?;
        std::fs::write(path, text).map_err(|error| {
            GateError::Data(format!("writing the report {}: {error}", path.display()))
        })?;
    }
    if json {
        outln!("{}", gate_report::to_json(&report))?;
    } else {
        print_table(&report)?;
    }
    if report.passed
        && let Some(stage) = promote
    {
        let version = report.promote(store, stage, true, &cairn_app::models::app_user(), "")?;
        if !json {
            outln!(
                "promoted {} version {} to {}",
                version.name,
                version.version,
                version.current_stage.as_str()
            )?;
        }
    }
    Ok(report.passed)
}

/// `no-drift`: the candidate's data against the baseline's, with the test the gate names
/// (Evidently's rules by default).
struct EngineJudge<'a> {
    store: &'a dyn Store,
    test: Option<cairn_drift::TestKind>,
    threshold: Option<f64>,
}

impl DriftJudge for EngineJudge<'_> {
    fn judge(&self, candidate: &Run, baseline: &Run, share: f64) -> Result<DriftOutcome, String> {
        let (reference, current) = cairn_local::run_data::paired_data(
            self.store,
            &baseline.info.run_id,
            &candidate.info.run_id,
        )?;
        let options = cairn_drift::DriftOptions {
            test: self.test,
            threshold: self.threshold,
            share,
        };
        options.validate().map_err(|error| error.to_string())?;
        let report = drift::compare_paths(
            &reference.path,
            &current.path,
            cairn_drift::ReadOptions::default(),
            &options,
        )?;
        Ok(DriftOutcome {
            passed: !report.drifted,
            detail: cairn_drift::markdown::summary(&report),
            report: cairn_drift::markdown::markdown(&report, &|_, _| None),
        })
    }
}

fn print_table(report: &GateReport) -> std::io::Result<()> {
    let describe = |side: Option<&cairn_core::registry::gate::GateSide>| match side {
        None => "none".to_owned(),
        Some(side) => match side.version {
            Some(version) => format!("version {version} (run {})", side.run_id),
            None => format!("run {}", side.run_id),
        },
    };
    outln!("candidate: {}", describe(Some(&report.candidate)))?;
    outln!(
        "baseline ({}): {}",
        report.against,
        describe(report.baseline.as_ref())
    )?;
    if !report.rules.is_empty() {
        let mut table = Table::new(["RULE", "CANDIDATE", "BASELINE", "THRESHOLD", "RESULT"]);
        for row in report.rule_rows() {
            table.row(row);
        }
        table.print()?;
    }
    if !report.requirements.is_empty() {
        let mut table = Table::new(["REQUIREMENT", "RESULT", "DETAIL"]);
        for requirement in &report.requirements {
            table.row([
                requirement.requirement.clone(),
                if requirement.passed { "pass" } else { "FAIL" }.to_owned(),
                requirement.detail.clone(),
            ]);
        }
        table.print()?;
    }
    outln!("{}", if report.passed { "PASSED" } else { "FAILED" })?;
    Ok(())
}
