//! Schema migrations: the schema they build, the files they refuse, and upgrades from every
//! older version, including a store written by schema version 1 (`tests/data/store-v1.db`).
//!
//! # How `tests/data/store-v1.db` was made
//!
//! By this file's own `write_store_v1` (below), at schema version 1, with
//!
//! ```text
//! CAIRN_WRITE_STORE_V1=1 cargo test -p cairn-core --test migrations store_v1
//! ```
//!
//! It opens a new store with `SqliteStore::open_at_version(path, 1)`, fills it through the
//! `Store` API with fixed ids, names, times and values (only creation times of the experiment
//! and of registry changes come from the clock), then checkpoints the WAL, switches the file to
//! `journal_mode=DELETE` and vacuums it with 1 KiB pages, so that one small file (about 60 KB
//! rather than 200) holds everything. Neither setting changes what the tables hold.
//!
//! The fixture is the record of what Cairn wrote at schema version 1: never regenerate it once
//! migration 0002 exists (`write_store_v1` refuses to), and never "fix" it to suit newer code.
//! A newer schema gets its own `store-vN.db` next to it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::type_complexity,
    reason = "test code: a store operation that fails unexpectedly should stop the test with its error, and data-driven tables spell out their row types"
)]

use std::path::{Path, PathBuf};

use cairn_core::model::{
    DataHash, DataKind, ExperimentId, GitOrigin, GitProvenance, LogBatch, MetricPoint, ModelStage,
    NamedMetricPoint, NewExperiment, NewModelVersion, NewRun, Param, RunStatus, RunUpdate,
    SourceKind, StageTransition, Tag, ViewType,
};
use cairn_core::store::latest_schema_version;
use cairn_core::{ProvenanceStore, RegistryStore, TrackingStore};
use cairn_core::{SqliteStore, Store, StoreError};
use expect_test::expect_file;
use rusqlite::Connection;

/// "CAIR", the `PRAGMA application_id` of every Cairn store.
const APPLICATION_ID: i64 = 0x4341_4952;

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("creating a temporary directory")
}

fn pragma(path: &Path, name: &str) -> i64 {
    let db = Connection::open(path).unwrap();
    db.query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
        .unwrap()
}

fn journal_mode(path: &Path) -> String {
    let db = Connection::open(path).unwrap();
    db.query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap()
}

fn table_names(path: &Path) -> Vec<String> {
    let db = Connection::open(path).unwrap();
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The golden schema.

/// `sql` without `--` comments, with every run of whitespace made one space.
fn normalise_whitespace(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut space = false;
    while let Some(c) = chars.next() {
        if let Some(open) = quote {
            out.push(c);
            if c == open {
                quote = None;
            }
            continue;
        }
        if c == '-' && chars.peek() == Some(&'-') {
            for skipped in chars.by_ref() {
                if skipped == '\n' {
                    break;
                }
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() && !out.ends_with('(') && c != ')' && c != ',' {
            out.push(' ');
        }
        // Exactly one space after a comma, whatever the source had.
        space = c == ',';
        if matches!(c, '\'' | '"' | '`') {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

/// A normalised `CREATE TABLE` with one column or constraint per line.
fn one_column_per_line(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut skip_space = false;
    for c in sql.chars() {
        if let Some(open) = quote {
            out.push(c);
            if c == open {
                quote = None;
            }
            continue;
        }
        if skip_space && c == ' ' {
            continue;
        }
        skip_space = false;
        match c {
            '\'' | '"' | '`' => {
                quote = Some(c);
                out.push(c);
            }
            '(' => {
                depth += 1;
                out.push('(');
                if depth == 1 {
                    out.push_str("\n    ");
                    skip_space = true;
                }
            }
            ')' => {
                if depth == 1 {
                    out.push('\n');
                }
                out.push(')');
                depth = depth.saturating_sub(1);
            }
            ',' if depth == 1 => {
                out.push_str(",\n    ");
                skip_space = true;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every schema object of the database, normalised, in a stable order.
fn schema_dump(db: &Connection) -> String {
    let user_version: i64 = db
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    let application_id: i64 = db
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .unwrap();
    let mut out = format!(
        "-- The schema of a Cairn store after every migration, as SQLite keeps it, normalised.\n\
         -- Generated by crates/cairn-core/tests/migrations.rs; do not edit by hand.\n\
         -- user_version = {user_version}\n\
         -- application_id = {application_id:#x}\n"
    );
    let mut statement = db
        .prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_master
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .unwrap();
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (kind, name, table, sql) = row.unwrap();
        let sql = normalise_whitespace(sql.as_deref().unwrap_or("(no sql)"));
        let sql = if kind == "table" {
            one_column_per_line(&sql)
        } else {
            sql
        };
        out.push_str(&format!("\n-- {kind} {name} on {table}\n{sql};\n"));
    }
    out
}

#[test]
fn migrations_build_the_golden_schema() {
    let dir = temp_dir();
    let path = dir.path().join("golden.db");
    drop(SqliteStore::open(&path).unwrap());
    let actual = schema_dump(&Connection::open(&path).unwrap());

    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/schema.sql");
    let updating = std::env::var_os("UPDATE_EXPECT").is_some();
    if !updating && std::fs::read_to_string(&golden).ok().as_deref() != Some(actual.as_str()) {
        eprintln!(
            "\nThe schema built by migrations/*.sql differs from {}.\n\
             If the change is intended, update the golden file with\n\n    \
             UPDATE_EXPECT=1 cargo test -p cairn-core --test migrations\n\n\
             and review its diff. Remember that a migration is never edited once it has landed:\n\
             change the schema with a new numbered file (migrations/000N_what.sql), so that\n\
             existing stores are upgraded too.\n",
            golden.display()
        );
    }
    expect_file!["golden/schema.sql"].assert_eq(&actual);
}

#[test]
fn golden_schema_normalisation_ignores_layout_and_comments() {
    let a = "CREATE TABLE t (\n    a INTEGER, -- the a\n    b TEXT DEFAULT '--x,  (y)'\n) WITHOUT ROWID";
    let b = "CREATE TABLE t ( a INTEGER,b   TEXT DEFAULT '--x,  (y)'  )\tWITHOUT ROWID";
    assert_eq!(normalise_whitespace(a), normalise_whitespace(b));
    assert_eq!(
        one_column_per_line(&normalise_whitespace(a)),
        "CREATE TABLE t (\n    a INTEGER,\n    b TEXT DEFAULT '--x,  (y)'\n) WITHOUT ROWID"
    );
}

// ---------------------------------------------------------------------------------------------
// Files that are refused or accepted.

#[test]
fn a_store_from_a_newer_cairn_is_refused() {
    let dir = temp_dir();
    let path = dir.path().join("future.db");
    drop(SqliteStore::open(&path).unwrap());
    let future = latest_schema_version() + 1;
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", future)
        .unwrap();

    let error = SqliteStore::open(&path).expect_err("a newer schema must be refused");
    match &error {
        StoreError::SchemaTooNew {
            path: reported,
            found,
            supported,
        } => {
            assert_eq!(reported, &path);
            assert_eq!(*found, future);
            assert_eq!(*supported, latest_schema_version());
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the message names the file: {message}"
    );
    assert!(message.contains(&future.to_string()), "{message}");
    assert_eq!(
        pragma(&path, "user_version"),
        future,
        "the file is left as it was"
    );
}

#[test]
fn a_foreign_sqlite_database_is_refused_and_left_untouched() {
    let dir = temp_dir();
    let path = dir.path().join("someone-elses.db");
    {
        let db = Connection::open(&path).unwrap();
        db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();

    let error = SqliteStore::open(&path).expect_err("a foreign database must be refused");
    assert!(
        matches!(&error, StoreError::NotACairnStore { path: reported } if reported == &path),
        "expected NotACairnStore, got {error:?}"
    );
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );

    assert_eq!(table_names(&path), ["notes"]);
    assert_eq!(pragma(&path, "user_version"), 0);
    assert_eq!(pragma(&path, "application_id"), 0);
    assert_eq!(
        journal_mode(&path),
        "delete",
        "refusing a file must not switch it to WAL"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is byte for byte unchanged"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_untouched() {
    let dir = temp_dir();
    let path = dir.path().join("notes.txt");
    let text = "These are not the tables you are looking for.\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    assert!(SqliteStore::open(&path).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn an_empty_file_becomes_a_store() {
    let dir = temp_dir();
    let path = dir.path().join("empty.db");
    std::fs::File::create(&path).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.get_experiment(ExperimentId::DEFAULT).unwrap().name,
        "Default"
    );
    drop(store);
    assert_eq!(pragma(&path, "user_version"), latest_schema_version());
    assert_eq!(pragma(&path, "application_id"), APPLICATION_ID);
}

#[test]
fn a_missing_file_and_folder_are_created() {
    let dir = temp_dir();
    let path = dir.path().join("nested/deeper/cairn.db");
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.database_path(), path);
    drop(store);
    assert_eq!(pragma(&path, "user_version"), latest_schema_version());
    // Opening it again is a no-op.
    drop(SqliteStore::open(&path).unwrap());
    assert_eq!(pragma(&path, "user_version"), latest_schema_version());
}

// ---------------------------------------------------------------------------------------------
// Upgrades.

#[test]
fn every_older_version_upgrades_to_the_latest() {
    assert!(latest_schema_version() >= 1);
    for version in 0..latest_schema_version() {
        let dir = temp_dir();
        let path = dir.path().join(format!("v{version}.db"));
        drop(SqliteStore::open_at_version(&path, version).unwrap());
        assert_eq!(
            pragma(&path, "user_version"),
            version,
            "built at version {version}"
        );
        let store = SqliteStore::open(&path)
            .unwrap_or_else(|error| panic!("upgrading from version {version}: {error}"));
        assert_eq!(
            store.get_experiment(ExperimentId::DEFAULT).unwrap().name,
            "Default"
        );
        drop(store);
        assert_eq!(
            pragma(&path, "user_version"),
            latest_schema_version(),
            "upgraded from version {version}"
        );
        assert_eq!(pragma(&path, "application_id"), APPLICATION_ID);
    }
}

#[test]
fn stores_opened_by_several_processes_at_once_are_migrated_once() {
    // Each thread opens its own store handle (its own connections), as separate processes
    // would; a migration applied twice fails with "table … already exists".
    for round in 0..8 {
        let dir = temp_dir();
        let older = dir.path().join("older.db");
        drop(SqliteStore::open_at_version(&older, latest_schema_version() - 1).unwrap());
        let new = dir.path().join("new.db");
        std::thread::scope(|scope| {
            let openers: Vec<_> = (0..4)
                .flat_map(|_| [&older, &new])
                .map(|path| scope.spawn(move || SqliteStore::open(path).map(drop)))
                .collect();
            for opener in openers {
                let opened = opener.join().unwrap();
                assert!(opened.is_ok(), "round {round}: {opened:?}");
            }
        });
        assert_eq!(pragma(&older, "user_version"), latest_schema_version());
        assert_eq!(pragma(&new, "user_version"), latest_schema_version());
    }
}

#[test]
fn an_upgraded_store_has_the_same_schema_as_a_new_one() {
    let dir = temp_dir();
    let fresh = dir.path().join("fresh.db");
    drop(SqliteStore::open(&fresh).unwrap());
    let expected = schema_dump(&Connection::open(&fresh).unwrap());
    for version in 0..latest_schema_version() {
        let path = dir.path().join(format!("from-v{version}.db"));
        drop(SqliteStore::open_at_version(&path, version).unwrap());
        drop(SqliteStore::open(&path).unwrap());
        let upgraded = schema_dump(&Connection::open(&path).unwrap());
        assert_eq!(
            upgraded, expected,
            "schema after upgrading from version {version}"
        );
    }
    let fixture = dir.path().join("store-v1.db");
    std::fs::copy(fixture_path(), &fixture).unwrap();
    drop(SqliteStore::open(&fixture).unwrap());
    assert_eq!(
        schema_dump(&Connection::open(&fixture).unwrap()),
        expected,
        "schema of the upgraded store-v1.db fixture"
    );
}

// ---------------------------------------------------------------------------------------------
// The store-v1.db fixture.

const T0: i64 = 1_700_000_000_000;
const BASELINE: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const CHILD: &str = "1a2b3c4d5e6f708192a3b4c5d6e7f809";
const FIXTURE_EXPERIMENT: ExperimentId = ExperimentId(7);

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/store-v1.db")
}

/// `baseline`'s `loss`: 100 points, logged in one append (so kept in a compressed chunk), with a
/// NaN at step 50 and an infinity at step 60.
fn baseline_loss() -> Vec<MetricPoint> {
    (0..100_i64)
        .map(|step| MetricPoint {
            step,
            timestamp_ms: T0 + step * 1000,
            value: match step {
                50 => f64::NAN,
                60 => f64::INFINITY,
                _ => 1.0 / (step as f64 + 1.0),
            },
        })
        .collect()
}

/// `baseline`'s `acc`: three points logged one by one, compacted when the run finished.
fn baseline_acc() -> Vec<MetricPoint> {
    [(0, 0.5), (1, 0.75), (2, 0.875)]
        .into_iter()
        .map(|(step, value)| MetricPoint {
            step,
            timestamp_ms: T0 + step * 1000,
            value,
        })
        .collect()
}

/// `child`'s `loss`: five points logged one by one to a run still RUNNING (so still in the
/// uncompressed tail), with a NaN payload, -0.0 and a NaN as the latest point.
fn child_loss() -> Vec<MetricPoint> {
    [
        0.25,
        -0.0,
        f64::from_bits(0x7ff8_0000_dead_beef),
        f64::NEG_INFINITY,
        f64::NAN,
    ]
    .into_iter()
    .enumerate()
    .map(|(step, value)| MetricPoint {
        step: step as i64,
        timestamp_ms: T0 + 10_000 + step as i64,
        value,
    })
    .collect()
}

fn git() -> GitProvenance {
    GitProvenance {
        origin: GitOrigin::Repository,
        repo_root: Some("/home/ada/src/model".into()),
        commit_sha: Some("0123456789abcdef0123456789abcdef01234567".into()),
        branch: Some("main".into()),
        remote_url: Some("https://example.invalid/ada/model.git".into()),
        is_dirty: Some(true),
        diff_artifact: Some("cairn/git.diff".into()),
        untracked_files: vec!["notes.md".into(), "scratch/try.py".into()],
        author_name: Some("Ada Lovelace".into()),
        author_email: Some("ada@example.invalid".into()),
        commit_time_ms: Some(T0 - 3_600_000),
        commit_summary: Some("Add dropout".into()),
    }
}

fn data_hash() -> DataHash {
    DataHash {
        path: "data/train".into(),
        kind: DataKind::Directory,
        root_hash: "ab".repeat(32),
        size_bytes: 123_456_789,
        file_count: 42,
        dvc_md5: Some("d41d8cd98f00b204e9800998ecf8427e.dir".into()),
    }
}

fn logged(key: &str, points: &[MetricPoint]) -> LogBatch {
    LogBatch {
        metrics: points
            .iter()
            .map(|point| NamedMetricPoint {
                key: key.into(),
                point: *point,
            })
            .collect(),
        ..LogBatch::default()
    }
}

fn params(pairs: &[(&str, &str)]) -> Vec<Param> {
    pairs
        .iter()
        .map(|(key, value)| Param {
            key: (*key).into(),
            value: (*value).into(),
        })
        .collect()
}

fn tags(pairs: &[(&str, &str)]) -> Vec<Tag> {
    pairs
        .iter()
        .map(|(key, value)| Tag::new(*key, *value))
        .collect()
}

/// Writes `tests/data/store-v1.db` (see the top of this file). Schema version 1 only.
fn write_store_v1(path: &Path) {
    assert_eq!(
        latest_schema_version(),
        1,
        "store-v1.db records what schema version 1 wrote; it is not regenerated by a newer Cairn"
    );
    for stale in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{stale}", path.display()));
    }
    let store = SqliteStore::open_at_version(path, 1).unwrap();
    let experiment_id = store
        .create_experiment(&NewExperiment {
            name: "fixture experiment".into(),
            artifact_location: Some("file:///fixture/artifacts/7".into()),
            tags: tags(&[("purpose", "upgrade test")]),
            experiment_id: Some(FIXTURE_EXPERIMENT),
        })
        .unwrap();
    assert_eq!(experiment_id, FIXTURE_EXPERIMENT);

    store
        .create_run(&NewRun {
            run_id: Some(BASELINE.into()),
            run_name: "baseline".into(),
            user_id: "ada".into(),
            start_time_ms: Some(T0),
            tags: tags(&[("team", "vision")]),
            ..NewRun::new(experiment_id, SourceKind::MlflowApi)
        })
        .unwrap();
    store
        .log_batch(
            BASELINE,
            &LogBatch {
                params: params(&[("lr", "0.1"), ("layers", "3")]),
                tags: tags(&[("note", "first run")]),
                ..LogBatch::default()
            },
        )
        .unwrap();
    store
        .append_metric(BASELINE, "loss", &baseline_loss())
        .unwrap();
    for point in baseline_acc() {
        store.log_batch(BASELINE, &logged("acc", &[point])).unwrap();
    }
    store.set_git_provenance(BASELINE, &git()).unwrap();
    store.set_data_hash(BASELINE, &data_hash()).unwrap();
    store
        .update_run(
            BASELINE,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time_ms: Some(T0 + 600_000),
                run_name: None,
            },
        )
        .unwrap();

    store
        .create_run(&NewRun {
            run_id: Some(CHILD.into()),
            run_name: "child".into(),
            user_id: "bob".into(),
            start_time_ms: Some(T0 + 10_000),
            source_kind: SourceKind::CairnRun,
            source_path: Some("/home/bob/train.py".into()),
            parent_run_id: Some(BASELINE.into()),
            ..NewRun::new(experiment_id, SourceKind::MlflowApi)
        })
        .unwrap();
    store
        .log_batch(
            CHILD,
            &LogBatch {
                params: params(&[("lr", "0.01")]),
                ..LogBatch::default()
            },
        )
        .unwrap();
    for point in child_loss() {
        store.log_batch(CHILD, &logged("loss", &[point])).unwrap();
    }

    store
        .create_registered_model(
            "fixture-model",
            "The fixture's model",
            &tags(&[("owner", "ada")]),
        )
        .unwrap();
    store
        .create_model_version(&NewModelVersion {
            name: "fixture-model".into(),
            source: format!("runs:/{BASELINE}/model"),
            run_id: Some(BASELINE.into()),
            description: "from baseline".into(),
            tags: tags(&[("validated", "yes")]),
            user_id: "ada".into(),
            ..NewModelVersion::default()
        })
        .unwrap();
    store
        .create_model_version(&NewModelVersion {
            name: "fixture-model".into(),
            source: format!("runs:/{CHILD}/model"),
            run_id: Some(CHILD.into()),
            user_id: "bob".into(),
            ..NewModelVersion::default()
        })
        .unwrap();
    store
        .transition_model_version_stage(&StageTransition {
            name: "fixture-model".into(),
            version: 1,
            stage: ModelStage::Production,
            archive_existing_versions: true,
            user_id: "ada".into(),
            comment: "ship the baseline".into(),
            origin: "cli".into(),
            gate_report: None,
        })
        .unwrap();
    store
        .set_model_alias("fixture-model", "champion", 1, "ada", "app")
        .unwrap();
    drop(store);

    let db = Connection::open(path).unwrap();
    db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let mode: String = db
        .query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    // 1 KiB pages instead of 4 KiB: each of the ~50 tables and indexes takes at least one page.
    db.execute_batch("PRAGMA page_size = 1024; VACUUM;")
        .unwrap();
    drop(db);
    for leftover in ["-wal", "-shm"] {
        assert!(!Path::new(&format!("{}{leftover}", path.display())).exists());
    }
}

fn history(store: &dyn Store, run_id: &str, key: &str) -> Vec<MetricPoint> {
    store.metric_history(run_id, key).unwrap()
}

fn assert_bits(actual: &[MetricPoint], expected: &[MetricPoint], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: length");
    for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
        assert!(
            actual.same_bits(expected),
            "{what}, point {index}: got {actual:?} ({:#x}), expected {expected:?} ({:#x})",
            actual.value.to_bits(),
            expected.value.to_bits()
        );
    }
}

/// Everything the store's API reads back, as text: experiments, runs (every field, each metric
/// history point by point with its value's bits, inputs and outputs), registered models with
/// their versions and history. `tests/data/store-v1.dump` pins what the v1 fixture must read
/// back as; `UPDATE_EXPECT=1` rewrites it when a domain type gains a field (review the diff:
/// nothing already there may change).
fn store_dump(store: &dyn Store) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for summary in store.list_experiments(ViewType::All).unwrap() {
        writeln!(out, "{summary:#?}").unwrap();
    }
    let mut runs = store
        .search_runs(&cairn_core::RunSearch {
            view: ViewType::All,
            ..cairn_core::RunSearch::default()
        })
        .unwrap()
        .runs;
    runs.sort_by(|a, b| a.info.run_id.cmp(&b.info.run_id));
    for run in &runs {
        let run_id = &run.info.run_id;
        writeln!(out, "{run:#?}").unwrap();
        for metric in &run.metrics {
            writeln!(out, "history of {run_id} {}:", metric.key).unwrap();
            for point in history(store, run_id, &metric.key) {
                writeln!(
                    out,
                    "  step {} at {} = {:?} ({:#018x})",
                    point.step,
                    point.timestamp_ms,
                    point.value,
                    point.value.to_bits()
                )
                .unwrap();
            }
        }
        writeln!(out, "{:#?}", store.run_io(run_id).unwrap()).unwrap();
    }
    for model in store.list_registered_models().unwrap() {
        writeln!(out, "{model:#?}").unwrap();
        for version in store.list_model_versions(&model.name).unwrap() {
            writeln!(out, "{version:#?}").unwrap();
        }
        writeln!(out, "{:#?}", store.registry_history(&model.name).unwrap()).unwrap();
    }
    out
}

/// Checks every value `write_store_v1` stored, and that search still finds them.
fn check_store_v1(store: &dyn Store) {
    expect_file!["data/store-v1.dump"].assert_eq(&store_dump(store));
    assert_bits(
        &history(store, BASELINE, "loss"),
        &baseline_loss(),
        "baseline loss",
    );
    assert_bits(
        &history(store, BASELINE, "acc"),
        &baseline_acc(),
        "baseline acc",
    );
    assert_bits(&history(store, CHILD, "loss"), &child_loss(), "child loss");

    // Search still finds them by what v1 stored.
    let search = |filter: &str| -> Vec<String> {
        store
            .search_runs(&cairn_core::RunSearch {
                experiment_ids: vec![FIXTURE_EXPERIMENT],
                filter: cairn_core::search::parse_filter(filter).unwrap(),
                ..cairn_core::RunSearch::default()
            })
            .unwrap()
            .runs
            .into_iter()
            .map(|run| run.info.run_name)
            .collect()
    };
    assert_eq!(search(""), ["child", "baseline"]);
    assert_eq!(search("params.lr = '0.1'"), ["baseline"]);
    assert_eq!(
        search("metrics.loss < 1"),
        ["baseline"],
        "NaN latest loss never matches"
    );
    assert_eq!(search("tags.team = 'vision'"), ["baseline"]);
}

#[test]
fn store_v1_fixture_reads_back_after_upgrade() {
    let fixture = fixture_path();
    if std::env::var_os("CAIRN_WRITE_STORE_V1").is_some() {
        write_store_v1(&fixture);
    }
    let size = std::fs::metadata(&fixture)
        .unwrap_or_else(|error| panic!("{}: {error}", fixture.display()))
        .len();
    assert!(
        size <= 200 * 1024,
        "the fixture should stay small ({size} bytes)"
    );
    for leftover in ["-wal", "-shm", "-journal"] {
        let side = format!("{}{leftover}", fixture.display());
        assert!(
            !Path::new(&side).exists(),
            "{side} must not exist: the fixture is one file"
        );
    }
    // Read from the header (bytes 60..64) so that the committed file is never opened in place.
    let header = std::fs::read(&fixture).unwrap();
    let user_version = i32::from_be_bytes([header[60], header[61], header[62], header[63]]);
    assert_eq!(user_version, 1, "store-v1.db is at schema version 1");

    let dir = temp_dir();
    let copy = dir.path().join("store-v1.db");
    std::fs::copy(&fixture, &copy).unwrap();
    let store = SqliteStore::open(&copy).unwrap();
    check_store_v1(&store);
    drop(store);
    assert_eq!(pragma(&copy, "user_version"), latest_schema_version());
    assert_eq!(pragma(&copy, "application_id"), APPLICATION_ID);

    // And it stays writable: the upgraded store takes new data next to the old.
    let store = SqliteStore::open(&copy).unwrap();
    store
        .log_batch(
            CHILD,
            &logged(
                "loss",
                &[MetricPoint {
                    step: 5,
                    timestamp_ms: T0 + 20_000,
                    value: 0.1,
                }],
            ),
        )
        .unwrap();
    let mut expected = child_loss();
    expected.push(MetricPoint {
        step: 5,
        timestamp_ms: T0 + 20_000,
        value: 0.1,
    });
    assert_bits(
        &history(&store, CHILD, "loss"),
        &expected,
        "child loss after a new point",
    );
    let run = store
        .create_run(&NewRun {
            start_time_ms: Some(T0),
            ..NewRun::new(FIXTURE_EXPERIMENT, SourceKind::MlflowApi)
        })
        .unwrap();
    assert_eq!(run.info.experiment_id, FIXTURE_EXPERIMENT);
    assert_eq!(
        store
            .create_model_version(&NewModelVersion {
                name: "fixture-model".into(),
                ..NewModelVersion::default()
            })
            .unwrap()
            .version,
        3
    );
}

#[test]
fn histories_written_before_their_order_was_recorded_do_not_claim_one() {
    let dir = temp_dir();
    let copy = dir.path().join("store-v1.db");
    std::fs::copy(fixture_path(), &copy).unwrap();
    let store = SqliteStore::open(&copy).unwrap();
    let order = |key: &str| {
        store
            .metric_history_range(BASELINE, key, 0, 10)
            .unwrap()
            .in_mlflow_order
    };
    assert_eq!(order("loss"), None, "written at schema version 1");
    // Points appended later cannot vouch for those before them.
    let later = MetricPoint {
        step: 1000,
        timestamp_ms: T0 + 10_000_000,
        value: 0.5,
    };
    store.append_metric(BASELINE, "loss", &[later]).unwrap();
    assert_eq!(order("loss"), None, "appended to after the upgrade");
    let mut expected = baseline_loss();
    expected.push(later);
    let history = store.metric_history(BASELINE, "loss").unwrap();
    assert_eq!(history.len(), expected.len());
    assert!(
        history
            .iter()
            .zip(&expected)
            .all(|(read, written)| read.same_bits(written))
    );
    // A history started after the upgrade records its order.
    store.append_metric(BASELINE, "fresh", &[later]).unwrap();
    assert_eq!(order("fresh"), Some(true));
}
