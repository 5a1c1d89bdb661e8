//! How a version's batches are judged: the drift test and thresholds, which columns hold labels
//! and predictions, and alert thresholds on the performance metrics. Kept with the reference as
//! JSON; every field is checked before anything is stored.

use cairn_drift::{DriftOptions, TestKind, engine::DEFAULT_SHARE, performance::Task};
use serde::{Deserialize, Serialize};

use crate::MonitorError;

/// Label columns looked for when none is named.
pub const LABEL_COLUMNS: &[&str] = &["label", "target", "y", "actual"];
/// Prediction columns looked for when none is named.
pub const PREDICTION_COLUMNS: &[&str] = &["prediction", "predictions", "predicted", "pred"];

/// A comparison in an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertOp {
    /// Healthy while the value is at least the threshold (`accuracy>=0.8`).
    #[serde(rename = ">=")]
    AtLeast,
    /// Healthy while the value is at most the threshold (`rmse<=3`).
    #[serde(rename = "<=")]
    AtMost,
}

impl AlertOp {
    /// `>=` or `<=`.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertOp::AtLeast => ">=",
            AlertOp::AtMost => "<=",
        }
    }
}

/// A threshold on a batch's metric (or its `drift_share`), drawn on the Monitoring tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// `accuracy`, `f1`, `auc`, `mae`, `rmse` or `drift_share`.
    pub metric: String,
    /// The comparison.
    pub op: AlertOp,
    /// The threshold.
    pub value: f64,
}

/// The metrics an alert may watch.
pub const ALERT_METRICS: &[&str] = &["accuracy", "f1", "auc", "mae", "rmse", "drift_share"];

impl Alert {
    /// Reads `METRIC>=VALUE` or `METRIC<=VALUE`.
    pub fn parse(text: &str) -> Result<Alert, MonitorError> {
        let invalid = |why: &str| {
            MonitorError::Invalid(format!(
                "alert '{text}': {why} (write METRIC>=VALUE or METRIC<=VALUE, METRIC one of {})",
                ALERT_METRICS.join(", ")
            ))
        };
        let (metric, op, value) = if let Some((metric, value)) = text.split_once(">=") {
            (metric, AlertOp::AtLeast, value)
        } else if let Some((metric, value)) = text.split_once("<=") {
            (metric, AlertOp::AtMost, value)
        } else {
            return Err(invalid("no >= or <="));
        };
        let alert = Alert {
            metric: metric.trim().to_ascii_lowercase(),
            op,
            value: value
                .trim()
                .parse::<f64>()
                .map_err(|_| invalid("the threshold is not a number"))?,
        };
        alert.check()?;
        Ok(alert)
    }

    fn check(&self) -> Result<(), MonitorError> {
        if !ALERT_METRICS.contains(&self.metric.as_str()) {
            return Err(MonitorError::Invalid(format!(
                "alert on '{}': no such metric (one of {})",
                self.metric,
                ALERT_METRICS.join(", ")
            )));
        }
        if !self.value.is_finite() {
            return Err(MonitorError::Invalid(format!(
                "alert on '{}': the threshold must be a finite number",
                self.metric
            )));
        }
        Ok(())
    }

    /// Whether `value` breaks the alert.
    pub fn fires(&self, value: f64) -> bool {
        match self.op {
            AlertOp::AtLeast => value < self.value,
            AlertOp::AtMost => value > self.value,
        }
    }

    /// The value a batch with `drift_share` and `metrics` breaks the alert with, if it does
    /// (a metric the batch lacks breaks nothing).
    pub fn broken_by(&self, drift_share: f64, metrics: &[(String, f64)]) -> Option<f64> {
        let value = if self.metric == "drift_share" {
            Some(drift_share)
        } else {
            metrics
                .iter()
                .find(|(name, _)| *name == self.metric)
                .map(|(_, value)| *value)
        }?;
        self.fires(value).then_some(value)
    }
}

/// How a version's batches are judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MonitorSettings {
    /// The drift test for every column (`ks`, `chi2`, `psi`, `wasserstein`, `jensenshannon`);
    /// Evidently's rules when unset.
    pub test: Option<String>,
    /// That test's threshold (its default when unset).
    pub threshold: Option<f64>,
    /// The dataset drifts when at least this share of its columns do.
    pub share: f64,
    /// The labels' column; the first of [`LABEL_COLUMNS`] present when unset.
    pub label_column: Option<String>,
    /// The predictions' column; the first of [`PREDICTION_COLUMNS`] present when unset.
    pub prediction_column: Option<String>,
    /// `classification` or `regression`; inferred from the labels when unset.
    pub task: Option<String>,
    /// Thresholds drawn on the Monitoring tab.
    pub alerts: Vec<Alert>,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        MonitorSettings {
            test: None,
            threshold: None,
            share: DEFAULT_SHARE,
            label_column: None,
            prediction_column: None,
            task: None,
            alerts: Vec::new(),
        }
    }
}

impl MonitorSettings {
    /// Checks every field.
    pub fn check(&self) -> Result<(), MonitorError> {
        self.drift_options()?;
        self.task()?;
        for alert in &self.alerts {
            alert.check()?;
        }
        Ok(())
    }

    /// The drift engine's options.
    pub fn drift_options(&self) -> Result<DriftOptions, MonitorError> {
        let test = self
            .test
            .as_deref()
            .map(|name| {
                TestKind::parse(name).ok_or_else(|| {
                    MonitorError::Invalid(format!(
                        "unknown drift test '{name}' (ks, chi2, psi, wasserstein, jensenshannon)"
                    ))
                })
            })
            .transpose()?;
        let options = DriftOptions {
            test,
            threshold: self.threshold,
            share: self.share,
        };
        options.validate()?;
        Ok(options)
    }

    /// The task, when set.
    pub fn task(&self) -> Result<Option<Task>, MonitorError> {
        self.task
            .as_deref()
            .map(|name| {
                Task::parse(name).ok_or_else(|| {
                    MonitorError::Invalid(format!(
                        "unknown task '{name}' (classification or regression)"
                    ))
                })
            })
            .transpose()
    }

    /// As stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Reads what [`MonitorSettings::to_json`] wrote; a stored text that no longer reads gives
    /// the defaults.
    pub fn from_json(text: &str) -> MonitorSettings {
        serde_json::from_str(text).unwrap_or_default()
    }
}
