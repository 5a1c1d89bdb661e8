//! Compiled filters and orders run against a real SQLite database built from the store's
//! migration, holding a dozen runs with params, tags, metrics (NaN and infinite latest values,
//! missing keys) and datasets. Each case lists the run uuids it must return, in order.
//!
//! A second check compares the SQL with a plain-Rust reference of MLflow's in-memory search
//! (`SearchUtils.filter` and `SearchUtils.sort`) on thousands of random filters and orders.
#![allow(
    clippy::unwrap_used,
    reason = "fixture helpers: a database that cannot be built or queried should stop the test"
)]

use std::cmp::Ordering;

use cairn_core::search::{
    CompareOp, Comparison, DatasetField, Field, Filter, Literal, OrderBy, Predicate, RunAttribute,
    Span, compile_filter, compile_order_by, parse_filter, parse_order_by_list,
};
use cairn_test_support::Random;
use expect_test::expect_file;
use rusqlite::Connection;

struct Run {
    uuid: &'static str,
    name: &'static str,
    user: &'static str,
    status: &'static str,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    artifact_uri: &'static str,
    params: &'static [(&'static str, &'static str)],
    tags: &'static [(&'static str, &'static str)],
    metrics: &'static [(&'static str, f64)],
    /// (index into DATASETS, context tag)
    inputs: &'static [(usize, Option<&'static str>)],
}

/// (name, digest)
const DATASETS: &[(&str, &str)] = &[
    ("custom", "s8ds293b"),
    ("also custom", "jks834s2"),
    ("Custom", "abc"),
];

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

#[rustfmt::skip]
const RUNS: &[Run] = &[
    Run { uuid: "r01", name: "bert-base", user: "alice", status: "FINISHED", start_ms: Some(1000), end_ms: Some(2000), artifact_uri: "s3://bucket/r01",
          params: &[("model", "bert"), ("lr", "0.01")],
          tags: &[("mlflow.source.type", "NOTEBOOK"), ("env", "prod")],
          metrics: &[("acc", 0.91), ("rmse", 0.5)], inputs: &[(0, Some("train")), (1, Some("test"))] },
    Run { uuid: "r02", name: "BERT-large", user: "bob", status: "FINISHED", start_ms: Some(2000), end_ms: Some(3000), artifact_uri: "s3://bucket/r02",
          params: &[("model", "bert"), ("lr", "0.001")],
          tags: &[("mlflow.source.type", "LOCAL"), ("env", "dev")],
          metrics: &[("acc", 0.95), ("rmse", 0.3)], inputs: &[(0, Some("train"))] },
    Run { uuid: "r03", name: "tree-1", user: "alice", status: "FAILED", start_ms: Some(3000), end_ms: Some(3500), artifact_uri: "file:///tmp/r03",
          params: &[("model", "tree"), ("lr", "0.1"), ("my-key", "v1")],
          tags: &[("mlflow.source.type", "NOTEBOOK"), ("env", "prod")],
          metrics: &[("acc", 0.7), ("rmse", 1.5)], inputs: &[(1, Some("eval"))] },
    Run { uuid: "r04", name: "tree-2", user: "carol", status: "RUNNING", start_ms: Some(4000), end_ms: None, artifact_uri: "s3://bucket/r04",
          params: &[("model", "Tree"), ("my-key", "v2")],
          tags: &[("env", "Prod")],
          metrics: &[("acc", 0.5)], inputs: &[(2, None)] },
    Run { uuid: "r05", name: "linear", user: "alice", status: "KILLED", start_ms: Some(5000), end_ms: Some(6000), artifact_uri: "",
          params: &[("model", "linear"), ("lr", "0.1")],
          tags: &[("mlflow.source.type", "JOB")],
          metrics: &[("acc", -INF), ("rmse", 2.0)], inputs: &[] },
    Run { uuid: "r06", name: "cnn[1]*", user: "bob", status: "FINISHED", start_ms: Some(6000), end_ms: Some(7000), artifact_uri: "s3://other/r06",
          params: &[("model", "cnn"), ("lr", "0.01"), ("note", "it's")],
          tags: &[("env", "dev"), ("glob", "a*b?[c]")],
          metrics: &[("acc", INF), ("rmse", 0.3)], inputs: &[] },
    Run { uuid: "r07", name: "my_run", user: "bob", status: "FINISHED", start_ms: Some(7000), end_ms: Some(7100), artifact_uri: "s3://bucket/r07",
          params: &[("model", "tree"), ("note", "say \"hi\"")],
          tags: &[("env", "prod")],
          metrics: &[("acc", 0.91)], inputs: &[] },
    Run { uuid: "r08", name: "myXrun", user: "dave", status: "FINISHED", start_ms: Some(7000), end_ms: Some(7200), artifact_uri: "s3://bucket/r08",
          params: &[("model", "TREE"), ("lr", "1e-3")],
          tags: &[],
          metrics: &[("acc", 0.0), ("rmse", 0.0)], inputs: &[] },
    Run { uuid: "r09", name: "nan-run", user: "alice", status: "FINISHED", start_ms: Some(8000), end_ms: Some(9000), artifact_uri: "s3://bucket/r09",
          params: &[("lr", "0.01"), ("pattern", "100%")],
          tags: &[],
          metrics: &[("acc", NAN), ("rmse", NAN)], inputs: &[] },
    Run { uuid: "r10", name: "empty", user: "alice", status: "SCHEDULED", start_ms: None, end_ms: None, artifact_uri: "",
          params: &[], tags: &[], metrics: &[], inputs: &[] },
    Run { uuid: "r11", name: "bert-tiny", user: "eve", status: "FINISHED", start_ms: Some(9000), end_ms: Some(9500), artifact_uri: "s3://bucket/r11",
          params: &[("model", "bert"), ("lr", "0.0001"), ("path", "C:\\data\\x")],
          tags: &[("env", "prod"), ("emoji", "🚀 launch")],
          metrics: &[("acc", 0.99), ("rmse", 0.1)], inputs: &[(0, Some("test"))] },
    Run { uuid: "r12", name: "what?", user: "eve", status: "FAILED", start_ms: Some(9500), end_ms: Some(9600), artifact_uri: "s3://bucket/r12",
          params: &[("model", ""), ("lr", "0.01")],
          tags: &[("env", ""), ("glob", "a-b")],
          metrics: &[("acc", NAN)], inputs: &[] },
];

/// An in-memory database with the store's first migration and the runs above, inserted with
/// plain SQL.
fn database() -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(include_str!("../../../migrations/0001_initial.sql"))
        .unwrap();
    for (index, (name, digest)) in DATASETS.iter().enumerate() {
        db.execute(
            "INSERT INTO datasets (id, experiment_id, name, digest) VALUES (?, 0, ?, ?)",
            rusqlite::params![index as i64 + 1, name, digest],
        )
        .unwrap();
    }
    for (index, run) in RUNS.iter().enumerate() {
        let id = index as i64 + 1;
        db.execute(
            "INSERT INTO runs (id, run_uuid, experiment_id, name, user_id, status, start_time_ms, \
             end_time_ms, artifact_uri, source_kind) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, 'demo')",
            rusqlite::params![
                id,
                run.uuid,
                run.name,
                run.user,
                run.status,
                run.start_ms,
                run.end_ms,
                run.artifact_uri
            ],
        )
        .unwrap();
        for (key, value) in run.params {
            db.execute(
                "INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)",
                rusqlite::params![id, key, value],
            )
            .unwrap();
        }
        for (key, value) in run.tags {
            db.execute(
                "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)",
                rusqlite::params![id, key, value],
            )
            .unwrap();
        }
        for (key, value) in run.metrics {
            let latest_value = if value.is_nan() { None } else { Some(*value) };
            db.execute(
                "INSERT INTO metric_series (run_id, key, latest_value, latest_is_nan, latest_step, \
                 latest_timestamp_ms, point_count) VALUES (?, ?, ?, ?, 0, 0, 1)",
                rusqlite::params![id, key, latest_value, value.is_nan()],
            )
            .unwrap();
        }
        for (dataset, context) in run.inputs {
            let dataset_id = *dataset as i64 + 1;
            db.execute(
                "INSERT INTO run_inputs (run_id, dataset_id) VALUES (?, ?)",
                rusqlite::params![id, dataset_id],
            )
            .unwrap();
            if let Some(context) = context {
                db.execute(
                    "INSERT INTO run_input_tags (run_id, dataset_id, key, value) \
                     VALUES (?, ?, 'mlflow.data.context', ?)",
                    rusqlite::params![id, dataset_id, context],
                )
                .unwrap();
            }
        }
    }
    db
}

/// The run uuids the compiled filter and order select, in order.
fn select(db: &Connection, filter: Option<&Filter>, order: &[OrderBy]) -> Vec<String> {
    let compiled = filter.map(|filter| compile_filter(filter, "r"));
    let order = compile_order_by(order, "r");
    let where_clause = compiled
        .as_ref()
        .map_or(String::new(), |fragment| format!("WHERE {}", fragment.sql));
    let sql = format!(
        "SELECT r.run_uuid FROM runs r {where_clause} ORDER BY {}",
        order.sql
    );
    let params = compiled
        .into_iter()
        .flat_map(|fragment| fragment.params)
        .chain(order.params);
    let mut statement = db
        .prepare(&sql)
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
    statement
        .query_map(rusqlite::params_from_iter(params), |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// (filter, order_by entries, the run uuids expected in order)
#[rustfmt::skip]
const CASES: &[(&str, &[&str], &[&str])] = &[
    ("", &[], &["r12", "r11", "r09", "r07", "r08", "r06", "r05", "r04", "r03", "r02", "r01", "r10"]),
    // Metrics: latest value; NaN never matches; infinities compare as numbers.
    ("metrics.acc > 0.9", &[], &["r11", "r07", "r06", "r02", "r01"]),
    ("metrics.acc != 0.91", &[], &["r11", "r08", "r06", "r05", "r04", "r03", "r02"]),
    ("metrics.acc < 0", &[], &["r05"]),
    ("metrics.acc >= -1e999", &[], &["r11", "r07", "r08", "r06", "r05", "r04", "r03", "r02", "r01"]),
    ("metrics.rmse = 0.3", &[], &["r06", "r02"]),
    ("metric.rmse <= 0", &[], &["r08"]),
    // Params: only runs with the key; LIKE case-sensitive, ILIKE not; IS [NOT] NULL.
    ("params.model = 'tree'", &[], &["r07", "r03"]),
    ("params.model != 'tree'", &[], &["r12", "r11", "r08", "r06", "r05", "r04", "r02", "r01"]),
    ("params.model LIKE 'tree'", &[], &["r07", "r03"]),
    ("params.model ILIKE 'tree'", &[], &["r07", "r08", "r04", "r03"]),
    ("params.model LIKE 'T%'", &[], &["r08", "r04"]),
    ("params.model LIKE '_ree'", &[], &["r07", "r04", "r03"]),
    ("params.lr IS NULL", &[], &["r07", "r04", "r10"]),
    ("params.lr IS NOT NULL", &[], &["r12", "r11", "r09", "r08", "r06", "r05", "r03", "r02", "r01"]),
    ("params.note = 'it''s'", &[], &["r06"]),
    ("params.note = \"it's\"", &[], &["r06"]),
    ("params.note = 'say \"hi\"'", &[], &["r07"]),
    ("params.pattern LIKE '100%'", &[], &["r09"]),
    ("params.path = 'C:\\data\\x'", &[], &["r11"]),
    ("params.`my-key` LIKE 'v%'", &[], &["r04", "r03"]),
    ("params.model = ''", &[], &["r12"]),
    // Tags, including dotted keys and GLOB's own wildcards taken literally.
    ("tags.`mlflow.source.type` = 'NOTEBOOK'", &[], &["r03", "r01"]),
    ("tags.mlflow.source.type != 'NOTEBOOK'", &[], &["r05", "r02"]),
    ("tags.env ILIKE 'PROD'", &[], &["r11", "r07", "r04", "r03", "r01"]),
    ("tags.env IS NULL", &[], &["r09", "r08", "r05", "r10"]),
    ("tags.glob LIKE 'a*b%'", &[], &["r06"]),
    ("tags.glob LIKE 'a_b%'", &[], &["r12", "r06"]),
    ("tags.glob = 'a*b?[c]'", &[], &["r06"]),
    ("tags.emoji LIKE '🚀%'", &[], &["r11"]),
    // Attributes.
    ("attributes.status = 'FINISHED'", &[], &["r11", "r09", "r07", "r08", "r06", "r02", "r01"]),
    ("status != 'FINISHED'", &[], &["r12", "r05", "r04", "r03", "r10"]),
    ("run_name LIKE '%bert%'", &[], &["r11", "r01"]),
    ("attributes.run_name ILIKE '%BERT%'", &[], &["r11", "r02", "r01"]),
    ("run_name LIKE 'my_run'", &[], &["r07", "r08"]),
    ("run_name = 'cnn[1]*'", &[], &["r06"]),
    ("run_name LIKE 'cnn[1]%'", &[], &["r06"]),
    ("`Run Name` LIKE 'what_'", &[], &["r12"]),
    ("attributes.run_id IN ('r01', 'r03', 'nope')", &[], &["r03", "r01"]),
    ("attributes.run_id NOT IN ('r01', 'r03')", &[], &["r12", "r11", "r09", "r07", "r08", "r06", "r05", "r04", "r02", "r10"]),
    ("user_id = 'alice' AND status = 'FINISHED'", &[], &["r09", "r01"]),
    ("attributes.artifact_uri LIKE 's3://bucket/%'", &[], &["r12", "r11", "r09", "r07", "r08", "r04", "r02", "r01"]),
    ("attributes.artifact_uri = ''", &[], &["r05", "r10"]),
    ("created > 7000", &[], &["r12", "r11", "r09"]),
    ("attributes.start_time >= 7000 AND attributes.start_time <= 8000", &[], &["r09", "r07", "r08"]),
    ("attributes.end_time != 7000", &[], &["r12", "r11", "r09", "r07", "r08", "r05", "r03", "r02", "r01"]),
    ("end_time < 3000.5", &[], &["r02", "r01"]),
    // Datasets: a run matches when any of its inputs does.
    ("datasets.name = 'custom'", &[], &["r11", "r02", "r01"]),
    ("datasets.name LIKE 'custom'", &[], &["r11", "r02", "r01"]),
    ("datasets.name ILIKE 'custom'", &[], &["r11", "r04", "r02", "r01"]),
    ("datasets.digest IN ('s8ds293b', 'jks834s2')", &[], &["r11", "r03", "r02", "r01"]),
    ("datasets.name != 'custom'", &[], &["r04", "r03", "r01"]),
    ("datasets.context = 'train'", &[], &["r02", "r01"]),
    ("datasets.context NOT IN ('train')", &[], &["r11", "r03", "r01"]),
    ("datasets.name = 'custom' AND datasets.context = 'test'", &[], &["r11", "r01"]),
    // OR and parentheses.
    ("metrics.acc > 0.95 OR params.model = 'linear'", &[], &["r11", "r06", "r05"]),
    ("(params.model = 'tree' OR params.model = 'bert') AND metrics.acc > 0.9", &[], &["r11", "r07", "r02", "r01"]),
    ("params.model = 'tree' OR params.model = 'bert' AND metrics.acc > 0.92", &[], &["r11", "r07", "r03", "r02"]),
    ("params.lr IS NULL OR tags.env IS NULL", &[], &["r09", "r07", "r08", "r05", "r04", "r10"]),
    // Orders: values, then NaN, then missing, in both directions; ties by start_time DESC, run_id.
    ("", &["metrics.acc ASC"], &["r05", "r08", "r04", "r03", "r07", "r01", "r02", "r11", "r06", "r12", "r09", "r10"]),
    ("", &["metrics.acc DESC"], &["r06", "r11", "r02", "r07", "r01", "r03", "r04", "r08", "r05", "r12", "r09", "r10"]),
    ("", &["metrics.rmse"], &["r08", "r11", "r06", "r02", "r01", "r03", "r05", "r09", "r12", "r07", "r04", "r10"]),
    ("", &["params.model"], &["r12", "r08", "r04", "r11", "r02", "r01", "r06", "r05", "r07", "r03", "r09", "r10"]),
    ("", &["params.model DESC"], &["r07", "r03", "r05", "r06", "r11", "r02", "r01", "r04", "r08", "r12", "r09", "r10"]),
    ("", &["tags.env DESC", "metrics.acc ASC"], &["r03", "r07", "r01", "r11", "r02", "r06", "r04", "r12", "r05", "r08", "r09", "r10"]),
    ("", &["attributes.start_time ASC"], &["r01", "r02", "r03", "r04", "r05", "r06", "r07", "r08", "r09", "r11", "r12", "r10"]),
    ("", &["created DESC"], &["r12", "r11", "r09", "r07", "r08", "r06", "r05", "r04", "r03", "r02", "r01", "r10"]),
    ("", &["attributes.end_time"], &["r01", "r02", "r03", "r05", "r06", "r07", "r08", "r09", "r11", "r12", "r04", "r10"]),
    ("", &["run_name"], &["r02", "r01", "r11", "r06", "r10", "r05", "r08", "r07", "r09", "r03", "r04", "r12"]),
    ("", &["attributes.run_id DESC"], &["r12", "r11", "r10", "r09", "r08", "r07", "r06", "r05", "r04", "r03", "r02", "r01"]),
    ("", &["attributes.status", "attributes.user_id DESC"], &["r12", "r03", "r11", "r08", "r07", "r06", "r02", "r09", "r01", "r05", "r04", "r10"]),
    ("metrics.acc > 0", &["metrics.rmse DESC"], &["r03", "r01", "r06", "r02", "r11", "r07", "r04"]),
    ("tags.env = 'prod'", &["params.lr DESC"], &["r03", "r01", "r11", "r07"]),
];

#[test]
fn compiled_filters_and_orders_select_the_expected_runs() {
    let db = database();
    let mut failures = Vec::new();
    for (filter, order, expected) in CASES {
        let parsed = parse_filter(filter).unwrap_or_else(|error| panic!("{filter}: {error}"));
        let order = parse_order_by_list(order).unwrap_or_else(|error| panic!("{order:?}: {error}"));
        let selected = select(&db, parsed.as_ref(), &order);
        if selected != *expected {
            failures.push(format!(
                "{filter:?} {order:?}\n  expected {expected:?}\n  selected {selected:?}"
            ));
        }
        let reference = reference_select(parsed.as_ref(), &order);
        assert_eq!(
            reference, *expected,
            "the reference disagrees on {filter:?} {order:?}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compiled_sql_is_parameterised() {
    let mut out = String::new();
    let cases = [
        (
            "metrics.rmse < 1 and params.model = 'tree'",
            &["metrics.rmse DESC"][..],
        ),
        (
            "params.lr IS NULL OR tags.`mlflow.source.type` ILIKE '%Note%'",
            &["params.lr", "tags.env DESC"],
        ),
        (
            "attributes.run_id NOT IN ('a', 'b') AND created >= 1700000000000",
            &["attributes.end_time"],
        ),
        (
            "datasets.context = 'train' AND datasets.name LIKE 'cust_m%'",
            &["created ASC"],
        ),
        ("run_name = 'x''; DROP TABLE runs; --'", &[]),
    ];
    for (filter, order) in cases {
        let parsed = parse_filter(filter).unwrap().unwrap();
        let order = parse_order_by_list(order).unwrap();
        let where_sql = compile_filter(&parsed, "r");
        let order_sql = compile_order_by(&order, "r");
        out.push_str(&format!(
            "> {filter} / {order:?}\nWHERE {}\n  {:?}\nORDER BY {}\n  {:?}\n\n",
            where_sql.sql, where_sql.params, order_sql.sql, order_sql.params
        ));
    }
    expect_file!["data/search/compiled.expected"].assert_eq(&out);
}

// ---- The reference: MLflow's in-memory search, written plainly over `RUNS`. ----

fn reference_select(filter: Option<&Filter>, order: &[OrderBy]) -> Vec<String> {
    let mut runs: Vec<&Run> = RUNS
        .iter()
        .filter(|run| filter.is_none_or(|filter| matches(run, filter)))
        .collect();
    // MLflow: natural order first (start_time DESC, then run id; Cairn puts a missing start last),
    // then one stable sort per order_by entry, last entry first.
    runs.sort_by(|a, b| {
        let start = |run: &Run| run.start_ms.map_or(i64::MIN, |start| start);
        start(b).cmp(&start(a)).then(a.uuid.cmp(b.uuid))
    });
    for entry in order.iter().rev() {
        runs.sort_by(|a, b| {
            let ordering = compare_sort_keys(&sort_key(a, entry), &sort_key(b, entry));
            if entry.descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
    }
    runs.iter().map(|run| run.uuid.to_owned()).collect()
}

enum Value<'a> {
    Number(f64),
    Text(&'a str),
}

fn field_value<'a>(run: &'a Run, field: &Field) -> Option<Value<'a>> {
    let find_text = |pairs: &'a [(&'static str, &'static str)], key: &str| {
        pairs
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| Value::Text(value))
    };
    match field {
        Field::Metric(key) => run
            .metrics
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| Value::Number(*value)),
        Field::Param(key) => find_text(run.params, key),
        Field::Tag(key) => find_text(run.tags, key),
        Field::Attribute(attribute) => match attribute {
            RunAttribute::RunId => Some(Value::Text(run.uuid)),
            RunAttribute::RunName => Some(Value::Text(run.name)),
            RunAttribute::UserId => Some(Value::Text(run.user)),
            RunAttribute::Status => Some(Value::Text(run.status)),
            RunAttribute::ArtifactUri => Some(Value::Text(run.artifact_uri)),
            RunAttribute::StartTime => run.start_ms.map(|ms| Value::Number(ms as f64)),
            RunAttribute::EndTime => run.end_ms.map(|ms| Value::Number(ms as f64)),
        },
        Field::Dataset(_) => None,
    }
}

fn matches(run: &Run, filter: &Filter) -> bool {
    match filter {
        Filter::And(children) => children.iter().all(|child| matches(run, child)),
        Filter::Or(children) => children.iter().any(|child| matches(run, child)),
        Filter::Compare(Comparison {
            field: Field::Dataset(dataset),
            predicate,
            ..
        }) => run.inputs.iter().any(|(index, context)| {
            let (name, digest) = DATASETS[*index];
            let value = match dataset {
                DatasetField::Name => Some(name),
                DatasetField::Digest => Some(digest),
                DatasetField::Context => *context,
            };
            value.is_some_and(|value| test(&Value::Text(value), predicate))
        }),
        Filter::Compare(Comparison {
            field, predicate, ..
        }) => match (field_value(run, field), predicate) {
            (None, Predicate::IsNull) => true,
            (Some(_), Predicate::IsNotNull) => true,
            (None, _) | (Some(_), Predicate::IsNull) => false,
            (Some(value), predicate) => test(&value, predicate),
        },
    }
}

fn test(value: &Value, predicate: &Predicate) -> bool {
    match (value, predicate) {
        (
            Value::Number(number),
            Predicate::Compare {
                op,
                value: Literal::Number(target),
            },
        ) => {
            // Cairn's rule: NaN never matches, `!=` included.
            !number.is_nan()
                && match op {
                    CompareOp::Eq => number == target,
                    CompareOp::NotEq => number != target,
                    CompareOp::Lt => number < target,
                    CompareOp::LtEq => number <= target,
                    CompareOp::Gt => number > target,
                    CompareOp::GtEq => number >= target,
                    CompareOp::Like | CompareOp::ILike => unreachable!("parser refuses"),
                }
        }
        (
            Value::Text(text),
            Predicate::Compare {
                op,
                value: Literal::Text(target),
            },
        ) => match op {
            CompareOp::Eq => text == target,
            CompareOp::NotEq => text != target,
            CompareOp::Like => like(text, target),
            CompareOp::ILike => like(&text.to_ascii_lowercase(), &target.to_ascii_lowercase()),
            _ => unreachable!("parser refuses ordering on strings"),
        },
        (Value::Text(text), Predicate::In(list)) => list.iter().any(|item| item == text),
        (Value::Text(text), Predicate::NotIn(list)) => !list.iter().any(|item| item == text),
        _ => unreachable!("parser refuses this combination"),
    }
}

/// SQL LIKE without escapes, case-sensitive, by backtracking over characters.
fn like(text: &str, pattern: &str) -> bool {
    fn go(text: &[char], pattern: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('%', rest)) => (0..=text.len()).any(|skip| go(&text[skip..], rest)),
            Some(('_', rest)) => !text.is_empty() && go(&text[1..], rest),
            Some((c, rest)) => text.first() == Some(c) && go(&text[1..], rest),
        }
    }
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    go(&text, &pattern)
}

/// MLflow's `_get_value_for_sort`: `(is_none_or_nan, value)` ascending, `(not is_none_or_nan,
/// value)` descending (the sort is then reversed), with None filled by +inf ascending / -inf
/// descending and NaN by the opposite, so that both come last, NaN before None.
fn sort_key<'a>(run: &'a Run, entry: &OrderBy) -> (bool, Value<'a>) {
    let fill = if entry.descending {
        f64::NEG_INFINITY
    } else {
        INF
    };
    let (is_none_or_nan, value) = match field_value(run, &entry.field) {
        None => (true, Value::Number(fill)),
        Some(Value::Number(number)) if number.is_nan() => (true, Value::Number(-fill)),
        Some(value) => (false, value),
    };
    (
        if entry.descending {
            !is_none_or_nan
        } else {
            is_none_or_nan
        },
        value,
    )
}

fn compare_sort_keys(a: &(bool, Value), b: &(bool, Value)) -> Ordering {
    a.0.cmp(&b.0).then_with(|| match (&a.1, &b.1) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        // Python compares str by code point, as SQLite's BINARY collation does on UTF-8.
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        _ => Ordering::Equal,
    })
}

// ---- Random filters and orders: the SQL must agree with the reference. ----

const TEXTS: &[&str] = &[
    "bert",
    "tree",
    "Tree",
    "%ree",
    "_ree",
    "T%",
    "%",
    "",
    "prod",
    "PROD",
    "%o%",
    "0.01",
    "0.1",
    "v1",
    "a*b%",
    "a_b%",
    "custom",
    "Custom",
    "train",
    "test",
    "FINISHED",
    "alice",
    "r01",
    "r07",
    "s3://bucket/%",
    "%bert%",
    "my_run",
    "what_",
    "cnn[1]%",
];
const NUMBERS: &[f64] = &[
    0.0, 0.3, 0.5, 0.91, 0.95, -1.0, 2.0, 1000.0, 3500.0, 7000.0, 9000.0, INF, -INF,
];

fn random_comparison(random: &mut Random) -> Filter {
    let numeric_op = random.pick(&[
        CompareOp::Eq,
        CompareOp::NotEq,
        CompareOp::Lt,
        CompareOp::LtEq,
        CompareOp::Gt,
        CompareOp::GtEq,
    ]);
    let text_op = random.pick(&[
        CompareOp::Eq,
        CompareOp::NotEq,
        CompareOp::Like,
        CompareOp::ILike,
    ]);
    let number = Literal::Number(random.pick(NUMBERS));
    let text = Literal::Text(random.pick(TEXTS).to_owned());
    let list: Vec<String> = (0..1 + random.below(3))
        .map(|_| random.pick(TEXTS).to_owned())
        .collect();
    let key = |random: &mut Random, keys: &[&str]| random.pick(keys).to_owned();
    let (field, predicate) = match random.below(10) {
        0 | 1 => (
            Field::Metric(key(random, &["acc", "rmse", "none"])),
            Predicate::Compare {
                op: numeric_op,
                value: number,
            },
        ),
        2 => (
            Field::Param(key(random, &["model", "lr", "my-key", "none"])),
            Predicate::Compare {
                op: text_op,
                value: text,
            },
        ),
        3 => (
            Field::Tag(key(random, &["env", "glob", "mlflow.source.type"])),
            Predicate::Compare {
                op: text_op,
                value: text,
            },
        ),
        4 => (
            if random.below(2) == 0 {
                Field::Param(key(random, &["lr", "note"]))
            } else {
                Field::Tag(key(random, &["env", "emoji"]))
            },
            if random.below(2) == 0 {
                Predicate::IsNull
            } else {
                Predicate::IsNotNull
            },
        ),
        5 => (
            Field::Attribute(random.pick(&[RunAttribute::StartTime, RunAttribute::EndTime])),
            Predicate::Compare {
                op: numeric_op,
                value: number,
            },
        ),
        6 => (
            Field::Attribute(random.pick(&[
                RunAttribute::RunName,
                RunAttribute::UserId,
                RunAttribute::Status,
                RunAttribute::ArtifactUri,
                RunAttribute::RunId,
            ])),
            Predicate::Compare {
                op: text_op,
                value: text,
            },
        ),
        7 => (
            Field::Attribute(RunAttribute::RunId),
            if random.below(2) == 0 {
                Predicate::In(list)
            } else {
                Predicate::NotIn(list)
            },
        ),
        8 => (
            Field::Dataset(random.pick(&[
                DatasetField::Name,
                DatasetField::Digest,
                DatasetField::Context,
            ])),
            Predicate::Compare {
                op: text_op,
                value: text,
            },
        ),
        _ => (
            Field::Dataset(random.pick(&[
                DatasetField::Name,
                DatasetField::Digest,
                DatasetField::Context,
            ])),
            if random.below(2) == 0 {
                Predicate::In(list)
            } else {
                Predicate::NotIn(list)
            },
        ),
    };
    Filter::Compare(Comparison {
        field,
        predicate,
        span: Span::default(),
    })
}

fn random_filter(random: &mut Random, depth: usize) -> Filter {
    if depth < 3 && random.below(3) == 0 {
        let children = (0..2 + random.below(2))
            .map(|_| random_filter(random, depth + 1))
            .collect();
        return if random.below(2) == 0 {
            Filter::And(children)
        } else {
            Filter::Or(children)
        };
    }
    random_comparison(random)
}

fn random_order(random: &mut Random) -> Vec<OrderBy> {
    let fields = [
        Field::Metric("acc".into()),
        Field::Metric("rmse".into()),
        Field::Param("model".into()),
        Field::Param("lr".into()),
        Field::Tag("env".into()),
        Field::Attribute(RunAttribute::StartTime),
        Field::Attribute(RunAttribute::EndTime),
        Field::Attribute(RunAttribute::Status),
        Field::Attribute(RunAttribute::UserId),
        Field::Attribute(RunAttribute::RunName),
    ];
    let mut order: Vec<OrderBy> = Vec::new();
    for _ in 0..random.below(4) {
        let field = random.pick(&fields);
        if order.iter().all(|entry| entry.field != field) {
            order.push(OrderBy {
                field,
                descending: random.below(2) == 0,
            });
        }
    }
    order
}

#[test]
fn compiled_sql_agrees_with_the_reference_on_random_searches() {
    let db = database();
    let mut random = Random(0x0123_4567_89AB_CDEF);
    for _ in 0..3_000 {
        let filter = (random.below(8) != 0).then(|| random_filter(&mut random, 0));
        let order = random_order(&mut random);
        let expected = reference_select(filter.as_ref(), &order);
        let selected = select(&db, filter.as_ref(), &order);
        let shown = filter.as_ref().map(ToString::to_string).unwrap_or_default();
        assert_eq!(selected, expected, "filter {shown:?}, order {order:?}");
    }
}
