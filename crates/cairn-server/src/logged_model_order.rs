//! `order_by` of `logged-models/search`, applied as MLflow's SQL store applies it.
//!
//! Each clause names an attribute (`name`, `creation_timestamp`, `last_updated_timestamp`,
//! `model_id`, `status`, …) or `metrics.<key>`: the model's latest value of that metric (latest
//! by timestamp, then step; optionally only points of one dataset). Ascending unless told
//! otherwise; a model without the value sorts last in both directions. Ties are broken by
//! `creation_timestamp` DESC, then `model_id` ASC, unless the clauses already name them.
//!
//! The client sends clauses as objects `{field_name, ascending, dataset_name, dataset_digest}`;
//! strings `"field [ASC|DESC]"` are accepted too.

use std::cmp::Ordering;

use cairn_core::model::{LoggedModel, LoggedModelStatus};
use serde_json::Value;

use crate::error::ApiError;

/// One `order_by` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderClause {
    field: Field,
    ascending: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Field {
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

/// A model's value for one clause.
#[derive(Debug, PartialEq, PartialOrd)]
enum SortValue<'a> {
    Integer(i64),
    Number(f64),
    Text(&'a str),
}

/// Parses the clauses of a request.
pub fn parse(items: &[Value]) -> Result<Vec<OrderClause>, ApiError> {
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(text) if text.trim().is_empty() => None,
            Value::String(text) => Some(parse_text(text)),
            Value::Object(map) => {
                let text = |name: &str| {
                    map.get(name)
                        .and_then(Value::as_str)
                        .filter(|text| !text.is_empty())
                        .map(str::to_string)
                };
                Some(match text("field_name") {
                    None => Err(ApiError::invalid("order_by clause without a field_name")),
                    Some(field_name) => {
                        let ascending = match map.get("ascending") {
                            None | Some(Value::Null) => Ok(true),
                            Some(Value::Bool(ascending)) => Ok(*ascending),
                            Some(Value::String(text)) if text.eq_ignore_ascii_case("true") => {
                                Ok(true)
                            }
                            Some(Value::String(text)) if text.eq_ignore_ascii_case("false") => {
                                Ok(false)
                            }
                            Some(other) => Err(ApiError::invalid(format!(
                                "invalid value {other} for order_by 'ascending'"
                            ))),
                        };
                        ascending.and_then(|ascending| {
                            clause(
                                &field_name,
                                ascending,
                                text("dataset_name"),
                                text("dataset_digest"),
                            )
                        })
                    }
                })
            }
            other => Some(Err(ApiError::invalid(format!(
                "invalid order_by clause {other}"
            )))),
        })
        .collect()
}

fn parse_text(text: &str) -> Result<OrderClause, ApiError> {
    let mut words = text.split_whitespace();
    let field_name = words.next().unwrap_or_default();
    let ascending = match words.next() {
        None => true,
        Some(word) if word.eq_ignore_ascii_case("asc") => true,
        Some(word) if word.eq_ignore_ascii_case("desc") => false,
        Some(word) => {
            return Err(ApiError::invalid(format!(
                "invalid order_by direction '{word}' in '{text}': expected ASC or DESC"
            )));
        }
    };
    if words.next().is_some() {
        return Err(ApiError::invalid(format!(
            "invalid order_by clause '{text}'"
        )));
    }
    clause(field_name, ascending, None, None)
}

fn clause(
    field_name: &str,
    ascending: bool,
    dataset_name: Option<String>,
    dataset_digest: Option<String>,
) -> Result<OrderClause, ApiError> {
    let field = match field_name.split_once('.') {
        Some(("metrics", key)) if !key.is_empty() => Field::Metric {
            key: key.to_string(),
            dataset_name,
            dataset_digest,
        },
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "Invalid order by field name: {field_name}. Only metrics are supported."
            )));
        }
        None => match field_name {
            "model_id" => Field::ModelId,
            "experiment_id" => Field::ExperimentId,
            "name" => Field::Name,
            "artifact_location" => Field::ArtifactLocation,
            "creation_time" | "creation_timestamp" | "creation_timestamp_ms" => Field::CreationTime,
            "last_updated_timestamp" | "last_updated_timestamp_ms" => Field::LastUpdatedTime,
            "status" => Field::Status,
            "status_message" => Field::StatusMessage,
            "model_type" => Field::ModelType,
            "source_run_id" => Field::SourceRunId,
            _ => {
                return Err(ApiError::invalid(format!(
                    "Invalid order by field name: {field_name}"
                )));
            }
        },
    };
    Ok(OrderClause { field, ascending })
}

/// Sorts models by the clauses, then by creation time (newest first) and model id.
pub fn sort(models: &mut [LoggedModel], clauses: &[OrderClause]) {
    let mut clauses = clauses.to_vec();
    if !clauses
        .iter()
        .any(|clause| clause.field == Field::CreationTime)
    {
        clauses.push(OrderClause {
            field: Field::CreationTime,
            ascending: false,
        });
    }
    if !clauses.iter().any(|clause| clause.field == Field::ModelId) {
        clauses.push(OrderClause {
            field: Field::ModelId,
            ascending: true,
        });
    }
    models.sort_by(|a, b| {
        clauses
            .iter()
            .map(|clause| compare(clause, value(&clause.field, a), value(&clause.field, b)))
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

/// Missing values last in both directions.
fn compare(clause: &OrderClause, a: Option<SortValue<'_>>, b: Option<SortValue<'_>>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let ordering = a.partial_cmp(&b).unwrap_or(Ordering::Equal);
            if clause.ascending {
                ordering
            } else {
                ordering.reverse()
            }
        }
    }
}

fn value<'a>(field: &'a Field, model: &'a LoggedModel) -> Option<SortValue<'a>> {
    Some(match field {
        Field::ModelId => SortValue::Text(&model.model_id),
        Field::ExperimentId => SortValue::Integer(model.experiment_id.0),
        Field::Name => SortValue::Text(&model.name),
        Field::ArtifactLocation => SortValue::Text(&model.artifact_location),
        Field::CreationTime => SortValue::Integer(model.creation_time_ms),
        Field::LastUpdatedTime => SortValue::Integer(model.last_updated_time_ms),
        // MLflow keeps the status as its protobuf number.
        Field::Status => SortValue::Integer(match model.status {
            LoggedModelStatus::Pending => 1,
            LoggedModelStatus::Ready => 2,
            LoggedModelStatus::UploadFailed => 3,
        }),
        Field::StatusMessage => SortValue::Text(&model.status_message),
        Field::ModelType => SortValue::Text(&model.model_type),
        Field::SourceRunId => SortValue::Text(model.source_run_id.as_deref()?),
        Field::Metric {
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
