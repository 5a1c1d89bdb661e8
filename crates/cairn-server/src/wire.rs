//! MLflow's JSON shapes, converted by hand from the core's domain types (which know no JSON).
//! Doubles that JSON cannot carry travel as the strings `NaN`, `Infinity` and `-Infinity`.
//!
//! Most shapes are built as [`Value`]s. The large answers (metric histories, run search pages)
//! are [`Serialize`] views over borrowed domain values instead, written straight to the response
//! body without a `Value` tree in between.

use cairn_core::model::{
    DatasetInput, Experiment, LatestMetric, LoggedModel, MetricPoint, ModelVersion, Param,
    RegisteredModel, Run, RunInfo, RunIo, Tag,
};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
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
    json!(RunInfoJson(info))
}

/// A double as MLflow writes it, for [`Serialize`] views.
struct Double(f64);

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0;
        if value.is_nan() {
            serializer.serialize_str("NaN")
        } else if value == f64::INFINITY {
            serializer.serialize_str("Infinity")
        } else if value == f64::NEG_INFINITY {
            serializer.serialize_str("-Infinity")
        } else {
            serializer.serialize_f64(value)
        }
    }
}

/// A metric point with its key (and the run it belongs to, for bulk answers), serialised as
/// `{key, value, timestamp, step[, run_id]}`.
#[derive(Debug, Clone, Copy)]
pub struct MetricJson<'a> {
    /// The metric's key.
    pub key: &'a str,
    /// The point.
    pub point: &'a MetricPoint,
    /// The run, when the answer spans runs.
    pub run_id: Option<&'a str>,
}

impl Serialize for MetricJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4 + usize::from(self.run_id.is_some())))?;
        map.serialize_entry("key", self.key)?;
        map.serialize_entry("value", &Double(self.point.value))?;
        map.serialize_entry("timestamp", &self.point.timestamp_ms)?;
        map.serialize_entry("step", &self.point.step)?;
        if let Some(run_id) = self.run_id {
            map.serialize_entry("run_id", run_id)?;
        }
        map.end()
    }
}

/// A metric point with its key.
pub fn metric(key: &str, point: &MetricPoint) -> Value {
    Value::Object(wire_metric_fields(key, point))
}

fn wire_metric_fields(key: &str, point: &MetricPoint) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("key".into(), json!(key));
    out.insert("value".into(), double(point.value));
    out.insert("timestamp".into(), json!(point.timestamp_ms));
    out.insert("step".into(), json!(point.step));
    out
}

/// A whole Run: info, data, inputs and outputs.
pub fn run(run: &Run, io: &RunIo) -> Value {
    json!(RunJson { run, io })
}

/// A RunInfo, serialised.
struct RunInfoJson<'a>(&'a RunInfo);

impl Serialize for RunInfoJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let info = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("run_id", &info.run_id)?;
        map.serialize_entry("run_uuid", &info.run_id)?;
        map.serialize_entry("run_name", &info.run_name)?;
        map.serialize_entry("experiment_id", &info.experiment_id.to_string())?;
        map.serialize_entry("user_id", &info.user_id)?;
        map.serialize_entry("status", info.status.as_str())?;
        if let Some(time) = info.start_time_ms {
            map.serialize_entry("start_time", &time)?;
        }
        if let Some(time) = info.end_time_ms {
            map.serialize_entry("end_time", &time)?;
        }
        map.serialize_entry("artifact_uri", &info.artifact_uri)?;
        map.serialize_entry("lifecycle_stage", info.lifecycle_stage.as_str())?;
        map.end()
    }
}

#[derive(Serialize)]
struct KeyValueJson<'a> {
    key: &'a str,
    value: &'a str,
}

struct TagsJson<'a>(&'a [Tag]);

impl Serialize for TagsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|tag| KeyValueJson {
            key: &tag.key,
            value: &tag.value,
        }))
    }
}

struct ParamsJson<'a>(&'a [Param]);

impl Serialize for ParamsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|param| KeyValueJson {
            key: &param.key,
            value: &param.value,
        }))
    }
}

struct LatestMetricsJson<'a>(&'a [LatestMetric]);

impl Serialize for LatestMetricsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|latest| MetricJson {
            key: &latest.key,
            point: &latest.latest,
            run_id: None,
        }))
    }
}

struct DatasetInputsJson<'a>(&'a [DatasetInput]);

impl Serialize for DatasetInputsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct DatasetJson<'a> {
            name: &'a str,
            digest: &'a str,
            source_type: &'a str,
            source: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            schema: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            profile: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct InputJson<'a> {
            tags: TagsJson<'a>,
            dataset: DatasetJson<'a>,
        }
        serializer.collect_seq(self.0.iter().map(|input| {
            let dataset = &input.dataset;
            InputJson {
                tags: TagsJson(&input.tags),
                dataset: DatasetJson {
                    name: &dataset.name,
                    digest: &dataset.digest,
                    source_type: &dataset.source_type,
                    source: &dataset.source,
                    schema: dataset.schema.as_deref(),
                    profile: dataset.profile.as_deref(),
                },
            }
        }))
    }
}

/// A whole Run (info, data, inputs and outputs), serialised straight to JSON.
#[derive(Debug, Clone, Copy)]
pub struct RunJson<'a> {
    /// The run with its params, tags and latest metrics.
    pub run: &'a Run,
    /// Its inputs and outputs.
    pub io: &'a RunIo,
}

impl Serialize for RunJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct DataJson<'a> {
            metrics: LatestMetricsJson<'a>,
            params: ParamsJson<'a>,
            tags: TagsJson<'a>,
        }
        #[derive(Serialize)]
        struct InputsJson<'a> {
            dataset_inputs: DatasetInputsJson<'a>,
            model_inputs: Vec<ModelIdJson<'a>>,
        }
        #[derive(Serialize)]
        struct ModelIdJson<'a> {
            model_id: &'a str,
        }
        #[derive(Serialize)]
        struct OutputJson<'a> {
            model_id: &'a str,
            step: i64,
        }
        #[derive(Serialize)]
        struct OutputsJson<'a> {
            model_outputs: Vec<OutputJson<'a>>,
        }
        let (run, io) = (self.run, self.io);
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("info", &RunInfoJson(&run.info))?;
        map.serialize_entry(
            "data",
            &DataJson {
                metrics: LatestMetricsJson(&run.metrics),
                params: ParamsJson(&run.params),
                tags: TagsJson(&run.tags),
            },
        )?;
        map.serialize_entry(
            "inputs",
            &InputsJson {
                dataset_inputs: DatasetInputsJson(&io.dataset_inputs),
                model_inputs: io
                    .model_inputs
                    .iter()
                    .map(|input| ModelIdJson {
                        model_id: &input.model_id,
                    })
                    .collect(),
            },
        )?;
        let model_outputs = io
            .model_outputs
            .iter()
            .map(|output| OutputJson {
                model_id: &output.model_id,
                step: output.step,
            })
            .collect();
        map.serialize_entry("outputs", &OutputsJson { model_outputs })?;
        map.end()
    }
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
        "data": {
            "params": params(&model.params),
            "metrics": model.metrics.iter().map(|metric| {
                let mut out = wire_metric_fields(&metric.key, &metric.point);
                out.insert("model_id".into(), json!(model.model_id));
                if let Some(run_id) = &metric.run_id {
                    out.insert("run_id".into(), json!(run_id));
                }
                if let Some(name) = &metric.dataset_name {
                    out.insert("dataset_name".into(), json!(name));
                }
                if let Some(digest) = &metric.dataset_digest {
                    out.insert("dataset_digest".into(), json!(digest));
                }
                Value::Object(out)
            }).collect::<Vec<_>>(),
        },
    })
}
