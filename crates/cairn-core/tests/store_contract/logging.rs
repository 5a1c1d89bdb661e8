//! Logging params, tags and metrics: immutability, atomicity, MLflow's limits and key rules,
//! and the latest-metric rule.

use cairn_core::model::{LogBatch, MetricPoint, NamedMetricPoint, Tag};
use cairn_core::{Store, StoreError};

use crate::{T0, metric, metrics, param, param_value, params, point, run, tag_value, tags};

pub(crate) fn params_are_immutable(store: &dyn Store) {
    let id = run(store, "immutable");
    store.log_batch(&id, &params(&[("lr", "0.1")])).unwrap();
    store.log_batch(&id, &params(&[("lr", "0.1")])).unwrap();
    let error = assert_err!(
        store.log_batch(&id, &params(&[("lr", "0.2")])),
        StoreError::ParamConflict { run_id, key, old_value, new_value }
            if *run_id == id && key == "lr" && old_value == "0.1" && new_value == "0.2"
    );
    let message = error.to_string();
    for part in ["lr", "0.1", "0.2"] {
        assert!(
            message.contains(part),
            "the message names {part}: {message}"
        );
    }
    assert_eq!(param_value(&store.get_run(&id).unwrap(), "lr"), Some("0.1"));
    // Params are text: "0.10" is a different value from "0.1".
    assert_err!(
        store.log_batch(&id, &params(&[("lr", "0.10")])),
        StoreError::ParamConflict { .. }
    );
}

/// A batch is all or nothing, whichever entry fails and wherever it sits in the batch.
pub(crate) fn a_failed_batch_stores_nothing(store: &dyn Store) {
    let id = run(store, "atomic");
    store.log_batch(&id, &params(&[("lr", "0.1")])).unwrap();
    let before = store.get_run(&id).unwrap();
    let good = || LogBatch {
        metrics: vec![metric("loss", 0, T0, 1.0), metric("acc", 0, T0, 0.5)],
        params: vec![param("new_param", "1"), param("batch", "32")],
        tags: vec![Tag::new("note", "x"), Tag::new("mlflow.runName", "renamed")],
    };
    let failing: Vec<(&str, LogBatch)> = vec![
        ("a conflicting param last", {
            let mut batch = good();
            batch.params.push(param("lr", "0.2"));
            batch
        }),
        ("a conflicting param first", {
            let mut batch = good();
            batch.params.insert(0, param("lr", "0.3"));
            batch
        }),
        ("a bad metric key last", {
            let mut batch = good();
            batch.metrics.push(metric("bad key!", 0, T0, 1.0));
            batch
        }),
        ("a too long tag value last", {
            let mut batch = good();
            batch.tags.push(Tag::new("long", "v".repeat(8001)));
            batch
        }),
        ("a negative timestamp last", {
            let mut batch = good();
            batch.metrics.push(metric("loss", 1, -1, 1.0));
            batch
        }),
    ];
    for (what, batch) in &failing {
        let result = store.log_batch(&id, batch);
        assert!(result.is_err(), "{what}: the batch should fail");
        let after = store.get_run(&id).unwrap();
        assert_eq!(
            after, before,
            "{what}: nothing of the failed batch is stored"
        );
        for key in ["loss", "acc"] {
            assert!(
                store.metric_history(&id, key).unwrap().is_empty(),
                "{what}: {key} history"
            );
        }
    }
    store.log_batch(&id, &good()).unwrap();
    let after = store.get_run(&id).unwrap();
    assert_eq!(after.info.run_name, "renamed");
    assert_eq!(after.params.len(), 3);
}

pub(crate) fn log_batches_is_atomic_across_runs(store: &dyn Store) {
    let a = run(store, "a");
    let b = run(store, "b");
    store.log_batch(&b, &params(&[("lr", "0.1")])).unwrap();
    let snapshot = || (store.get_run(&a).unwrap(), store.get_run(&b).unwrap());
    let before = snapshot();
    let batch_for_a = LogBatch {
        metrics: vec![metric("loss", 0, T0, 1.0)],
        params: vec![param("p", "1")],
        tags: vec![Tag::new("t", "1")],
    };
    let failing: Vec<(&str, Vec<(String, LogBatch)>)> = vec![
        (
            "a param conflict in the second run",
            vec![
                (a.clone(), batch_for_a.clone()),
                (b.clone(), params(&[("lr", "0.2")])),
            ],
        ),
        (
            "a conflict between two batches of one call",
            vec![
                (a.clone(), params(&[("x", "1")])),
                (a.clone(), params(&[("x", "2")])),
            ],
        ),
        (
            "a missing run",
            vec![
                (a.clone(), batch_for_a.clone()),
                ("no-such-run".into(), params(&[("x", "1")])),
            ],
        ),
        (
            "an invalid second batch",
            vec![
                (a.clone(), batch_for_a.clone()),
                (b.clone(), params(&[("bad key!", "1")])),
            ],
        ),
    ];
    for (what, batches) in &failing {
        assert!(store.log_batches(batches).is_err(), "{what}: should fail");
        assert_eq!(snapshot(), before, "{what}: nothing is stored");
        assert!(
            store.metric_history(&a, "loss").unwrap().is_empty(),
            "{what}"
        );
    }
    store
        .log_batches(&[
            (a.clone(), batch_for_a.clone()),
            (b.clone(), metrics("loss", &[point(0, T0, 2.0)])),
            (a.clone(), metrics("loss", &[point(1, T0, 3.0)])),
        ])
        .unwrap();
    let values: Vec<f64> = store
        .metric_history(&a, "loss")
        .unwrap()
        .iter()
        .map(|point| point.value)
        .collect();
    assert_eq!(values, [1.0, 3.0]);
    assert_eq!(param_value(&store.get_run(&a).unwrap(), "p"), Some("1"));
    assert_eq!(store.metric_history(&b, "loss").unwrap().len(), 1);
}

pub(crate) fn tags_upsert_and_delete(store: &dyn Store) {
    let id = run(store, "tags");
    store
        .log_batch(&id, &tags(&[("color", "red"), ("size", "big")]))
        .unwrap();
    store.log_batch(&id, &tags(&[("color", "blue")])).unwrap();
    let fetched = store.get_run(&id).unwrap();
    assert_eq!(
        tag_value(&fetched, "color"),
        Some("blue"),
        "tags are upserted"
    );
    let keys: Vec<&str> = fetched.tags.iter().map(|tag| tag.key.as_str()).collect();
    assert_eq!(
        keys,
        ["mlflow.runName", "color", "size"],
        "in the order first logged"
    );

    store.delete_tag(&id, "color").unwrap();
    assert_eq!(tag_value(&store.get_run(&id).unwrap(), "color"), None);
    let error = store
        .delete_tag(&id, "color")
        .expect_err("deleting a missing tag fails");
    assert!(
        error.to_string().contains("color"),
        "the error names the tag: {error}"
    );
    // The same key can be set again after deletion.
    store.log_batch(&id, &tags(&[("color", "green")])).unwrap();
    assert_eq!(
        tag_value(&store.get_run(&id).unwrap(), "color"),
        Some("green")
    );
    // The last value of a key within one batch wins.
    store
        .log_batch(&id, &tags(&[("size", "small"), ("size", "tiny")]))
        .unwrap();
    assert_eq!(
        tag_value(&store.get_run(&id).unwrap(), "size"),
        Some("tiny")
    );
}

fn sized_batch(metric_count: usize, param_count: usize, tag_count: usize) -> LogBatch {
    LogBatch {
        metrics: (0..metric_count)
            .map(|index| metric(&format!("m{}", index % 7), index as i64, T0, index as f64))
            .collect(),
        params: (0..param_count)
            .map(|index| param(&format!("p{index}"), "v"))
            .collect(),
        tags: (0..tag_count)
            .map(|index| Tag::new(format!("t{index}"), "v"))
            .collect(),
    }
}

pub(crate) fn batch_limits(store: &dyn Store) {
    let cases = [
        ("1000 metrics", (1000, 0, 0), true),
        ("1001 metrics", (1001, 0, 0), false),
        ("100 params", (0, 100, 0), true),
        ("101 params", (0, 101, 0), false),
        ("100 tags", (0, 0, 100), true),
        ("101 tags", (0, 0, 101), false),
        ("1000 entries in all", (800, 100, 100), true),
        ("1001 entries in all", (801, 100, 100), false),
        ("empty", (0, 0, 0), true),
    ];
    for (what, (metric_count, param_count, tag_count), ok) in cases {
        let id = run(store, what);
        let batch = sized_batch(metric_count, param_count, tag_count);
        let result = store.log_batch(&id, &batch);
        let fetched = store.get_run(&id).unwrap();
        let logged_points: u64 = fetched
            .metrics
            .iter()
            .map(|metric| metric.point_count)
            .sum();
        if ok {
            result.unwrap_or_else(|error| panic!("{what}: {error}"));
            assert_eq!(logged_points, metric_count as u64, "{what}");
            assert_eq!(fetched.params.len(), param_count, "{what}");
            assert_eq!(
                fetched.tags.len(),
                tag_count + 1,
                "{what} (+ mlflow.runName)"
            );
        } else {
            let error = assert_err!(result, StoreError::Invalid { .. });
            assert!(error.to_string().contains("limit"), "{what}: {error}");
            assert_eq!(logged_points, 0, "{what}");
            assert!(fetched.params.is_empty(), "{what}");
            assert_eq!(fetched.tags.len(), 1, "{what}");
        }
        // log_batches applies the same limits to each batch.
        let other = run(store, &format!("{what} (log_batches)"));
        assert_eq!(
            store.log_batches(&[(other, batch)]).is_ok(),
            ok,
            "{what} through log_batches"
        );
    }
    // append_metric is for importers and has no batch limit.
    let id = run(store, "append");
    let many: Vec<MetricPoint> = (0..5000).map(|step| point(step, T0, 0.0)).collect();
    store.append_metric(&id, "long", &many).unwrap();
}

/// MLflow refuses a batch that names a param twice, even with the same value.
pub(crate) fn duplicate_param_key_in_one_batch_is_refused(store: &dyn Store) {
    let id = run(store, "dup");
    for values in [("1", "1"), ("1", "2")] {
        let batch = LogBatch {
            params: vec![
                param("lr", values.0),
                param("other", "x"),
                param("lr", values.1),
            ],
            ..LogBatch::default()
        };
        let error = assert_err!(store.log_batch(&id, &batch), StoreError::Invalid { .. });
        assert!(error.to_string().contains("lr"), "{error}");
    }
    assert!(store.get_run(&id).unwrap().params.is_empty());
}

pub(crate) fn keys_are_validated_everywhere(store: &dyn Store) {
    let id = run(store, "keys");
    let good: Vec<String> = [
        "loss",
        "train/loss",
        "val acc",
        "a.b-c_d:e",
        "ü",
        "x.y/z w",
        "0",
    ]
    .into_iter()
    .map(String::from)
    .chain(["k".repeat(250)])
    .collect();
    let bad: Vec<String> = [
        "",
        "/abs",
        "a/../b",
        "..",
        ".",
        "a/./b",
        "../up",
        "a//b",
        "trail/",
        "semi;colon",
        "q'uote",
        "tab\tkey",
        "new\nline",
        "star*",
        "back\\slash",
    ]
    .into_iter()
    .map(String::from)
    .chain(["k".repeat(251)])
    .collect();
    type Write<'a> = Box<dyn Fn(&str) -> Result<(), StoreError> + 'a>;
    let writers: Vec<(&str, Write<'_>)> = vec![
        (
            "metric",
            Box::new(|key| store.log_batch(&id, &metrics(key, &[point(0, T0, 1.0)]))),
        ),
        (
            "param",
            Box::new(|key| store.log_batch(&id, &params(&[(key, "v")]))),
        ),
        (
            "tag",
            Box::new(|key| store.log_batch(&id, &tags(&[(key, "v")]))),
        ),
        (
            "append_metric",
            Box::new(|key| store.append_metric(&id, key, &[point(0, T0, 1.0)])),
        ),
    ];
    for (kind, write) in &writers {
        for key in &good {
            write(key).unwrap_or_else(|error| panic!("{kind} key {key:?}: {error}"));
        }
        for key in &bad {
            let result = write(key);
            assert!(
                matches!(result, Err(StoreError::Invalid { .. })),
                "{kind} key {key:?}: expected Invalid, got {result:?}"
            );
        }
    }
    let fetched = store.get_run(&id).unwrap();
    assert_eq!(fetched.params.len(), good.len());
    assert_eq!(fetched.metrics.len(), good.len());
    assert!(fetched.tags.iter().all(|tag| !bad.contains(&tag.key)));
}

pub(crate) fn value_lengths_are_validated(store: &dyn Store) {
    let id = run(store, "lengths");
    let cases: Vec<(&str, LogBatch, bool)> = vec![
        (
            "param value of 6000 characters",
            params(&[("p1", &"é".repeat(6000))]),
            true,
        ),
        (
            "param value of 6001 characters",
            params(&[("p2", &"v".repeat(6001))]),
            false,
        ),
        ("empty param value", params(&[("p3", "")]), true),
        (
            "tag value of 8000 characters",
            tags(&[("t1", &"é".repeat(8000))]),
            true,
        ),
        (
            "tag value of 8001 characters",
            tags(&[("t2", &"v".repeat(8001))]),
            false,
        ),
        ("empty tag value", tags(&[("t3", "")]), true),
    ];
    for (what, batch, ok) in &cases {
        let result = store.log_batch(&id, batch);
        if *ok {
            result.unwrap_or_else(|error| panic!("{what}: {error}"));
        } else {
            assert!(
                matches!(result, Err(StoreError::Invalid { .. })),
                "{what}: got {result:?}"
            );
        }
    }
    let fetched = store.get_run(&id).unwrap();
    assert_eq!(
        param_value(&fetched, "p1").map(|value| value.chars().count()),
        Some(6000)
    );
    assert_eq!(param_value(&fetched, "p3"), Some(""));
    assert_eq!(
        tag_value(&fetched, "t1").map(|value| value.chars().count()),
        Some(8000)
    );
    assert_eq!(param_value(&fetched, "p2"), None);
    assert_eq!(tag_value(&fetched, "t2"), None);
}

/// MLflow: timestamps ≥ 0. Every write path validates the same way (see `Store`).
pub(crate) fn metric_timestamps_must_not_be_negative(store: &dyn Store) {
    let id = run(store, "timestamps");
    assert_err!(
        store.log_batch(&id, &metrics("t", &[point(0, -1, 1.0)])),
        StoreError::Invalid { .. }
    );
    // Steps may be negative; timestamp 0 is fine.
    store
        .log_batch(&id, &metrics("t", &[point(-3, 0, 1.0)]))
        .unwrap();
    assert_err!(
        store.append_metric(&id, "t", &[point(1, T0, 1.0), point(2, -5, 1.0)]),
        StoreError::Invalid { .. }
    );
    assert_eq!(store.metric_history(&id, "t").unwrap().len(), 1);
}

/// The latest point: greatest step, then greatest timestamp, then greatest value, whatever the
/// logging order (MLflow's `_compare_metrics`).
pub(crate) fn latest_metric_follows_mlflow_rule(store: &dyn Store) {
    let cases: &[(&str, &[(i64, i64, f64)], (i64, i64, f64))] = &[
        (
            "greatest step wins over a newer timestamp",
            &[(1, 10, 5.0), (3, 5, 1.0), (2, 20, 9.0)],
            (3, 5, 1.0),
        ),
        (
            "then the greatest timestamp",
            &[(3, 5, 1.0), (3, 9, 0.5), (3, 7, 8.0)],
            (3, 9, 0.5),
        ),
        (
            "then the greatest value",
            &[(3, 9, 0.5), (3, 9, 2.0), (3, 9, 1.0)],
            (3, 9, 2.0),
        ),
        (
            "a smaller step logged last does not win",
            &[(10, 100, 1.0), (0, 200, 7.0)],
            (10, 100, 1.0),
        ),
        (
            "negative steps",
            &[(-5, 1, 1.0), (-7, 2, 2.0)],
            (-5, 1, 1.0),
        ),
        ("a single point", &[(0, 0, -1.5)], (0, 0, -1.5)),
        (
            "infinity is a value like any other",
            &[(2, 2, f64::INFINITY), (2, 2, 1.0)],
            (2, 2, f64::INFINITY),
        ),
    ];
    for (what, logged, (step, timestamp_ms, value)) in cases {
        let points: Vec<MetricPoint> = logged
            .iter()
            .map(|(step, timestamp_ms, value)| point(*step, *timestamp_ms, *value))
            .collect();
        let expected = point(*step, *timestamp_ms, *value);
        let id = run(store, what);
        for single in &points {
            store
                .log_batch(&id, &metrics("one_per_call", &[*single]))
                .unwrap();
        }
        store
            .log_batch(&id, &metrics("one_batch", &points))
            .unwrap();
        store.append_metric(&id, "appended", &points).unwrap();
        // Behind a long history kept in chunks.
        let mut long: Vec<MetricPoint> =
            (0..100).map(|index| point(-1000 + index, 0, 0.0)).collect();
        long.extend(&points);
        store
            .append_metric(&id, "behind_chunks", &long[..100])
            .unwrap();
        store
            .log_batch(&id, &metrics("behind_chunks", &points))
            .unwrap();
        let fetched = store.get_run(&id).unwrap();
        for latest in &fetched.metrics {
            assert!(
                latest.latest.same_bits(&expected),
                "{what}, {}: latest is {:?}, expected {expected:?}",
                latest.key,
                latest.latest
            );
            let count = if latest.key == "behind_chunks" {
                100 + points.len()
            } else {
                points.len()
            };
            assert_eq!(latest.point_count, count as u64, "{what}, {}", latest.key);
        }
        assert_eq!(fetched.metrics.len(), 4, "{what}");
    }
}

/// The latest value is returned as logged: infinities and extremes exactly, NaN as a NaN, and
/// -0.0 as a zero (the SQLite store keeps the latest value in a REAL column, which does not
/// keep the sign of zero; the history keeps it).
pub(crate) fn latest_metric_keeps_special_values(store: &dyn Store) {
    let id = run(store, "special latest");
    let values = [
        ("pos_inf", f64::INFINITY),
        ("neg_inf", f64::NEG_INFINITY),
        ("max", f64::MAX),
        ("min_positive", f64::MIN_POSITIVE),
        ("subnormal", f64::from_bits(1)),
    ];
    let batch = LogBatch {
        metrics: values
            .iter()
            .map(|(key, value)| NamedMetricPoint {
                key: (*key).to_string(),
                point: point(1, T0, *value),
            })
            .chain([
                metric("nan", 1, T0, f64::NAN),
                metric("neg_zero", 1, T0, -0.0),
            ])
            .collect(),
        ..LogBatch::default()
    };
    store.log_batch(&id, &batch).unwrap();
    let fetched = store.get_run(&id).unwrap();
    for (key, value) in values {
        let latest = fetched
            .metrics
            .iter()
            .find(|metric| metric.key == key)
            .unwrap();
        assert_eq!(
            latest.latest.value.to_bits(),
            value.to_bits(),
            "latest {key}: got {:?}, expected {value:?}",
            latest.latest.value
        );
    }
    let nan = fetched
        .metrics
        .iter()
        .find(|metric| metric.key == "nan")
        .unwrap();
    assert!(
        nan.latest.value.is_nan(),
        "latest NaN is NaN: {:?}",
        nan.latest
    );
    assert_eq!((nan.latest.step, nan.latest.timestamp_ms), (1, T0));
    let zero = fetched
        .metrics
        .iter()
        .find(|metric| metric.key == "neg_zero")
        .unwrap();
    assert_eq!(zero.latest.value, 0.0, "latest -0.0 is a zero");
    let history = store.metric_history(&id, "neg_zero").unwrap();
    assert_eq!(
        history[0].value.to_bits(),
        (-0.0_f64).to_bits(),
        "the history keeps -0.0"
    );
}
