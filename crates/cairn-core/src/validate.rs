//! MLflow's limits on what may be logged, checked once for every store.

use crate::error::{StoreError, StoreResult};
use crate::model::{DatasetInput, LogBatch, MetricPoint, Param, Tag};

/// Longest metric, param or tag key.
pub const MAX_KEY_CHARS: usize = 250;
/// Longest param value.
pub const MAX_PARAM_VALUE_CHARS: usize = 6000;
/// Longest tag value.
pub const MAX_TAG_VALUE_CHARS: usize = 8000;
/// Longest experiment name.
pub const MAX_EXPERIMENT_NAME_CHARS: usize = 500;
/// Longest dataset name.
pub const MAX_DATASET_NAME_CHARS: usize = 500;
/// Longest dataset digest.
pub const MAX_DATASET_DIGEST_CHARS: usize = 36;
/// Longest dataset source (JSON text).
pub const MAX_DATASET_SOURCE_CHARS: usize = 65_535;
/// Longest dataset schema (JSON text).
pub const MAX_DATASET_SCHEMA_CHARS: usize = 1_048_575;
/// Longest dataset profile (JSON text).
pub const MAX_DATASET_PROFILE_CHARS: usize = 16_777_215;
/// Longest value of a tag on a dataset's use (its context, `training`, `eval`...).
pub const MAX_INPUT_TAG_VALUE_CHARS: usize = 500;
/// Most metrics in one batch.
pub const MAX_BATCH_METRICS: usize = 1000;
/// Most params in one batch.
pub const MAX_BATCH_PARAMS: usize = 100;
/// Most tags in one batch.
pub const MAX_BATCH_TAGS: usize = 100;
/// Most entries of all kinds in one batch.
pub const MAX_BATCH_ENTRIES: usize = 1000;

/// Checks a metric, param or tag key: ≤ 250 characters of `[/\w.\- :]`, and unchanged by path
/// normalisation (no `..` segments, no leading `/`, no `//`, no trailing `/`).
pub fn check_key(kind: &str, key: &str) -> StoreResult<()> {
    let field = || format!("{kind} key '{}'", truncate_for_message(key));
    if key.is_empty() {
        return Err(StoreError::invalid(field(), "must not be empty"));
    }
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(StoreError::invalid(
            field(),
            format!("longer than {MAX_KEY_CHARS} characters"),
        ));
    }
    if let Some(bad) = key
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '_' | '/' | '.' | '-' | ' ' | ':')))
    {
        return Err(StoreError::invalid(
            field(),
            format!(
                "character {bad:?} is not allowed (keys may contain letters, digits, _ - . / : and spaces)"
            ),
        ));
    }
    let normalised = key.starts_with('/')
        || key.ends_with('/')
        || key.contains("//")
        || key
            .split('/')
            .any(|segment| segment == ".." || segment == ".");
    if normalised {
        return Err(StoreError::invalid(
            field(),
            "must be a relative path without '.' or '..' segments",
        ));
    }
    Ok(())
}

/// Checks a param value's length.
pub fn check_param(param: &Param) -> StoreResult<()> {
    check_key("param", &param.key)?;
    check_length(
        &format!("value of param '{}'", param.key),
        &param.value,
        MAX_PARAM_VALUE_CHARS,
    )
}

/// Checks a tag's key and value length.
pub fn check_tag(tag: &Tag) -> StoreResult<()> {
    check_key("tag", &tag.key)?;
    check_length(
        &format!("value of tag '{}'", tag.key),
        &tag.value,
        MAX_TAG_VALUE_CHARS,
    )
}

/// Checks a dataset input: the dataset's fields and the tags of its use, by MLflow's limits.
pub fn check_dataset_input(input: &DatasetInput) -> StoreResult<()> {
    let dataset = &input.dataset;
    let field = |name: &str| {
        format!(
            "{name} of dataset '{}'",
            truncate_for_message(&dataset.name)
        )
    };
    check_length(&field("name"), &dataset.name, MAX_DATASET_NAME_CHARS)?;
    check_length(&field("digest"), &dataset.digest, MAX_DATASET_DIGEST_CHARS)?;
    check_length(&field("source"), &dataset.source, MAX_DATASET_SOURCE_CHARS)?;
    if let Some(schema) = &dataset.schema {
        check_length(&field("schema"), schema, MAX_DATASET_SCHEMA_CHARS)?;
    }
    if let Some(profile) = &dataset.profile {
        check_length(&field("profile"), profile, MAX_DATASET_PROFILE_CHARS)?;
    }
    for tag in &input.tags {
        check_tag(tag)?;
        check_length(
            &format!("value of input tag '{}'", tag.key),
            &tag.value,
            MAX_INPUT_TAG_VALUE_CHARS,
        )?;
    }
    Ok(())
}

/// Checks an experiment name.
pub fn check_experiment_name(name: &str) -> StoreResult<()> {
    if name.trim().is_empty() {
        return Err(StoreError::invalid("experiment name", "must not be empty"));
    }
    check_length("experiment name", name, MAX_EXPERIMENT_NAME_CHARS)
}

/// Checks a run id given by a client or importer: `^[a-zA-Z0-9][\w\-]{0,255}$`.
pub fn check_run_id(run_id: &str) -> StoreResult<()> {
    let mut chars = run_id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !first_ok || !rest_ok || run_id.chars().count() > 256 {
        return Err(StoreError::invalid(
            format!("run id '{}'", truncate_for_message(run_id)),
            "must start with a letter or digit and contain only letters, digits, _ and -, at most 256 characters",
        ));
    }
    Ok(())
}

/// Checks a registered model name: not empty, no `/` or `:`.
pub fn check_model_name(name: &str) -> StoreResult<()> {
    if name.trim().is_empty() {
        return Err(StoreError::invalid(
            "registered model name",
            "must not be empty",
        ));
    }
    if name.contains('/') || name.contains(':') {
        return Err(StoreError::invalid(
            format!("registered model name '{}'", truncate_for_message(name)),
            "must not contain '/' or ':'",
        ));
    }
    check_length("registered model name", name, MAX_KEY_CHARS)
}

/// Checks a metric key and its points (timestamps must not be negative).
pub fn check_metric_points(key: &str, points: &[MetricPoint]) -> StoreResult<()> {
    check_key("metric", key)?;
    if let Some(point) = points.iter().find(|point| point.timestamp_ms < 0) {
        return Err(StoreError::invalid(
            format!("timestamp of metric '{key}' at step {}", point.step),
            format!("{} must not be negative", point.timestamp_ms),
        ));
    }
    Ok(())
}

/// Checks a whole batch: sizes, keys, values, timestamps, and no param key twice.
pub fn check_batch(batch: &LogBatch) -> StoreResult<()> {
    let too_many = |what: &str, count: usize, max: usize| {
        StoreError::invalid(
            "log batch",
            format!("{count} {what} is more than the limit of {max}"),
        )
    };
    if batch.metrics.len() > MAX_BATCH_METRICS {
        return Err(too_many("metrics", batch.metrics.len(), MAX_BATCH_METRICS));
    }
    if batch.params.len() > MAX_BATCH_PARAMS {
        return Err(too_many("params", batch.params.len(), MAX_BATCH_PARAMS));
    }
    if batch.tags.len() > MAX_BATCH_TAGS {
        return Err(too_many("tags", batch.tags.len(), MAX_BATCH_TAGS));
    }
    let total = batch.metrics.len() + batch.params.len() + batch.tags.len();
    if total > MAX_BATCH_ENTRIES {
        return Err(too_many("entries", total, MAX_BATCH_ENTRIES));
    }
    for metric in &batch.metrics {
        check_metric_points(&metric.key, std::slice::from_ref(&metric.point))?;
    }
    let mut seen = std::collections::HashSet::new();
    for param in &batch.params {
        check_param(param)?;
        if !seen.insert(param.key.as_str()) {
            return Err(StoreError::invalid(
                format!("param '{}'", param.key),
                "appears twice in one batch",
            ));
        }
    }
    batch.tags.iter().try_for_each(check_tag)
}

fn check_length(field: &str, value: &str, max_chars: usize) -> StoreResult<()> {
    let chars = value.chars().count();
    if chars > max_chars {
        return Err(StoreError::invalid(
            field,
            format!("{chars} characters is longer than the limit of {max_chars}"),
        ));
    }
    Ok(())
}

fn truncate_for_message(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.chars().count() <= SHOWN {
        text.to_string()
    } else {
        let head: String = text.chars().take(SHOWN).collect();
        format!("{head}…")
    }
}

/// Checks a model alias with MLflow's rules: `^[\w\-]*$`, at most 255 characters, not
/// `latest` nor `v<digits>`.
pub fn check_alias(alias: &str) -> StoreResult<()> {
    let field = || format!("alias '{alias}'");
    if alias.is_empty() || alias.chars().count() > 255 {
        return Err(StoreError::invalid(
            field(),
            "must have 1 to 255 characters",
        ));
    }
    if !alias
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(StoreError::invalid(
            field(),
            "may contain only letters, digits, _ and -",
        ));
    }
    let lower = alias.to_ascii_lowercase();
    let version_like =
        lower.len() > 1 && lower.starts_with('v') && lower[1..].chars().all(|c| c.is_ascii_digit());
    if lower == "latest" || version_like {
        return Err(StoreError::invalid(
            field(),
            "'latest' and 'v<number>' are reserved",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_mlflow_rules() {
        for good in ["loss", "train/loss", "val acc", "a.b-c_d:e", "ü"] {
            assert!(check_key("metric", good).is_ok(), "{good} should pass");
        }
        for bad in [
            "",
            "/abs",
            "a/../b",
            "..",
            "a//b",
            "trail/",
            "semi;colon",
            "q'uote",
        ] {
            assert!(check_key("metric", bad).is_err(), "{bad} should fail");
        }
        assert!(check_key("metric", &"k".repeat(251)).is_err());
    }

    #[test]
    fn run_ids_follow_mlflow_rules() {
        assert!(check_run_id("0a1b2c").is_ok());
        assert!(check_run_id("run-1_x").is_ok());
        for bad in ["", "-x", "a/b", "a b", "../x"] {
            assert!(check_run_id(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn batch_rejects_duplicate_params() {
        let batch = LogBatch {
            params: vec![
                Param {
                    key: "lr".into(),
                    value: "1".into(),
                },
                Param {
                    key: "lr".into(),
                    value: "1".into(),
                },
            ],
            ..LogBatch::default()
        };
        let error = check_batch(&batch).unwrap_err().to_string();
        assert_eq!(error, "invalid param 'lr': appears twice in one batch");
    }
}
