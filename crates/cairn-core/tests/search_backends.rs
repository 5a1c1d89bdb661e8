//! The PostgreSQL store's run search against the SQLite store's, which is the reference: the same
//! runs logged to both through the store API (many ties, missing keys, NaN and infinities,
//! strings with LIKE's and GLOB's wildcards, mixed case and non-ASCII letters, datasets, deleted
//! runs, two experiments), then thousands of random filters, orders and pages, each of which must
//! give the same page, next offset and count on both; and the same for grouping by a param.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_core::model::{
    Dataset, DatasetInput, ExperimentId, LifecycleStage, LogBatch, MetricPoint, NamedMetricPoint,
    NewExperiment, NewRun, Param, RunStatus, RunUpdate, SourceKind, Tag, ViewType,
};
use cairn_core::search::{
    CompareOp, Comparison, DatasetField, Field, Filter, Literal, OrderBy, Predicate, RunAttribute,
    Span,
};
use cairn_core::{PostgresStore, RunPage, RunSearch, RunSearchStore, SqliteStore, Store};
use cairn_test_support::Random;
use cairn_test_support::postgres::fresh_database;

const TEXTS: &[&str] = &[
    "a", "b", "B", "ab", "a%", "%b", "_", "%", "", "x*y", "é", "É", "0.1", "1e-3", "a\\b",
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
const NAMES: &[&str] = &["alpha", "Alpha", "beta", "b_ta", "gamma[1]", "Ünter"];
const STATUSES: &[RunStatus] = &[
    RunStatus::Running,
    RunStatus::Finished,
    RunStatus::Failed,
    RunStatus::Killed,
    RunStatus::Scheduled,
];

/// Both stores and the ids each gave the two experiments.
struct Stores {
    _dir: tempfile::TempDir,
    sqlite: SqliteStore,
    postgres: PostgresStore,
    sqlite_experiments: [ExperimentId; 2],
    postgres_experiments: [ExperimentId; 2],
}

fn stores(seed: u64, runs: usize) -> Stores {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("reference.db")).unwrap();
    let postgres =
        PostgresStore::connect(&fresh_database(), &dir.path().join("artifacts")).unwrap();
    let sqlite_experiments = fill(&sqlite, &mut Random(seed), runs);
    let postgres_experiments = fill(&postgres, &mut Random(seed), runs);
    Stores {
        _dir: dir,
        sqlite,
        postgres,
        sqlite_experiments,
        postgres_experiments,
    }
}

/// Logs `runs` random runs (drawn from `random`) through the store API.
fn fill(store: &dyn Store, random: &mut Random, runs: usize) -> [ExperimentId; 2] {
    let experiments = ["one", "two"].map(|name| {
        store
            .create_experiment(&NewExperiment {
                name: name.into(),
                ..NewExperiment::default()
            })
            .unwrap()
    });
    for index in 0..runs {
        let experiment_id = experiments[random.below(2)];
        let run_id = format!("{:016x}{index:016x}", random.next_u64());
        store
            .create_run(&NewRun {
                run_id: Some(run_id.clone()),
                run_name: random.pick(NAMES).to_owned(),
                user_id: random.pick(&["u1", "u2", "U1"]).to_owned(),
                start_time_ms: Some(1000 + random.below(40) as i64),
                status: random.pick(STATUSES),
                ..NewRun::new(experiment_id, SourceKind::MlflowApi)
            })
            .unwrap();
        if !random.chance(30) {
            store
                .update_run(
                    &run_id,
                    &RunUpdate {
                        end_time_ms: Some(random.below(60) as i64),
                        ..RunUpdate::default()
                    },
                )
                .unwrap();
        }
        let mut batch = LogBatch::default();
        for key in ["k1", "k2", "k.3"] {
            if random.chance(70) {
                batch.params.push(Param {
                    key: key.into(),
                    value: random.pick(TEXTS).to_owned(),
                });
            }
            if random.chance(70) {
                batch.tags.push(Tag::new(key, random.pick(TEXTS)));
            }
        }
        for key in ["m1", "m2"] {
            if random.chance(75) {
                batch.metrics.push(NamedMetricPoint {
                    key: key.into(),
                    point: MetricPoint {
                        step: 0,
                        timestamp_ms: 0,
                        value: random.pick(NUMBERS),
                    },
                });
            }
        }
        store.log_batch(&run_id, &batch).unwrap();
        let mut inputs: Vec<DatasetInput> = Vec::new();
        for (name, digest) in [("custom", "d1"), ("Custom", "d2"), ("other", "d1")] {
            if !random.chance(20) {
                continue;
            }
            inputs.push(DatasetInput {
                dataset: Dataset {
                    name: name.into(),
                    digest: digest.into(),
                    ..Dataset::default()
                },
                tags: if random.chance(60) {
                    vec![Tag::new(
                        "mlflow.data.context",
                        random.pick(&["train", "eval"]),
                    )]
                } else {
                    Vec::new()
                },
            });
        }
        if !inputs.is_empty() {
            store.log_run_inputs(&run_id, &inputs).unwrap();
        }
        if random.chance(15) {
            store
                .set_run_lifecycle(&run_id, LifecycleStage::Deleted)
                .unwrap();
        }
    }
    experiments
}

fn comparison(field: Field, predicate: Predicate) -> Filter {
    Filter::Compare(Comparison {
        field,
        predicate,
        span: Span::default(),
    })
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
    let null_test = if random.chance(50) {
        Predicate::IsNull
    } else {
        Predicate::IsNotNull
    };
    let compare = |op, value| Predicate::Compare { op, value };
    match random.below(11) {
        0 | 1 => comparison(
            Field::Metric(random.pick(&["m1", "m2", "none"]).to_owned()),
            compare(numeric, number),
        ),
        2 => comparison(
            Field::Param(random.pick(&["k1", "k2", "k.3"]).to_owned()),
            compare(textual, text),
        ),
        3 => comparison(
            Field::Tag(random.pick(&["k1", "k.3", "none"]).to_owned()),
            compare(textual, text),
        ),
        4 => {
            let key = random.pick(&["k1", "k2", "none"]).to_owned();
            let field = match random.below(3) {
                0 => Field::Param(key),
                1 => Field::Tag(key),
                _ => Field::Metric(random.pick(&["m1", "m2"]).to_owned()),
            };
            comparison(field, null_test)
        }
        5 => comparison(
            Field::Attribute(random.pick(&[RunAttribute::StartTime, RunAttribute::EndTime])),
            compare(numeric, number),
        ),
        6 => comparison(
            Field::Attribute(random.pick(&[
                RunAttribute::RunName,
                RunAttribute::UserId,
                RunAttribute::Status,
            ])),
            compare(
                textual,
                Literal::Text(
                    random
                        .pick(&["alpha", "u_", "U%", "%TA", "É%", "ünter"])
                        .to_owned(),
                ),
            ),
        ),
        7 => comparison(
            Field::Attribute(RunAttribute::Status),
            if random.chance(50) {
                Predicate::In(vec![random.pick(STATUSES).as_str().to_owned()])
            } else {
                Predicate::NotIn(vec![random.pick(STATUSES).as_str().to_owned()])
            },
        ),
        8 => comparison(
            Field::Dataset(random.pick(&[
                DatasetField::Name,
                DatasetField::Digest,
                DatasetField::Context,
            ])),
            compare(
                textual,
                Literal::Text(random.pick(&["custom", "d1", "train", "%o%"]).to_owned()),
            ),
        ),
        9 => comparison(
            Field::Dataset(random.pick(&[DatasetField::Name, DatasetField::Context])),
            if random.chance(50) {
                Predicate::In(list)
            } else {
                Predicate::NotIn(list)
            },
        ),
        _ => comparison(
            Field::Attribute(RunAttribute::UserId),
            compare(
                random.pick(&[CompareOp::Lt, CompareOp::GtEq]),
                Literal::Text("u".into()),
            ),
        ),
    }
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

/// A random search; its experiments are indexes (0, 1) into each store's pair.
fn random_search(random: &mut Random) -> (RunSearch, Vec<usize>) {
    let experiments = match random.below(4) {
        0 => Vec::new(),
        1 => vec![0, 1],
        other => vec![other - 2],
    };
    let search = RunSearch {
        experiment_ids: Vec::new(),
        filter: random.chance(80).then(|| random_filter(random, 0)),
        order_by: random_order(random),
        view: random.pick(&[ViewType::ActiveOnly, ViewType::DeletedOnly, ViewType::All]),
        max_results: random.pick(&[1, 3, 10, 50, 1000]),
        offset: random.pick(&[0, 0, 1, 5, 20, 100]),
        count_total: random.chance(50),
    };
    (search, experiments)
}

fn in_experiments(search: &RunSearch, indexes: &[usize], ids: [ExperimentId; 2]) -> RunSearch {
    RunSearch {
        experiment_ids: indexes.iter().map(|&index| ids[index]).collect(),
        ..search.clone()
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
fn postgres_searches_agree_with_sqlite_on_random_searches() {
    let stores = stores(0x5EED_1234_ABCD_0001, 250);
    let mut random = Random(0x00C0_FFEE);
    let mut non_empty = 0;
    for _ in 0..1_500 {
        let (search, experiments) = random_search(&mut random);
        let reference = stores
            .sqlite
            .search_runs(&in_experiments(
                &search,
                &experiments,
                stores.sqlite_experiments,
            ))
            .unwrap();
        let found = stores
            .postgres
            .search_runs(&in_experiments(
                &search,
                &experiments,
                stores.postgres_experiments,
            ))
            .unwrap_or_else(|error| panic!("{search:?}: {error}"));
        assert_eq!(summary(&found), summary(&reference), "{search:?}");
        non_empty += usize::from(found.runs.len() > 1);
    }
    assert!(
        non_empty > 400,
        "only {non_empty} searches found more than one run"
    );
}

#[test]
fn postgres_groups_agree_with_sqlite_on_random_searches() {
    let stores = stores(0x0000_6A0B_5EED, 200);
    let mut random = Random(0x0BAD_CAFE);
    for round in 0..200 {
        let (search, experiments) = random_search(&mut random);
        let key = ["k1", "k2", "k.3", "none"][round % 4];
        let metric = [Some("m1"), Some("m2"), None][round % 3];
        let reference = stores
            .sqlite
            .group_runs_by_param(
                &in_experiments(&search, &experiments, stores.sqlite_experiments),
                key,
                metric,
            )
            .unwrap();
        let found = stores
            .postgres
            .group_runs_by_param(
                &in_experiments(&search, &experiments, stores.postgres_experiments),
                key,
                metric,
            )
            .unwrap();
        let shape = |groups: &[cairn_core::ParamGroup]| {
            groups
                .iter()
                .map(|group| {
                    // Adding 0.0 makes -0.0 into 0.0: SQLite keeps no sign on a zero.
                    let metric = group
                        .metric
                        .as_ref()
                        .map(|m| ((m.min + 0.0).to_bits(), (m.max + 0.0).to_bits(), m.count));
                    (group.value.clone(), group.run_count, metric)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(&found), shape(&reference), "{search:?} by {key}");
        for (found, reference) in found.iter().zip(&reference) {
            if let (Some(a), Some(b)) = (&found.metric, &reference.metric) {
                assert!((a.mean - b.mean).abs() <= 1e-9 * b.mean.abs().max(1.0));
            }
        }
    }
}
