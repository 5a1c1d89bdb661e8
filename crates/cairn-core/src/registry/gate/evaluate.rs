//! Judging a [`GateSpec`] against the store: the candidate's and the baseline's runs' latest
//! metrics, each rule and requirement, into a [`GateReport`].

use super::{
    Candidate, DriftJudge, GateError, GateReport, GateSide, GateSpec, MissingBaseline, Requirement,
    RequirementOutcome, RuleOutcome, Threshold,
};
use crate::error::StoreError;
use crate::model::Run;
use crate::registry::{ModelRef, RegistryError, resolve_version};
use crate::store::Store;

fn latest_metric(run: &Run, key: &str) -> Option<f64> {
    run.metrics
        .iter()
        .find(|metric| metric.key == key)
        .map(|metric| metric.latest.value)
}

/// Evaluates a gate against the store: the candidate's and the baseline's runs' latest metrics.
/// A `no-drift` requirement needs a drift engine: see [`evaluate_with`].
pub fn evaluate(store: &dyn Store, spec: &GateSpec) -> Result<GateReport, GateError> {
    evaluate_with(store, spec, None)
}

/// [`evaluate`], with the judge of `no-drift` requirements.
pub fn evaluate_with(
    store: &dyn Store,
    spec: &GateSpec,
    drift: Option<&dyn DriftJudge>,
) -> Result<GateReport, GateError> {
    store
        .get_registered_model(&spec.model)
        .map_err(|error| match error {
            StoreError::ModelNotFound { .. } => {
                GateError::Data(format!("registered model '{}' does not exist", spec.model))
            }
            other => GateError::Store(other),
        })?;
    let candidate = match &spec.candidate {
        Candidate::Version(version) => {
            let version = resolve_version(store, &spec.model, &ModelRef::Version(*version))?;
            let run_id = version.run_id.clone().ok_or_else(|| {
                GateError::Data(format!(
                    "version {} of '{}' has no run to read metrics from",
                    version.version, spec.model
                ))
            })?;
            GateSide {
                version: Some(version.version),
                run_id,
            }
        }
        Candidate::Run(run_id) => GateSide {
            version: store
                .list_model_versions(&spec.model)?
                .into_iter()
                .filter(|version| version.run_id.as_deref() == Some(run_id))
                .map(|version| version.version)
                .max(),
            run_id: run_id.clone(),
        },
    };
    let candidate_run = store
        .get_run(&candidate.run_id)
        .map_err(|error| match error {
            StoreError::RunNotFound { .. } => GateError::Data(format!(
                "candidate run '{}' does not exist",
                candidate.run_id
            )),
            other => GateError::Store(other),
        })?;
    let baseline = match resolve_version(store, &spec.model, &spec.against) {
        Ok(version) => match &version.run_id {
            Some(run_id) => Some(GateSide {
                version: Some(version.version),
                run_id: run_id.clone(),
            }),
            None => {
                return Err(GateError::Data(format!(
                    "baseline version {} has no run to read metrics from",
                    version.version
                )));
            }
        },
        Err(RegistryError::NotFound(_)) => None,
        Err(RegistryError::Store(StoreError::ModelVersionNotFound { .. })) => None,
        Err(error) => return Err(error.into()),
    };
    let baseline_run = match &baseline {
        Some(side) => Some(store.get_run(&side.run_id)?),
        None => None,
    };
    let needs_baseline = spec
        .rules
        .iter()
        .any(|rule| rule.threshold.needs_baseline())
        || spec
            .requirements
            .iter()
            .any(|requirement| requirement.needs_baseline());
    if baseline.is_none() && needs_baseline && spec.missing_baseline == MissingBaseline::Error {
        return Err(GateError::Data(format!(
            "model '{}' has no baseline ({}) to compare with; pass --missing-baseline pass|fail \
             to decide",
            spec.model,
            spec.against.describe()
        )));
    }
    let missing_passes = spec.missing_baseline == MissingBaseline::Pass;

    let mut rules = Vec::new();
    for rule in &spec.rules {
        let value = latest_metric(&candidate_run, &rule.metric).ok_or_else(|| {
            GateError::Data(format!(
                "rule '{}': the candidate run {} has no metric '{}'",
                rule.text, candidate.run_id, rule.metric
            ))
        })?;
        let (baseline_value, threshold, note) = match (rule.threshold, &baseline_run) {
            (Threshold::Number(number), _) => (None, Some(number), String::new()),
            (_, None) => (None, None, "no baseline".to_owned()),
            (threshold, Some(run)) => {
                let base = latest_metric(run, &rule.metric).ok_or_else(|| {
                    GateError::Data(format!(
                        "rule '{}': the baseline run {} has no metric '{}'",
                        rule.text, run.info.run_id, rule.metric
                    ))
                })?;
                let against = match threshold {
                    Threshold::BaselinePlus(offset) => base + offset,
                    Threshold::BaselineTimes(factor) => base * factor,
                    Threshold::Number(number) => number,
                };
                (Some(base), Some(against), String::new())
            }
        };
        let passed = match threshold {
            Some(threshold) => rule.comparison.holds(value, threshold),
            None => missing_passes,
        };
        rules.push(RuleOutcome {
            rule: rule.text.clone(),
            candidate: value,
            baseline: baseline_value,
            threshold,
            passed,
            note,
        });
    }

    let mut requirements = Vec::new();
    for requirement in &spec.requirements {
        let outcome = match (requirement, &baseline_run) {
            (Requirement::NoDrift { share }, Some(baseline)) => {
                let judge = drift.ok_or_else(|| {
                    GateError::Usage("no-drift needs the drift engine (use the cairn CLI)".into())
                })?;
                let found = judge
                    .judge(&candidate_run, baseline, *share)
                    .map_err(GateError::Data)?;
                RequirementOutcome {
                    requirement: requirement.describe(),
                    passed: found.passed,
                    detail: found.detail,
                    report: Some(found.report),
                }
            }
            _ => check(
                *requirement,
                &candidate_run,
                baseline_run.as_ref(),
                missing_passes,
            ),
        };
        requirements.push(outcome);
    }
    let passed = rules.iter().all(|rule| rule.passed)
        && requirements.iter().all(|requirement| requirement.passed);
    Ok(GateReport {
        model: spec.model.clone(),
        against: spec.against.describe(),
        candidate,
        baseline,
        rules,
        requirements,
        passed,
    })
}

fn check(
    requirement: Requirement,
    candidate: &Run,
    baseline: Option<&Run>,
    missing_passes: bool,
) -> RequirementOutcome {
    let (passed, detail) = match requirement {
        Requirement::CleanGit => match &candidate.git {
            None => (false, "the candidate run has no git provenance".to_owned()),
            Some(git) => match git.is_dirty {
                Some(false) => (
                    true,
                    format!(
                        "clean checkout at {}",
                        git.commit_sha.as_deref().unwrap_or("an unknown commit")
                    ),
                ),
                Some(true) => (
                    false,
                    "the candidate was run from uncommitted code".to_owned(),
                ),
                None => (
                    false,
                    "whether the checkout was clean is unknown".to_owned(),
                ),
            },
        },
        Requirement::DataHash => {
            if candidate.data.is_empty() {
                (false, "the candidate run records no data hash".to_owned())
            } else {
                (
                    true,
                    format!("{} data hash(es) recorded", candidate.data.len()),
                )
            }
        }
        Requirement::NoDrift { .. } => match baseline {
            None => (missing_passes, "no baseline".to_owned()),
            Some(_) => (false, "not judged".to_owned()),
        },
        Requirement::SameData => match baseline {
            None => (missing_passes, "no baseline".to_owned()),
            Some(baseline) => {
                let hashes = |run: &Run| {
                    let mut hashes: Vec<(String, String)> = run
                        .data
                        .iter()
                        .map(|data| (data.path.clone(), data.root_hash.clone()))
                        .collect();
                    hashes.sort();
                    hashes
                };
                let (mine, theirs) = (hashes(candidate), hashes(baseline));
                if mine.is_empty() || theirs.is_empty() {
                    (false, "a data hash is missing on one side".to_owned())
                } else if mine == theirs {
                    (true, "same data as the baseline".to_owned())
                } else {
                    (false, "the data differs from the baseline's".to_owned())
                }
            }
        },
    };
    RequirementOutcome {
        requirement: requirement.describe(),
        passed,
        detail,
        report: None,
    }
}
