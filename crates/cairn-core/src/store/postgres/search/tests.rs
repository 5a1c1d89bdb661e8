//! The PostgreSQL compiler's text and parameters: values are only ever bound, placeholders are
//! numbered in binding order with their casts, and the edge cases compile to constants; a
//! statement written out with its values reads them back unchanged on a real server.
//! What the statements select is checked against a real server by the store contract suite.

use crate::model::ExperimentId;
use crate::search::{Comparison, Field, Filter, Literal, Predicate, Span, parse_filter};
use crate::store::RunSearch;

use super::order::{self, Part};
use super::sql::{SqlValue, Statement};
use super::{count_statement, filter, page_statement};

fn compiled(text: &str) -> Statement {
    let filter = parse_filter(text).unwrap_or_else(|error| panic!("{text}: {error:?}"));
    let mut statement = Statement::default();
    filter::write_filter(
        &filter.unwrap_or_else(|| panic!("{text}: no filter")),
        &mut statement,
    );
    statement
}

#[test]
fn values_are_bound_never_written_into_the_text() {
    let hostile = "x'); DROP TABLE runs; --";
    let statement = compiled(&format!(
        "params.model = '{}' and tags.`we'ird` LIKE 'a%' and metrics.acc > 0.5",
        hostile.replace('\'', "''")
    ));
    assert!(!statement.sql.contains("DROP"), "{}", statement.sql);
    assert!(!statement.sql.contains("we'ird"), "{}", statement.sql);
    assert_eq!(
        statement.params,
        [
            SqlValue::Text("model".into()),
            SqlValue::Text(hostile.into()),
            SqlValue::Text("we'ird".into()),
            SqlValue::Text("a%".into()),
            SqlValue::Text("acc".into()),
            SqlValue::Float(0.5),
        ]
    );
    for (index, cast) in ["text", "text", "text", "text", "text", "float8"]
        .iter()
        .enumerate()
    {
        let placeholder = format!("${}::{cast}", index + 1);
        assert!(
            statement.sql.contains(&placeholder),
            "{placeholder} in {}",
            statement.sql
        );
    }
}

#[test]
fn ilike_folds_the_pattern_in_ascii_and_nothing_escapes() {
    let statement = compiled("params.model ILIKE 'TRÉe%'");
    assert_eq!(statement.params[1], SqlValue::Text("trÉe%".into()));
    assert!(
        statement
            .sql
            .contains("lower(k.value COLLATE \"C\") LIKE $2::text ESCAPE ''")
    );
}

#[test]
fn like_and_ilike_on_a_run_name_use_its_trigram_index_when_the_pattern_holds_a_trigram() {
    for (pattern, indexed) in [
        ("%Adamw%", true),
        ("run-1%", true),
        ("%42%", false),
        ("%a_b%", false),
        ("%ab-c%", false),
        ("%", false),
    ] {
        let statement = compiled(&format!("attributes.run_name ILIKE '{pattern}'"));
        let expected = if indexed {
            "lower(r.name COLLATE \"C\") LIKE $1::text ESCAPE ''"
        } else {
            "(lower(r.name COLLATE \"C\") LIKE $1::text ESCAPE '') IS TRUE"
        };
        assert_eq!(statement.sql, expected, "{pattern}");
        assert_eq!(
            statement.params,
            [SqlValue::Text(pattern.to_ascii_lowercase())]
        );
    }
    // LIKE keeps its case, and adds the folded test the index can answer when it narrows.
    let statement = compiled("attributes.run_name LIKE '%Adamw%'");
    assert_eq!(
        statement.sql,
        "(lower(r.name COLLATE \"C\") LIKE $1::text ESCAPE '' AND r.name LIKE $2::text ESCAPE '')"
    );
    assert_eq!(
        statement.params,
        [
            SqlValue::Text("%adamw%".into()),
            SqlValue::Text("%Adamw%".into())
        ]
    );
    let statement = compiled("attributes.run_name LIKE '%Ab%'");
    assert_eq!(statement.sql, "r.name LIKE $1::text ESCAPE ''");
    // Other columns have no trigram index.
    let statement = compiled("tags.note ILIKE '%ab%'");
    assert!(
        statement
            .sql
            .contains("lower(k.value COLLATE \"C\") LIKE $2::text ESCAPE ''"),
        "{}",
        statement.sql
    );
}

#[test]
fn is_null_on_a_key_is_a_not_exists_and_in_lists_are_arrays() {
    let statement = compiled("params.lr IS NULL and attributes.run_id IN ('a', 'b')");
    assert!(
        statement
            .sql
            .starts_with("(NOT EXISTS (SELECT 1 FROM params k")
    );
    assert!(statement.sql.contains("r.run_uuid = ANY($2::text[])"));
    assert_eq!(
        statement.params[1],
        SqlValue::TextList(vec!["a".into(), "b".into()])
    );
}

#[test]
fn constants_for_what_can_never_or_always_match() {
    let compare = |field: Field, predicate: Predicate| {
        let mut statement = Statement::default();
        filter::write_filter(
            &Filter::Compare(Comparison {
                field,
                predicate,
                span: Span::default(),
            }),
            &mut statement,
        );
        statement.sql
    };
    let nan = Predicate::Compare {
        op: crate::search::CompareOp::Lt,
        value: Literal::Number(f64::NAN),
    };
    assert!(compare(Field::Metric("m".into()), nan).ends_with("AND FALSE)"));
    assert!(compare(Field::Param("p".into()), Predicate::In(Vec::new())).ends_with("AND FALSE)"));
    assert!(compare(Field::Tag("t".into()), Predicate::NotIn(Vec::new())).ends_with("AND TRUE)"));
    let mut statement = Statement::default();
    filter::write_filter(&Filter::Or(Vec::new()), &mut statement);
    assert_eq!(statement.sql, "FALSE");
}

#[test]
fn whole_times_compare_as_integers_and_fractions_as_doubles() {
    let statement = compiled("attributes.start_time > 1700000001500 and attributes.end_time < 2.5");
    assert_eq!(
        statement.params,
        [SqlValue::Int(1_700_000_001_500), SqlValue::Float(2.5)]
    );
    assert!(statement.sql.contains("r.end_time_ms::float8 < $2::float8"));
}

#[test]
fn the_page_and_the_count_share_the_conditions() {
    let search = RunSearch {
        experiment_ids: vec![ExperimentId(3)],
        filter: parse_filter("params.a = 'b'").unwrap_or_default(),
        order_by: crate::search::parse_order_by_list(&["metrics.acc DESC", "tags.t"])
            .unwrap_or_default(),
        max_results: 10,
        offset: 20,
        ..RunSearch::default()
    };
    let count = count_statement(&search);
    let parts = order::parts(&search.order_by);
    assert_eq!(parts, [Part::Valued, Part::Nan, Part::Missing]);
    let pages: Vec<Statement> = parts
        .iter()
        .map(|part| page_statement(&search, *part, 31))
        .collect();
    // The count, and the page of runs without the metric, test the runs' experiment; the pages
    // read through the metric's rows test it on those rows instead, and only there (see
    // `order::compile_order`).
    let (experiment, other_conditions) = count.params.split_first().unwrap();
    assert_eq!(*experiment, SqlValue::Int(3));
    for (page, part) in pages.iter().zip(parts) {
        let (conditions, order) = if *part == Part::Missing {
            (
                &count.params[..],
                vec![
                    SqlValue::Text("acc".into()),
                    SqlValue::Text("t".into()),
                    SqlValue::Int(31),
                ],
            )
        } else {
            (
                other_conditions,
                vec![
                    SqlValue::Text("acc".into()),
                    SqlValue::Int(3),
                    SqlValue::Text("t".into()),
                    SqlValue::Int(31),
                ],
            )
        };
        assert_eq!(page.params[..conditions.len()], conditions[..]);
        assert_eq!(page.params[conditions.len()..], order[..]);
        let tests_runs_experiment = page.sql.contains("r.experiment_id = $1");
        assert_eq!(
            tests_runs_experiment,
            *part == Part::Missing,
            "{}",
            page.sql
        );
    }
    // Valued runs straight from the metric's index order; NaN and missing ones after, each
    // with its own condition.
    let expected = [
        (
            " JOIN metric_series o0 ON o0.run_id = r.id AND o0.experiment_id = $5::int8",
            "AND o0.latest_value IS NOT NULL",
            "ORDER BY o0.latest_value DESC NULLS FIRST, o1.value COLLATE \"C\" ASC NULLS LAST, \
             r.start_time_ms DESC NULLS LAST, r.run_uuid LIMIT $7::int8",
        ),
        (
            " JOIN metric_series o0 ON o0.run_id = r.id AND o0.experiment_id = $5::int8",
            "AND o0.latest_value IS NULL",
            "ORDER BY o0.latest_value DESC NULLS LAST, o0.run_id IS NULL, \
             o1.value COLLATE \"C\" ASC NULLS LAST, r.start_time_ms DESC NULLS LAST, r.run_uuid \
             LIMIT $7::int8",
        ),
        (
            " LEFT JOIN metric_series o0 ON o0.run_id = r.id AND o0.experiment_id = r.experiment_id",
            "AND o0.run_id IS NULL",
            "ORDER BY o0.latest_value DESC NULLS LAST, o0.run_id IS NULL, \
             o1.value COLLATE \"C\" ASC NULLS LAST, r.start_time_ms DESC NULLS LAST, r.run_uuid \
             LIMIT $7::int8",
        ),
    ];
    for (page, (join, condition, order)) in pages.iter().zip(expected) {
        for part in [join, condition, order] {
            assert!(page.sql.contains(part), "{part} in {}", page.sql);
        }
    }
    // A param first: valued runs in the order of the heads its index holds, then runs without
    // it; both test the runs' experiment, as a param's rows do not carry it.
    let by_param = RunSearch {
        order_by: crate::search::parse_order_by_list(&["params.p"]).unwrap_or_default(),
        ..search.clone()
    };
    assert_eq!(
        order::parts(&by_param.order_by),
        [Part::Valued, Part::Missing]
    );
    let valued = page_statement(&by_param, Part::Valued, 31);
    let missing = page_statement(&by_param, Part::Missing, 31);
    for part in [
        " JOIN params o0 ON o0.run_id = r.id AND o0.key = $5::text",
        "r.experiment_id = $1::int8",
        "ORDER BY o0.value_head COLLATE \"C\" ASC, o0.value COLLATE \"C\" ASC NULLS LAST, \
         r.start_time_ms DESC NULLS LAST, r.run_uuid",
    ] {
        assert!(valued.sql.contains(part), "{part} in {}", valued.sql);
    }
    assert!(!valued.sql.contains("LEFT JOIN"), "{}", valued.sql);
    for part in [
        " LEFT JOIN params o0 ON o0.run_id = r.id",
        "r.experiment_id = $1::int8",
        "AND o0.run_id IS NULL",
        "ORDER BY o0.value COLLATE \"C\" ASC NULLS LAST, r.start_time_ms DESC NULLS LAST",
    ] {
        assert!(missing.sql.contains(part), "{part} in {}", missing.sql);
    }
    // Attributes first read the page whole.
    let by_name = RunSearch {
        order_by: crate::search::parse_order_by_list(&["attributes.run_name"]).unwrap_or_default(),
        ..search
    };
    assert_eq!(order::parts(&by_name.order_by), [Part::Whole]);
    let whole = page_statement(&by_name, Part::Whole, 31);
    assert!(whole.sql.contains("AND TRUE"), "{}", whole.sql);
}

#[test]
fn equality_on_a_param_tests_the_indexed_head_and_the_whole_value_only_when_longer() {
    let short = compiled("params.model = 'tree'");
    assert!(
        short
            .sql
            .ends_with("AND k.value_head COLLATE \"C\" = $2::text)"),
        "{}",
        short.sql
    );
    assert_eq!(short.params[1], SqlValue::Text("tree".into()));
    let long_value = "x".repeat(200);
    let long = compiled(&format!("tags.note = '{long_value}'"));
    assert!(
        long.sql
            .ends_with("AND k.value_head COLLATE \"C\" = $2::text AND k.value = $3::text)"),
        "{}",
        long.sql
    );
    assert_eq!(
        long.params[1..],
        [
            SqlValue::Text(long_value.clone()),
            SqlValue::Text(long_value)
        ]
    );
}

/// Values that could end a constant early or be read as something else if written in carelessly.
const HOSTILE_TEXTS: &[&str] = &[
    "x'); DROP TABLE runs; --",
    "$c$",
    "a$c",
    "$c1$$c$ $c$c",
    "$c$$c0$$c1$$c2$$c007",
    "$",
    "ends with $",
    "back\\slash\\",
    "quote\"d\" and 'single'",
    "{,}",
    "",
    "NULL",
    "ünïcode ✓ \n\t",
];

#[test]
fn written_in_values_read_back_as_the_same_values_on_a_real_server() {
    let texts: Vec<String> = HOSTILE_TEXTS
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
    let floats = [
        0.5,
        -0.0,
        0.1 + 0.2,
        1e300,
        5e-324,
        -1.5e-7,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let ints = [i64::MIN, -1, 0, 7, i64::MAX];
    let mut statement = Statement::default();
    statement.push("SELECT ");
    let mut columns = Vec::new();
    for text in &texts {
        columns.push(statement.placeholder(SqlValue::Text(text.clone())));
    }
    for float in floats {
        columns.push(statement.placeholder(SqlValue::Float(float)));
    }
    for int in ints {
        columns.push(statement.placeholder(SqlValue::Int(int)));
    }
    columns.push(statement.placeholder(SqlValue::TextList(texts.clone())));
    columns.push(statement.placeholder(SqlValue::FloatList(floats.to_vec())));
    columns.push(statement.placeholder(SqlValue::IntList(ints.to_vec())));
    statement.push(&columns.join(", "));
    let inlined = statement.inlined().expect("no NUL in these values");
    assert!(!inlined.contains("$1::"), "{inlined}");

    let url = cairn_test_support::postgres::admin_url();
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    // Neither setting may change what a constant holds.
    for conforming in ["on", "off"] {
        client
            .batch_execute(&format!("SET standard_conforming_strings = {conforming}"))
            .unwrap();
        let row = client.query_one(inlined.as_str(), &[]).unwrap();
        let mut column = 0;
        for text in &texts {
            assert_eq!(row.get::<_, String>(column), *text, "{inlined}");
            column += 1;
        }
        for float in floats {
            let read: f64 = row.get(column);
            assert_eq!(
                read.to_bits(),
                float.to_bits(),
                "{float:?} read back as {read:?}"
            );
            column += 1;
        }
        for int in ints {
            assert_eq!(row.get::<_, i64>(column), int);
            column += 1;
        }
        assert_eq!(row.get::<_, Vec<String>>(column), texts);
        let read: Vec<f64> = row.get(column + 1);
        let bits = |values: &[f64]| {
            values
                .iter()
                .map(|value| value.to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(&read), bits(&floats));
        assert_eq!(row.get::<_, Vec<i64>>(column + 2), ints);
    }
}

#[test]
fn a_value_postgresql_cannot_hold_is_left_to_the_bound_statement() {
    for value in [
        SqlValue::Text("a\0b".into()),
        SqlValue::TextList(vec!["ok".into(), "\0".into()]),
    ] {
        let mut statement = Statement::default();
        statement.push("SELECT ");
        statement.bind(value.clone());
        assert_eq!(statement.inlined(), None, "{value:?}");
    }
}

#[test]
fn long_or_unnumbered_values_are_left_to_the_bound_statement() {
    for value in [
        // A delimiter number past any that can be counted.
        "$c99999999999999999999999".to_owned(),
        // Past the size of a statement kept with its values (a filter of whole documents).
        "$c1$".repeat(5_000),
    ] {
        let mut statement = Statement::default();
        statement.push("SELECT ");
        statement.bind(SqlValue::Text(value));
        assert_eq!(statement.inlined(), None);
    }
    let mut statement = Statement::default();
    statement.push("SELECT ");
    statement.bind(SqlValue::Text("$c7 $c $c0".into()));
    assert_eq!(
        statement.inlined().unwrap(),
        "SELECT $c8$$c7 $c $c0$c8$::text"
    );
}

#[test]
fn placeholders_past_nine_are_read_whole() {
    let mut statement = Statement::default();
    statement.push("SELECT ");
    let columns: Vec<String> = (1..=12)
        .map(|number| statement.placeholder(SqlValue::Int(number * 100)))
        .collect();
    statement.push(&columns.join(", "));
    let inlined = statement.inlined().unwrap();
    assert!(
        inlined.ends_with("$c$1100$c$::int8, $c$1200$c$::int8"),
        "{inlined}"
    );
    assert!(inlined.starts_with("SELECT $c$100$c$::int8, "), "{inlined}");
}
