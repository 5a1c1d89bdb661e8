//! The engine on tables: known shifts are found and unshifted samples are not (the false
//! positive rate stays near the test's alpha), CSV with missing values, mixed types and unseen
//! categories, Parquet, folders, sampling and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cairn_drift::{ColumnKind, DriftOptions, ReadOptions, TestKind, compare, read_table};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A deterministic standard normal stream (SplitMix64 + Box–Muller).
struct Normal(u64);

impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn next(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Writes a CSV of `rows` rows: `x` normal (mean `shift`), `colour` from three categories
/// (the last one more frequent by `tilt`).
fn write_table(dir: &Path, name: &str, rows: usize, shift: f64, tilt: f64, seed: u64) -> PathBuf {
    let mut rng = Normal(seed);
    let mut text = String::from("x,colour\n");
    for _ in 0..rows {
        let x = rng.next() + shift;
        let u = rng.uniform();
        let colour = if u < (1.0 - tilt) / 3.0 {
            "red"
        } else if u < 2.0 * (1.0 - tilt) / 3.0 {
            "green"
        } else {
            "blue"
        };
        writeln!(text, "{x},{colour}").unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn known_shifts_are_found_and_equal_samples_mostly_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let options = ReadOptions::default();
    // Small references: KS and chi-square at alpha 0.05.
    let reference =
        read_table(&write_table(dir.path(), "r.csv", 500, 0.0, 0.0, 1), options).unwrap();
    let shifted = read_table(&write_table(dir.path(), "s.csv", 500, 0.5, 0.3, 2), options).unwrap();
    let report = compare(&reference, &shifted, &DriftOptions::default()).unwrap();
    assert!(report.drifted, "{report:#?}");
    assert_eq!(report.columns[0].test, TestKind::Ks);
    assert_eq!(report.columns[1].test, TestKind::Chi2);
    assert!(report.columns.iter().all(|column| column.drifted));

    let mut false_positives = 0;
    let trials = 200;
    for seed in 0..trials {
        let same = write_table(dir.path(), "c.csv", 500, 0.0, 0.0, 1000 + seed);
        let report = compare(
            &reference,
            &read_table(&same, options).unwrap(),
            &DriftOptions::default(),
        )
        .unwrap();
        false_positives += usize::from(report.columns[0].drifted);
    }
    let rate = false_positives as f64 / trials as f64;
    assert!(
        (0.01..=0.10).contains(&rate),
        "KS false positive rate {rate}"
    );

    // Large references: Wasserstein and Jensen–Shannon at 0.1.
    let big = read_table(
        &write_table(dir.path(), "br.csv", 5000, 0.0, 0.0, 3),
        options,
    )
    .unwrap();
    let moved = read_table(
        &write_table(dir.path(), "bs.csv", 5000, 0.3, 0.4, 4),
        options,
    )
    .unwrap();
    let still = read_table(
        &write_table(dir.path(), "bc.csv", 5000, 0.0, 0.0, 5),
        options,
    )
    .unwrap();
    let report = compare(&big, &moved, &DriftOptions::default()).unwrap();
    assert_eq!(report.columns[0].test, TestKind::Wasserstein);
    assert_eq!(report.columns[1].test, TestKind::JensenShannon);
    assert!(
        report.columns.iter().all(|column| column.drifted),
        "{report:#?}"
    );
    let report = compare(&big, &still, &DriftOptions::default()).unwrap();
    assert!(
        !report.drifted && report.drifted_columns == 0,
        "{report:#?}"
    );

    // A named test and threshold; PSI flags the tilted categories.
    let named = DriftOptions {
        test: Some(TestKind::Psi),
        threshold: Some(0.2),
        ..DriftOptions::default()
    };
    let report = compare(&big, &moved, &named).unwrap();
    assert!(
        report
            .columns
            .iter()
            .all(|column| column.test == TestKind::Psi && column.threshold == 0.2)
    );
    // A numeric-only test on a categorical column falls back, and says so.
    let ks = DriftOptions {
        test: Some(TestKind::Ks),
        ..DriftOptions::default()
    };
    let report = compare(&big, &moved, &ks).unwrap();
    assert_eq!(report.columns[1].test, TestKind::JensenShannon);
    assert!(report.columns[1].note.contains("does not apply"));
}

#[test]
fn sampling_is_seeded_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_table(dir.path(), "t.csv", 3000, 0.0, 0.0, 9);
    let options = ReadOptions {
        max_rows: 1000,
        seed: 7,
    };
    let one = read_table(&path, options).unwrap();
    let two = read_table(&path, options).unwrap();
    assert!(one.sampled && one.rows == 3000 && one.kept_rows == 1000);
    assert!(one.reading().contains("reservoir sample of 1000 (seed 7)"));
    let report = compare(&one, &two, &DriftOptions::default()).unwrap();
    assert_eq!(report.columns[0].score, 1.0, "same seed, same rows");
}

#[test]
fn missing_values_mixed_types_and_unseen_categories() {
    let options = ReadOptions::default();
    let reference = read_table(&fixture("mixed_reference.csv"), options).unwrap();
    let current = read_table(&fixture("mixed_current.csv"), options).unwrap();
    let report = compare(&reference, &current, &DriftOptions::default()).unwrap();
    let column = |name: &str| {
        report
            .columns
            .iter()
            .find(|column| column.name == name)
            .unwrap()
    };
    let age = column("age");
    assert_eq!(
        (age.kind, age.reference.missing, age.current.missing),
        (ColumnKind::Numeric, 2, 1)
    );
    assert_eq!((age.reference.values, age.test), (8, TestKind::Ks));
    let city = column("city");
    assert_eq!(city.kind, ColumnKind::Categorical);
    assert_eq!((city.reference.missing, city.current.missing), (1, 1));
    assert_eq!(city.unseen_categories, vec!["Berlin", "Madrid"]);
    assert_eq!(city.unseen_rows, 3);
    assert_eq!(
        city.score, 0.0,
        "a category the reference never saw has no expected count"
    );
    let code = column("code");
    assert_eq!(
        code.kind,
        ColumnKind::Categorical,
        "'x' makes the column categorical"
    );
    let flag = column("flag");
    assert_eq!(flag.test, TestKind::Z);
}

#[test]
fn parquet_and_folders_read_as_tables() {
    let options = ReadOptions::default();
    let table = read_table(&fixture("typed.parquet"), options).unwrap();
    assert_eq!(table.rows, 6);
    let names: Vec<&str> = table
        .columns
        .iter()
        .map(|column| column.name.as_str())
        .collect();
    assert_eq!(names, ["amount", "count", "label"]);
    assert_eq!(
        table
            .columns
            .iter()
            .map(|column| column.missing)
            .collect::<Vec<_>>(),
        [1, 1, 1]
    );
    let report = compare(&table, &table, &DriftOptions::default()).unwrap();
    assert_eq!(report.columns[0].kind, ColumnKind::Numeric);
    assert_eq!(report.columns[2].kind, ColumnKind::Categorical);
    assert!(!report.drifted);

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("mixed_reference.csv"), dir.path().join("a.csv")).unwrap();
    std::fs::copy(fixture("mixed_current.csv"), dir.path().join("b.csv")).unwrap();
    let folder = read_table(dir.path(), options).unwrap();
    assert_eq!((folder.files.len(), folder.rows), (2, 20));
}

#[test]
fn bad_input_is_an_error_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let ragged = dir.path().join("ragged.csv");
    std::fs::write(&ragged, "a,b\n1,2\n3\n").unwrap();
    let error = read_table(&ragged, ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("ragged.csv") && error.contains("row 3"),
        "{error}"
    );
    let missing = read_table(&dir.path().join("nope.csv"), ReadOptions::default()).unwrap_err();
    assert!(missing.to_string().contains("nope.csv"));
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("1.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(other.join("2.csv"), "a,c\n1,2\n").unwrap();
    let error = read_table(&other, ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("2.csv") && error.contains("'c'"), "{error}");
    let garbage = dir.path().join("bad.parquet");
    std::fs::write(&garbage, b"not parquet").unwrap();
    let error = read_table(&garbage, ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(error.contains("bad.parquet"), "{error}");
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    assert!(read_table(&empty, ReadOptions::default()).is_err());
}

#[test]
fn a_byte_order_mark_does_not_rename_the_first_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("1.csv"), "\u{feff}a,b\n1,x\n").unwrap();
    std::fs::write(dir.path().join("2.csv"), "a,b\n2,y\n").unwrap();
    let table = read_table(dir.path(), ReadOptions::default()).unwrap();
    assert_eq!(table.columns[0].name, "a");
    assert_eq!(table.rows, 2);
}
