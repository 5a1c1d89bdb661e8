//! The search grammar's parsers, checked against golden files in `tests/data/search/`: every
//! filter and order_by entry listed in a `.txt` file is parsed and dumped (AST, canonical form or
//! error with a caret) into the matching `.expected` file. Run with `UPDATE_EXPECT=1` to rewrite
//! the golden files after an intended change, and review the diff.
//!
//! Also: the parser never panics on garbage, and printing a filter then parsing it gives it back.

use cairn_core::search::{
    CompareOp, Comparison, DatasetField, Field, Filter, Literal, OrderBy, Predicate, RunAttribute,
    SearchError, Span, compile_filter, compile_order_by, parse_filter, parse_order_by,
    parse_order_by_list,
};
use cairn_test_support::Random;
use expect_test::{expect, expect_file};

/// The non-comment, non-empty lines of a data file.
fn cases(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}

fn dump_filter(filter: &Filter) -> String {
    match filter {
        Filter::And(children) => format!("(and {})", dump_children(children)),
        Filter::Or(children) => format!("(or {})", dump_children(children)),
        Filter::Compare(Comparison {
            field,
            predicate,
            span,
        }) => {
            format!(
                "({} {})@{}..{}",
                dump_field(field),
                dump_predicate(predicate),
                span.start,
                span.end
            )
        }
    }
}

fn dump_children(children: &[Filter]) -> String {
    children
        .iter()
        .map(dump_filter)
        .collect::<Vec<_>>()
        .join(" ")
}

fn dump_field(field: &Field) -> String {
    match field {
        Field::Metric(key) => format!("metric {key:?}"),
        Field::Param(key) => format!("param {key:?}"),
        Field::Tag(key) => format!("tag {key:?}"),
        Field::Attribute(attribute) => format!("attribute {}", attribute.name()),
        Field::Dataset(dataset) => format!("dataset {}", dataset.name()),
    }
}

fn dump_predicate(predicate: &Predicate) -> String {
    match predicate {
        Predicate::Compare {
            op,
            value: Literal::Number(number),
        } => {
            format!("{} {number:?}", op.as_str())
        }
        Predicate::Compare {
            op,
            value: Literal::Text(text),
        } => format!("{} {text:?}", op.as_str()),
        Predicate::In(values) => format!("IN {values:?}"),
        Predicate::NotIn(values) => format!("NOT IN {values:?}"),
        Predicate::IsNull => "IS NULL".to_owned(),
        Predicate::IsNotNull => "IS NOT NULL".to_owned(),
    }
}

/// The input, then a caret under the error's position followed by the error.
fn dump_error(input: &str, error: &SearchError) -> String {
    let before = input.get(..error.position).unwrap_or(input);
    let indent = " ".repeat(before.chars().count());
    format!("> {input}\n  {indent}^ {error}\n")
}

#[test]
fn filters_parse_to_the_expected_trees() {
    let mut out = String::new();
    for input in cases(include_str!("data/search/filters.txt")) {
        out.push_str(&format!("> {input}\n"));
        match parse_filter(input) {
            Ok(Some(filter)) => {
                out.push_str(&format!(
                    "  ast: {}\n  canonical: {filter}\n",
                    dump_filter(&filter)
                ));
            }
            Ok(None) => out.push_str("  no filter\n"),
            Err(error) => out.push_str(&format!("  unexpected error: {error}\n")),
        }
    }
    expect_file!["data/search/filters.expected"].assert_eq(&out);
}

#[test]
fn refused_filters_say_where_and_what_was_expected() {
    let mut out = String::new();
    for input in cases(include_str!("data/search/filter_errors.txt")) {
        match parse_filter(input) {
            Ok(filter) => out.push_str(&format!("> {input}\n  unexpectedly parsed: {filter:?}\n")),
            Err(error) => out.push_str(&dump_error(input, &error)),
        }
    }
    expect_file!["data/search/filter_errors.expected"].assert_eq(&out);
}

#[test]
fn order_by_entries_parse() {
    let mut out = String::new();
    for input in cases(include_str!("data/search/order_by.txt")) {
        match parse_order_by(input) {
            Ok(OrderBy { field, descending }) => out.push_str(&format!(
                "> {input}\n  {} {}\n",
                dump_field(&field),
                if descending { "DESC" } else { "ASC" }
            )),
            Err(error) => out.push_str(&format!("> {input}\n  unexpected error: {error}\n")),
        }
    }
    expect_file!["data/search/order_by.expected"].assert_eq(&out);
}

#[test]
fn refused_order_by_entries_say_where_and_what_was_expected() {
    let mut out = String::new();
    for input in cases(include_str!("data/search/order_by_errors.txt")).chain(["", "   "]) {
        match parse_order_by(input) {
            Ok(order) => out.push_str(&format!("> {input}\n  unexpectedly parsed: {order:?}\n")),
            Err(error) => out.push_str(&dump_error(input, &error)),
        }
    }
    expect_file!["data/search/order_by_errors.expected"].assert_eq(&out);
}

#[test]
fn empty_filter_means_no_filter() {
    for input in ["", " ", "\t\n  "] {
        assert_eq!(parse_filter(input), Ok(None), "{input:?}");
    }
}

#[test]
fn order_by_list_refuses_a_field_twice() {
    let error = parse_order_by_list(&["metrics.acc", "params.x", "metric.acc DESC"]).unwrap_err();
    expect!["at position 0: order_by[2]: expected each field once, found 'metric.acc DESC' again (first in order_by[0])"]
        .assert_eq(&error.to_string());
    let error = parse_order_by_list(&["created", "start_time DESC"]).unwrap_err();
    expect!["at position 0: order_by[1]: expected each field once, found 'start_time DESC' again (first in order_by[0])"]
        .assert_eq(&error.to_string());
    let error = parse_order_by_list(&["metrics.acc", "metrics.acc decs"]).unwrap_err();
    expect!["at position 12: order_by[1]: expected ASC, DESC or the end of the order_by after 'metrics.acc', found 'decs'"]
        .assert_eq(&error.to_string());
    let order = parse_order_by_list(&["metrics.acc DESC", "params.acc"]).unwrap();
    assert_eq!(
        order,
        vec![
            OrderBy {
                field: Field::Metric("acc".into()),
                descending: true
            },
            OrderBy {
                field: Field::Param("acc".into()),
                descending: false
            },
        ]
    );
}

#[test]
fn error_positions_are_byte_offsets() {
    // 'é' and '🚀' take 2 and 4 bytes: the position counts bytes, not characters.
    let error = parse_filter("tags.`é🚀` = 'x' AND foo = 1").unwrap_err();
    assert_eq!(error.position, 24);
    assert_eq!(&"tags.`é🚀` = 'x' AND foo = 1"[24..], "foo = 1");
}

#[test]
fn deeply_nested_parentheses_are_refused_not_overflowing() {
    let input = format!(
        "{}metrics.a > 1{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let error = parse_filter(&input).unwrap_err();
    expect!["at position 64: expected at most 64 levels of parentheses, found more"]
        .assert_eq(&error.to_string());
    let input = format!("{}metrics.a > 1{}", "(".repeat(64), ")".repeat(64));
    assert!(parse_filter(&input).is_ok());
}

/// Pieces that make likely-but-broken filters when glued at random.
const FRAGMENTS: &[&str] = &[
    "metrics.",
    "params.",
    "tags.",
    "attributes.",
    "datasets.",
    "run.",
    "acc",
    "lr",
    "status",
    "run_id",
    "start_time",
    "created",
    "name",
    "context",
    "`",
    "\"",
    "'",
    "''",
    "\\",
    ".",
    " ",
    "  ",
    "\t",
    "\n",
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "!",
    "~",
    "AND",
    "and",
    "OR",
    "or",
    "NOT",
    "IN",
    "LIKE",
    "ILIKE",
    "IS",
    "NULL",
    "ASC",
    "DESC",
    "(",
    ")",
    ",",
    ";",
    "1",
    "-",
    "-1.5",
    ".5",
    "1e",
    "1e+",
    "1e-3",
    "e",
    "'x'",
    "\"x\"",
    "`x`",
    "'%a_'",
    "é",
    "🚀",
    "\u{0}",
    "\u{301}",
    "ß",
    "ǅ",
    "%",
    "_",
    "*",
    "?",
    "[",
    "]",
    "9999999999999999999999",
];

fn random_text(random: &mut Random) -> String {
    let pieces = 1 + random.below(14);
    let mut text = String::new();
    for _ in 0..pieces {
        if random.below(8) == 0 {
            // Any character, including ones the grammar never uses.
            text.push(char::from_u32(random.below(0x1_0000) as u32).unwrap_or('\u{fffd}'));
        } else {
            text.push_str(random.pick(FRAGMENTS));
        }
    }
    text
}

/// A filter that is often valid: clauses of a field, an operator and a value, some of them
/// mismatched, joined by AND or OR, sometimes in parentheses.
fn plausible_filter(random: &mut Random) -> String {
    const FIELDS: &[&str] = &[
        "metrics.acc",
        "params.lr",
        "tags.`a b`",
        "status",
        "run_id",
        "datasets.name",
        "created",
        "\"run name\"",
        "attr.start_time",
        "tags.mlflow.runName",
        "params.\"x-y\"",
        "datasets.context",
    ];
    const OPERATORS: &[&str] = &[
        "=",
        "!=",
        ">",
        "<=",
        "LIKE",
        "ilike",
        "IN",
        "NOT IN",
        "IS NULL",
        "is not null",
    ];
    const VALUES: &[&str] = &[
        "1",
        "-2.5e3",
        ".5",
        "'x'",
        "\"y\"",
        "('a', 'b')",
        "('a')",
        "'%a_'",
        "'it''s'",
        "",
    ];
    let mut text = String::new();
    let mut open = 0;
    for index in 0..1 + random.below(4) {
        if index > 0 {
            text.push_str(random.pick(&[" AND ", " and ", " OR ", " "]));
        }
        if random.below(4) == 0 {
            text.push('(');
            open += 1;
        }
        text.push_str(random.pick(FIELDS));
        text.push(' ');
        let operator = random.pick(OPERATORS);
        text.push_str(operator);
        if !operator.ends_with("ull") {
            text.push(' ');
            text.push_str(random.pick(VALUES));
        }
        if open > 0 && random.below(2) == 0 {
            text.push(')');
            open -= 1;
        }
    }
    text.push_str(&")".repeat(open));
    text
}

/// `text` with a few random edits: a fragment inserted, or a character removed.
fn mutated(random: &mut Random, mut text: String) -> String {
    for _ in 0..random.below(3) {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|index| text.is_char_boundary(*index))
            .collect();
        let at = random.pick(&boundaries);
        if random.below(2) == 0 {
            text.insert_str(at, random.pick(FRAGMENTS));
        } else if let Some(c) = text[at..].chars().next() {
            text.replace_range(at..at + c.len_utf8(), "");
        }
    }
    text
}

#[test]
fn garbage_never_panics_and_errors_point_inside_the_input() {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut parsed = 0;
    for round in 0..40_000 {
        let input = if round % 2 == 0 {
            random_text(&mut random)
        } else {
            let plausible = plausible_filter(&mut random);
            mutated(&mut random, plausible)
        };
        match parse_filter(&input) {
            Ok(Some(filter)) => {
                parsed += 1;
                let _ = compile_filter(&filter, "r");
                let reparsed = parse_filter(&filter.to_string());
                assert_eq!(
                    reparsed.map(|filter| filter.map(without_spans)),
                    Ok(Some(without_spans(filter.clone()))),
                    "canonical form of {input:?} is {filter}"
                );
            }
            Ok(None) => {}
            Err(error) => {
                assert!(error.position <= input.len(), "{input:?}: {error}");
                assert!(input.is_char_boundary(error.position), "{input:?}: {error}");
                assert!(error.message.starts_with("expected"), "{input:?}: {error}");
            }
        }
        match parse_order_by(&input) {
            Ok(order) => {
                let _ = compile_order_by(&[order], "r");
            }
            Err(error) => {
                assert!(error.position <= input.len(), "{input:?}: {error}");
                assert!(input.is_char_boundary(error.position), "{input:?}: {error}");
            }
        }
    }
    // The generator is meant to reach the parser's deeper paths, not only the lexer's errors.
    assert!(parsed > 400, "only {parsed} random inputs parsed");
}

fn without_spans(filter: Filter) -> Filter {
    match filter {
        Filter::And(children) => Filter::And(children.into_iter().map(without_spans).collect()),
        Filter::Or(children) => Filter::Or(children.into_iter().map(without_spans).collect()),
        Filter::Compare(comparison) => Filter::Compare(Comparison {
            span: Span::default(),
            ..comparison
        }),
    }
}

/// A random filter the parser could have produced.
fn random_filter(random: &mut Random, depth: usize) -> Filter {
    if depth < 3 && random.below(3) == 0 {
        let children = (0..2 + random.below(3)).map(|_| random_filter(random, depth + 1));
        let children: Vec<Filter> = children.collect();
        return if random.below(2) == 0 {
            Filter::And(children)
        } else {
            Filter::Or(children)
        };
    }
    const KEYS: &[&str] = &[
        "acc", "my key", "a.b", "x-y", "`tick`", "ünï", "2nd", "and", "_",
    ];
    const TEXTS: &[&str] = &[
        "",
        "x",
        "it's",
        "say \"hi\"",
        "%a_",
        "C:\\dir",
        "🚀",
        "a''b",
    ];
    const NUMBERS: &[f64] = &[
        0.0,
        -1.5,
        1e-7,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        42.0,
    ];
    let key = random.pick(KEYS).to_string();
    let numeric_op = random.pick(&[
        CompareOp::Eq,
        CompareOp::NotEq,
        CompareOp::Lt,
        CompareOp::LtEq,
        CompareOp::Gt,
        CompareOp::GtEq,
    ]);
    let string_op = random.pick(&[
        CompareOp::Eq,
        CompareOp::NotEq,
        CompareOp::Like,
        CompareOp::ILike,
    ]);
    let number = Literal::Number(random.pick(NUMBERS));
    let string = Literal::Text(random.pick(TEXTS).to_string());
    let list: Vec<String> = (0..1 + random.below(3))
        .map(|_| random.pick(TEXTS).to_string())
        .collect();
    let (field, predicate) = match random.below(9) {
        0 => (
            Field::Metric(key),
            Predicate::Compare {
                op: numeric_op,
                value: number,
            },
        ),
        1 => (
            Field::Param(key),
            Predicate::Compare {
                op: string_op,
                value: string,
            },
        ),
        2 => (
            Field::Tag(key),
            if random.below(2) == 0 {
                Predicate::IsNull
            } else {
                Predicate::IsNotNull
            },
        ),
        3 => (
            Field::Attribute(random.pick(&[RunAttribute::StartTime, RunAttribute::EndTime])),
            Predicate::Compare {
                op: numeric_op,
                value: number,
            },
        ),
        4 => (
            Field::Attribute(random.pick(&[
                RunAttribute::RunName,
                RunAttribute::UserId,
                RunAttribute::Status,
                RunAttribute::ArtifactUri,
            ])),
            Predicate::Compare {
                op: string_op,
                value: string,
            },
        ),
        5 => (
            Field::Attribute(RunAttribute::RunId),
            Predicate::NotIn(list),
        ),
        6 => (
            Field::Dataset(random.pick(&[
                DatasetField::Name,
                DatasetField::Digest,
                DatasetField::Context,
            ])),
            Predicate::In(list),
        ),
        7 => (
            Field::Dataset(DatasetField::Context),
            Predicate::Compare {
                op: string_op,
                value: string,
            },
        ),
        _ => (Field::Param(key), Predicate::IsNotNull),
    };
    Filter::Compare(Comparison {
        field,
        predicate,
        span: Span::default(),
    })
}

/// What the parser makes of a filter: nested groups of one kind are flattened.
fn normalised(filter: Filter) -> Filter {
    fn flatten(children: Vec<Filter>, is_and: bool) -> Vec<Filter> {
        let mut flat = Vec::new();
        for child in children.into_iter().map(normalised) {
            match child {
                Filter::And(grandchildren) if is_and => flat.extend(grandchildren),
                Filter::Or(grandchildren) if !is_and => flat.extend(grandchildren),
                other => flat.push(other),
            }
        }
        flat
    }
    match filter {
        Filter::And(children) => Filter::And(flatten(children, true)),
        Filter::Or(children) => Filter::Or(flatten(children, false)),
        compare => compare,
    }
}

#[test]
fn printing_then_parsing_gives_the_filter_back() {
    let mut random = Random(0xD1B5_4A32_D192_ED03);
    for _ in 0..5_000 {
        let filter = normalised(random_filter(&mut random, 0));
        let printed = filter.to_string();
        let parsed = parse_filter(&printed).map(|parsed| parsed.map(without_spans));
        assert_eq!(parsed, Ok(Some(filter)), "{printed}");
    }
}

/// Any text at all: random bytes made UTF-8 (lossily), random code points from the whole range,
/// very long and deeply nested inputs; and order_by entries printed and parsed again.
#[test]
fn arbitrary_text_never_panics_and_order_by_round_trips() {
    let mut random = Random(0x0DDB_1A5E_5BAD_5EED);
    let mut parsed_order_by = 0;
    for round in 0..6_000 {
        let input = match round % 4 {
            0 => {
                let bytes: Vec<u8> = (0..random.below(64))
                    .map(|_| random.next_u64() as u8)
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            1 => (0..random.below(32))
                .map(|_| char::from_u32(random.below(0x11_0000) as u32).unwrap_or('\u{fffd}'))
                .collect(),
            2 => {
                let field = random.pick(&["metrics.acc", "params.`a``b`", "tags.\"t\"", "status"]);
                let direction = random.pick(&["", " ASC", " desc", " DESC ", " up"]);
                mutated(&mut random, format!("{field}{direction}"))
            }
            _ => {
                let depth = random.below(400);
                let inner = plausible_filter(&mut random);
                format!(
                    "{}{inner}{}",
                    "(".repeat(depth),
                    ")".repeat(random.below(400))
                )
            }
        };
        if let Ok(Some(filter)) = parse_filter(&input) {
            let _ = compile_filter(&filter, "r");
            let printed = filter.to_string();
            let again = parse_filter(&printed).map(|parsed| parsed.map(|f| f.to_string()));
            assert_eq!(again, Ok(Some(printed.clone())), "{input:?}");
        }
        if let Ok(order) = parse_order_by(&input) {
            parsed_order_by += 1;
            let printed = order.to_string();
            assert_eq!(
                parse_order_by(&printed),
                Ok(order),
                "{input:?} printed {printed:?}"
            );
        }
        let _ = parse_order_by_list(&[input.clone(), input]);
    }
    assert!(
        parsed_order_by > 100,
        "only {parsed_order_by} order_by entries parsed"
    );
}
