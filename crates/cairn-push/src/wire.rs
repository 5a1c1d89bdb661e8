//! How Cairn's records travel in MLflow's JSON, shared by the push and `cairn store copy`: metric
//! points (NaN and infinities as protobuf spells them), model-version sources pointed at the
//! remote run, artifact paths behind the proxy, ids and paged counts read back.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cairn_core::model::MetricPoint;
use serde_json::{Value, json};

use crate::api::MlflowApi;

/// A metric point as log-batch takes it: NaN and infinities as protobuf's JSON spells them.
pub fn metric_json(key: &str, point: &MetricPoint) -> Value {
    let value = if point.value.is_nan() {
        json!("NaN")
    } else if point.value == f64::INFINITY {
        json!("Infinity")
    } else if point.value == f64::NEG_INFINITY {
        json!("-Infinity")
    } else {
        json!(point.value)
    };
    json!({ "key": key, "value": value, "timestamp": point.timestamp_ms, "step": point.step })
}

/// The path behind the proxy of an `mlflow-artifacts:/path` or `mlflow-artifacts://host/path`
/// URI; `None` for any other kind of location.
pub fn proxy_path(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("mlflow-artifacts:")?;
    let path = match rest.strip_prefix("//") {
        Some(with_authority) => with_authority.split_once('/').map_or("", |(_, path)| path),
        None => rest,
    };
    Some(path.trim_matches('/').to_owned())
}

/// Each `/`-separated part of `path` percent-encoded (all but RFC 3986's unreserved bytes).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Regular files under `folder` with their sizes, `/`-separated relative paths, sorted;
/// symlinks not followed.
pub fn files_under(folder: &Path) -> anyhow::Result<Vec<(String, u64)>> {
    let mut files = Vec::new();
    if !folder.is_dir() {
        return Ok(files);
    }
    let mut pending: Vec<PathBuf> = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let here = folder.join(&relative);
        for entry in
            std::fs::read_dir(&here).with_context(|| format!("reading {}", here.display()))?
        {
            let entry = entry.with_context(|| format!("reading {}", here.display()))?;
            let kind = entry.file_type()?;
            let name = relative.join(entry.file_name());
            if kind.is_dir() {
                pending.push(name);
            } else if kind.is_file() {
                let size = entry
                    .metadata()
                    .with_context(|| format!("reading {}", entry.path().display()))?
                    .len();
                let parts: Vec<String> = name
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.push((parts.join("/"), size));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `runs:/<old>/path` or a location inside the old run's artifacts as `runs:/<new>/path`.
pub fn rewrite_source(source: &str, old_run: &str, new_run: &str) -> String {
    if let Some(rest) = source.strip_prefix(&format!("runs:/{old_run}"))
        && (rest.is_empty() || rest.starts_with('/'))
    {
        return format!("runs:/{new_run}{rest}");
    }
    let marker = format!("/{old_run}/artifacts");
    if let Some(at) = source.find(&marker) {
        let rest = &source[at + marker.len()..];
        if rest.is_empty() || rest.starts_with('/') {
            return format!("runs:/{new_run}{rest}");
        }
    }
    source.to_owned()
}

/// An id MLflow's JSON gives as a string (or a number).
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `key`/`value` pairs of an MLflow JSON list (`params`, `tags`).
pub fn pairs(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            (
                pair["key"].as_str().unwrap_or_default().to_owned(),
                pair["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// How many points the server holds for one metric of one run.
pub fn history_len(api: &dyn MlflowApi, run_id: &str, key: &str) -> anyhow::Result<u64> {
    let entity = format!("metric '{key}' of run {run_id}");
    let mut count = 0_u64;
    for_each_history_page(api, run_id, key, &entity, |points| {
        count += points.len() as u64;
        Ok(())
    })?;
    Ok(count)
}

/// One point as a server gives it back and as it is compared with the source's:
/// `(step, timestamp, value)`, the value's bits made comparable by [`comparable_value`].
pub type PointKey = (i64, i64, u64);

/// The point of `point` for comparing with what a server gives back.
pub fn point_key(point: &MetricPoint) -> PointKey {
    (
        point.step,
        point.timestamp_ms,
        comparable_value(point.value),
    )
}

/// A value's bits as both ends can agree on them: one NaN, one zero (an MLflow server on SQLite
/// gives `-0.0` back as `0.0`), and an infinity as the largest finite double of its sign (which
/// MLflow's SQL store keeps in its place).
pub fn comparable_value(value: f64) -> u64 {
    if value.is_nan() {
        f64::NAN.to_bits()
    } else if value == 0.0 {
        0.0_f64.to_bits()
    } else if value.is_infinite() {
        f64::MAX.copysign(value).to_bits()
    } else {
        value.to_bits()
    }
}

/// Every point the server holds for one metric of one run.
pub fn history_points(
    api: &dyn MlflowApi,
    run_id: &str,
    key: &str,
) -> anyhow::Result<Vec<PointKey>> {
    let entity = format!("metric '{key}' of run {run_id}");
    let mut points = Vec::new();
    for_each_history_page(api, run_id, key, &entity, |page| {
        for point in page {
            points.push(read_point(api, point, &entity)?);
        }
        Ok(())
    })?;
    Ok(points)
}

/// Hands each page of one metric's history (its `metrics` list) to `each`, paged as the server
/// pages it; `entity` names the metric in errors.
fn for_each_history_page(
    api: &dyn MlflowApi,
    run_id: &str,
    key: &str,
    entity: &str,
    mut each: impl FnMut(&[Value]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut token: Option<String> = None;
    loop {
        let mut query = vec![("run_id", run_id), ("metric_key", key)];
        if let Some(token) = &token {
            query.push(("page_token", token.as_str()));
        }
        let page = api.get("metrics/get-history", &query, entity)?;
        each(page["metrics"].as_array().map_or(&[], Vec::as_slice))?;
        match page["next_page_token"].as_str() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return Ok(()),
        }
    }
}

/// One point of a get-history answer: steps and timestamps as numbers or strings, values as
/// numbers or protobuf's `NaN` / `Infinity` / `-Infinity`.
fn read_point(api: &dyn MlflowApi, point: &Value, entity: &str) -> anyhow::Result<PointKey> {
    let number = |field: &str| -> anyhow::Result<i64> {
        let value = &point[field];
        value
            .as_i64()
            .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
            .or_else(|| value.is_null().then_some(0))
            .with_context(|| format!("{}: {entity}: a point's {field} is {value}", api.server()))
    };
    let value = match &point["value"] {
        Value::Number(number) => number.as_f64().unwrap_or(f64::NAN),
        Value::String(text) => match text.as_str() {
            "Infinity" | "inf" => f64::INFINITY,
            "-Infinity" | "-inf" => f64::NEG_INFINITY,
            other => other.parse().with_context(|| {
                format!("{}: {entity}: a point's value is '{other}'", api.server())
            })?,
        },
        other => anyhow::bail!("{}: {entity}: a point's value is {other}", api.server()),
    };
    Ok((
        number("step")?,
        number("timestamp")?,
        comparable_value(value),
    ))
}

/// One key's points as Cairn's `append-metrics` takes them: three columns; values that JSON
/// cannot hold as numbers as MLflow's strings (`NaN`, `Infinity`, `-Infinity`).
pub fn columns(key: &str, points: &[MetricPoint]) -> Value {
    let value = |value: f64| {
        if value.is_nan() {
            json!("NaN")
        } else if value.is_infinite() {
            json!(if value > 0.0 { "Infinity" } else { "-Infinity" })
        } else {
            json!(value)
        }
    };
    json!({
        "key": key,
        "steps": points.iter().map(|point| point.step).collect::<Vec<_>>(),
        "timestamps": points.iter().map(|point| point.timestamp_ms).collect::<Vec<_>>(),
        "values": points.iter().map(|point| value(point.value)).collect::<Vec<_>>(),
    })
}

/// A dataset input as `runs/log-inputs` takes it.
pub fn dataset_input_json(input: &cairn_core::model::DatasetInput) -> Value {
    let dataset = &input.dataset;
    let mut body = json!({
        "name": dataset.name,
        "digest": dataset.digest,
        "source_type": dataset.source_type,
        "source": dataset.source,
    });
    if let Some(schema) = &dataset.schema {
        body["schema"] = json!(schema);
    }
    if let Some(profile) = &dataset.profile {
        body["profile"] = json!(profile);
    }
    let tags: Vec<Value> = input
        .tags
        .iter()
        .map(|tag| json!({ "key": tag.key, "value": tag.value }))
        .collect();
    json!({ "tags": tags, "dataset": body })
}

#[cfg(test)]
mod tests {
    use super::{encode_path, proxy_path, rewrite_source};

    #[test]
    fn only_proxied_locations_have_a_path() {
        assert_eq!(
            proxy_path("mlflow-artifacts:/1/abc/artifacts").as_deref(),
            Some("1/abc/artifacts")
        );
        assert_eq!(
            proxy_path("mlflow-artifacts://host:5000/1/abc/artifacts").as_deref(),
            Some("1/abc/artifacts")
        );
        assert_eq!(proxy_path("s3://bucket/1/abc/artifacts"), None);
        assert_eq!(proxy_path("/tmp/mlruns/1/abc/artifacts"), None);
        assert_eq!(
            encode_path("1/abc/artifacts/a b/ü.txt"),
            "1/abc/artifacts/a%20b/%C3%BC.txt"
        );
    }

    #[test]
    fn sources_of_copied_runs_point_at_the_copies() {
        assert_eq!(
            rewrite_source("runs:/old/model", "old", "new"),
            "runs:/new/model"
        );
        assert_eq!(
            rewrite_source("mlflow-artifacts:/1/old/artifacts/model", "old", "new"),
            "runs:/new/model"
        );
        assert_eq!(
            rewrite_source("runs:/older/model", "old", "new"),
            "runs:/older/model"
        );
        assert_eq!(rewrite_source("s3://b/model", "old", "new"), "s3://b/model");
    }
}
