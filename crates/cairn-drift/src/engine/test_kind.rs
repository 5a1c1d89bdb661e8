//! The tests a user can name, their default thresholds and which column kinds they fit.

use serde::{Deserialize, Serialize};

use crate::table::ColumnKind;

/// A drift test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestKind {
    /// Two-sample Kolmogorov–Smirnov (numeric; p-value).
    Ks,
    /// Chi-square goodness of fit (categorical; p-value).
    Chi2,
    /// Two-proportion Z-test (two categories; p-value).
    Z,
    /// Population Stability Index (any; distance).
    Psi,
    /// Wasserstein-1 ÷ reference std (numeric; distance).
    Wasserstein,
    /// Jensen–Shannon distance, natural logarithm (any; distance).
    JensenShannon,
}

impl TestKind {
    /// Parses a user's name: `ks`, `chi2`, `z`, `psi`, `wasserstein`, `jensenshannon`.
    pub fn parse(text: &str) -> Option<TestKind> {
        Some(match text.to_ascii_lowercase().as_str() {
            "ks" => TestKind::Ks,
            "chi2" | "chisquare" => TestKind::Chi2,
            "z" | "ztest" => TestKind::Z,
            "psi" => TestKind::Psi,
            "wasserstein" => TestKind::Wasserstein,
            "jensenshannon" | "js" => TestKind::JensenShannon,
            _ => return None,
        })
    }

    /// The short name.
    pub fn as_str(self) -> &'static str {
        match self {
            TestKind::Ks => "ks",
            TestKind::Chi2 => "chi2",
            TestKind::Z => "z",
            TestKind::Psi => "psi",
            TestKind::Wasserstein => "wasserstein",
            TestKind::JensenShannon => "jensenshannon",
        }
    }

    /// The name in reports.
    pub fn label(self) -> &'static str {
        match self {
            TestKind::Ks => "Kolmogorov–Smirnov",
            TestKind::Chi2 => "chi-square",
            TestKind::Z => "Z-test",
            TestKind::Psi => "PSI",
            TestKind::Wasserstein => "Wasserstein ÷ std",
            TestKind::JensenShannon => "Jensen–Shannon",
        }
    }

    /// Whether the score is a p-value (drift below the threshold) rather than a distance
    /// (drift at or above it).
    pub fn is_p_value(self) -> bool {
        matches!(self, TestKind::Ks | TestKind::Chi2 | TestKind::Z)
    }

    /// Evidently's default threshold.
    pub fn default_threshold(self) -> f64 {
        if self.is_p_value() { 0.05 } else { 0.1 }
    }

    /// Whether the test applies to a column tested as `kind`.
    pub fn fits(self, kind: ColumnKind) -> bool {
        match self {
            TestKind::Ks | TestKind::Wasserstein => kind == ColumnKind::Numeric,
            TestKind::Chi2 | TestKind::Z => kind == ColumnKind::Categorical,
            TestKind::Psi | TestKind::JensenShannon => true,
        }
    }

    /// Whether `score` means drift at `threshold`.
    pub fn drifted(self, score: f64, threshold: f64) -> bool {
        if score.is_nan() {
            false
        } else if self.is_p_value() {
            score < threshold
        } else {
            score >= threshold
        }
    }
}
