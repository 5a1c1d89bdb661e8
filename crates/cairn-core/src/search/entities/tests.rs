//! Each entity's field table, data-driven: a filter string and the records it keeps (by name), or
//! the error it gives.

use expect_test::{Expect, expect};

use super::{Searchable, parse_logged_model_order, search, sort_logged_models};
use crate::model::{
    Experiment, ExperimentId, LifecycleStage, LoggedModel, LoggedModelStatus, ModelStage,
    ModelVersion, ModelVersionStatus, Param, RegisteredModel, Tag,
};

/// Runs every filter against the records and renders one line per filter:
/// `filter -> kept names` or `filter -> error`.
fn check<R: Searchable + Clone>(
    records: &[R],
    name: impl Fn(&R) -> String,
    filters: &[&str],
    expected: Expect,
) {
    let rendered: Vec<String> = filters
        .iter()
        .map(|filter| match search(records.to_vec(), filter) {
            Ok(kept) => {
                let names: Vec<String> = kept.iter().map(&name).collect();
                format!("{filter} -> [{}]", names.join(", "))
            }
            Err(error) => format!("{filter} -> {error}"),
        })
        .collect();
    expected.assert_eq(&rendered.join("\n"));
}

fn experiment(id: i64, name: &str, created: Option<i64>, tags: &[(&str, &str)]) -> Experiment {
    Experiment {
        experiment_id: ExperimentId(id),
        name: name.to_owned(),
        artifact_location: String::new(),
        lifecycle_stage: LifecycleStage::Active,
        creation_time_ms: created,
        last_update_time_ms: created,
        tags: tags.iter().map(|(k, v)| Tag::new(*k, *v)).collect(),
    }
}

#[test]
fn experiment_field_table() {
    let experiments = [
        experiment(1, "alpha", Some(100), &[("team", "vision")]),
        experiment(2, "Beta", Some(200), &[("team", "nlp")]),
        experiment(3, "gamma", None, &[]),
    ];
    check(
        &experiments,
        |e| e.name.clone(),
        &[
            "",
            "name = 'alpha'",
            "attribute.name LIKE '%a'",
            "name ILIKE 'b%'",
            "name LIKE 'b%'",
            "name IN ('alpha', 'gamma')",
            "creation_time > 150",
            "creation_time != 100",
            "tags.team = 'nlp' OR tags.team = 'vision'",
            "tags.team != 'nlp'",
            "tags.team IS NULL",
            "tag.`team` IS NOT NULL AND name != 'alpha'",
            "name > 'a'",
            "creation_time = '100'",
            "metrics.acc > 1",
            "params.lr = '1'",
            "experiment_id = '1'",
            "name = alpha",
            "name =",
        ],
        expect![[r#"
             -> [alpha, Beta, gamma]
            name = 'alpha' -> [alpha]
            attribute.name LIKE '%a' -> [alpha, Beta, gamma]
            name ILIKE 'b%' -> [Beta]
            name LIKE 'b%' -> []
            name IN ('alpha', 'gamma') -> [alpha, gamma]
            creation_time > 150 -> [Beta]
            creation_time != 100 -> [Beta]
            tags.team = 'nlp' OR tags.team = 'vision' -> [alpha, Beta]
            tags.team != 'nlp' -> [alpha]
            tags.team IS NULL -> [gamma]
            tag.`team` IS NOT NULL AND name != 'alpha' -> [Beta]
            name > 'a' -> at position 5: expected one of =, !=, LIKE, ILIKE, IN, NOT IN after 'name', found '>' (name is a string)
            creation_time = '100' -> [alpha]
            metrics.acc > 1 -> at position 0: expected a prefix such as tags. or attributes., found 'metrics' in 'metrics.acc'
            params.lr = '1' -> at position 0: expected a prefix such as tags. or attributes., found 'params' in 'params.lr'
            experiment_id = '1' -> at position 0: expected an attribute of experiments (name, creation_time, last_update_time) or a prefixed name such as tags.experiment_id, found 'experiment_id'
            name = alpha -> at position 7: expected a quoted string after 'name =', found 'alpha' (name is a string; write it as 'alpha')
            name = -> at position 6: expected a quoted string after 'name =', found the end of input (name is a string)"#]],
    );
}

fn registered_model(name: &str, tags: &[(&str, &str)]) -> RegisteredModel {
    RegisteredModel {
        name: name.to_owned(),
        description: String::new(),
        creation_time_ms: 0,
        last_updated_time_ms: 0,
        tags: tags.iter().map(|(k, v)| Tag::new(*k, *v)).collect(),
        aliases: Vec::new(),
        latest_versions: Vec::new(),
    }
}

#[test]
fn registered_model_field_table() {
    let models = [
        registered_model("my-model", &[]),
        registered_model("my-prompt", &[("mlflow.prompt.is_prompt", "true")]),
        registered_model("other", &[("mlflow.prompt.is_prompt", "false")]),
    ];
    check(
        &models,
        |m| m.name.clone(),
        &[
            // What the MLflow client appends to every registered-model search.
            "name LIKE 'my%' AND tag.`mlflow.prompt.is_prompt` != 'true'",
            "tags.`mlflow.prompt.is_prompt` = 'false'",
            "\"name\" = 'other'",
            "version_number = 1",
            "tags.x IN ('a')",
        ],
        expect![[r#"
            name LIKE 'my%' AND tag.`mlflow.prompt.is_prompt` != 'true' -> [my-model]
            tags.`mlflow.prompt.is_prompt` = 'false' -> [other]
            "name" = 'other' -> [other]
            version_number = 1 -> at position 0: expected an attribute of registered models (name) or a prefixed name such as tags.version_number, found 'version_number'
            tags.x IN ('a') -> at position 7: expected one of =, !=, LIKE, ILIKE, IS NULL, IS NOT NULL after 'tags.x', found 'IN' (only name takes IN lists)"#]],
    );
}

fn version(name: &str, number: u64, run_id: Option<&str>, stage: ModelStage) -> ModelVersion {
    ModelVersion {
        name: name.to_owned(),
        version: number,
        creation_time_ms: 0,
        last_updated_time_ms: 0,
        user_id: String::new(),
        current_stage: stage,
        description: String::new(),
        source: format!("models:/m-{number}"),
        run_id: run_id.map(str::to_owned),
        run_link: String::new(),
        status: ModelVersionStatus::Ready,
        status_message: String::new(),
        logged_model_id: None,
        tags: vec![Tag::new("n", number.to_string())],
        aliases: Vec::new(),
    }
}

#[test]
fn model_version_field_table() {
    let versions = [
        version("m", 1, Some("r1"), ModelStage::None),
        version("m", 2, Some("r2"), ModelStage::Production),
        version("m", 3, None, ModelStage::Staging),
    ];
    check(
        &versions,
        |v| format!("v{}", v.version),
        &[
            "name = 'm' AND version_number >= 2",
            "run_id IN ('r1', 'r2')",
            "run_id NOT IN ('r1')",
            "run_id != 'r1'",
            "current_stage = 'Production'",
            "source = 'models:/m-3'",
            "source_path LIKE 'models:/m-_'",
            "tags.n = '2'",
            "version_number = '2'",
            "version_number LIKE '2'",
            "current_stage IS NULL",
        ],
        expect![[r#"
            name = 'm' AND version_number >= 2 -> [v2, v3]
            run_id IN ('r1', 'r2') -> [v1, v2]
            run_id NOT IN ('r1') -> [v2]
            run_id != 'r1' -> [v2, v3]
            current_stage = 'Production' -> [v2]
            source = 'models:/m-3' -> [v3]
            source_path LIKE 'models:/m-_' -> [v1, v2, v3]
            tags.n = '2' -> [v2]
            version_number = '2' -> [v2]
            version_number LIKE '2' -> at position 15: expected one of =, !=, <, <=, >, >= after 'version_number', found 'LIKE' (version_number is a number)
            current_stage IS NULL -> at position 14: expected one of =, !=, LIKE, ILIKE, IN, NOT IN after 'current_stage', found 'IS' (IS NULL and IS NOT NULL work only on tags)"#]],
    );
}

fn logged_model(id: &str, name: &str, status: LoggedModelStatus, created: i64) -> LoggedModel {
    LoggedModel {
        model_id: id.to_owned(),
        experiment_id: ExperimentId(1),
        name: name.to_owned(),
        artifact_location: String::new(),
        creation_time_ms: created,
        last_updated_time_ms: created,
        status,
        status_message: String::new(),
        model_type: String::new(),
        source_run_id: None,
        params: vec![Param {
            key: "lr".to_owned(),
            value: name.len().to_string(),
        }],
        tags: vec![Tag::new("kind", name)],
        metrics: Vec::new(),
    }
}

#[test]
fn logged_model_field_table() {
    let models = [
        logged_model("m-1", "tree", LoggedModelStatus::Ready, 1),
        logged_model("m-2", "forest", LoggedModelStatus::Pending, 2),
    ];
    check(
        &models,
        |m| m.name.clone(),
        &[
            "status = 'LOGGED_MODEL_READY'",
            "params.lr = '6'",
            "tags.kind LIKE 'f%'",
            "model_id IN ('m-2')",
            "source_run_id IS NULL",
            "source_run_id != 'r'",
            "params.missing IS NULL",
            "metrics.acc > 1",
        ],
        expect![[r#"
            status = 'LOGGED_MODEL_READY' -> [tree]
            params.lr = '6' -> [forest]
            tags.kind LIKE 'f%' -> [forest]
            model_id IN ('m-2') -> [forest]
            source_run_id IS NULL -> at position 14: expected one of =, !=, LIKE, ILIKE, IN, NOT IN after 'source_run_id', found 'IS' (IS NULL and IS NOT NULL work only on params and tags)
            source_run_id != 'r' -> [tree, forest]
            params.missing IS NULL -> [tree, forest]
            metrics.acc > 1 -> []"#]],
    );
}

#[test]
fn logged_model_order_keeps_mlflow_wording() {
    let mut models = vec![
        logged_model("m-1", "tree", LoggedModelStatus::Ready, 1),
        logged_model("m-2", "forest", LoggedModelStatus::Pending, 2),
    ];
    sort_logged_models(&mut models, &[]);
    assert_eq!(models[0].name, "forest", "newest first by default");
    let order = parse_logged_model_order("name").unwrap();
    sort_logged_models(&mut models, &[order]);
    assert_eq!(models[0].name, "forest");
    let errors: Vec<String> = ["params.lr", "nope", "name SIDEWAYS", "name ASC x"]
        .iter()
        .map(|text| parse_logged_model_order(text).unwrap_err().message)
        .collect();
    expect![[r#"
        [
            "Invalid order by field name: params.lr. Only metrics are supported.",
            "Invalid order by field name: nope",
            "invalid order_by direction 'SIDEWAYS' in 'name SIDEWAYS': expected ASC or DESC",
            "invalid order_by clause 'name ASC x'",
        ]
    "#]]
    .assert_debug_eq(&errors);
}

#[test]
fn like_matches_as_sql_does() {
    for (value, pattern, expected) in [
        ("abc", "a%", true),
        ("abc", "%c", true),
        ("abc", "a_c", true),
        ("abc", "a_", false),
        ("", "%", true),
        ("a%b", "a%%b", true),
        ("aaab", "%a%b", true),
        ("aaab", "%a%c", false),
        ("mississippi", "%sip%", true),
    ] {
        assert_eq!(
            super::like(value, pattern, false),
            expected,
            "{value} LIKE {pattern}"
        );
    }
    assert!(super::like("ABC", "a%", true));
    assert!(!super::like("ABC", "a%", false));
}
