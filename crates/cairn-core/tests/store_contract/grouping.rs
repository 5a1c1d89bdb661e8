//! Contract: grouping a search's runs by a param (the runs table's "group by"), and the folders
//! the user asked to index or watch.

use cairn_core::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewRun, Param, SourceKind,
};
use cairn_core::search::parse_filter;
use cairn_core::{GroupMetric, IndexRoot, ParamGroup, RunSearch, Store};

fn run_with(store: &dyn Store, optimizer: Option<&str>, acc: Option<f64>) -> String {
    let run_id = store
        .create_run(&NewRun::new(ExperimentId::DEFAULT, SourceKind::MlflowApi))
        .unwrap()
        .info
        .run_id;
    let batch = LogBatch {
        params: optimizer
            .map(|value| {
                vec![Param {
                    key: "optimizer".to_owned(),
                    value: value.to_owned(),
                }]
            })
            .unwrap_or_default(),
        metrics: acc
            .map(|value| {
                vec![NamedMetricPoint {
                    key: "acc".to_owned(),
                    point: MetricPoint {
                        step: 0,
                        timestamp_ms: 1_700_000_000_000,
                        value,
                    },
                }]
            })
            .unwrap_or_default(),
        tags: Vec::new(),
    };
    store.log_batch(&run_id, &batch).unwrap();
    run_id
}

pub(crate) fn runs_group_by_param_value_with_a_metric_summary(store: &dyn Store) {
    run_with(store, Some("sgd"), Some(0.5));
    run_with(store, Some("adam"), Some(0.9));
    run_with(store, Some("sgd"), Some(0.7));
    run_with(store, Some("adam"), Some(f64::NAN));
    run_with(store, None, Some(0.1));
    run_with(store, Some("sgd"), None);

    let search = RunSearch {
        experiment_ids: vec![ExperimentId::DEFAULT],
        ..RunSearch::default()
    };
    let groups = store
        .group_runs_by_param(&search, "optimizer", Some("acc"))
        .unwrap();
    assert_eq!(
        groups,
        vec![
            ParamGroup {
                value: Some("adam".to_owned()),
                run_count: 2,
                metric: Some(GroupMetric {
                    min: 0.9,
                    max: 0.9,
                    mean: 0.9,
                    count: 1
                }),
            },
            ParamGroup {
                value: Some("sgd".to_owned()),
                run_count: 3,
                metric: Some(GroupMetric {
                    min: 0.5,
                    max: 0.7,
                    mean: 0.6,
                    count: 2
                }),
            },
            ParamGroup {
                value: None,
                run_count: 1,
                metric: Some(GroupMetric {
                    min: 0.1,
                    max: 0.1,
                    mean: 0.1,
                    count: 1
                }),
            },
        ],
        "sorted by value, runs without the param last, NaN left out of the summary"
    );

    // The filter applies before grouping; groups it empties are left out.
    let filtered = RunSearch {
        filter: parse_filter("metrics.acc >= 0.5").unwrap(),
        ..search.clone()
    };
    let groups = store
        .group_runs_by_param(&filtered, "optimizer", None)
        .unwrap();
    let counts: Vec<(Option<&str>, u64, bool)> = groups
        .iter()
        .map(|g| (g.value.as_deref(), g.run_count, g.metric.is_none()))
        .collect();
    assert_eq!(
        counts,
        vec![(Some("adam"), 1, true), (Some("sgd"), 2, true)]
    );

    // A key no run has: one group of every run.
    let groups = store.group_runs_by_param(&search, "nope", None).unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!((groups[0].value.as_deref(), groups[0].run_count), (None, 6));
}

pub(crate) fn index_roots_are_listed_watched_and_removed(store: &dyn Store) {
    assert_eq!(store.index_roots().unwrap(), Vec::<IndexRoot>::new());
    store.add_index_root("/data/b", false).unwrap();
    store.set_index_root_watched("/data/a", true).unwrap();
    let roots: Vec<(String, bool)> = store
        .index_roots()
        .unwrap()
        .into_iter()
        .map(|root| (root.path, root.watched))
        .collect();
    assert_eq!(
        roots,
        vec![("/data/a".to_owned(), true), ("/data/b".to_owned(), false)]
    );
    // Indexing a watched folder once does not stop watching it; unwatching does.
    store.add_index_root("/data/a", false).unwrap();
    assert!(store.index_roots().unwrap()[0].watched);
    store.set_index_root_watched("/data/a", false).unwrap();
    assert!(!store.index_roots().unwrap()[0].watched);

    assert!(store.remove_index_root("/data/a").unwrap());
    assert!(!store.remove_index_root("/data/a").unwrap());
    assert_eq!(store.index_roots().unwrap().len(), 1);
}
