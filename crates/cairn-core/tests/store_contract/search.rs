//! Run search: MLflow's filter and order_by through `search_runs`, view types, experiment
//! restriction, paging and counting.

use cairn_core::model::{
    ExperimentId, LifecycleStage, LogBatch, RunStatus, RunUpdate, Tag, ViewType,
};
use cairn_core::search::{parse_filter, parse_order_by_list};
use cairn_core::store::{MAX_RESULTS_LIMIT, RunSearch};
use cairn_core::{Store, StoreError};

use crate::{T0, create_run, experiment, metric, param};

/// Two experiments of runs:
///
/// | run | exp | start | status   | params              | latest metrics     | tags        |
/// |-----|-----|-------|----------|---------------------|--------------------|-------------|
/// | r1  | A   | +1s   | FINISHED | model=tree, lr=0.1  | acc .90, loss .3   | team=vision |
/// | r2  | A   | +2s   | RUNNING  | model=linear, lr=.01| acc .80, loss NaN  | team=nlp    |
/// | r3  | A   | +3s   | FAILED   | model=tree          | acc .95            |             |
/// | r4  | A   | +4s   | FINISHED | model=forest        | loss .1            | team=vision | (deleted)
/// | r5  | B   | +5s   | FINISHED | model=tree          | acc .70            |             |
struct World {
    a: ExperimentId,
    b: ExperimentId,
    /// Run ids of r1 to r5.
    ids: Vec<String>,
}

fn world(store: &dyn Store) -> World {
    let a = experiment(store, "search-a");
    let b = experiment(store, "search-b");
    let rows: [(
        &str,
        ExperimentId,
        RunStatus,
        &[(&str, &str)],
        &[(&str, f64)],
        &[(&str, &str)],
    ); 5] = [
        (
            "r1",
            a,
            RunStatus::Finished,
            &[("model", "tree"), ("lr", "0.1")],
            &[("acc", 0.90), ("loss", 0.3)],
            &[("team", "vision")],
        ),
        (
            "r2",
            a,
            RunStatus::Running,
            &[("model", "linear"), ("lr", "0.01")],
            &[("acc", 0.80), ("loss", f64::NAN)],
            &[("team", "nlp")],
        ),
        (
            "r3",
            a,
            RunStatus::Failed,
            &[("model", "tree")],
            &[("acc", 0.95)],
            &[],
        ),
        (
            "r4",
            a,
            RunStatus::Finished,
            &[("model", "forest")],
            &[("loss", 0.1)],
            &[("team", "vision")],
        ),
        (
            "r5",
            b,
            RunStatus::Finished,
            &[("model", "tree")],
            &[("acc", 0.70)],
            &[],
        ),
    ];
    let mut ids = Vec::new();
    for (index, (name, experiment_id, status, params, metrics, tags)) in
        rows.into_iter().enumerate()
    {
        let id = create_run(store, experiment_id, name, T0 + 1000 * (index as i64 + 1));
        ids.push(id.clone());
        let batch = LogBatch {
            // An earlier, smaller-step point first: the filter must see the latest one.
            metrics: metrics
                .iter()
                .flat_map(|(key, value)| [metric(key, 0, T0, -100.0), metric(key, 5, T0, *value)])
                .collect(),
            params: params
                .iter()
                .map(|(key, value)| param(key, value))
                .collect(),
            tags: tags
                .iter()
                .map(|(key, value)| Tag::new(*key, *value))
                .collect(),
        };
        store.log_batch(&id, &batch).unwrap();
        store
            .update_run(
                &id,
                &RunUpdate {
                    status: Some(status),
                    ..RunUpdate::default()
                },
            )
            .unwrap();
        if name == "r4" {
            store
                .set_run_lifecycle(&id, LifecycleStage::Deleted)
                .unwrap();
        }
    }
    World { a, b, ids }
}

fn names(store: &dyn Store, search: &RunSearch) -> Vec<String> {
    store
        .search_runs(search)
        .unwrap_or_else(|error| panic!("{search:?}: {error}"))
        .runs
        .into_iter()
        .map(|run| run.info.run_name)
        .collect()
}

fn search(experiment_ids: &[ExperimentId], filter: &str, order_by: &[&str]) -> RunSearch {
    RunSearch {
        experiment_ids: experiment_ids.to_vec(),
        filter: parse_filter(filter).unwrap_or_else(|error| panic!("{filter}: {error:?}")),
        order_by: parse_order_by_list(order_by)
            .unwrap_or_else(|error| panic!("{order_by:?}: {error:?}")),
        ..RunSearch::default()
    }
}

pub(crate) fn filters_and_order_by(store: &dyn Store) {
    let World { a, ids, .. } = world(store);
    let by_id = format!(
        "attributes.run_id IN ('{}', '{}', '{}')",
        ids[0], ids[2], ids[3]
    );
    let cases: &[(&str, &[&str], &[&str])] = &[
        (&by_id, &[], &["r3", "r1"]),
        // (filter, order_by, expected run names in order) over experiment A, active runs.
        ("", &[], &["r3", "r2", "r1"]),
        ("params.model = 'tree'", &[], &["r3", "r1"]),
        ("params.model != 'tree'", &[], &["r2"]),
        ("params.lr != '0.1'", &[], &["r2"]),
        ("params.model LIKE 't%'", &[], &["r3", "r1"]),
        ("params.model ILIKE 'TR%'", &[], &["r3", "r1"]),
        ("metrics.acc > 0.85", &[], &["r3", "r1"]),
        (
            "metrics.acc >= 0.8 AND metrics.acc <= 0.9",
            &[],
            &["r2", "r1"],
        ),
        ("metrics.acc < 0", &[], &[]),
        ("metrics.loss < 1", &[], &["r1"]),
        ("tags.team = 'vision'", &[], &["r1"]),
        ("tags.team != 'vision'", &[], &["r2"]),
        ("tags.`mlflow.runName` = 'r2'", &[], &["r2"]),
        ("attributes.status = 'FINISHED'", &[], &["r1"]),
        ("attributes.status != 'RUNNING'", &[], &["r3", "r1"]),
        ("attributes.run_name = 'r3'", &[], &["r3"]),
        ("attributes.start_time > 1700000001500", &[], &["r3", "r2"]),
        ("metrics.acc > 0.9 OR tags.team = 'nlp'", &[], &["r3", "r2"]),
        ("params.model = 'tree' AND metrics.acc > 0.92", &[], &["r3"]),
        ("", &["metrics.acc DESC"], &["r3", "r1", "r2"]),
        ("", &["metrics.acc ASC"], &["r2", "r1", "r3"]),
        ("", &["params.model ASC"], &["r2", "r3", "r1"]),
        ("", &["params.model DESC"], &["r3", "r1", "r2"]),
        ("", &["params.lr ASC"], &["r2", "r1", "r3"]),
        ("", &["params.lr DESC"], &["r1", "r2", "r3"]),
        ("", &["tags.team ASC"], &["r2", "r1", "r3"]),
        ("", &["attributes.start_time ASC"], &["r1", "r2", "r3"]),
        ("", &["attributes.run_name DESC"], &["r3", "r2", "r1"]),
        ("", &["attributes.status ASC"], &["r3", "r1", "r2"]),
        ("params.model = 'tree'", &["metrics.acc ASC"], &["r1", "r3"]),
    ];
    for (filter, order_by, expected) in cases {
        assert_eq!(
            names(store, &search(&[a], filter, order_by)),
            *expected,
            "filter {filter:?}, order_by {order_by:?}"
        );
    }
}

/// A NaN latest value never matches a comparison and sorts after every number, in both
/// directions, before runs that lack the metric (MLflow's SQL store).
pub(crate) fn nan_latest_is_filtered_out_and_sorted_after_values(store: &dyn Store) {
    let World { a, .. } = world(store);
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("metrics.loss >= 0", &[], &["r1"]),
        ("metrics.loss < 0", &[], &[]),
        ("metrics.loss != 0.3", &[], &[]),
        ("metrics.loss = 0.3", &[], &["r1"]),
        ("", &["metrics.loss ASC"], &["r1", "r2", "r3"]),
        ("", &["metrics.loss DESC"], &["r1", "r2", "r3"]),
    ];
    for (filter, order_by, expected) in cases {
        assert_eq!(
            names(store, &search(&[a], filter, order_by)),
            *expected,
            "filter {filter:?}, order_by {order_by:?}"
        );
    }
    let r2 = store
        .search_runs(&search(&[a], "attributes.run_name = 'r2'", &[]))
        .unwrap();
    let loss = r2.runs[0]
        .metrics
        .iter()
        .find(|metric| metric.key == "loss")
        .unwrap();
    assert!(
        loss.latest.value.is_nan(),
        "the latest NaN is returned as NaN"
    );
}

/// Pages of a search ordered by a metric cross from the runs with a value to the NaN one to the
/// run without the metric: every run once, in order, with its params, whatever the page size
/// and whether the total is asked for.
pub(crate) fn pages_cross_from_values_to_nan_to_missing(store: &dyn Store) {
    let World { a, .. } = world(store);
    for order in ["metrics.loss ASC", "metrics.loss DESC"] {
        for count_total in [false, true] {
            for page_size in 1..=4 {
                let mut offset = 0;
                let mut seen: Vec<(String, usize)> = Vec::new();
                loop {
                    let page = store
                        .search_runs(&RunSearch {
                            max_results: page_size,
                            offset,
                            count_total,
                            ..search(&[a], "", &[order])
                        })
                        .unwrap();
                    let case = format!("{order}, page size {page_size}, total {count_total}");
                    assert!(page.runs.len() <= page_size, "{case}");
                    assert_eq!(page.total_count, count_total.then_some(3), "{case}");
                    seen.extend(
                        page.runs
                            .into_iter()
                            .map(|run| (run.info.run_name, run.params.len())),
                    );
                    match page.next_offset {
                        Some(next) => offset = next,
                        None => break,
                    }
                    assert!(seen.len() <= 3, "{case}: paging does not end");
                }
                assert_eq!(
                    seen,
                    [
                        ("r1".to_owned(), 2),
                        ("r2".to_owned(), 2),
                        ("r3".to_owned(), 1)
                    ],
                    "{order}, page size {page_size}, total {count_total}"
                );
            }
        }
    }
}

pub(crate) fn paging_and_count_total(store: &dyn Store) {
    let World { a, b, .. } = world(store);
    let all = names(store, &search(&[a, b], "", &[]));
    assert_eq!(all, ["r5", "r3", "r2", "r1"]);
    for page_size in 1..=5 {
        let mut offset = 0;
        let mut seen: Vec<String> = Vec::new();
        let mut pages = 0;
        loop {
            let page = store
                .search_runs(&RunSearch {
                    max_results: page_size,
                    offset,
                    count_total: true,
                    ..search(&[a, b], "", &[])
                })
                .unwrap();
            pages += 1;
            assert_eq!(page.total_count, Some(4), "page size {page_size}");
            assert!(page.runs.len() <= page_size);
            seen.extend(page.runs.into_iter().map(|run| run.info.run_name));
            match page.next_offset {
                Some(next) => {
                    assert_eq!(next, offset + page_size, "page size {page_size}");
                    offset = next;
                }
                None => break,
            }
            assert!(pages <= 5, "page size {page_size}: paging does not end");
        }
        assert_eq!(seen, all, "page size {page_size}: every run once, in order");
        assert_eq!(
            pages,
            4_usize.div_ceil(page_size),
            "page size {page_size}: no empty last page"
        );
    }
    let uncounted = store.search_runs(&search(&[a, b], "", &[])).unwrap();
    assert_eq!(uncounted.total_count, None);
    assert_eq!(uncounted.next_offset, None);
    let filtered = store
        .search_runs(&RunSearch {
            max_results: 1,
            count_total: true,
            ..search(&[a, b], "params.model = 'tree'", &[])
        })
        .unwrap();
    assert_eq!(
        filtered.total_count,
        Some(3),
        "count_total counts the filtered runs"
    );
    assert_eq!(filtered.next_offset, Some(1));
    let beyond = store
        .search_runs(&RunSearch {
            offset: 10,
            ..search(&[a, b], "", &[])
        })
        .unwrap();
    assert!(beyond.runs.is_empty() && beyond.next_offset.is_none());
}

pub(crate) fn view_types_and_experiment_restriction(store: &dyn Store) {
    let World { a, b, .. } = world(store);
    let in_view = |experiment_ids: &[ExperimentId], view: ViewType| {
        names(
            store,
            &RunSearch {
                view,
                ..search(experiment_ids, "", &[])
            },
        )
    };
    assert_eq!(in_view(&[a], ViewType::ActiveOnly), ["r3", "r2", "r1"]);
    assert_eq!(in_view(&[a], ViewType::DeletedOnly), ["r4"]);
    assert_eq!(in_view(&[a], ViewType::All), ["r4", "r3", "r2", "r1"]);
    assert_eq!(in_view(&[b], ViewType::ActiveOnly), ["r5"]);
    assert_eq!(in_view(&[b], ViewType::DeletedOnly), Vec::<String>::new());
    assert_eq!(
        in_view(&[a, b], ViewType::All),
        ["r5", "r4", "r3", "r2", "r1"]
    );
    assert_eq!(
        in_view(&[], ViewType::ActiveOnly),
        ["r5", "r3", "r2", "r1"],
        "no ids: every experiment"
    );
    assert_eq!(
        in_view(&[ExperimentId::DEFAULT], ViewType::All),
        Vec::<String>::new()
    );
    assert_eq!(
        in_view(&[ExperimentId(9999)], ViewType::All),
        Vec::<String>::new()
    );
    assert_eq!(
        names(store, &search(&[a, b], "params.model = 'tree'", &[])),
        ["r5", "r3", "r1"]
    );
}

pub(crate) fn max_results_bounds(store: &dyn Store) {
    world(store);
    for max_results in [0, MAX_RESULTS_LIMIT + 1, usize::MAX] {
        let error = assert_err!(
            store.search_runs(&RunSearch {
                max_results,
                ..RunSearch::default()
            }),
            StoreError::Invalid { .. }
        );
        assert!(error.to_string().contains("max_results"), "{error}");
    }
    for max_results in [1, 1000, MAX_RESULTS_LIMIT] {
        store
            .search_runs(&RunSearch {
                max_results,
                ..RunSearch::default()
            })
            .unwrap_or_else(|error| panic!("max_results {max_results}: {error}"));
    }
    assert_eq!(
        RunSearch::default().max_results,
        1000,
        "MLflow's default page size"
    );
    assert_eq!(MAX_RESULTS_LIMIT, 50_000);
}

pub(crate) fn slices_hand_over_the_page_in_order(store: &dyn Store) {
    let World { a, b, ids } = world(store);
    store
        .log_run_outputs(
            &ids[2],
            &[cairn_core::model::ModelOutput {
                model_id: "m-1".into(),
                step: 2,
            }],
        )
        .unwrap();
    let searches = [
        search(&[a, b], "", &[]),
        search(&[a], "", &[]),
        search(&[a, b], "params.model = 'tree'", &["metrics.acc DESC"]),
        RunSearch {
            max_results: 2,
            offset: 1,
            count_total: true,
            ..search(&[a, b], "", &[])
        },
    ];
    for whole_search in searches {
        let whole = store.search_runs(&whole_search).unwrap();
        let run_ids: Vec<String> = whole
            .runs
            .iter()
            .map(|run| run.info.run_id.clone())
            .collect();
        let whole_ios = store.runs_io(&run_ids).unwrap();
        for slice_runs in [1, 2, 3, 100] {
            let mut runs = Vec::new();
            let mut ios = Vec::new();
            let mut calls = 0;
            let page = store
                .search_runs_in_slices(&whole_search, slice_runs, &mut |slice, slice_ios| {
                    assert!(!slice.is_empty() && slice.len() <= slice_runs);
                    assert_eq!(slice.len(), slice_ios.len());
                    calls += 1;
                    runs.extend(slice);
                    ios.extend(slice_ios);
                    Ok(())
                })
                .unwrap();
            let context = format!("{whole_search:?}, slices of {slice_runs}");
            // Compared as text: a NaN metric keeps equal runs from comparing equal.
            assert_eq!(
                format!("{runs:?}"),
                format!("{:?}", whole.runs),
                "{context}"
            );
            assert_eq!(ios, whole_ios, "{context}");
            assert_eq!(calls, whole.runs.len().div_ceil(slice_runs), "{context}");
            assert!(page.runs.is_empty(), "{context}");
            assert_eq!(page.next_offset, whole.next_offset, "{context}");
            assert_eq!(page.total_count, whole.total_count, "{context}");
        }
    }
    // An error from the callback stops the search and is returned.
    let stopped = store.search_runs_in_slices(&search(&[a, b], "", &[]), 1, &mut |_, _| {
        Err(StoreError::invalid("test", "stop"))
    });
    assert_err!(stopped, StoreError::Invalid { .. });
}
