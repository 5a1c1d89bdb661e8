//! A model's performance on a labelled batch: accuracy, F1 and ROC AUC for classifiers, MAE and
//! RMSE for regressors, computed as scikit-learn does (checked against it by
//! `tests/performance_sklearn.rs`).
//!
//! Rows where the label or the prediction is missing are left out (and counted). The task is the
//! caller's choice, or inferred: text labels, or whole-number labels with at most
//! [`MAX_INFERRED_CLASSES`] distinct values, make a classification; other numbers a regression.
//! For a binary classification with numeric labels, predictions in [0, 1] that are not all class
//! labels are read as scores of the larger class (the predicted class is score ≥ 0.5) and give
//! the AUC; hard predictions give the AUC of those. F1 is the larger class's F1 for two classes
//! and the macro average (over the classes of labels and predictions) for more.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::DriftError;
use crate::table::{Cell, RawColumn, Table};

/// Whole-number labels with at most this many distinct values are classes.
pub const MAX_INFERRED_CLASSES: usize = 20;

/// What kind of model made the predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// Predicts a class.
    Classification,
    /// Predicts a number.
    Regression,
}

impl Task {
    /// `classification` or `regression`.
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        }
    }

    /// Reads a task's name.
    pub fn parse(name: &str) -> Option<Task> {
        match name.to_ascii_lowercase().as_str() {
            "classification" | "classifier" => Some(Task::Classification),
            "regression" | "regressor" => Some(Task::Regression),
            _ => None,
        }
    }
}

/// The performance on one batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Performance {
    /// The task (as given or inferred).
    pub task: Task,
    /// Rows with both a label and a prediction.
    pub rows: u64,
    /// Rows left out for a missing label or prediction.
    pub skipped: u64,
    /// The metrics, by name (`accuracy`, `f1`, `auc`; `mae`, `rmse`).
    pub metrics: Vec<(String, f64)>,
}

/// A label or prediction of one row.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    /// The class it names: a whole number without its fraction, otherwise the text.
    fn class(&self) -> String {
        match self {
            Value::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                format!("{}", *number as i64)
            }
            Value::Number(number) => format!("{number:?}"),
            Value::Text(text) => text.clone(),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Value::Number(number) => Some(*number),
            Value::Text(_) => None,
        }
    }
}

fn value(column: &RawColumn, cell: Cell) -> Option<Value> {
    match cell {
        Cell::Missing => None,
        Cell::Number(number) => Some(Value::Number(number)),
        Cell::Text(index) => Some(Value::Text(column.text(index).to_owned())),
    }
}

fn column<'t>(table: &'t Table, name: &str, role: &str) -> Result<&'t RawColumn, DriftError> {
    table
        .columns
        .iter()
        .find(|column| column.name == name)
        .ok_or_else(|| {
            DriftError::Usage(format!(
                "{}: no {role} column '{name}' (its columns: {})",
                table.source,
                table
                    .columns
                    .iter()
                    .map(|column| column.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// The performance of the `prediction` column against the `label` column of `table`; `None`
/// when no row has both (labels often arrive later than the inputs).
pub fn performance(
    table: &Table,
    label: &str,
    prediction: &str,
    task: Option<Task>,
) -> Result<Option<Performance>, DriftError> {
    let labels = column(table, label, "label")?;
    let predictions = column(table, prediction, "prediction")?;
    let mut pairs = Vec::with_capacity(table.kept_rows);
    let mut skipped = 0u64;
    for row in 0..table.kept_rows {
        match (
            value(labels, labels.cell(row)),
            value(predictions, predictions.cell(row)),
        ) {
            (Some(label), Some(prediction)) => pairs.push((label, prediction)),
            _ => skipped += 1,
        }
    }
    if pairs.is_empty() {
        return Ok(None);
    }
    let task = task.unwrap_or_else(|| infer_task(&pairs));
    let metrics = match task {
        Task::Classification => classification(&pairs),
        Task::Regression => regression(&pairs, &table.source, label, prediction)?,
    };
    Ok(Some(Performance {
        task,
        rows: pairs.len() as u64,
        skipped,
        metrics,
    }))
}

fn infer_task(pairs: &[(Value, Value)]) -> Task {
    let mut classes = BTreeSet::new();
    for (label, _) in pairs {
        match label {
            Value::Text(_) => return Task::Classification,
            Value::Number(number) if number.fract() != 0.0 => return Task::Regression,
            Value::Number(_) => {
                classes.insert(label.class());
                if classes.len() > MAX_INFERRED_CLASSES {
                    return Task::Regression;
                }
            }
        }
    }
    Task::Classification
}

fn regression(
    pairs: &[(Value, Value)],
    source: &str,
    label: &str,
    prediction: &str,
) -> Result<Vec<(String, f64)>, DriftError> {
    let mut absolute = 0.0;
    let mut squared = 0.0;
    for (row, (truth, guess)) in pairs.iter().enumerate() {
        let (Some(truth), Some(guess)) = (truth.number(), guess.number()) else {
            return Err(DriftError::Data(format!(
                "{source}: a regression needs numbers in '{label}' and '{prediction}', and \
                 labelled row {} holds a text",
                row + 1
            )));
        };
        absolute += (truth - guess).abs();
        squared += (truth - guess) * (truth - guess);
    }
    let count = pairs.len() as f64;
    Ok(vec![
        ("mae".into(), absolute / count),
        ("rmse".into(), (squared / count).sqrt()),
    ])
}

fn classification(pairs: &[(Value, Value)]) -> Vec<(String, f64)> {
    let label_classes: BTreeSet<String> = pairs.iter().map(|(label, _)| label.class()).collect();
    let numeric_binary = label_classes.len() == 2
        && pairs
            .iter()
            .all(|(label, prediction)| label.number().is_some() && prediction.number().is_some());
    let scores = numeric_binary
        && pairs.iter().all(|(_, prediction)| {
            prediction
                .number()
                .is_some_and(|score| (0.0..=1.0).contains(&score))
        })
        && pairs
            .iter()
            .any(|(_, prediction)| !label_classes.contains(&prediction.class()));
    let positive = positive_class(pairs, &label_classes);
    let negative = label_classes
        .iter()
        .find(|class| Some(*class) != positive.as_ref())
        .cloned();
    let predicted: Vec<String> = pairs
        .iter()
        .map(|(_, prediction)| match (scores, &positive, &negative) {
            (true, Some(positive), Some(negative)) => {
                let score = prediction.number().unwrap_or(0.0);
                if score >= 0.5 {
                    positive.clone()
                } else {
                    negative.clone()
                }
            }
            _ => prediction.class(),
        })
        .collect();
    let truths: Vec<String> = pairs.iter().map(|(label, _)| label.class()).collect();
    let correct = truths
        .iter()
        .zip(&predicted)
        .filter(|(truth, guess)| truth == guess)
        .count();
    let mut metrics = vec![("accuracy".to_owned(), correct as f64 / pairs.len() as f64)];
    let f1 = if label_classes.len() == 2 {
        positive
            .as_ref()
            .map(|positive| f1_of(&truths, &predicted, positive))
    } else {
        let classes: BTreeSet<&String> = truths.iter().chain(&predicted).collect();
        let total: f64 = classes
            .iter()
            .map(|class| f1_of(&truths, &predicted, class))
            .sum();
        (!classes.is_empty()).then(|| total / classes.len() as f64)
    };
    if let Some(f1) = f1 {
        metrics.push(("f1".into(), f1));
    }
    if numeric_binary && let Some(positive) = &positive {
        let points: Vec<(bool, f64)> = pairs
            .iter()
            .map(|(label, prediction)| {
                (
                    &label.class() == positive,
                    prediction.number().unwrap_or(0.0),
                )
            })
            .collect();
        if let Some(auc) = roc_auc(&points) {
            metrics.push(("auc".into(), auc));
        }
    }
    metrics
}

/// The positive class of a binary problem: the larger number, or the last text in order.
fn positive_class(pairs: &[(Value, Value)], classes: &BTreeSet<String>) -> Option<String> {
    if classes.len() != 2 {
        return None;
    }
    let numbers: Vec<f64> = pairs
        .iter()
        .filter_map(|(label, _)| label.number())
        .collect();
    if numbers.len() == pairs.len() {
        let largest = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        return Some(Value::Number(largest).class());
    }
    classes.iter().next_back().cloned()
}

/// One class's F1: 2·TP / (2·TP + FP + FN), 0 when the class is never seen nor predicted.
fn f1_of(truths: &[String], predicted: &[String], class: &String) -> f64 {
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for (truth, guess) in truths.iter().zip(predicted) {
        match (truth == class, guess == class) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => {}
        }
    }
    let denominator = 2 * tp + fp + fn_;
    if denominator == 0 {
        0.0
    } else {
        (2 * tp) as f64 / denominator as f64
    }
}

/// ROC AUC by the Mann–Whitney statistic with tied scores sharing their mean rank; `None`
/// when only one class is present.
fn roc_auc(points: &[(bool, f64)]) -> Option<f64> {
    let positives = points.iter().filter(|(positive, _)| *positive).count();
    let negatives = points.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].1.total_cmp(&points[b].1));
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && points[order[end]].1 == points[order[start]].1 {
            end += 1;
        }
        // Ranks start + 1 ..= end share their mean.
        let mean_rank = (start + 1 + end) as f64 / 2.0;
        let tied_positives = order[start..end]
            .iter()
            .filter(|&&index| points[index].0)
            .count();
        rank_sum += mean_rank * tied_positives as f64;
        start = end;
    }
    let positives = positives as f64;
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives as f64))
}
