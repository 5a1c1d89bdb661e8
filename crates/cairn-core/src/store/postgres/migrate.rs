//! The PostgreSQL schema's numbered migrations (`migrations/postgres/NNNN_*.sql`, embedded in
//! the binary), applied in order on connect, each in its own transaction. A transaction-level
//! advisory lock makes servers starting at once take turns; the applied version is kept in
//! `cairn_schema`.

use postgres::Client;

use super::errors::from_postgres;
use crate::error::{StoreError, StoreResult};

/// The migrations, in order: (version, SQL).
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        include_str!("../../../../../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        include_str!("../../../../../migrations/postgres/0002_accounts.sql"),
    ),
    (
        3,
        include_str!("../../../../../migrations/postgres/0003_monitoring.sql"),
    ),
    (
        4,
        include_str!("../../../../../migrations/postgres/0004_long_values.sql"),
    ),
    (
        5,
        include_str!("../../../../../migrations/postgres/0005_metric_experiment.sql"),
    ),
    (
        6,
        include_str!("../../../../../migrations/postgres/0006_history_order.sql"),
    ),
    (
        7,
        include_str!("../../../../../migrations/postgres/0007_value_heads.sql"),
    ),
    (
        8,
        include_str!("../../../../../migrations/postgres/0008_experiment_run_ids.sql"),
    ),
    (
        9,
        include_str!("../../../../../migrations/postgres/0009_search_statistics.sql"),
    ),
    (
        10,
        include_str!("../../../../../migrations/postgres/0010_latest_metrics_covered.sql"),
    ),
    (
        11,
        include_str!("../../../../../migrations/postgres/0011_byte_order.sql"),
    ),
    (
        12,
        include_str!("../../../../../migrations/postgres/0012_run_name_trigrams.sql"),
    ),
];

/// An arbitrary constant naming Cairn's migration lock among the database's advisory locks.
const MIGRATION_LOCK: i64 = 0x6361_6972_6e5f_6d67;

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(version, _)| *version)
}

/// Brings the database's schema to `target`; refuses a database from a newer Cairn.
pub(crate) fn migrate(client: &mut Client, target: i64) -> StoreResult<()> {
    let mut transaction = client.transaction().map_err(from_postgres)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(from_postgres)?;
    refuse_foreign(&mut transaction)?;
    transaction
        .batch_execute("CREATE TABLE IF NOT EXISTS cairn_schema (version BIGINT NOT NULL)")
        .map_err(from_postgres)?;
    let current: i64 = transaction
        .query_one("SELECT COALESCE(MAX(version), 0) FROM cairn_schema", &[])
        .map_err(from_postgres)?
        .get(0);
    if current > latest_version() {
        return Err(StoreError::invalid(
            "database",
            format!(
                "the database's schema is version {current}, newer than this Cairn knows \
                 ({}); upgrade Cairn",
                latest_version()
            ),
        ));
    }
    for (version, sql) in MIGRATIONS {
        if *version <= current || *version > target {
            continue;
        }
        transaction
            .batch_execute(sql)
            .map_err(|error| StoreError::Backend {
                message: format!(
                    "applying PostgreSQL migration {version}: {} (the database's cairn_schema \
                     table says it is at version {current}, which its tables do not match)",
                    error
                        .as_db_error()
                        .map_or_else(|| error.to_string(), |db| db.message().to_owned())
                ),
            })?;
        transaction
            .execute("INSERT INTO cairn_schema (version) VALUES ($1)", &[version])
            .map_err(from_postgres)?;
    }
    transaction.commit().map_err(from_postgres)
}

/// Whether the database holds Cairn's schema table.
fn holds_cairn_schema(client: &mut impl postgres::GenericClient) -> StoreResult<bool> {
    Ok(client
        .query_one("SELECT to_regclass('cairn_schema') IS NOT NULL", &[])
        .map_err(from_postgres)?
        .get(0))
}

/// Refuses a database without Cairn's schema (an empty one, or another application's).
pub(crate) fn refuse_missing(client: &mut Client) -> StoreResult<()> {
    if holds_cairn_schema(client)? {
        return Ok(());
    }
    Err(StoreError::invalid(
        "database",
        "the database holds no Cairn store (no cairn_schema table); nothing was written to it",
    ))
}

/// Refuses a database that holds tables but no Cairn schema: another application's (an MLflow
/// server's, say), whose tables Cairn must neither touch nor mistake for its own.
fn refuse_foreign(transaction: &mut postgres::Transaction<'_>) -> StoreResult<()> {
    if holds_cairn_schema(transaction)? {
        return Ok(());
    }
    let foreign: Vec<String> = transaction
        .query(
            "SELECT table_name::TEXT FROM information_schema.tables
             WHERE table_schema = current_schema() ORDER BY table_name LIMIT 6",
            &[],
        )
        .map_err(from_postgres)?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    Err(StoreError::invalid(
        "database",
        format!(
            "the database holds tables that are not Cairn's ({}{}): Cairn needs a database of \
             its own — create an empty one (createdb) and point --database at it",
            foreign
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if foreign.len() > 5 { ", ..." } else { "" }
        ),
    ))
}
