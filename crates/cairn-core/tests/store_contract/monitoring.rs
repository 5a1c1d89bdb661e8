//! Monitoring: a model version's reference and the batches judged against it belong to the
//! version — checked against it, listed in arrival order, kept through a model rename and gone
//! with the version.

use cairn_core::model::{ColumnScore, MonitoringReference, NewModelVersion, NewMonitoringBatch};
use cairn_core::{Store, StoreError};

fn model_with_versions(store: &dyn Store, name: &str, versions: usize) {
    store.create_registered_model(name, "", &[]).unwrap();
    for _ in 0..versions {
        store
            .create_model_version(&NewModelVersion {
                name: name.into(),
                source: format!("models:/{name}/source"),
                ..NewModelVersion::default()
            })
            .unwrap();
    }
}

fn reference(name: &str, version: u64, csv: &str) -> MonitoringReference {
    MonitoringReference {
        name: name.into(),
        version,
        source: "train.csv".into(),
        rows: 1234,
        csv: csv.as_bytes().to_vec(),
        settings: r#"{"share":0.5}"#.into(),
        created_ms: 1_700_000_000_000,
    }
}

fn batch(name: &str, version: u64, received_ms: i64, share: f64) -> NewMonitoringBatch {
    NewMonitoringBatch {
        name: name.into(),
        version,
        received_ms,
        label: format!("batch-{received_ms}.csv"),
        rows: 100,
        drift_share: share,
        dataset_drift: share >= 0.5,
        scores: vec![
            ColumnScore {
                column: "age".into(),
                test: "ks".into(),
                score: 0.003,
                drifted: true,
            },
            ColumnScore {
                column: "plan \"pro\"".into(),
                test: "chi2".into(),
                score: f64::NAN,
                drifted: false,
            },
        ],
        metrics: vec![("accuracy".into(), 0.875), ("auc".into(), 0.9)],
        report: r#"{"drift":{"columns":[]}}"#.into(),
    }
}

pub(crate) fn reference_is_set_replaced_and_checked_against_the_version(store: &dyn Store) {
    model_with_versions(store, "churn", 2);
    assert_eq!(store.monitoring_reference("churn", 1).unwrap(), None);
    store
        .set_monitoring_reference(&reference("churn", 1, "a,b\n1,x\n"))
        .unwrap();
    let stored = store.monitoring_reference("churn", 1).unwrap().unwrap();
    assert_eq!(stored, reference("churn", 1, "a,b\n1,x\n"));
    let mut replacement = reference("churn", 1, "a,b\n2,y\n3,z\n");
    replacement.source = "train-v2.parquet".into();
    store.set_monitoring_reference(&replacement).unwrap();
    let summary = store
        .monitoring_reference_summary("churn", 1)
        .unwrap()
        .unwrap();
    assert_eq!(
        (summary.source.as_str(), summary.sample_bytes, summary.rows),
        ("train-v2.parquet", 12, 1234)
    );
    assert_eq!(
        store.monitoring_reference_summary("churn", 2).unwrap(),
        None
    );
    assert_err!(
        store.set_monitoring_reference(&reference("churn", 3, "a\n1\n")),
        StoreError::ModelVersionNotFound { .. }
    );
    assert_err!(
        store.monitoring_reference("nope", 1),
        StoreError::ModelNotFound { .. }
    );
}

pub(crate) fn batches_are_listed_in_arrival_order_and_read_whole(store: &dyn Store) {
    model_with_versions(store, "churn", 1);
    let ids: Vec<i64> = (0..3)
        .map(|index| {
            store
                .add_monitoring_batch(&batch("churn", 1, 1000 + index, 0.25 * index as f64))
                .unwrap()
                .id
        })
        .collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
    let listed = store.list_monitoring_batches("churn", 1, 2).unwrap();
    assert_eq!(
        listed.iter().map(|batch| batch.id).collect::<Vec<_>>(),
        ids[1..].to_vec()
    );
    assert!(listed.iter().all(|batch| batch.batch.report.is_empty()));
    let whole = store.monitoring_batch(ids[2]).unwrap().unwrap();
    let expected = batch("churn", 1, 1002, 0.5);
    assert_eq!(whole.batch.report, expected.report);
    assert_eq!(whole.batch.metrics, expected.metrics);
    assert_eq!(whole.batch.scores[0], expected.scores[0]);
    assert_eq!(whole.batch.scores[1].column, "plan \"pro\"");
    assert!(
        whole.batch.scores[1].score.is_nan(),
        "a NaN score stays NaN"
    );
    assert!(whole.batch.dataset_drift);
    assert_eq!(store.monitoring_batch(ids[2] + 1000).unwrap(), None);
    assert_err!(
        store.add_monitoring_batch(&batch("churn", 9, 1, 0.0)),
        StoreError::ModelVersionNotFound { .. }
    );
}

pub(crate) fn latest_batches_follow_renames_and_go_with_their_version(store: &dyn Store) {
    model_with_versions(store, "churn", 2);
    model_with_versions(store, "fraud", 1);
    for (name, version, at) in [
        ("fraud", 1, 10),
        ("churn", 2, 20),
        ("churn", 1, 30),
        ("churn", 2, 40),
    ] {
        store
            .add_monitoring_batch(&batch(name, version, at, 0.1))
            .unwrap();
    }
    let latest = |store: &dyn Store| -> Vec<(String, u64, i64)> {
        store
            .latest_monitoring_batches()
            .unwrap()
            .into_iter()
            .map(|batch| {
                (
                    batch.batch.name,
                    batch.batch.version,
                    batch.batch.received_ms,
                )
            })
            .collect()
    };
    assert_eq!(
        latest(store),
        vec![
            ("churn".into(), 1, 30),
            ("churn".into(), 2, 40),
            ("fraud".into(), 1, 10)
        ]
    );
    store
        .set_monitoring_reference(&reference("churn", 2, "a\n1\n"))
        .unwrap();
    store.rename_registered_model("churn", "attrition").unwrap();
    assert_eq!(
        store
            .list_monitoring_batches("attrition", 2, 10)
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .monitoring_reference("attrition", 2)
            .unwrap()
            .is_some()
    );
    store
        .delete_model_version("attrition", 2, "ada", "test")
        .unwrap();
    assert_eq!(
        latest(store),
        vec![("attrition".into(), 1, 30), ("fraud".into(), 1, 10)]
    );
    assert_err!(
        store.list_monitoring_batches("attrition", 2, 10),
        StoreError::ModelVersionNotFound { .. }
    );
}
