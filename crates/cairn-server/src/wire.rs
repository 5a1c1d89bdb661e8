//! MLflow's JSON shapes, converted by hand from the core's domain types (which know no JSON).
//! Doubles that JSON cannot carry travel as the strings `NaN`, `Infinity` and `-Infinity`.

use cairn_core::model::{
    DatasetInput, Experiment, LatestMetric, LoggedModel, MetricPoint, ModelVersion, Param,
    RegisteredModel, Run, RunInfo, RunIo, Tag,
};
use serde_json::{Map, Value, json};

/// A double as MLflow writes it.
pub fn double(value: f64) -> Value {
    if value.is_nan() {
        Value::String("NaN".into())
    } else if value == f64::INFINITY {
        Value::String("Infinity".into())
    } else if value == f64::NEG_INFINITY {
        Value::String("-Infinity".into())
    } else {
        json!(value)
    }
}

/// `[{key, value}]`.
pub fn tags(tags: &[Tag]) -> Value {
    Value::Array(
        tags.iter()
            .map(|tag| json!({"key": tag.key, "value": tag.value}))
            .collect(),
    )
}

fn params(params: &[Param]) -> Value {
    Value::Array(
        params
            .iter()
            .map(|param| json!({"key": param.key, "value": param.value}))
            .collect(),
    )
}

/// An Experiment.
pub fn experiment(experiment: &Experiment) -> Value {
    let mut out = Map::new();
    out.insert(
        "experiment_id".into(),
        json!(experiment.experiment_id.to_string()),
    );
    out.insert("name".into(), json!(experiment.name));
    out.insert(
        "artifact_location".into(),
        json!(experiment.artifact_location),
    );
    out.insert(
        "lifecycle_stage".into(),
        json!(experiment.lifecycle_stage.as_str()),
    );
    if let Some(time) = experiment.creation_time_ms {
        out.insert("creation_time".into(), json!(time));
    }
    if let Some(time) = experiment.last_update_time_ms {
        out.insert("last_update_time".into(), json!(time));
    }
    out.insert("tags".into(), tags(&experiment.tags));
    Value::Object(out)
}

/// A RunInfo.
pub fn run_info(info: &RunInfo) -> Value {
    let mut out = Map::new();
    out.insert("run_id".into(), json!(info.run_id));
    out.insert("run_uuid".into(), json!(info.run_id));
    out.insert("run_name".into(), json!(info.run_name));
    out.insert(
        "experiment_id".into(),
        json!(info.experiment_id.to_string()),
    );
    out.insert("user_id".into(), json!(info.user_id));
    out.insert("status".into(), json!(info.status.as_str()));
    if let Some(time) = info.start_time_ms {
        out.insert("start_time".into(), json!(time));
    }
    if let Some(time) = info.end_time_ms {
        out.insert("end_time".into(), json!(time));
    }
    out.insert("artifact_uri".into(), json!(info.artifact_uri));
    out.insert(
        "lifecycle_stage".into(),
        json!(info.lifecycle_stage.as_str()),
    );
    Value::Object(out)
}

/// A metric point with its key.
pub fn metric(key: &str, point: &MetricPoint) -> Value {
    json!({
        "key": key,
        "value": double(point.value),
        "timestamp": point.timestamp_ms,
        "step": point.step,
    })
}

fn latest_metrics(metrics: &[LatestMetric]) -> Value {
    Value::Array(
        metrics
            .iter()
            .map(|latest| metric(&latest.key, &latest.latest))
            .collect(),
    )
}

fn dataset_input(input: &DatasetInput) -> Value {
    let dataset = &input.dataset;
    let mut out = Map::new();
    out.insert("name".into(), json!(dataset.name));
    out.insert("digest".into(), json!(dataset.digest));
    out.insert("source_type".into(), json!(dataset.source_type));
    out.insert("source".into(), json!(dataset.source));
    if let Some(schema) = &dataset.schema {
        out.insert("schema".into(), json!(schema));
    }
    if let Some(profile) = &dataset.profile {
        out.insert("profile".into(), json!(profile));
    }
    json!({"tags": tags(&input.tags), "dataset": Value::Object(out)})
}

/// A whole Run: info, data, inputs and outputs.
pub fn run(run: &Run, io: &RunIo) -> Value {
    json!({
        "info": run_info(&run.info),
        "data": {
            "metrics": latest_metrics(&run.metrics),
            "params": params(&run.params),
            "tags": tags(&run.tags),
        },
        "inputs": {
            "dataset_inputs": io.dataset_inputs.iter().map(dataset_input).collect::<Vec<_>>(),
            "model_inputs": [],
        },
        "outputs": {
            "model_outputs": io.model_outputs.iter()
                .map(|output| json!({"model_id": output.model_id, "step": output.step}))
                .collect::<Vec<_>>(),
        },
    })
}

/// A ModelVersion.
pub fn model_version(version: &ModelVersion) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(version.name));
    out.insert("version".into(), json!(version.version.to_string()));
    out.insert("creation_timestamp".into(), json!(version.creation_time_ms));
    out.insert(
        "last_updated_timestamp".into(),
        json!(version.last_updated_time_ms),
    );
    out.insert("user_id".into(), json!(version.user_id));
    out.insert(
        "current_stage".into(),
        json!(version.current_stage.as_str()),
    );
    out.insert("description".into(), json!(version.description));
    out.insert("source".into(), json!(version.source));
    if let Some(run_id) = &version.run_id {
        out.insert("run_id".into(), json!(run_id));
    }
    out.insert("run_link".into(), json!(version.run_link));
    out.insert("status".into(), json!(version.status.as_str()));
    out.insert("status_message".into(), json!(version.status_message));
    out.insert("tags".into(), tags(&version.tags));
    out.insert("aliases".into(), json!(version.aliases));
    if let Some(model_id) = &version.logged_model_id {
        out.insert("model_id".into(), json!(model_id));
    }
    Value::Object(out)
}

/// A RegisteredModel.
pub fn registered_model(model: &RegisteredModel) -> Value {
    json!({
        "name": model.name,
        "creation_timestamp": model.creation_time_ms,
        "last_updated_timestamp": model.last_updated_time_ms,
        "description": model.description,
        "latest_versions": model.latest_versions.iter().map(model_version).collect::<Vec<_>>(),
        "tags": tags(&model.tags),
        "aliases": model.aliases.iter()
            .map(|(alias, version)| json!({"alias": alias, "version": version.to_string()}))
            .collect::<Vec<_>>(),
    })
}

/// A LoggedModel: `{info, data}`.
pub fn logged_model(model: &LoggedModel) -> Value {
    let mut info = Map::new();
    info.insert("model_id".into(), json!(model.model_id));
    info.insert(
        "experiment_id".into(),
        json!(model.experiment_id.to_string()),
    );
    info.insert("name".into(), json!(model.name));
    info.insert("artifact_uri".into(), json!(model.artifact_location));
    info.insert(
        "creation_timestamp_ms".into(),
        json!(model.creation_time_ms),
    );
    info.insert(
        "last_updated_timestamp_ms".into(),
        json!(model.last_updated_time_ms),
    );
    info.insert("status".into(), json!(model.status.as_str()));
    info.insert("status_message".into(), json!(model.status_message));
    info.insert("model_type".into(), json!(model.model_type));
    if let Some(run_id) = &model.source_run_id {
        info.insert("source_run_id".into(), json!(run_id));
    }
    info.insert("tags".into(), tags(&model.tags));
    json!({
        "info": Value::Object(info),
        "data": {"params": params(&model.params), "metrics": []},
    })
}
