//! A store that has just taken its first runs is searched with statistics of them: the search
//! tables, never analyzed, are analyzed before the search (by the store, not by autovacuum,
//! which may not have looked yet), and a search soon after does not analyze them again.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly on anything unexpected"
)]

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use super::PostgresStore;
use super::statistics::StatisticsWatch;
use crate::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewRun, Param, SourceKind,
};
use crate::search::{parse_filter, parse_order_by_list};
use crate::store::{RunSearch, RunSearchStore as _, TrackingStore as _};

/// The tables of the database that Cairn analyzed itself (`ANALYZE`, not autovacuum's), and how
/// many times in all.
fn analyzed(admin: &mut postgres::Client) -> (BTreeSet<String>, i64) {
    let rows = admin
        .query(
            "SELECT relname::TEXT, analyze_count FROM pg_stat_user_tables WHERE analyze_count > 0",
            &[],
        )
        .unwrap();
    let names = rows.iter().map(|row| row.get(0)).collect();
    let count = rows.iter().map(|row| row.get::<_, i64>(1)).sum();
    (names, count)
}

fn filtered_search() -> RunSearch {
    RunSearch {
        experiment_ids: vec![ExperimentId::DEFAULT],
        filter: parse_filter("params.p1 = 'v3'").unwrap(),
        order_by: parse_order_by_list(&["metrics.m2 DESC"]).unwrap(),
        max_results: 100,
        ..RunSearch::default()
    }
}

#[test]
fn a_search_after_a_new_stores_first_runs_analyzes_the_search_tables_once() {
    let url = cairn_test_support::postgres::fresh_database();
    let artifacts = tempfile::tempdir().unwrap();
    let store = PostgresStore::connect(&url, artifacts.path()).unwrap();
    // 600 rows in each table: past the store's 500, short of autovacuum's 1,000 (schema 9), so
    // that autovacuum does not analyze them first.
    for index in 0..600_u32 {
        let run_id = store
            .create_run(&NewRun::new(ExperimentId::DEFAULT, SourceKind::MlflowApi))
            .unwrap()
            .info
            .run_id;
        let point = |key: &str, value: f64| NamedMetricPoint {
            key: key.to_owned(),
            point: MetricPoint {
                step: 0,
                timestamp_ms: 0,
                value,
            },
        };
        let batch = LogBatch {
            params: vec![Param {
                key: "p1".to_owned(),
                value: format!("v{}", index % 7),
            }],
            metrics: vec![point("m2", f64::from(index))],
            ..LogBatch::default()
        };
        store.log_batch(&run_id, &batch).unwrap();
    }
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    assert_eq!(
        analyzed(&mut admin).0,
        BTreeSet::new(),
        "nothing analyzed before a search"
    );
    let wanted: BTreeSet<String> = ["runs", "params", "metric_series"]
        .map(str::to_owned)
        .into();
    // PostgreSQL counts the rows each session changed once it reports them, within a second or
    // so; the store looks again every two seconds.
    let deadline = Instant::now() + Duration::from_secs(30);
    let passing = (0..600).filter(|index| index % 7 == 3).count();
    while !analyzed(&mut admin).0.is_superset(&wanted) {
        assert!(
            Instant::now() < deadline,
            "not analyzed: {:?}",
            analyzed(&mut admin)
        );
        assert_eq!(
            store.search_runs(&filtered_search()).unwrap().runs.len(),
            passing
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, count) = analyzed(&mut admin);
    // Searched again past the next look: the tables hold what they held when analyzed.
    std::thread::sleep(Duration::from_millis(2_100));
    let page = store.search_runs(&filtered_search()).unwrap();
    assert_eq!(page.runs.len(), passing, "runs with p1 = v3");
    assert_eq!(
        analyzed(&mut admin).1,
        count,
        "analyzed again without a change"
    );
}

#[test]
fn a_process_looks_at_most_every_two_seconds() {
    let watch = StatisticsWatch::new();
    assert!(watch.claim());
    assert!(!watch.claim(), "claimed twice at once");
}
