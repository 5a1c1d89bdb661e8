//! How both backends keep a batch's column scores and metrics: JSON arrays, small and read whole.

use serde_json::{Value, json};

use crate::model::ColumnScore;

/// `[{"column", "test", "score", "drifted"}…]`; a score that is not finite is kept as null.
pub(crate) fn encode_scores(scores: &[ColumnScore]) -> String {
    Value::Array(
        scores
            .iter()
            .map(|score| {
                json!({
                    "column": score.column,
                    "test": score.test,
                    "score": finite(score.score),
                    "drifted": score.drifted,
                })
            })
            .collect(),
    )
    .to_string()
}

/// Reads what [`encode_scores`] wrote (anything else reads as no scores).
pub(crate) fn decode_scores(text: &str) -> Vec<ColumnScore> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| ColumnScore {
            column: item["column"].as_str().unwrap_or_default().to_owned(),
            test: item["test"].as_str().unwrap_or_default().to_owned(),
            score: item["score"].as_f64().unwrap_or(f64::NAN),
            drifted: item["drifted"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// `[["accuracy", 0.91]…]`, in the order given.
pub(crate) fn encode_metrics(metrics: &[(String, f64)]) -> String {
    Value::Array(
        metrics
            .iter()
            .map(|(name, value)| json!([name, finite(*value)]))
            .collect(),
    )
    .to_string()
}

/// Reads what [`encode_metrics`] wrote.
pub(crate) fn decode_metrics(text: &str) -> Vec<(String, f64)> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            Some((
                item[0].as_str()?.to_owned(),
                item[1].as_f64().unwrap_or(f64::NAN),
            ))
        })
        .collect()
}

fn finite(value: f64) -> Value {
    if value.is_finite() {
        json!(value)
    } else {
        Value::Null
    }
}
