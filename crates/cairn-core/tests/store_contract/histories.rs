//! Metric histories: every way of writing points (one per call, small and large batches, long
//! appends, mixtures, after the run ended) reads back the same points, in logging order, bit
//! for bit.
//!
//! The sizes are chosen around the SQLite store's storage paths (a tail of single points that
//! is compacted at 256, a direct chunk from 64 points in one write, chunks of 4096 points,
//! compaction when the run ends), but the contract holds for any backend.

use cairn_core::model::{
    LogBatch, MetricColumnSet, MetricColumns, MetricPoint, NamedMetricPoint, RunStatus, RunUpdate,
};

use cairn_core::{Store, StoreError};

use crate::{T0, assert_same_history, metrics, point, run, sample_points};

/// Every special value twice over: NaN payloads (quiet, signalling, negative), infinities,
/// signed zeros, extremes and subnormals.
fn special_values() -> Vec<f64> {
    let bits: [u64; 16] = [
        0x7ff8_0000_0000_0000, // the canonical quiet NaN
        0xfff8_0000_0000_0000, // negative quiet NaN
        0x7ff8_0000_dead_beef, // quiet NaN with a payload
        0x7ff0_0000_0000_0001, // signalling NaN
        0xfff7_ffff_ffff_ffff, // negative signalling NaN, all payload bits set
        0x7fff_ffff_ffff_ffff, // quiet NaN, all payload bits set
        0x7ff0_0000_0000_0000, // +inf
        0xfff0_0000_0000_0000, // -inf
        0x8000_0000_0000_0000, // -0.0
        0x0000_0000_0000_0000, // +0.0
        0x0000_0000_0000_0001, // smallest subnormal
        0x8000_0000_0000_0001, // smallest negative subnormal
        0x7fef_ffff_ffff_ffff, // f64::MAX
        0xffef_ffff_ffff_ffff, // f64::MIN
        0x3ff0_0000_0000_0000, // 1.0
        0x3fd5_5555_5555_5555, // 1/3
    ];
    bits.iter()
        .chain(bits.iter().rev())
        .map(|bits| f64::from_bits(*bits))
        .collect()
}

fn points_with_values(values: &[f64]) -> Vec<MetricPoint> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| point(index as i64, T0 + index as i64, *value))
        .collect()
}

fn finish(store: &dyn Store, run_id: &str, status: RunStatus) {
    store
        .update_run(
            run_id,
            &RunUpdate {
                status: Some(status),
                end_time_ms: Some(T0 + 1_000_000),
                run_name: None,
            },
        )
        .unwrap();
}

/// The history as [`Store::visit_metric_history`] streams it, joined up, with the size of each
/// stretch it handed out.
/// Without timestamps ([`MetricColumnSet::StepsAndValues`]) the same steps and values must
/// come, in the same stretches, and no timestamp.
fn visited(store: &dyn Store, run_id: &str, key: &str) -> (Vec<MetricPoint>, Vec<usize>) {
    let mut points = Vec::new();
    let mut stretches = Vec::new();
    store
        .visit_metric_history(run_id, key, MetricColumnSet::All, &mut |columns| {
            assert_eq!(columns.steps.len(), columns.len(), "{key}: column lengths");
            assert_eq!(
                columns.timestamps_ms.len(),
                columns.len(),
                "{key}: column lengths"
            );
            stretches.push(columns.len());
            points.extend((0..columns.len()).filter_map(|index| columns.point(index)));
        })
        .unwrap();
    let mut without_timestamps: Vec<MetricColumns> = Vec::new();
    store
        .visit_metric_history(
            run_id,
            key,
            MetricColumnSet::StepsAndValues,
            &mut |columns| {
                assert!(
                    columns.timestamps_ms.is_empty(),
                    "{key}: timestamps not asked for"
                );
                assert_eq!(columns.steps.len(), columns.len(), "{key}: column lengths");
                without_timestamps.push(columns.clone());
            },
        )
        .unwrap();
    assert_eq!(
        without_timestamps
            .iter()
            .map(MetricColumns::len)
            .collect::<Vec<_>>(),
        stretches,
        "{key}: the same stretches without timestamps"
    );
    let steps_and_values: Vec<(i64, u64)> = without_timestamps
        .iter()
        .flat_map(|columns| columns.steps.iter().zip(&columns.values))
        .map(|(step, value)| (*step, value.to_bits()))
        .collect();
    let expected: Vec<(i64, u64)> = points
        .iter()
        .map(|point| (point.step, point.value.to_bits()))
        .collect();
    assert_eq!(steps_and_values, expected, "{key}: steps and values");
    (points, stretches)
}

fn check(store: &dyn Store, run_id: &str, key: &str, expected: &[MetricPoint], context: &str) {
    let history = store.metric_history(run_id, key).unwrap();
    assert_same_history(&history, expected, &format!("{key}, {context}"));
    check_ranges(store, run_id, key, expected, context);
    let (streamed, _) = visited(store, run_id, key);
    assert_same_history(&streamed, expected, &format!("{key}, {context}, visited"));
    let run = store.get_run(run_id).unwrap();
    let latest = run
        .metrics
        .iter()
        .find(|metric| metric.key == key)
        .unwrap_or_else(|| panic!("{key}, {context}: no latest metric"));
    assert_eq!(
        latest.point_count,
        expected.len() as u64,
        "{key}, {context}: point_count"
    );
}

/// Ranged reads at the edges and across the middle of a history are slices of the whole.
fn check_ranges(
    store: &dyn Store,
    run_id: &str,
    key: &str,
    expected: &[MetricPoint],
    context: &str,
) {
    let len = expected.len();
    let windows = [
        (0, len),
        (0, 1),
        (len / 3, len / 3 + 1),
        (len / 2, 4096),
        (len.saturating_sub(1), 5),
        (len.saturating_sub(300), 257),
        (len, 10),
        (len + 7, 10),
        (3, usize::MAX),
        (usize::MAX, usize::MAX),
    ];
    for (offset, limit) in windows {
        let range = store
            .metric_history_range(run_id, key, offset, limit)
            .unwrap();
        let context = format!("{key}, {context}, range {offset} + {limit}");
        assert_eq!(range.total_points, len, "{context}: total_points");
        let from = offset.min(len);
        let to = offset.saturating_add(limit).min(len);
        assert_eq!(range.points.len(), to - from, "{context}: length");
        assert_same_history(&range.points, &expected[from..to], &context);
    }
}

pub(crate) fn history_ranges_page_through_chunks_and_tail(store: &dyn Store) {
    let id = run(store, "ranges");
    // Ten direct chunks of 1,000 (what a client's log-batch of 1,000 writes), one of 4,096 and
    // one of 4 (an append of 4,100), then a tail of 100 single points.
    let source = sample_points(14_200);
    for start in (0..10_000).step_by(1000) {
        store
            .log_batch(&id, &metrics("loss", &source[start..start + 1000]))
            .unwrap();
    }
    store
        .append_metric(&id, "loss", &source[10_000..14_100])
        .unwrap();
    for single in &source[14_100..] {
        store.log_batch(&id, &metrics("loss", &[*single])).unwrap();
    }
    for page_size in [7, 999, 1000, 1001, 2500, 4096, 25_000] {
        let mut offset = 0;
        let mut paged = Vec::new();
        loop {
            let range = store
                .metric_history_range(&id, "loss", offset, page_size)
                .unwrap();
            assert_eq!(range.total_points, source.len());
            assert!(range.points.len() <= page_size);
            assert!(
                !range.points.is_empty(),
                "an empty page at {offset} of pages of {page_size}"
            );
            offset += range.points.len();
            paged.extend(range.points);
            if offset >= range.total_points {
                break;
            }
        }
        assert_same_history(&paged, &source, &format!("pages of {page_size}"));
    }
    check_ranges(store, &id, "loss", &source, "chunks and tail");
    let missing = store.metric_history_range(&id, "nope", 0, 10).unwrap();
    assert!(missing.points.is_empty());
    assert_eq!(missing.total_points, 0);
    assert_err!(
        store.metric_history_range("0123456789abcdef0123456789abcdef", "loss", 0, 10),
        StoreError::RunNotFound { .. }
    );
}

pub(crate) fn special_values_survive_bit_for_bit_on_every_path(store: &dyn Store) {
    let id = run(store, "special values");
    let few = points_with_values(&special_values());
    assert!(few.len() < 64);
    let many = points_with_values(&special_values().repeat(5));
    assert!(many.len() >= 64);

    store.log_batch(&id, &metrics("one_batch", &few)).unwrap();
    for single in &few {
        store
            .log_batch(&id, &metrics("one_per_call", &[*single]))
            .unwrap();
    }
    store
        .log_batch(&id, &metrics("large_batch", &many))
        .unwrap();
    store.append_metric(&id, "appended", &many).unwrap();
    let expected = [
        ("one_batch", &few),
        ("one_per_call", &few),
        ("large_batch", &many),
        ("appended", &many),
    ];
    for (key, points) in expected {
        check(store, &id, key, points, "while running");
    }
    finish(store, &id, RunStatus::Finished);
    for (key, points) in expected {
        check(store, &id, key, points, "after the run finished");
    }
}

pub(crate) fn one_point_per_call_through_tail_and_compaction(store: &dyn Store) {
    let id = run(store, "one per call");
    let source = sample_points(1000);
    let checkpoints = [1, 2, 255, 256, 257, 511, 512, 513, 767, 768, 769, 1000];
    for (index, single) in source.iter().enumerate() {
        store.log_batch(&id, &metrics("loss", &[*single])).unwrap();
        let logged = index + 1;
        if checkpoints.contains(&logged) {
            check(
                store,
                &id,
                "loss",
                &source[..logged],
                &format!("after {logged} single points"),
            );
        }
    }
}

pub(crate) fn batches_of_63_and_64_points(store: &dyn Store) {
    let id = run(store, "batches");
    let source = sample_points(2100);
    for size in [2_usize, 63, 64, 65, 255, 256, 1000] {
        let key = format!("batch_{size}");
        let mut logged = 0;
        while logged < 2000 {
            let end = (logged + size).min(source.len());
            store
                .log_batch(&id, &metrics(&key, &source[logged..end]))
                .unwrap();
            logged = end;
            if size >= 63 || logged % 250 == 0 {
                check(
                    store,
                    &id,
                    &key,
                    &source[..logged],
                    &format!("batches of {size}"),
                );
            }
        }
        check(
            store,
            &id,
            &key,
            &source[..logged],
            &format!("batches of {size}"),
        );
    }
}

pub(crate) fn one_append_of_10000_points(store: &dyn Store) {
    let id = run(store, "append");
    let source = sample_points(20_000);
    store.append_metric(&id, "loss", &source[..10_000]).unwrap();
    check(
        store,
        &id,
        "loss",
        &source[..10_000],
        "one append of 10,000",
    );
    store.append_metric(&id, "loss", &source[10_000..]).unwrap();
    check(store, &id, "loss", &source, "a second append of 10,000");
    // An empty append changes nothing.
    store.append_metric(&id, "loss", &[]).unwrap();
    check(store, &id, "loss", &source, "an empty append");
}

#[derive(Debug, Clone, Copy)]
enum Write {
    /// This many log_batch calls of one point each.
    Singles(usize),
    /// One log_batch of this many points.
    Batch(usize),
    /// One append_metric of this many points.
    Append(usize),
}

fn apply(store: &dyn Store, run_id: &str, key: &str, write: Write, points: &[MetricPoint]) {
    match write {
        Write::Singles(_) => {
            for single in points {
                store.log_batch(run_id, &metrics(key, &[*single])).unwrap();
            }
        }
        Write::Batch(_) => store.log_batch(run_id, &metrics(key, points)).unwrap(),
        Write::Append(_) => store.append_metric(run_id, key, points).unwrap(),
    }
}

const MIXED: [Write; 16] = [
    Write::Singles(10),
    Write::Batch(63),
    Write::Batch(64),
    Write::Singles(250),
    Write::Append(5000),
    Write::Singles(3),
    Write::Batch(200),
    Write::Append(1),
    Write::Append(4096),
    Write::Singles(300),
    Write::Batch(1000),
    Write::Append(4097),
    Write::Batch(1),
    Write::Singles(1),
    Write::Append(63),
    Write::Batch(64),
];

pub(crate) fn mixed_writes_interleave_in_logging_order(store: &dyn Store) {
    let id = run(store, "mixed");
    let total: usize = MIXED
        .iter()
        .map(|write| match write {
            Write::Singles(n) | Write::Batch(n) | Write::Append(n) => *n,
        })
        .sum();
    let source = sample_points(total);
    let other_source = sample_points(MIXED.len() * 2);
    let mut logged = 0;
    for (index, write) in MIXED.iter().enumerate() {
        let (Write::Singles(n) | Write::Batch(n) | Write::Append(n)) = *write;
        apply(store, &id, "mixed", *write, &source[logged..logged + n]);
        logged += n;
        // Another series of the same run, written in between, must not mix in.
        store
            .log_batch(
                &id,
                &metrics("other", &other_source[index * 2..index * 2 + 2]),
            )
            .unwrap();
        check(
            store,
            &id,
            "mixed",
            &source[..logged],
            &format!("after {write:?} (write {index})"),
        );
    }
    check(store, &id, "other", &other_source, "interleaved series");
}

pub(crate) fn histories_survive_finishing_the_run(store: &dyn Store) {
    let id = run(store, "finishing");
    let source = sample_points(6000);
    // (key, points written as singles, then as one append, then as singles)
    let plans: [(&str, usize, usize, usize); 5] = [
        ("tail_only", 100, 0, 0),
        ("chunk_then_tail", 0, 300, 10),
        ("chunks_only", 0, 4096, 0),
        ("tail_then_chunk_then_tail", 20, 4100, 30),
        ("exactly_one_flush", 256, 0, 0),
    ];
    let mut expected: Vec<(&str, Vec<MetricPoint>)> = Vec::new();
    for (key, before, appended, after) in plans {
        let mut logged = 0;
        for single in &source[..before] {
            store.log_batch(&id, &metrics(key, &[*single])).unwrap();
        }
        logged += before;
        store
            .append_metric(&id, key, &source[logged..logged + appended])
            .unwrap();
        logged += appended;
        for single in &source[logged..logged + after] {
            store.log_batch(&id, &metrics(key, &[*single])).unwrap();
        }
        logged += after;
        expected.push((key, source[..logged].to_vec()));
    }
    let check_all = |expected: &[(&str, Vec<MetricPoint>)], context: &str| {
        for (key, points) in expected {
            check(store, &id, key, points, context);
        }
    };
    check_all(&expected, "while running");
    let latest_before = store.get_run(&id).unwrap().metrics;
    finish(store, &id, RunStatus::Finished);
    check_all(&expected, "after FINISHED");
    assert_eq!(
        store.get_run(&id).unwrap().metrics,
        latest_before,
        "latest values unchanged"
    );

    // Logging after the end, then ending again.
    let late = sample_points(6100);
    for (key, points) in &mut expected {
        let start = points.len();
        for single in &late[start..start + 5] {
            store.log_batch(&id, &metrics(key, &[*single])).unwrap();
        }
        store
            .log_batch(&id, &metrics(key, &late[start + 5..start + 75]))
            .unwrap();
        points.extend_from_slice(&late[start..start + 75]);
    }
    check_all(&expected, "after logging to the finished run");
    finish(store, &id, RunStatus::Killed);
    check_all(&expected, "after KILLED");
    finish(store, &id, RunStatus::Failed);
    check_all(&expected, "after FAILED with nothing new");
}

pub(crate) fn batch_with_interleaved_keys_keeps_each_order(store: &dyn Store) {
    let id = run(store, "interleaved");
    for (per_key, keys) in [(20_usize, ["a", "b", "c"]), (300, ["d", "e", "f"])] {
        let sources: Vec<Vec<MetricPoint>> = (0..keys.len())
            .map(|offset| sample_points(per_key + offset)[offset..].to_vec())
            .collect();
        let mut batch = LogBatch::default();
        for index in 0..per_key {
            for (key, source) in keys.iter().zip(&sources) {
                batch.metrics.push(NamedMetricPoint {
                    key: (*key).to_string(),
                    point: source[index],
                });
            }
        }
        store.log_batch(&id, &batch).unwrap();
        for (key, source) in keys.iter().zip(&sources) {
            check(
                store,
                &id,
                key,
                source,
                &format!("{per_key} points per key, interleaved"),
            );
        }
    }
}

pub(crate) fn missing_history_is_empty(store: &dyn Store) {
    let id = run(store, "empty");
    let other = run(store, "other");
    store
        .log_batch(&other, &metrics("loss", &[point(0, T0, 1.0)]))
        .unwrap();
    assert!(store.metric_history(&id, "loss").unwrap().is_empty());
    assert!(
        store.metric_history(&other, "LOSS").unwrap().is_empty(),
        "keys are case-sensitive"
    );
    assert!(store.get_run(&id).unwrap().metrics.is_empty());
}

pub(crate) fn visited_history_streams_the_same_points_in_stretches(store: &dyn Store) {
    let id = run(store, "streamed");
    let source = sample_points(20_000);
    // A long append (chunks), then single points (the tail), so both parts are streamed.
    store.append_metric(&id, "loss", &source[..19_990]).unwrap();
    for point in &source[19_990..] {
        store.log_batch(&id, &metrics("loss", &[*point])).unwrap();
    }
    let (streamed, stretches) = visited(store, &id, "loss");
    assert_same_history(&streamed, &source, "visited");
    assert_eq!(streamed.len(), source.len());
    assert!(
        stretches.len() > 1 && stretches.iter().all(|&len| len > 0 && len < source.len()),
        "a long history comes a stretch at a time, never empty: {stretches:?}"
    );

    let other = run(store, "no loss");
    assert_eq!(visited(store, &other, "loss"), (Vec::new(), Vec::new()));
    assert_eq!(
        visited(store, &id, "LOSS"),
        (Vec::new(), Vec::new()),
        "keys are case-sensitive"
    );
    assert_err!(
        store.visit_metric_history(
            "0123456789abcdef0123456789abcdef",
            "loss",
            MetricColumnSet::All,
            &mut |_| {}
        ),
        StoreError::RunNotFound { .. }
    );
}

/// How a test writes a stretch of points to one series.
#[derive(Clone, Copy)]
enum Call {
    /// One `log_batch` call per point (the tail).
    Singles,
    /// One `log_batch` call for the stretch (a direct chunk from 64 points).
    Batch,
    /// One `append_metric` call (chunks).
    Append,
}

/// Points at `timestamps`, with `steps` and `values` (cycled).
fn stretch(timestamps: &[i64], steps: &[i64], values: &[f64]) -> Vec<MetricPoint> {
    timestamps
        .iter()
        .enumerate()
        .map(|(index, timestamp)| {
            point(
                steps[index % steps.len()],
                T0 + timestamp,
                values[index % values.len()],
            )
        })
        .collect()
}

/// `0..n`, as timestamps.
fn rising(from: i64, n: i64) -> Vec<i64> {
    (from..from + n).collect()
}

pub(crate) fn histories_record_whether_they_are_in_mlflow_order(store: &dyn Store) {
    let id = run(store, "history-order");
    let mut shuffled = rising(0, 100);
    shuffled.swap(40, 41);
    // (key, what is written, in this order; whether the whole history is then in MLflow's order:
    // timestamp, then step, then value)
    let cases: Vec<(&str, Vec<(Call, Vec<MetricPoint>)>, bool)> = vec![
        (
            "rising_singles",
            vec![(Call::Singles, stretch(&rising(0, 20), &[0], &[1.0]))],
            true,
        ),
        (
            "the_same_point_again_and_again",
            vec![
                (Call::Singles, stretch(&[5, 5, 5], &[3], &[0.5])),
                (Call::Batch, stretch(&[5; 70], &[3], &[0.5])),
            ],
            true,
        ),
        (
            "one_timestamp_steps_falling",
            vec![(Call::Singles, stretch(&[7, 7, 7], &[3, 2, 1], &[1.0]))],
            false,
        ),
        (
            "one_timestamp_and_step_values_falling",
            vec![(Call::Singles, stretch(&[7, 7], &[1], &[2.0, 1.0]))],
            false,
        ),
        (
            "a_value_then_nan_at_one_timestamp_and_step",
            vec![(Call::Singles, stretch(&[7, 7], &[1], &[2.0, f64::NAN]))],
            true,
        ),
        (
            "two_points_swapped_inside_a_direct_chunk",
            vec![(Call::Batch, stretch(&shuffled, &[0], &[1.0]))],
            false,
        ),
        (
            "in_order_across_tail_chunks_and_tail",
            vec![
                (Call::Singles, stretch(&rising(0, 30), &[0], &[1.0])),
                (Call::Append, stretch(&rising(30, 5000), &[0], &[1.0])),
                (Call::Batch, stretch(&rising(5030, 100), &[0], &[1.0])),
                (Call::Singles, stretch(&rising(5130, 10), &[0], &[1.0])),
            ],
            true,
        ),
        (
            "an_earlier_call_after_a_later_one",
            vec![
                (Call::Append, stretch(&rising(100, 200), &[0], &[1.0])),
                (Call::Singles, stretch(&rising(0, 3), &[0], &[1.0])),
            ],
            false,
        ),
        (
            "out_of_order_once_stays_so",
            vec![
                (Call::Singles, stretch(&[10, 9], &[0], &[1.0])),
                (Call::Batch, stretch(&rising(20, 500), &[0], &[1.0])),
                (Call::Singles, stretch(&rising(600, 5), &[0], &[1.0])),
            ],
            false,
        ),
    ];
    for (key, writes, in_order) in &cases {
        for (call, points) in writes {
            match call {
                Call::Singles => {
                    for single in points {
                        store.log_batch(&id, &metrics(key, &[*single])).unwrap();
                    }
                }
                Call::Batch => store.log_batch(&id, &metrics(key, points)).unwrap(),
                Call::Append => store.append_metric(&id, key, points).unwrap(),
            }
        }
        let history = store.metric_history(&id, key).unwrap();
        let sorted = history
            .windows(2)
            .all(|pair| pair[0].history_order(&pair[1]).is_le());
        assert_eq!(sorted, *in_order, "{key}: the case itself");
        let range = store.metric_history_range(&id, key, 1, 2).unwrap();
        assert_eq!(range.in_mlflow_order, Some(*in_order), "{key}");
    }
    // Folding the tails into chunks when the run ends keeps what was recorded.
    finish(store, &id, RunStatus::Finished);
    for (key, _, in_order) in &cases {
        let range = store.metric_history_range(&id, key, 0, 1).unwrap();
        assert_eq!(range.in_mlflow_order, Some(*in_order), "{key}, finished");
    }
    let missing = store.metric_history_range(&id, "nope", 0, 10).unwrap();
    assert_eq!(missing.in_mlflow_order, Some(true), "an empty history");
}

/// A point logged again exactly (key, step, timestamp, value bits) is stored once, as MLflow's
/// SQL store keeps it: within one batch, against the last points (a client retrying a request
/// whose answer it lost, after thousands of points), and out of MLflow's order. A point that
/// differs in anything is a new one, and importers keep every point they are given.
pub(crate) fn exact_repeats_are_stored_once(store: &dyn Store) {
    let id = run(store, "repeats");
    let first = [point(1, T0, 0.5), point(1, T0, 0.5), point(2, T0 + 1, 0.5)];
    store.log_batch(&id, &metrics("loss", &first)).unwrap();
    check(
        store,
        &id,
        "loss",
        &[first[0], first[2]],
        "a repeat in one batch",
    );
    store.log_batch(&id, &metrics("loss", &first)).unwrap();
    check(store, &id, "loss", &[first[0], first[2]], "the batch again");

    // Thousands of points later (through chunks and the tail), the last request is retried.
    let long: Vec<MetricPoint> = (3..5003)
        .map(|step| point(step, T0 + step, step as f64 / 7.0))
        .collect();
    for batch in long.chunks(1000) {
        store.log_batch(&id, &metrics("loss", batch)).unwrap();
    }
    let singles = [
        point(5003, T0 + 6000, f64::NAN),
        point(5004, T0 + 6001, 1.0),
    ];
    for single in singles {
        store.log_batch(&id, &metrics("loss", &[single])).unwrap();
    }
    let mut expected = vec![first[0], first[2]];
    expected.extend(&long);
    expected.extend(singles);
    store
        .log_batch(&id, &metrics("loss", &long[4000..]))
        .unwrap();
    store.log_batch(&id, &metrics("loss", &singles)).unwrap();
    check(store, &id, "loss", &expected, "a retried request");

    // Differing in the value, the step or the timestamp is a new point, in or out of order.
    let news = [
        point(5004, T0 + 6001, 2.0),
        point(5004, T0 + 6002, 1.0),
        point(9, T0, 0.5),
    ];
    store.log_batch(&id, &metrics("loss", &news)).unwrap();
    expected.extend(news);
    check(store, &id, "loss", &expected, "new points");
    assert_eq!(
        store.get_run(&id).unwrap().metrics[0].point_count,
        expected.len() as u64
    );

    // An importer's history is kept as given.
    store
        .append_metric(&id, "imported", &[point(0, T0, 1.0), point(0, T0, 1.0)])
        .unwrap();
    assert_eq!(store.metric_history(&id, "imported").unwrap().len(), 2);
}
