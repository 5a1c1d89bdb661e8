//! Tables held in memory: CSV and Parquet bytes read as their files are (Parquet in every codec
//! pandas writes), and a table's kept rows written back as CSV reading as the same cells (how a
//! monitoring reference is stored).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::path::Path;

use cairn_drift::table::Cell;
use cairn_drift::{ReadOptions, Table, read_table, read_table_bytes};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every column's kept cells, texts spelled out.
fn cells(table: &Table) -> Vec<(String, Vec<String>)> {
    table
        .columns
        .iter()
        .map(|column| {
            let values = column
                .cells()
                .map(|cell| match cell {
                    Cell::Missing => "<missing>".to_owned(),
                    Cell::Number(value) => format!("{value:?}"),
                    Cell::Text(index) => format!("'{}'", column.text(index)),
                })
                .collect();
            (column.name.clone(), values)
        })
        .collect()
}

#[test]
fn bytes_read_as_their_files_do() {
    for name in [
        "mixed_reference.csv",
        "typed.parquet",
        "perf_multiclass.csv",
    ] {
        let path = fixture(name);
        let from_file = read_table(&path, ReadOptions::default()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let from_bytes = read_table_bytes(name, bytes, ReadOptions::default()).unwrap();
        assert_eq!(cells(&from_bytes), cells(&from_file), "{name}");
        assert_eq!(from_bytes.rows, from_file.rows, "{name}");
        assert_eq!(from_bytes.source, name);
    }
}

#[test]
fn kept_rows_written_as_csv_read_back_as_the_same_cells() {
    for name in [
        "mixed_reference.csv",
        "typed.parquet",
        "perf_regression.csv",
    ] {
        let table = read_table(&fixture(name), ReadOptions::default()).unwrap();
        let again = read_table_bytes("again.csv", table.to_csv(), ReadOptions::default()).unwrap();
        assert_eq!(cells(&again), cells(&table), "{name}");
    }
    // A sample keeps its size, and quoting survives commas, quotes and line breaks.
    let text = "name,score\n\"Smith, J\",1e-300\n\"say \"\"hi\"\"\",2.5\n\"two\nlines\",-0.0\n";
    let table = read_table_bytes(
        "quoted.csv",
        text.as_bytes().to_vec(),
        ReadOptions::default(),
    )
    .unwrap();
    let again = read_table_bytes("again.csv", table.to_csv(), ReadOptions::default()).unwrap();
    assert_eq!(cells(&again), cells(&table));
    let sampled = read_table(
        &fixture("perf_regression.csv"),
        ReadOptions {
            max_rows: 50,
            seed: 3,
        },
    )
    .unwrap();
    let again = read_table_bytes("sample.csv", sampled.to_csv(), ReadOptions::default()).unwrap();
    assert_eq!(again.rows, 50);
    assert_eq!(cells(&again), cells(&sampled));
}

#[test]
fn bad_bytes_are_refused_naming_the_table() {
    for (bytes, words) in [
        (&b""[..], "batch.csv: no header row"),
        (
            &b"PAR1 not really"[..],
            "batch.csv: not a readable Parquet file",
        ),
        (&b"a,b\n1,2\n3\n"[..], "batch.csv: row 3"),
    ] {
        let error = read_table_bytes("batch.csv", bytes.to_vec(), ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains(words), "'{error}' should say '{words}'");
    }
}

#[test]
fn every_parquet_codec_reads_the_same_table() {
    let snappy = read_table(&fixture("typed.parquet"), ReadOptions::default()).unwrap();
    for codec in ["gzip", "zstd", "lz4", "brotli"] {
        let name = format!("typed_{codec}.parquet");
        let table = read_table(&fixture(&name), ReadOptions::default())
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(cells(&table), cells(&snappy), "{name}");
    }
}
