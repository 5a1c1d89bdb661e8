//! LoggedModels as a search sees them (`name`, `model_id`, `source_run_id`, `status`, tags,
//! params), and `order_by` as MLflow's SQL store applies it.
//!
//! Each order entry names an attribute (`name`, `creation_timestamp`, `last_updated_timestamp`,
//! `model_id`, `status`, …) or `metrics.<key>`: the model's latest value of that metric (latest
//! by timestamp, then step; optionally only points of one dataset). Ascending unless told
//! otherwise; a model without the value sorts last in both directions. Ties are broken by
//! `creation_timestamp` DESC, then `model_id` ASC, unless the entries already name them.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::{AttributeValue, Searchable};
use crate::model::{LoggedModel, LoggedModelStatus};
use crate::search::{Entity, SearchError};

fn text(text: &str) -> AttributeValue<'_> {
    AttributeValue::Text(Cow::Borrowed(text))
}

impl Searchable for LoggedModel {
    const ENTITY: Entity = Entity::LoggedModel;

    fn attribute(&self, name: &str) -> Option<AttributeValue<'_>> {
        match name {
            "name" => Some(text(&self.name)),
            "model_id" => Some(text(&self.model_id)),
            "source_run_id" => self.source_run_id.as_deref().map(text),
            "status" => Some(AttributeValue::Text(Cow::Borrowed(self.status.as_str()))),
            _ => None,
        }
    }

    fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|tag| tag.key == key)
            .map(|tag| tag.value.as_str())
    }

    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|param| param.key == key)
            .map(|param| param.value.as_str())
    }

    fn metric_values(&self, key: &str) -> Vec<f64> {
        self.metrics
            .iter()
            .filter(|metric| metric.key == key)
            .map(|metric| metric.point.value)
            .collect()
    }
}

/// A dataset a LoggedModel search restricts metric comparisons to: its name, and its digest
/// when given (MLflow's `datasets` argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetScope {
    /// The dataset's name.
    pub name: String,
    /// Its digest, when only one version counts.
    pub digest: Option<String>,
}

/// Keeps only the metrics of `model` logged on one of `datasets`, so that a filter on metrics
/// reads those alone; no datasets keeps every metric.
pub fn scope_metrics(model: &LoggedModel, datasets: &[DatasetScope]) -> LoggedModel {
    let mut scoped = model.clone();
    if !datasets.is_empty() {
        scoped.metrics.retain(|metric| {
            datasets.iter().any(|dataset| {
                metric.dataset_name.as_deref() == Some(dataset.name.as_str())
                    && dataset
                        .digest
                        .as_ref()
                        .is_none_or(|digest| metric.dataset_digest.as_deref() == Some(digest))
            })
        });
    }
    scoped
}

/// One `order_by` entry of a LoggedModel search.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedModelOrder {
    field: OrderField,
    ascending: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum OrderField {
    ModelId,
    ExperimentId,
    Name,
    ArtifactLocation,
    CreationTime,
    LastUpdatedTime,
    Status,
    StatusMessage,
    ModelType,
    SourceRunId,
    Metric {
        key: String,
        dataset_name: Option<String>,
        dataset_digest: Option<String>,
    },
}

/// A model's value for one entry.
#[derive(Debug, PartialEq, PartialOrd)]
enum SortValue<'a> {
    Integer(i64),
    Number(f64),
    Text(&'a str),
}

/// Parses an entry written as text: `"field"`, `"field ASC"` or `"field DESC"` (any case).
/// Errors carry MLflow's wording in `message` (the position is 0).
pub fn parse_logged_model_order(text: &str) -> Result<LoggedModelOrder, SearchError> {
    let mut words = text.split_whitespace();
    let field_name = words.next().unwrap_or_default();
    let ascending = match words.next() {
        None => true,
        Some(word) if word.eq_ignore_ascii_case("asc") => true,
        Some(word) if word.eq_ignore_ascii_case("desc") => false,
        Some(word) => {
            return Err(SearchError::new(
                0,
                format!("invalid order_by direction '{word}' in '{text}': expected ASC or DESC"),
            ));
        }
    };
    if words.next().is_some() {
        return Err(SearchError::new(
            0,
            format!("invalid order_by clause '{text}'"),
        ));
    }
    LoggedModelOrder::new(field_name, ascending, None, None)
}

impl LoggedModelOrder {
    /// An entry from its parts, as the MLflow client sends it (`{field_name, ascending,
    /// dataset_name, dataset_digest}`); the dataset narrows a `metrics.<key>` entry to that
    /// dataset's points. Errors carry MLflow's wording in `message` (the position is 0).
    pub fn new(
        field_name: &str,
        ascending: bool,
        dataset_name: Option<String>,
        dataset_digest: Option<String>,
    ) -> Result<Self, SearchError> {
        let field = match field_name.split_once('.') {
            Some(("metrics", key)) if !key.is_empty() => OrderField::Metric {
                key: key.to_string(),
                dataset_name,
                dataset_digest,
            },
            Some(_) => {
                return Err(SearchError::new(
                    0,
                    format!(
                        "Invalid order by field name: {field_name}. Only metrics are supported."
                    ),
                ));
            }
            None => match field_name {
                "model_id" => OrderField::ModelId,
                "experiment_id" => OrderField::ExperimentId,
                "name" => OrderField::Name,
                "artifact_location" => OrderField::ArtifactLocation,
                "creation_time" | "creation_timestamp" | "creation_timestamp_ms" => {
                    OrderField::CreationTime
                }
                "last_updated_timestamp" | "last_updated_timestamp_ms" => {
                    OrderField::LastUpdatedTime
                }
                "status" => OrderField::Status,
                "status_message" => OrderField::StatusMessage,
                "model_type" => OrderField::ModelType,
                "source_run_id" => OrderField::SourceRunId,
                _ => {
                    return Err(SearchError::new(
                        0,
                        format!("Invalid order by field name: {field_name}"),
                    ));
                }
            },
        };
        Ok(LoggedModelOrder { field, ascending })
    }
}

/// Sorts models by the entries, then by creation time (newest first) and model id.
pub fn sort_logged_models(models: &mut [LoggedModel], order_by: &[LoggedModelOrder]) {
    let mut order = order_by.to_vec();
    if !order
        .iter()
        .any(|entry| entry.field == OrderField::CreationTime)
    {
        order.push(LoggedModelOrder {
            field: OrderField::CreationTime,
            ascending: false,
        });
    }
    if !order.iter().any(|entry| entry.field == OrderField::ModelId) {
        order.push(LoggedModelOrder {
            field: OrderField::ModelId,
            ascending: true,
        });
    }
    models.sort_by(|a, b| {
        order
            .iter()
            .map(|entry| compare(entry, value(&entry.field, a), value(&entry.field, b)))
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

/// Missing values last in both directions.
fn compare(
    entry: &LoggedModelOrder,
    a: Option<SortValue<'_>>,
    b: Option<SortValue<'_>>,
) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let ordering = a.partial_cmp(&b).unwrap_or(Ordering::Equal);
            if entry.ascending {
                ordering
            } else {
                ordering.reverse()
            }
        }
    }
}

fn value<'a>(field: &'a OrderField, model: &'a LoggedModel) -> Option<SortValue<'a>> {
    Some(match field {
        OrderField::ModelId => SortValue::Text(&model.model_id),
        OrderField::ExperimentId => SortValue::Integer(model.experiment_id.0),
        OrderField::Name => SortValue::Text(&model.name),
        OrderField::ArtifactLocation => SortValue::Text(&model.artifact_location),
        OrderField::CreationTime => SortValue::Integer(model.creation_time_ms),
        OrderField::LastUpdatedTime => SortValue::Integer(model.last_updated_time_ms),
        // MLflow keeps the status as its protobuf number.
        OrderField::Status => SortValue::Integer(match model.status {
            LoggedModelStatus::Pending => 1,
            LoggedModelStatus::Ready => 2,
            LoggedModelStatus::UploadFailed => 3,
        }),
        OrderField::StatusMessage => SortValue::Text(&model.status_message),
        OrderField::ModelType => SortValue::Text(&model.model_type),
        OrderField::SourceRunId => SortValue::Text(model.source_run_id.as_deref()?),
        OrderField::Metric {
            key,
            dataset_name,
            dataset_digest,
        } => {
            // The latest point: greatest timestamp, then step, then the smallest run id.
            let latest = model
                .metrics
                .iter()
                .filter(|metric| {
                    metric.key == *key
                        && dataset_name
                            .as_ref()
                            .is_none_or(|name| metric.dataset_name.as_ref() == Some(name))
                        && dataset_digest
                            .as_ref()
                            .is_none_or(|digest| metric.dataset_digest.as_ref() == Some(digest))
                })
                .max_by(|a, b| {
                    (a.point.timestamp_ms, a.point.step)
                        .cmp(&(b.point.timestamp_ms, b.point.step))
                        .then_with(|| b.run_id.cmp(&a.run_id))
                })?;
            // SQLite keeps NaN as NULL, so MLflow sorts it with the missing values.
            let value = latest.point.value;
            if value.is_nan() {
                return None;
            }
            SortValue::Number(value)
        }
    })
}
