//! The files a prompt-engineering run keeps, written as MLflow's `create_promptlab_run` writes
//! them: `eval_results_table.json` and the promptlab model (`model/MLmodel`, `parameters.yaml`,
//! `input_example.json`, `requirements.txt`), plus the `mlflow.log-model.history` entry.

use serde_json::{Value, json};

/// A `key: value` pair of the request (prompt, model or output parameters), values as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextParam {
    /// Name.
    pub key: String,
    /// Value, as Python's `str()` would give it.
    pub value: String,
}

/// What a prompt-engineering run is made of.
#[derive(Debug, Clone)]
pub struct Promptlab {
    pub run_id: String,
    pub prompt_template: String,
    pub prompt_parameters: Vec<TextParam>,
    pub model_route: String,
    pub model_parameters: Vec<TextParam>,
    pub model_input: String,
    pub model_output: Option<String>,
    pub model_output_parameters: Vec<TextParam>,
    pub mlflow_version: String,
    /// `%Y-%m-%d %H:%M:%S.%f`, UTC.
    pub utc_time_created: String,
    /// 32 hex digits.
    pub model_uuid: String,
}

/// The artifact the run's `mlflow.loggedArtifacts` tag names.
pub const EVAL_TABLE: &str = "eval_results_table.json";

impl Promptlab {
    /// Every file, by its path in the run's artifacts.
    pub fn files(&self) -> Vec<(String, String)> {
        vec![
            (EVAL_TABLE.to_string(), self.eval_results_table()),
            ("model/MLmodel".to_string(), self.mlmodel()),
            ("model/parameters.yaml".to_string(), self.parameters_yaml()),
            (
                "model/input_example.json".to_string(),
                format!(
                    "{{\"inputs\": {}}}",
                    python_json(&Value::Array(values(&self.prompt_parameters)))
                ),
            ),
            (
                "model/requirements.txt".to_string(),
                format!("mlflow[gateway]=={}", self.mlflow_version),
            ),
        ]
    }

    /// `{"columns": [prompt params..., "prompt", "output", output params...], "data": [[...]]}`.
    pub fn eval_results_table(&self) -> String {
        let mut columns: Vec<Value> = keys(&self.prompt_parameters);
        columns.extend([json!("prompt"), json!("output")]);
        columns.extend(keys(&self.model_output_parameters));
        let mut row = values(&self.prompt_parameters);
        row.extend([json!(self.model_input), json!(self.model_output)]);
        row.extend(values(&self.model_output_parameters));
        format!(
            "{{\"columns\": {}, \"data\": [{}]}}",
            python_json(&Value::Array(columns)),
            python_json(&Value::Array(row))
        )
    }

    /// The `mlflow.log-model.history` tag's value: the model before its flavor is added, keys in
    /// MLflow's order.
    pub fn log_model_history(&self) -> String {
        format!(
            "[{{\"artifact_path\": \"model\", \"run_id\": {}, \"utc_time_created\": {}, \
             \"model_uuid\": {}, \"flavors\": {{}}}}]",
            python_string(&self.run_id),
            python_string(&self.utc_time_created),
            python_string(&self.model_uuid),
        )
    }

    /// The signature's inputs (one string column per prompt parameter) and outputs.
    fn signature(&self) -> (String, String) {
        let column = |name: &str| {
            format!(
                "{{\"type\": \"string\", \"name\": {}, \"required\": true}}",
                python_string(name)
            )
        };
        let inputs: Vec<String> = self
            .prompt_parameters
            .iter()
            .map(|param| column(&param.key))
            .collect();
        (
            format!("[{}]", inputs.join(", ")),
            format!("[{}]", column("output")),
        )
    }

    /// The MLmodel file (YAML, keys sorted as PyYAML writes them).
    pub fn mlmodel(&self) -> String {
        let (inputs, outputs) = self.signature();
        format!(
            "artifact_path: model\n\
             flavors:\n  python_function:\n    loader_module: mlflow.prompt.promptlab_model\n    \
             parameters_path: parameters.yaml\n\
             mlflow_version: {version}\n\
             model_uuid: {uuid}\n\
             run_id: {run_id}\n\
             saved_input_example_info:\n  artifact_path: input_example.json\n  type: json_object\n\
             signature:\n  inputs: {inputs}\n  outputs: {outputs}\n  params: null\n\
             utc_time_created: {created}\n",
            version = yaml_text(&self.mlflow_version),
            uuid = yaml_text(&self.model_uuid),
            run_id = yaml_text(&self.run_id),
            inputs = yaml_text(&inputs),
            outputs = yaml_text(&outputs),
            created = yaml_text(&self.utc_time_created),
        )
    }

    /// `parameters.yaml`: the template, the route and both parameter maps.
    pub fn parameters_yaml(&self) -> String {
        format!(
            "model_parameters:{}\nmodel_route: {}\nprompt_parameters:{}\nprompt_template: {}\n",
            yaml_map(&self.model_parameters),
            yaml_text(&self.model_route),
            yaml_map(&self.prompt_parameters),
            yaml_text(&self.prompt_template),
        )
    }
}

fn keys(params: &[TextParam]) -> Vec<Value> {
    params.iter().map(|param| json!(param.key)).collect()
}

fn values(params: &[TextParam]) -> Vec<Value> {
    params.iter().map(|param| json!(param.value)).collect()
}

/// A YAML scalar that always reads back as this exact string: double-quoted with JSON's escapes
/// (which YAML's double-quoted style shares).
fn yaml_text(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

/// A YAML block mapping of `params` sorted by key (after the `key:` on the line before), or ` {}`.
fn yaml_map(params: &[TextParam]) -> String {
    if params.is_empty() {
        return " {}".to_string();
    }
    let mut sorted: Vec<&TextParam> = params.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    sorted
        .iter()
        .map(|param| format!("\n  {}: {}", yaml_text(&param.key), yaml_text(&param.value)))
        .collect()
}

/// JSON as Python's `json.dumps` writes it: `", "` and `": "` between items, non-ASCII escaped.
pub fn python_json(value: &Value) -> String {
    let mut out = String::new();
    write_python_json(value, &mut out);
    out
}

fn write_python_json(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_python_json(item, out);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (index, (key, item)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_ascii_string(key, out);
                out.push_str(": ");
                write_python_json(item, out);
            }
            out.push('}');
        }
        Value::String(text) => write_ascii_string(text, out),
        other => out.push_str(&other.to_string()),
    }
}

/// A string as Python's `json.dumps` quotes it.
fn python_string(text: &str) -> String {
    let mut out = String::new();
    write_ascii_string(text, &mut out);
    out
}

fn write_ascii_string(text: &str, out: &mut String) {
    let quoted = Value::String(text.to_string()).to_string();
    for character in quoted.chars() {
        if character.is_ascii() {
            out.push(character);
        } else {
            let mut units = [0u16; 2];
            for unit in character.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Promptlab, TextParam, python_json};

    fn param(key: &str, value: &str) -> TextParam {
        TextParam {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn json_is_written_with_pythons_separators_and_ascii_escapes() {
        assert_eq!(
            python_json(&json!([1, "é", null, {"c": true}])),
            r#"[1, "\u00e9", null, {"c": true}]"#
        );
    }

    #[test]
    fn the_eval_table_puts_prompt_parameters_then_prompt_output_and_output_parameters() {
        let lab = Promptlab {
            run_id: "r".into(),
            prompt_template: "Say {{ word }}".into(),
            prompt_parameters: vec![param("word", "hi")],
            model_route: "chat".into(),
            model_parameters: vec![param("temperature", "0.5")],
            model_input: "Say hi".into(),
            model_output: None,
            model_output_parameters: vec![param("latency", "12")],
            mlflow_version: "3.17.2".into(),
            utc_time_created: "2026-01-02 03:04:05.000006".into(),
            model_uuid: "0".repeat(32),
        };
        assert_eq!(
            lab.eval_results_table(),
            r#"{"columns": ["word", "prompt", "output", "latency"], "data": [["hi", "Say hi", null, "12"]]}"#
        );
        assert_eq!(
            lab.log_model_history(),
            format!(
                "[{{\"artifact_path\": \"model\", \"run_id\": \"r\", \"utc_time_created\": \
                 \"2026-01-02 03:04:05.000006\", \"model_uuid\": \"{}\", \"flavors\": {{}}}}]",
                "0".repeat(32)
            )
        );
        assert_eq!(
            lab.parameters_yaml(),
            "model_parameters:\n  \"temperature\": \"0.5\"\nmodel_route: \"chat\"\n\
             prompt_parameters:\n  \"word\": \"hi\"\nprompt_template: \"Say {{ word }}\"\n"
        );
    }
}
