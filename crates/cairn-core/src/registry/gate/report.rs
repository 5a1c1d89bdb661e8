//! A gate's outcome ([`GateReport`]): each rule and requirement and the verdict; its Markdown
//! form, which a promotion records in the history; and the promotion itself. Other renderings
//! (HTML, JSON, the terminal table) belong to the shell that shows them.

use crate::model::ModelStage;
use crate::store::Store;

use super::GateError;

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct GateSide {
    /// The version, when the side is (or was registered as) one.
    pub version: Option<u64>,
    /// The run whose latest metrics are used.
    pub run_id: String,
}

/// How one rule came out.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct RequirementOutcome {
    /// `clean-git`, `data-hash` or `same-data`.
    pub requirement: String,
    /// Whether it holds.
    pub passed: bool,
    /// Why.
    pub detail: String,
    /// A longer report behind the verdict (`no-drift`'s drift report, Markdown).
    pub report: Option<String>,
}

/// The result of a gate: what was compared, each rule and requirement, and the verdict.
#[derive(Debug, Clone, PartialEq)]
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

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |value| format!("{value}"))
}

/// A requirement's verdict as every report spells it: `pass` or `FAIL`.
pub fn verdict(passed: bool) -> &'static str {
    if passed { "pass" } else { "FAIL" }
}

/// One side of a comparison as every report names it: `version 3 (run …)`, `run …` or `none`.
pub fn side(side: Option<&GateSide>) -> String {
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
            for requirement in &self.requirements {
                if let Some(report) = &requirement.report {
                    // The drift report's headings move one level down, under the gate's.
                    out.push('\n');
                    for line in report.lines() {
                        if line.starts_with('#') {
                            out.push('#');
                        }
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
        }
        out
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
        Ok(crate::registry::promote(
            store,
            &crate::registry::Promotion {
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
