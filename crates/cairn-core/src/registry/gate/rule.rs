//! What a gate asks: rules (`metrics.KEY OP (NUMBER | baseline [± NUMBER] | baseline * NUMBER)`,
//! read by the search grammar's lexer in its arithmetic mode, so names, quoting and numbers read
//! as they do in filters), provenance requirements, the candidate and the whole [`GateSpec`].

use super::GateError;
use crate::registry::ModelRef;
use crate::search::lexer::{NamePart, Operator, Sign, TokenKind, tokenize_arithmetic};

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
    pub(super) fn holds(self, left: f64, right: f64) -> bool {
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
    pub(super) fn needs_baseline(self) -> bool {
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

/// The kinds of a rule's tokens, without the end marker.
fn rule_tokens(text: &str) -> Result<Vec<TokenKind>, GateError> {
    let tokens = tokenize_arithmetic(text).map_err(|error| {
        GateError::Usage(format!(
            "rule '{text}': at position {}: {}",
            error.position, error.message
        ))
    })?;
    Ok(tokens
        .into_iter()
        .map(|token| token.kind)
        .filter(|kind| *kind != TokenKind::End)
        .collect())
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
            Some(TokenKind::Name(parts))
                if parts.len() >= 2 && parts[0].text.eq_ignore_ascii_case("metrics") =>
            {
                name_text(&parts[1..]).join(".")
            }
            _ => return Err(bad("it must start with metrics.KEY")),
        };
        let comparison = match pieces.next() {
            Some(TokenKind::Operator(operator)) => match operator {
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
        let is_baseline = |piece: &TokenKind| {
            matches!(piece, TokenKind::Name(parts)
                if parts.len() == 1 && !parts[0].quoted
                    && parts[0].text.eq_ignore_ascii_case("baseline"))
        };
        let threshold = match rest.as_slice() {
            [TokenKind::Number(number)] => Threshold::Number(*number),
            [TokenKind::Sign(Sign::Minus), TokenKind::Number(number)] => Threshold::Number(-number),
            [base] if is_baseline(base) => Threshold::BaselinePlus(0.0),
            // `baseline -0.002` lexes as a negative number.
            [base, TokenKind::Number(number)] if is_baseline(base) && *number < 0.0 => {
                Threshold::BaselinePlus(*number)
            }
            [base, TokenKind::Sign(Sign::Plus), TokenKind::Number(number)] if is_baseline(base) => {
                Threshold::BaselinePlus(*number)
            }
            [
                base,
                TokenKind::Sign(Sign::Minus),
                TokenKind::Number(number),
            ] if is_baseline(base) => Threshold::BaselinePlus(-number),
            [
                base,
                TokenKind::Sign(Sign::Times),
                TokenKind::Number(number),
            ] if is_baseline(base) => Threshold::BaselineTimes(*number),
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
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Requirement {
    /// The candidate's run was logged from a git checkout with no uncommitted changes.
    CleanGit,
    /// The candidate's run records the content hash of its data.
    DataHash,
    /// The candidate's data hashes equal the baseline's.
    SameData,
    /// The candidate's data has not drifted from the baseline's: fewer than `share` of its
    /// columns drift (judged by a [`super::DriftJudge`]).
    NoDrift {
        /// The share of drifted columns at which the data counts as drifted.
        share: f64,
    },
}

/// The share of drifted columns at which `no-drift` fails by default (Evidently's).
pub const DEFAULT_DRIFT_SHARE: f64 = 0.5;

impl Requirement {
    /// Parses `clean-git`, `data-hash`, `same-data` or `no-drift[:SHARE]`.
    pub fn parse(text: &str) -> Result<Requirement, GateError> {
        match text {
            "clean-git" => Ok(Requirement::CleanGit),
            "data-hash" => Ok(Requirement::DataHash),
            "same-data" => Ok(Requirement::SameData),
            "no-drift" => Ok(Requirement::NoDrift {
                share: DEFAULT_DRIFT_SHARE,
            }),
            other => match other.strip_prefix("no-drift:") {
                Some(share) => match share.parse::<f64>() {
                    Ok(share) if share > 0.0 && share <= 1.0 => Ok(Requirement::NoDrift { share }),
                    _ => Err(GateError::Usage(format!(
                        "requirement '{other}': the share must be a number in (0, 1]"
                    ))),
                },
                None => Err(GateError::Usage(format!(
                    "unknown requirement '{other}': expected clean-git, data-hash, same-data or \
                     no-drift[:SHARE]"
                ))),
            },
        }
    }

    /// The name as written (without a share).
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::CleanGit => "clean-git",
            Requirement::DataHash => "data-hash",
            Requirement::SameData => "same-data",
            Requirement::NoDrift { .. } => "no-drift",
        }
    }

    /// The requirement as reports name it (`no-drift:0.3`).
    pub fn describe(self) -> String {
        match self {
            Requirement::NoDrift { share } => format!("no-drift:{share}"),
            other => other.as_str().to_owned(),
        }
    }

    /// Whether it compares the candidate with the baseline.
    pub fn needs_baseline(self) -> bool {
        matches!(self, Requirement::SameData | Requirement::NoDrift { .. })
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
