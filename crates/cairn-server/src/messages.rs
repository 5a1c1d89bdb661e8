//! MLflow's error messages, word for word: the one table of the wording clients, scripts and
//! CI jobs match (`Run '…' not found`, `Missing value for required parameter 'name'.`). Every
//! MLflow-worded answer of `cairn serve` is made here; handlers name the case, not the words.

use cairn_core::{ExperimentLookup, StoreError};
use serde_json::Value;

use crate::error::ApiError;
use crate::python_json;

/// What MLflow appends to every request-validation message.
const SEE_THE_DOCS: &str = " See the API docs for more information about request parameters.";

/// A required field is absent, null or empty.
pub fn missing_parameter(name: &str) -> ApiError {
    ApiError::invalid(format!(
        "Missing value for required parameter '{name}'.{SEE_THE_DOCS}"
    ))
}

/// A field of the wrong JSON type (a number where a string is expected, a string where a list
/// is), or a value its type cannot hold (an integer beyond int64).
pub fn invalid_parameter(name: &str, value: &Value) -> ApiError {
    ApiError::invalid(format!(
        "Invalid value {} for parameter '{name}' supplied:  Hint: Value was of type '{}'.{SEE_THE_DOCS}",
        python_json::dumps(value),
        python_json::type_name(value),
    ))
}

/// A field outside its allowed range, e.g. `max_results` above its limit.
pub fn out_of_range(name: &str, value: &Value, allowed: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid value {} for parameter '{name}' supplied: {allowed}",
        python_json::dumps(value),
    ))
}

/// A POST/PUT/PATCH body that is not declared as JSON.
pub fn content_type_not_json(got: Option<&str>) -> ApiError {
    let mut message = "Bad Request. Content-Type must be one of [application/json].".to_string();
    // The type is echoed only when it is made of harmless characters, as MLflow does.
    if let Some(got) = got.map(|value| value.split(';').next().unwrap_or("").trim())
        && !got.is_empty()
        && got
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/;,+_ ".contains(c))
    {
        message.push_str(&format!(" Got '{got}'."));
    }
    ApiError::invalid(message)
}

/// A metric, param or tag given twice in one batch with different param values.
pub fn duplicate_param_keys(key: &str) -> ApiError {
    ApiError::invalid(format!(
        "Duplicate parameter keys have been submitted: ['{key}']. Please ensure the request contains only one param value per param key."
    ))
}

/// A model version that is not a number.
pub fn version_not_integer(text: &str) -> ApiError {
    ApiError::invalid(format!(
        "Parameter 'version' must be an integer, got '{text}'."
    ))
}

/// A stage that is not one of the four.
pub fn invalid_stage(text: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid Model Version stage: {text}. Value must be one of None, Staging, Production, Archived."
    ))
}

/// An experiment id that is not an integer.
pub fn invalid_experiment_id(text: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid experiment ID '{text}'. Experiment ID must be a valid integer."
    ))
}

/// A run status that is not one of MLflow's.
pub fn invalid_run_status(text: &str) -> ApiError {
    ApiError::invalid(format!(
        "Could not get run status corresponding to string {text}. Valid run status strings: ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']"
    ))
}

/// A page token this server did not give out.
pub fn invalid_page_token(token: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid page token, could not base64-decode: '{token}'"
    ))
}

/// A LoggedModel search's `datasets` entry without a name.
pub fn dataset_name_required() -> ApiError {
    ApiError::invalid("`dataset_name` in the `datasets` clause must be specified.")
}

/// `get-history-bulk` naming no run.
pub fn bulk_history_without_runs() -> ApiError {
    ApiError::invalid("GetMetricHistoryBulk request must specify at least one run_id.")
}

/// `get-history-bulk` naming more runs than it may.
pub fn bulk_history_too_many_runs(limit: usize, count: usize) -> ApiError {
    ApiError::invalid(format!(
        "GetMetricHistoryBulk request cannot specify more than {limit} run_ids. Received {count} run_ids."
    ))
}

/// `get-history-bulk` naming no metric.
pub fn bulk_history_without_key() -> ApiError {
    ApiError::invalid("GetMetricHistoryBulk request must specify a metric_key.")
}

/// A negative `max_results`.
pub fn negative_max_results(value: i64) -> ApiError {
    ApiError::invalid(format!(
        "Invalid value {value} for parameter 'max_results' supplied: it must not be negative"
    ))
}

/// `get-history-bulk-interval` naming more runs than it may.
pub fn interval_too_many_runs(limit: usize, count: usize) -> ApiError {
    ApiError::invalid(format!(
        "GetMetricHistoryBulkInterval request must specify at most {limit} run_ids. Received {count} run_ids.{SEE_THE_DOCS}"
    ))
}

/// `get-history-bulk-interval` asking for too many or too few points per run.
pub fn interval_max_results(limit: i64) -> ApiError {
    ApiError::invalid(format!(
        "max_results must be between 1 and {limit}.{SEE_THE_DOCS}"
    ))
}

/// `get-history-bulk-interval` with its step range backwards.
pub fn interval_steps_reversed(start: i64, end: i64) -> ApiError {
    ApiError::invalid(format!(
        "end_step must be greater than start_step. Found start_step={start} and end_step={end}."
    ))
}

/// `get-history-bulk-interval` with one end of its step range.
pub fn interval_one_step_bound() -> ApiError {
    ApiError::invalid("If either start step or end step are specified, both must be specified.")
}

/// `experiments/search-datasets` naming no experiment.
pub fn datasets_without_experiments() -> ApiError {
    ApiError::invalid("SearchDatasets request must specify at least one experiment_id.")
}

/// `experiments/search-datasets` naming more experiments than it may.
pub fn datasets_too_many_experiments(limit: usize, count: usize) -> ApiError {
    ApiError::invalid(format!(
        "SearchDatasets request cannot specify more than {limit} experiment_ids. Received {count} experiment_ids."
    ))
}

/// `upload-artifact` without one of its query arguments or its body.
pub fn request_must_specify(name: &str) -> ApiError {
    ApiError::invalid(format!("Request must specify {name}."))
}

/// `upload-artifact` with a body over its 10 MB.
pub fn upload_too_large() -> ApiError {
    ApiError::invalid("Artifact size is too large. Max size is 10MB.")
}

/// `runs/create-promptlab-run` without one of its required fields.
pub fn promptlab_missing(name: &str) -> ApiError {
    ApiError::invalid(format!("CreatePromptlabRun request must specify {name}."))
}

/// MLflow's words for a core error, when MLflow has its own; `None` keeps Cairn's.
pub fn store_error(error: &StoreError) -> Option<String> {
    Some(match error {
        StoreError::ExperimentNotFound { experiment } => match experiment {
            ExperimentLookup::Id(id) => format!("No Experiment with id={id} exists"),
            ExperimentLookup::Name(name) => {
                format!("Could not find experiment with name '{name}'")
            }
        },
        StoreError::ExperimentExists { name } => {
            format!("Experiment(name={name}) already exists.")
        }
        StoreError::RunNotFound { run_id } => format!("Run '{run_id}' not found"),
        StoreError::Deleted { entity, id } => {
            format!("The {entity} {id} must be in the 'active' state. Current state is deleted.")
        }
        StoreError::TagNotFound { owner, id, key } => match *owner {
            "logged model" => {
                format!("No tag with key '{key}' found for model with ID '{id}'.")
            }
            owner => format!("No tag with name: {key} in {owner} with id {id}"),
        },
        StoreError::ParamConflict {
            run_id,
            key,
            old_value,
            new_value,
        } => format!(
            "Changing param values is not allowed. Param with key='{key}' was already logged with value='{old_value}' for run ID='{run_id}'. Attempted logging new value '{new_value}'."
        ),
        StoreError::ModelNotFound { name } => {
            format!("Registered Model with name={name} not found")
        }
        StoreError::ModelExists { name } => {
            format!("Registered Model (name={name}) already exists.")
        }
        StoreError::ModelVersionNotFound { name, version } => {
            format!("Model Version (name={name}, version={version}) not found")
        }
        StoreError::AliasNotFound { alias, .. } => {
            format!("Registered model alias {alias} not found.")
        }
        StoreError::LoggedModelNotFound { model_id } => {
            format!("Logged model with ID '{model_id}' not found.")
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn request_validation_reads_as_mlflow_writes_it() {
        let cases = [
            (
                invalid_parameter("run_id", &json!(31)),
                "Invalid value 31 for parameter 'run_id' supplied:  Hint: Value was of type 'int'. See the API docs for more information about request parameters.",
            ),
            (
                invalid_parameter("experiment_ids", &json!("0")),
                "Invalid value \"0\" for parameter 'experiment_ids' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
            ),
            (
                missing_parameter("name"),
                "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
            ),
            (
                content_type_not_json(Some("text/plain; charset=utf-8")),
                "Bad Request. Content-Type must be one of [application/json]. Got 'text/plain'.",
            ),
            (
                content_type_not_json(Some("text/<script>")),
                "Bad Request. Content-Type must be one of [application/json].",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.message, message);
            assert_eq!(error.error_code, "INVALID_PARAMETER_VALUE");
        }
    }

    #[test]
    fn core_errors_take_mlflows_words() {
        let cases = [
            (
                StoreError::RunNotFound {
                    run_id: "abc".into(),
                },
                "Run 'abc' not found",
            ),
            (
                StoreError::ModelNotFound { name: "m".into() },
                "Registered Model with name=m not found",
            ),
            (
                StoreError::ModelExists { name: "m".into() },
                "Registered Model (name=m) already exists.",
            ),
            (
                StoreError::TagNotFound {
                    owner: "run",
                    id: "abc".into(),
                    key: "k".into(),
                },
                "No tag with name: k in run with id abc",
            ),
            (
                StoreError::Deleted {
                    entity: "run",
                    id: "abc".into(),
                },
                "The run abc must be in the 'active' state. Current state is deleted.",
            ),
            (
                StoreError::ExperimentNotFound {
                    experiment: ExperimentLookup::Id(7),
                },
                "No Experiment with id=7 exists",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(store_error(&error).as_deref(), Some(message));
        }
    }
}
