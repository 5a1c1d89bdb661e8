//! The set-based executor against the one-statement SQL path, on a store of a few hundred runs
//! with many ties, missing values, NaN and infinities, deleted runs and two experiments: every
//! random search must give the same page, next offset and count.

use cairn_test_support::Random;
use rusqlite::{Connection, params};

use crate::model::{ExperimentId, ViewType};
use crate::search::{
    CompareOp, Comparison, DatasetField, Field, Filter, Literal, OrderBy, Predicate, RunAttribute,
    Span,
};
use crate::store::{RunPage, RunSearch, SqliteStore};

const TEXTS: &[&str] = &[
    "a", "b", "B", "ab", "a%", "%b", "_", "%", "", "x*y", "é", "0.1", "1e-3",
];
const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    0.5,
    1.0,
    -1.0,
    3.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];
const NAMES: &[&str] = &["alpha", "Alpha", "beta", "b_ta", "", "gamma[1]"];
const STATUSES: &[&str] = &["RUNNING", "FINISHED", "FAILED", "KILLED", "SCHEDULED"];

/// A migrated store filled with random runs through plain SQL; returns a connection to it.
fn store(random: &mut Random, runs: usize, directory: &std::path::Path) -> Connection {
    let path = directory.join("search.db");
    drop(SqliteStore::open(&path).unwrap());
    let db = Connection::open(&path).unwrap();
    db.execute_batch(
        "INSERT INTO experiments (experiment_id, name) VALUES (1, 'one');
         INSERT INTO datasets (id, experiment_id, name, digest) VALUES
             (1, 0, 'custom', 'd1'), (2, 0, 'Custom', 'd2'), (3, 1, 'other', 'd1');",
    )
    .unwrap();
    for id in 1..=runs as i64 {
        let uuid = format!("{:04x}", random.below(0x10000));
        let start = (!random.chance(10)).then(|| 1000 + random.below(40) as i64);
        let end = (!random.chance(30)).then(|| random.below(60) as i64);
        db.execute(
            "INSERT INTO runs (id, run_uuid, experiment_id, name, user_id, status, start_time_ms,
                               end_time_ms, lifecycle_stage, artifact_uri, source_kind)
             VALUES (?, ? || ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo')",
            params![
                id,
                uuid,
                id,
                random.below(2) as i64,
                random.pick(NAMES),
                random.pick(&["u1", "u2", "U1"]),
                random.pick(STATUSES),
                start,
                end,
                if random.chance(15) {
                    "deleted"
                } else {
                    "active"
                },
                random.pick(TEXTS),
            ],
        )
        .unwrap();
        for table in ["params", "tags"] {
            for key in ["k1", "k2", "k.3"] {
                if random.chance(70) {
                    db.execute(
                        &format!("INSERT INTO {table} (run_id, key, value) VALUES (?, ?, ?)"),
                        params![id, key, random.pick(TEXTS)],
                    )
                    .unwrap();
                }
            }
        }
        for key in ["m1", "m2"] {
            if random.chance(75) {
                let value = random.pick(NUMBERS);
                db.execute(
                    "INSERT INTO metric_series (run_id, key, latest_value, latest_is_nan,
                                                latest_step, latest_timestamp_ms)
                     VALUES (?, ?, ?, ?, 0, 0)",
                    params![id, key, (!value.is_nan()).then_some(value), value.is_nan()],
                )
                .unwrap();
            }
        }
        for dataset in 1..=3i64 {
            if random.chance(20) {
                db.execute(
                    "INSERT INTO run_inputs (run_id, dataset_id) VALUES (?, ?)",
                    params![id, dataset],
                )
                .unwrap();
                if random.chance(60) {
                    db.execute(
                        "INSERT INTO run_input_tags (run_id, dataset_id, key, value)
                         VALUES (?, ?, 'mlflow.data.context', ?)",
                        params![id, dataset, random.pick(&["train", "eval"])],
                    )
                    .unwrap();
                }
            }
        }
    }
    db
}

fn random_comparison(random: &mut Random) -> Filter {
    let numeric = random.pick(&[
        CompareOp::Eq,
        CompareOp::NotEq,
        CompareOp::Lt,
        CompareOp::LtEq,
        CompareOp::Gt,
        CompareOp::GtEq,
    ]);
    let textual = random.pick(&[
        CompareOp::Eq,
        CompareOp::NotEq,
        CompareOp::Like,
        CompareOp::ILike,
    ]);
    let number = Literal::Number(random.pick(&[0.0, 0.5, 1.0, -1.0, 1020.0, 30.0, f64::INFINITY]));
    let text = Literal::Text(random.pick(TEXTS).to_owned());
    let list: Vec<String> = (0..1 + random.below(3))
        .map(|_| random.pick(TEXTS).to_owned())
        .collect();
    let null_test = |random: &mut Random| {
        if random.chance(50) {
            Predicate::IsNull
        } else {
            Predicate::IsNotNull
        }
    };
    let (field, predicate) = match random.below(10) {
        0 | 1 => (
            Field::Metric(random.pick(&["m1", "m2", "none"]).to_owned()),
            Predicate::Compare {
                op: numeric,
                value: number,
            },
        ),
        2 => (
            Field::Param(random.pick(&["k1", "k2", "k.3"]).to_owned()),
            Predicate::Compare {
                op: textual,
                value: text,
            },
        ),
        3 => (
            Field::Tag(random.pick(&["k1", "k.3", "none"]).to_owned()),
            Predicate::Compare {
                op: textual,
                value: text,
            },
        ),
        4 => {
            let key = random.pick(&["k1", "k2", "none"]).to_owned();
            let field = match random.below(3) {
                0 => Field::Param(key),
                1 => Field::Tag(key),
                _ => Field::Metric(random.pick(&["m1", "m2"]).to_owned()),
            };
            (field, null_test(random))
        }
        5 => (
            Field::Attribute(random.pick(&[RunAttribute::StartTime, RunAttribute::EndTime])),
            Predicate::Compare {
                op: numeric,
                value: number,
            },
        ),
        6 => (
            Field::Attribute(random.pick(&[
                RunAttribute::RunName,
                RunAttribute::UserId,
                RunAttribute::Status,
                RunAttribute::ArtifactUri,
            ])),
            Predicate::Compare {
                op: textual,
                value: text,
            },
        ),
        7 => (
            Field::Attribute(RunAttribute::Status),
            if random.chance(50) {
                Predicate::In(vec![random.pick(STATUSES).to_owned()])
            } else {
                Predicate::NotIn(vec![random.pick(STATUSES).to_owned()])
            },
        ),
        8 => (
            Field::Dataset(random.pick(&[
                DatasetField::Name,
                DatasetField::Digest,
                DatasetField::Context,
            ])),
            Predicate::Compare {
                op: textual,
                value: Literal::Text(random.pick(&["custom", "d1", "train", "%o%"]).to_owned()),
            },
        ),
        _ => (
            Field::Dataset(random.pick(&[DatasetField::Name, DatasetField::Context])),
            if random.chance(50) {
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
    if depth < 3 && random.chance(35) {
        let children = (0..2 + random.below(2))
            .map(|_| random_filter(random, depth + 1))
            .collect();
        return if random.chance(50) {
            Filter::And(children)
        } else {
            Filter::Or(children)
        };
    }
    random_comparison(random)
}

fn random_order(random: &mut Random) -> Vec<OrderBy> {
    let fields = [
        Field::Metric("m1".into()),
        Field::Metric("m2".into()),
        Field::Metric("none".into()),
        Field::Param("k1".into()),
        Field::Tag("k.3".into()),
        Field::Attribute(RunAttribute::StartTime),
        Field::Attribute(RunAttribute::EndTime),
        Field::Attribute(RunAttribute::Status),
        Field::Attribute(RunAttribute::UserId),
        Field::Attribute(RunAttribute::RunName),
        Field::Attribute(RunAttribute::ArtifactUri),
        Field::Attribute(RunAttribute::RunId),
    ];
    let mut order: Vec<OrderBy> = Vec::new();
    for _ in 0..random.below(4) {
        let field = random.pick(&fields);
        if order.iter().all(|entry| entry.field != field) {
            order.push(OrderBy {
                field,
                descending: random.chance(50),
            });
        }
    }
    order
}

fn random_search(random: &mut Random) -> RunSearch {
    RunSearch {
        experiment_ids: match random.below(4) {
            0 => Vec::new(),
            1 => vec![ExperimentId(0), ExperimentId(1)],
            other => vec![ExperimentId(other as i64 - 2)],
        },
        filter: random.chance(80).then(|| random_filter(random, 0)),
        order_by: random_order(random),
        view: random.pick(&[ViewType::ActiveOnly, ViewType::DeletedOnly, ViewType::All]),
        max_results: random.pick(&[1, 3, 10, 50, 1000]),
        offset: random.pick(&[0, 0, 1, 5, 20, 100, 500]),
        count_total: random.chance(50),
    }
}

fn summary(page: &RunPage) -> (Vec<String>, Option<usize>, Option<u64>) {
    (
        page.runs
            .iter()
            .map(|run| run.info.run_id.clone())
            .collect(),
        page.next_offset,
        page.total_count,
    )
}

#[test]
fn sets_agree_with_sql_on_random_searches() {
    let directory = tempfile::tempdir().unwrap();
    let mut random = Random(0x5EED_1234_ABCD_0001);
    let db = store(&mut random, 300, directory.path());
    let mut non_empty = 0;
    for _ in 0..2_000 {
        let search = random_search(&mut random);
        let sets = super::search_runs(&db, &super::ScopeCache::default(), &search).unwrap();
        let sql = super::sql_path::search_runs(&db, &search).unwrap();
        // Pages are compared by run ids (the runs' contents come from the same loader, and NaN
        // metrics keep whole pages from comparing equal).
        assert_eq!(summary(&sets), summary(&sql), "{search:?}");
        non_empty += usize::from(sets.runs.len() > 1);
    }
    assert!(
        non_empty > 600,
        "only {non_empty} searches found more than one run"
    );
}

#[test]
fn pages_walk_every_match_once_in_order() {
    let directory = tempfile::tempdir().unwrap();
    let mut random = Random(0x00DD_BA11);
    let db = store(&mut random, 120, directory.path());
    for order_by in [
        Vec::new(),
        vec![OrderBy {
            field: Field::Param("k1".into()),
            descending: true,
        }],
    ] {
        let all = RunSearch {
            order_by: order_by.clone(),
            view: ViewType::All,
            ..RunSearch::default()
        };
        let everything =
            summary(&super::search_runs(&db, &super::ScopeCache::default(), &all).unwrap()).0;
        assert_eq!(everything.len(), 120);
        let mut walked = Vec::new();
        let mut offset = 0;
        loop {
            let search = RunSearch {
                max_results: 7,
                offset,
                ..all.clone()
            };
            let page = super::search_runs(&db, &super::ScopeCache::default(), &search).unwrap();
            walked.extend(summary(&page).0);
            match page.next_offset {
                Some(next) => offset = next,
                None => break,
            }
        }
        assert_eq!(walked, everything);
    }
}

#[test]
fn sparse_run_ids_take_the_sql_path_with_the_same_answers() {
    let directory = tempfile::tempdir().unwrap();
    let mut random = Random(77);
    let db = store(&mut random, 50, directory.path());
    db.execute(
        "INSERT INTO runs (id, run_uuid, experiment_id, start_time_ms, source_kind)
         VALUES (50000000, 'far', 0, 5000, 'demo'), (-4, 'negative', 0, 4000, 'demo')",
        [],
    )
    .unwrap();
    assert_eq!(super::scope::id_bound(&db).unwrap(), None);
    let page = super::search_runs(
        &db,
        &super::ScopeCache::default(),
        &RunSearch {
            max_results: 2,
            ..RunSearch::default()
        },
    )
    .unwrap();
    assert_eq!(
        summary(&page).0,
        vec!["far".to_owned(), "negative".to_owned()]
    );
    db.execute("DELETE FROM runs WHERE id IN (50000000, -4)", [])
        .unwrap();
    assert_eq!(super::scope::id_bound(&db).unwrap(), Some(51));
}

#[test]
fn an_empty_store_has_no_runs_to_find() {
    let directory = tempfile::tempdir().unwrap();
    let db = store(&mut Random(1), 0, directory.path());
    let search = RunSearch {
        count_total: true,
        ..RunSearch::default()
    };
    let page = super::search_runs(&db, &super::ScopeCache::default(), &search).unwrap();
    assert_eq!(summary(&page), (Vec::new(), None, Some(0)));
    let too_many = RunSearch {
        max_results: 0,
        ..RunSearch::default()
    };
    assert!(super::search_runs(&db, &super::ScopeCache::default(), &too_many).is_err());
}

#[test]
fn the_queries_read_covering_indexes_in_order() {
    let directory = tempfile::tempdir().unwrap();
    let db = store(&mut Random(5), 10, directory.path());
    let plan = |sql: &str| -> String {
        let mut statement = db.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = statement
            .query_map([], |row| row.get::<_, String>(3))
            .unwrap();
        rows.collect::<Result<Vec<_>, _>>().unwrap().join("; ")
    };
    let cases = [
        (
            "SELECT id FROM runs ORDER BY start_time_ms DESC, run_uuid ASC",
            "runs_by_start",
        ),
        (
            "SELECT id, start_time_ms FROM runs ORDER BY start_time_ms",
            "runs_by_start",
        ),
        (
            "SELECT run_id, latest_value, latest_is_nan FROM metric_series WHERE key = 'm1' \
             ORDER BY latest_value",
            "metric_series_by_key_value",
        ),
        (
            "SELECT run_id FROM metric_series WHERE key = 'm1' AND latest_value > 0.5",
            "metric_series_by_key_value",
        ),
        (
            "SELECT run_id, value FROM params WHERE key = 'k1' ORDER BY value",
            "params_by_key_value",
        ),
        (
            "SELECT run_id, value FROM tags WHERE key = 'k1' ORDER BY value",
            "tags_by_key_value",
        ),
        (
            "SELECT id FROM runs WHERE experiment_id IN (SELECT value FROM json_each('[1]')) \
             AND lifecycle_stage = 'active'",
            "runs_by_experiment",
        ),
    ];
    for (sql, index) in cases {
        let plan = plan(sql);
        assert!(
            plan.contains(&format!("COVERING INDEX {index}")),
            "{sql}\n  {plan}"
        );
        assert!(!plan.contains("TEMP B-TREE"), "{sql}\n  {plan}");
    }
    // The newest-first page walks one experiment's runs in start-time order and only sorts
    // runs that start at the same millisecond by id.
    let sql = super::newest_first::newest_first_sql()
        .replace("?1", "1")
        .replace("?2", "'active'")
        .replace("?3", "101")
        .replace("?4", "0");
    let plan = plan(&sql);
    assert!(plan.contains("INDEX runs_by_experiment"), "{sql}\n  {plan}");
    assert!(
        !plan.contains("TEMP B-TREE FOR ORDER BY"),
        "{sql}\n  {plan}"
    );
}

#[test]
fn groups_from_sets_agree_with_groups_from_sql_pages() {
    let directory = tempfile::tempdir().unwrap();
    let mut random = Random(0x0000_6A0B_5EED);
    let db = store(&mut random, 300, directory.path());
    let bound = super::scope::id_bound(&db).unwrap().unwrap();
    for round in 0..200 {
        let search = random_search(&mut random);
        let key = ["k1", "k2", "k.3"][round % 3];
        let metric = ["m1", "m2"][round % 2];
        let sets = super::groups::tally_sets(
            &db,
            &super::ScopeCache::default(),
            &search,
            key,
            Some(metric),
            bound,
        )
        .unwrap();
        let pages = super::groups::tally_pages(&db, &search, key, Some(metric)).unwrap();
        let shape = |tallies: &std::collections::BTreeMap<Option<String>, super::groups::Tally>| {
            tallies
                .iter()
                .map(|(value, tally)| {
                    let metric = tally
                        .metric
                        .as_ref()
                        .map(|m| (m.min.to_bits(), m.max.to_bits(), m.count));
                    (value.clone(), tally.runs, metric)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(&sets), shape(&pages), "{search:?} by {key}");
        for (value, tally) in &sets {
            let (Some(a), Some(b)) = (&tally.metric, &pages[value].metric) else {
                continue;
            };
            assert!((a.mean - b.mean).abs() <= 1e-9 * a.mean.abs().max(1.0));
        }
    }
}
