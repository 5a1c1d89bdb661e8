//! `cairn-monitor` over a real SQLite store: rows in MLflow's scoring formats, a reference kept
//! as a sample, a batch judged against it, and the `/metrics` gauges in Prometheus' text format.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_core::model::NewModelVersion;
use cairn_core::{MonitoringStore as _, RegistryStore as _, SqliteStore};
use cairn_monitor::{
    BatchOptions, ModelRef, MonitorError, MonitorSettings, log_batch, prometheus_text,
    records_to_csv, set_reference,
};
use serde_json::json;

#[test]
fn scoring_formats_become_the_same_rows() {
    let split = json!({"dataframe_split": {"columns": ["age", "plan", "ok"],
        "data": [[31, "pro", true], [null, "basic, annual", false]]}});
    let records = json!({"dataframe_records": [
        {"age": 31, "plan": "pro", "ok": true},
        {"plan": "basic, annual", "ok": false, "age": null}]});
    let columns = json!({"columns": {"age": [31, null], "plan": ["pro", "basic, annual"], "ok": [true, false]}});
    let expected_split = "age,plan,ok\n31,pro,true\n,\"basic, annual\",false\n";
    assert_eq!(
        String::from_utf8(records_to_csv(&split).unwrap()).unwrap(),
        expected_split
    );
    // Objects have no column order: the columns come sorted by name.
    let sorted = "age,ok,plan\n31,true,pro\n,false,\"basic, annual\"\n";
    for body in [records, columns] {
        assert_eq!(
            String::from_utf8(records_to_csv(&body).unwrap()).unwrap(),
            sorted
        );
    }
    for (body, words) in [
        (json!({"rows": []}), "no rows"),
        (
            json!({"dataframe_split": {"columns": ["a"], "data": [[1], 2]}}),
            "data[1]",
        ),
        (
            json!({"dataframe_records": [{"a": 1}, 3]}),
            "dataframe_records[1]",
        ),
        (json!({"columns": {"a": [1, 2], "b": [1]}}), "columns.b"),
    ] {
        let error = records_to_csv(&body).unwrap_err().to_string();
        assert!(error.contains(words), "'{error}' should say '{words}'");
    }
}

#[test]
fn a_batch_is_judged_against_a_sampled_reference_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    store
        .create_registered_model("fraud \"v\"\nnew", "", &[])
        .unwrap();
    store
        .create_model_version(&NewModelVersion {
            name: "fraud \"v\"\nnew".into(),
            source: "models:/x".into(),
            ..NewModelVersion::default()
        })
        .unwrap();
    let model = ModelRef::parse_uri("models:/fraud \"v\"\nnew/1").unwrap();
    let mut reference = String::from("amount,label\n");
    for row in 0..60_000 {
        reference.push_str(&format!("{},{}\n", row % 97, row % 2));
    }
    let summary = set_reference(
        &store,
        &model,
        "train.csv",
        reference.into_bytes(),
        &MonitorSettings::default(),
        1,
    )
    .unwrap();
    assert_eq!(summary.rows, 60_000, "the rows the sample came from");
    let kept = store
        .monitoring_reference(&summary.name, 1)
        .unwrap()
        .unwrap();
    let kept_rows = String::from_utf8(kept.csv).unwrap().lines().count() - 1;
    assert_eq!(kept_rows, cairn_monitor::REFERENCE_MAX_ROWS);

    let mut batch = String::from("amount,label,prediction\n");
    for row in 0..500 {
        batch.push_str(&format!(
            "{},{},{}\n",
            50 + row % 97,
            row % 2,
            (row / 2) % 2
        ));
    }
    let report = log_batch(
        &store,
        &model,
        batch.into_bytes(),
        &BatchOptions::default(),
        1_700_000_000_000,
    )
    .unwrap();
    assert!(report.drift.drifted, "amount moved by half its range");
    assert_eq!(report.batch.batch.label, "batch");
    assert!(
        report
            .drift
            .skipped
            .iter()
            .any(|skipped| skipped.name == "prediction")
    );
    let performance = report.performance.unwrap();
    assert_eq!(performance.rows, 500);

    let text = prometheus_text(&store).unwrap();
    let labels = "model=\"fraud \\\"v\\\"\\nnew\",version=\"1\"";
    for line in [
        format!("cairn_drift_share{{{labels}}} 0.5"),
        format!("cairn_drift_detected{{{labels}}} 1"),
        format!("cairn_drift_score{{{labels},column=\"amount\",test=\"wasserstein\"}} "),
        format!("cairn_model_metric{{{labels},metric=\"accuracy\"}} 0.5"),
        format!("cairn_monitoring_batch_rows{{{labels}}} 500"),
        format!("cairn_monitoring_batch_timestamp_seconds{{{labels}}} 1700000000"),
    ] {
        assert!(text.contains(&line), "missing {line} in\n{text}");
    }
    // Every sample line is NAME{LABELS} VALUE with a family declared before it.
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let name = line.split('{').next().unwrap();
        assert!(text.contains(&format!("# TYPE {name} gauge")), "{line}");
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok() || value == "NaN", "{line}");
    }

    let missing = log_batch(
        &store,
        &ModelRef::parse_uri("models:/fraud \"v\"\nnew@live").unwrap(),
        b"amount\n1\n".to_vec(),
        &BatchOptions::default(),
        2,
    )
    .unwrap_err();
    assert!(matches!(missing, MonitorError::Store(_)), "{missing}");
}
