//! CI gates: rules comparing a candidate's metrics with a baseline version's, provenance
//! requirements, and the report that allows (or refuses) a promotion.
//!
//! A rule is `metrics.KEY OP (NUMBER | baseline [± NUMBER] | baseline * NUMBER)`, tokenised by
//! the search grammar's lexer (so names, quoting and numbers read as they do in filters).

use serde::Serialize;

use super::{ModelRef, RegistryError, resolve_version};
use crate::error::StoreError;
use crate::model::{ModelStage, Run};
use crate::search::lexer::{NamePart, Operator, Token, TokenKind, tokenize};
use crate::store::Store;

/// Why a gate could not be evaluated (a usage or data error: the CLI exits 2).
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// A malformed rule, requirement or reference.
    #[error("{0}")]
    Usage(String),
    /// Something the rules need is not there (a metric, a baseline, a version).
    #[error("{0}")]
    Data(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<RegistryError> for GateError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::Usage(message) => GateError::Usage(message),
            RegistryError::NotFound(message) => GateError::Data(message),
            RegistryError::Store(error) => GateError::Store(error),
        }
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `=`
    Eq,
    /// `!=`
    NotEq,
}

impl Comparison {
    fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Comparison::Lt => left < right,
            Comparison::LtEq => left <= right,
            Comparison::Gt => left > right,
            Comparison::GtEq => left >= right,
            Comparison::Eq => left == right,
            Comparison::NotEq => left != right,
        }
    }
}

/// What a metric is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// A constant.
    Number(f64),
    /// The baseline's value plus an offset (negative for `baseline - N`).
    BaselinePlus(f64),
    /// The baseline's value times a factor.
    BaselineTimes(f64),
}

impl Threshold {
    fn needs_baseline(self) -> bool {
        !matches!(self, Threshold::Number(_))
    }
}

/// One parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The rule as written.
    pub text: String,
    /// The metric key (after `metrics.`).
    pub metric: String,
    /// The comparison.
    pub comparison: Comparison,
    /// The right-hand side.
    pub threshold: Threshold,
}

/// An arithmetic sign between tokens (the search lexer has none).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    Plus,
    Minus,
    Times,
}

/// Tokens of a rule: the search lexer's, with `+`, `-` and `*` where it stops on them.
fn rule_tokens(text: &str) -> Result<Vec<Result<TokenKind, Piece>>, GateError> {
    let mut pieces = Vec::new();
    let mut rest_start = 0;
    loop {
        let rest = &text[rest_start..];
        match tokenize(rest) {
            Ok(tokens) => {
                pieces.extend(
                    tokens
                        .into_iter()
                        .map(|Token { kind, .. }| kind)
                        .filter(|kind| *kind != TokenKind::End)
                        .map(Ok),
                );
                return Ok(pieces);
            }
            Err(error) => {
                let sign = match rest[error.position..].chars().next() {
                    Some('+') => Piece::Plus,
                    Some('-') => Piece::Minus,
                    Some('*') => Piece::Times,
                    _ => {
                        return Err(GateError::Usage(format!(
                            "rule '{text}': at position {}: {}",
                            rest_start + error.position,
                            error.message
                        )));
                    }
                };
                let before = tokenize(&rest[..error.position])
                    .map_err(|error| GateError::Usage(format!("rule '{text}': {error}")))?;
                pieces.extend(
                    before
                        .into_iter()
                        .map(|Token { kind, .. }| kind)
                        .filter(|kind| *kind != TokenKind::End)
                        .map(Ok),
                );
                pieces.push(Err(sign));
                rest_start += error.position + 1;
            }
        }
    }
}

fn name_text(parts: &[NamePart]) -> Vec<&str> {
    parts.iter().map(|part| part.text.as_str()).collect()
}

impl Rule {
    /// Parses `metrics.KEY OP (NUMBER | baseline [± NUMBER] | baseline * NUMBER)`.
    pub fn parse(text: &str) -> Result<Rule, GateError> {
        let bad = |why: &str| {
            GateError::Usage(format!(
                "rule '{text}': {why}; expected metrics.KEY OP (NUMBER | baseline [+|- NUMBER] \
                 | baseline * NUMBER)"
            ))
        };
        let pieces = rule_tokens(text)?;
        let mut pieces = pieces.into_iter();
        let metric = match pieces.next() {
            Some(Ok(TokenKind::Name(parts)))
                if parts.len() >= 2 && parts[0].text.eq_ignore_ascii_case("metrics") =>
            {
                name_text(&parts[1..]).join(".")
            }
            _ => return Err(bad("it must start with metrics.KEY")),
        };
        let comparison = match pieces.next() {
            Some(Ok(TokenKind::Operator(operator))) => match operator {
                Operator::Lt => Comparison::Lt,
                Operator::LtEq => Comparison::LtEq,
                Operator::Gt => Comparison::Gt,
                Operator::GtEq => Comparison::GtEq,
                Operator::Eq => Comparison::Eq,
                Operator::NotEq => Comparison::NotEq,
                Operator::LessGreater => return Err(bad("use != rather than <>")),
            },
            _ => return Err(bad("a comparison operator must follow the metric")),
        };
        let rest: Vec<_> = pieces.collect();
        let is_baseline = |piece: &Result<TokenKind, Piece>| {
            matches!(piece, Ok(TokenKind::Name(parts))
                if parts.len() == 1 && !parts[0].quoted
                    && parts[0].text.eq_ignore_ascii_case("baseline"))
        };
        let threshold = match rest.as_slice() {
            [Ok(TokenKind::Number(number))] => Threshold::Number(*number),
            [Err(Piece::Minus), Ok(TokenKind::Number(number))] => Threshold::Number(-number),
            [base] if is_baseline(base) => Threshold::BaselinePlus(0.0),
            // `baseline -0.002` lexes as a negative number.
            [base, Ok(TokenKind::Number(number))] if is_baseline(base) && *number < 0.0 => {
                Threshold::BaselinePlus(*number)
            }
            [base, Err(Piece::Plus), Ok(TokenKind::Number(number))] if is_baseline(base) => {
                Threshold::BaselinePlus(*number)
            }
            [base, Err(Piece::Minus), Ok(TokenKind::Number(number))] if is_baseline(base) => {
                Threshold::BaselinePlus(-number)
            }
            [base, Err(Piece::Times), Ok(TokenKind::Number(number))] if is_baseline(base) => {
                Threshold::BaselineTimes(*number)
            }
            _ => return Err(bad("the right-hand side is not understood")),
        };
        Ok(Rule {
            text: text.trim().to_owned(),
            metric,
            comparison,
            threshold,
        })
    }
}

/// A provenance requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The candidate's run was logged from a git checkout with no uncommitted changes.
    CleanGit,
    /// The candidate's run records the content hash of its data.
    DataHash,
    /// The candidate's data hashes equal the baseline's.
    SameData,
}

impl Requirement {
    /// Parses `clean-git`, `data-hash` or `same-data`.
    pub fn parse(text: &str) -> Result<Requirement, GateError> {
        match text {
            "clean-git" => Ok(Requirement::CleanGit),
            "data-hash" => Ok(Requirement::DataHash),
            "same-data" => Ok(Requirement::SameData),
            other => Err(GateError::Usage(format!(
                "unknown requirement '{other}': expected clean-git, data-hash or same-data"
            ))),
        }
    }

    /// The name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::CleanGit => "clean-git",
            Requirement::DataHash => "data-hash",
            Requirement::SameData => "same-data",
        }
    }
}

/// What to do when there is no baseline to compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingBaseline {
    /// A data error (the CLI exits 2).
    #[default]
    Error,
    /// Rules and requirements that need a baseline pass.
    Pass,
    /// Rules and requirements that need a baseline fail.
    Fail,
}

/// The candidate: a version of the model, or a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// A version number.
    Version(u64),
    /// A run id.
    Run(String),
}

impl Candidate {
    /// All digits is a version; anything else is a run id.
    pub fn parse(text: &str) -> Candidate {
        match text.parse() {
            Ok(version) if text.bytes().all(|b| b.is_ascii_digit()) => Candidate::Version(version),
            _ => Candidate::Run(text.to_owned()),
        }
    }
}

/// A gate to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct GateSpec {
    /// The registered model.
    pub model: String,
    /// What is being judged.
    pub candidate: Candidate,
    /// The baseline (default: the Production version).
    pub against: ModelRef,
    /// The rules, all of which must pass.
    pub rules: Vec<Rule>,
    /// The requirements, all of which must hold.
    pub requirements: Vec<Requirement>,
    /// What a missing baseline means.
    pub missing_baseline: MissingBaseline,
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateSide {
    /// The version, when the side is (or was registered as) one.
    pub version: Option<u64>,
    /// The run whose latest metrics are used.
    pub run_id: String,
}

/// How one rule came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOutcome {
    /// The rule as written.
    pub rule: String,
    /// The candidate's latest value.
    pub candidate: f64,
    /// The baseline's latest value, when the rule uses it and there is a baseline.
    pub baseline: Option<f64>,
    /// The value the candidate was compared with.
    pub threshold: Option<f64>,
    /// Whether the rule holds.
    pub passed: bool,
    /// Anything worth saying (e.g. no baseline).
    pub note: String,
}

/// How one requirement came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementOutcome {
    /// `clean-git`, `data-hash` or `same-data`.
    pub requirement: String,
    /// Whether it holds.
    pub passed: bool,
    /// Why.
    pub detail: String,
}

/// The result of a gate: what was compared, each rule and requirement, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    /// The registered model.
    pub model: String,
    /// The baseline reference as asked (`Production`, `@champion`, `version 2`).
    pub against: String,
    /// The candidate.
    pub candidate: GateSide,
    /// The baseline, when there is one.
    pub baseline: Option<GateSide>,
    /// Each rule.
    pub rules: Vec<RuleOutcome>,
    /// Each requirement.
    pub requirements: Vec<RequirementOutcome>,
    /// Whether everything passed.
    pub passed: bool,
}

fn latest_metric(run: &Run, key: &str) -> Option<f64> {
    run.metrics
        .iter()
        .find(|metric| metric.key == key)
        .map(|metric| metric.latest.value)
}

/// Evaluates a gate against the store: the candidate's and the baseline's runs' latest metrics.
pub fn evaluate(store: &dyn Store, spec: &GateSpec) -> Result<GateReport, GateError> {
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
        || spec.requirements.contains(&Requirement::SameData);
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

    let requirements = spec
        .requirements
        .iter()
        .map(|requirement| {
            check(
                *requirement,
                &candidate_run,
                baseline_run.as_ref(),
                missing_passes,
            )
        })
        .collect::<Vec<_>>();
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
        requirement: requirement.as_str().to_owned(),
        passed,
        detail,
    }
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |value| format!("{value}"))
}

fn verdict(passed: bool) -> &'static str {
    if passed { "pass" } else { "FAIL" }
}

fn side(side: Option<&GateSide>) -> String {
    match side {
        None => "none".to_owned(),
        Some(GateSide {
            version: Some(version),
            run_id,
        }) => format!("version {version} (run {run_id})"),
        Some(GateSide {
            version: None,
            run_id,
        }) => format!("run {run_id}"),
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl GateReport {
    /// The rows of the rules table: rule, candidate, baseline, threshold, verdict.
    pub fn rule_rows(&self) -> Vec<[String; 5]> {
        self.rules
            .iter()
            .map(|rule| {
                [
                    rule.rule.clone(),
                    format!("{}", rule.candidate),
                    number(rule.baseline),
                    if rule.note.is_empty() {
                        number(rule.threshold)
                    } else {
                        rule.note.clone()
                    },
                    verdict(rule.passed).to_owned(),
                ]
            })
            .collect()
    }

    /// A Markdown report (what a promotion records in the history).
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Gate: {} — {}\n\n- Candidate: {}\n- Baseline ({}): {}\n\n",
            self.model,
            if self.passed { "PASSED" } else { "FAILED" },
            side(Some(&self.candidate)),
            self.against,
            side(self.baseline.as_ref()),
        );
        if !self.rules.is_empty() {
            out.push_str("| Rule | Candidate | Baseline | Threshold | Result |\n");
            out.push_str("|---|---|---|---|---|\n");
            for row in self.rule_rows() {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} |\n",
                    row[0], row[1], row[2], row[3], row[4]
                ));
            }
            out.push('\n');
        }
        if !self.requirements.is_empty() {
            out.push_str("| Requirement | Result | Detail |\n|---|---|---|\n");
            for requirement in &self.requirements {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    requirement.requirement,
                    verdict(requirement.passed),
                    requirement.detail
                ));
            }
        }
        out
    }

    /// An HTML report.
    pub fn to_html(&self) -> String {
        let mut out = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Gate: {model}</title>\
             </head><body>\n<h1>Gate: {model} — {verdict}</h1>\n<p>Candidate: {candidate}<br>\
             Baseline ({against}): {baseline}</p>\n",
            model = escape_html(&self.model),
            verdict = if self.passed { "PASSED" } else { "FAILED" },
            candidate = escape_html(&side(Some(&self.candidate))),
            against = escape_html(&self.against),
            baseline = escape_html(&side(self.baseline.as_ref())),
        );
        out.push_str(
            "<table border=\"1\"><tr><th>Rule</th><th>Candidate</th><th>Baseline</th>\
             <th>Threshold</th><th>Result</th></tr>\n",
        );
        for row in self.rule_rows() {
            out.push_str("<tr>");
            for cell in row {
                out.push_str(&format!("<td>{}</td>", escape_html(&cell)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        if !self.requirements.is_empty() {
            out.push_str(
                "<table border=\"1\"><tr><th>Requirement</th><th>Result</th><th>Detail</th></tr>\n",
            );
            for requirement in &self.requirements {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    requirement.requirement,
                    verdict(requirement.passed),
                    escape_html(&requirement.detail)
                ));
            }
            out.push_str("</table>\n");
        }
        out.push_str("</body></html>\n");
        out
    }

    /// A JSON report.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report in the format a file name asks for (`.md`, `.html`/`.htm`, `.json`).
    pub fn render_for(&self, path: &str) -> Result<String, GateError> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            Ok(self.to_markdown())
        } else if lower.ends_with(".html") || lower.ends_with(".htm") {
            Ok(self.to_html())
        } else if lower.ends_with(".json") {
            Ok(self.to_json())
        } else {
            Err(GateError::Usage(format!(
                "report '{path}': the name must end in .md, .html or .json"
            )))
        }
    }

    /// Promotes the candidate when the gate passed, recording the Markdown report in the
    /// history (origin `gate`).
    pub fn promote(
        &self,
        store: &dyn Store,
        stage: ModelStage,
        archive_existing: bool,
        user_id: &str,
        comment: &str,
    ) -> Result<crate::model::ModelVersion, GateError> {
        if !self.passed {
            return Err(GateError::Usage("a failed gate promotes nothing".into()));
        }
        let version = self.candidate.version.ok_or_else(|| {
            GateError::Data(format!(
                "run {} is not a registered version of '{}'; register it before promoting",
                self.candidate.run_id, self.model
            ))
        })?;
        let comment = if comment.is_empty() {
            format!(
                "gate passed: {} rule(s), {} requirement(s) against {}",
                self.rules.len(),
                self.requirements.len(),
                self.against
            )
        } else {
            comment.to_owned()
        };
        Ok(super::promote(
            store,
            &super::Promotion {
                name: self.model.clone(),
                version,
                stage,
                archive_existing,
                comment,
                user_id: user_id.to_owned(),
                origin: "gate".to_owned(),
                gate_report: Some(self.to_markdown()),
            },
        )?)
    }
}

#[cfg(test)]
mod tests;
