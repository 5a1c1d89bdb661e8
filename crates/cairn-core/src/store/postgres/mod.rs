//! [`PostgresStore`]: the store in a PostgreSQL database, for a team's `cairn serve`.
//!
//! Every operation is one transaction on a pooled connection: reads in `REPEATABLE READ, READ
//! ONLY` (one snapshot per answer), writes in `READ COMMITTED` with the rows they change locked.
//! A write that loses a serialization race or a deadlock is retried; a connection the server
//! dropped (a restart) is replaced: a call that finds it so before its transaction began is
//! tried on another, one that loses it midway fails with [`StoreError::Unavailable`] — never a
//! hang.

mod accounts;
mod artifacts;
mod changes;
mod credentials;
mod data_hashes;
#[cfg(test)]
mod ended_sessions;
mod errors;
mod experiments;
#[cfg(test)]
mod fresh_statistics;
mod import;
mod import_registry;
mod index_state;
mod key_values;
mod logged_models;
mod logged_models_import;
mod metric_reads;
mod metrics;
mod migrate;
mod monitoring;
mod pool;
mod present;
mod provenance;
mod registry;
mod registry_edit;
mod registry_read;
mod row;
mod run_io;
mod run_load;
mod runs;
mod search;
mod sql;
mod statements;
mod statistics;
mod tls;
mod trait_impl;
mod writes;

use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::{Client, IsolationLevel, Transaction};

use crate::error::{StoreError, StoreResult};

pub use migrate::latest_version as latest_postgres_schema_version;

/// How long a connection attempt may take before the server is called unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How many times a write that lost a serialization race or a deadlock is tried in all.
const WRITE_ATTEMPTS: usize = 5;

/// The PostgreSQL-backed store.
pub struct PostgresStore {
    config: postgres::Config,
    tls: tls::Tls,
    location: String,
    artifact_root: PathBuf,
    pool: pool::Pool,
    statistics: statistics::StatisticsWatch,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// The settings of every session Cairn opens. Its statements are short and their probes keyed by
/// run, and PostgreSQL's planner misjudged three of their helpers (measured on the filtered
/// search over 100,000 runs in `benches/team_search.py`):
/// - `jit`: a search over 10,000 runs is costed above `jit_above_cost` and spent 8 ms compiling
///   for 4 ms of work;
/// - `enable_memoize`: a run's row in `params`, `tags` or `metric_series` is unique per key, so a
///   cache of probes keyed by run never hits (0 of 805), yet planning it and filling it took a
///   quarter of the search's statement (an eighth of the request), and costing it as a cache
///   made probe loops look cheaper than they are;
/// - `max_parallel_workers_per_gather`: parallel plans were chosen from those misestimates and
///   ran 30–55 ms where the serial plan runs 4 ms. A team server's parallelism is its
///   concurrent requests;
/// - `random_page_cost`: what a search reads (runs, params, tags, latest metrics: no histories)
///   is a team server's working set and stays in memory, where a random page costs about what a
///   sequential one does. At the default 4, `metrics.m1 > 0.99` over 100,000 runs, newest first,
///   read every run's row (37–58 ms) instead of probing the 900 that pass (13–18 ms). 1.1 is
///   PostgreSQL's own advice for storage that is cached or solid-state.
const SESSION_OPTIONS: &str = "-c jit=off -c enable_memoize=off \
     -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1";

/// The startup options of a session: Cairn's settings, then the URL's `options`, which PostgreSQL
/// applies later and so override them.
fn session_options(given: Option<&str>) -> String {
    match given {
        Some(given) if !given.trim().is_empty() => format!("{SESSION_OPTIONS} {given}"),
        _ => SESSION_OPTIONS.to_owned(),
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgresql://user:password@host:port/database`; a
    /// user or password it leaves out is found as libpq finds it, see `credentials.rs`), brings
    /// its schema up to date, and keeps Cairn's own artifacts in `artifact_root`.
    pub fn connect(url: &str, artifact_root: &Path) -> StoreResult<PostgresStore> {
        Self::open(url, artifact_root, true)
    }

    /// [`PostgresStore::connect`] to a database that already holds a Cairn store: one without
    /// Cairn's schema is refused and left as it is (a copy's source, which must not be made).
    pub fn connect_existing(url: &str, artifact_root: &Path) -> StoreResult<PostgresStore> {
        Self::open(url, artifact_root, false)
    }

    fn open(url: &str, artifact_root: &Path, create: bool) -> StoreResult<PostgresStore> {
        let parsed = tls::parse(url)?;
        let mut config: postgres::Config = parsed.url.parse().map_err(|error| {
            StoreError::invalid(
                "database",
                format!("'{}' is not a PostgreSQL URL: {error}", redacted_url(url)),
            )
        })?;
        credentials::complete(&mut config, &|name| std::env::var(name).ok());
        config.connect_timeout(CONNECT_TIMEOUT);
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(30));
        if config.get_application_name().is_none() {
            config.application_name("cairn");
        }
        let options = session_options(config.get_options());
        config.options(&options);
        config.ssl_mode(tls::client_mode(parsed.mode));
        let tls = tls::connector(&parsed)?;
        let location = describe(&config);
        let pool = pool::Pool::new(config.clone(), tls.clone(), location.clone());
        let store = PostgresStore {
            config,
            tls,
            location,
            artifact_root: artifact_root.to_path_buf(),
            pool,
            statistics: statistics::StatisticsWatch::new(),
        };
        if !create {
            store.with_client(migrate::refuse_missing)?;
        }
        store.with_client(|client| migrate::migrate(client, migrate::latest_version()))?;
        Ok(store)
    }

    /// The database, as a URL without its password.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The folder holding artifacts stored by Cairn itself.
    pub fn artifact_root(&self) -> &Path {
        &self.artifact_root
    }

    /// PostgreSQL's plan of a run search as it ran (`EXPLAIN ANALYZE`, one line per row), to
    /// check that a slow search uses the indexes.
    pub fn explain_search(&self, search: &crate::store::RunSearch) -> StoreResult<Vec<String>> {
        self.read(|tx| search::explain(tx, search))
    }

    /// Analyzes the search tables first when they grew far past their planner statistics
    /// (`statistics.rs`); looked at before a search, at most every two seconds. A search goes on
    /// with the statistics as they are when this cannot be done.
    pub(crate) fn keep_statistics(&self) {
        if self.statistics.claim() {
            let _analyzed = self.with_client(statistics::refresh);
        }
    }

    /// The pool's connections now, and the requests waiting for one.
    pub fn pool_use(&self) -> crate::store::ConnectionUse {
        self.pool.connection_use()
    }

    /// Runs `work` on a pooled connection, outside any transaction.
    pub(crate) fn with_client<T>(
        &self,
        work: impl FnOnce(&mut Client) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.with_connection(|client, _| work(client))
    }

    /// [`PostgresStore::with_client`], telling `work` whether the connection was idle in the
    /// pool (its session may have ended meanwhile) rather than opened for this call.
    fn with_connection<T>(
        &self,
        work: impl FnOnce(&mut Client, bool) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut client = self.pool.get()?;
        let reused = client.reused();
        let mut statements = client.take_statements();
        let result = statements::with_cache(&mut statements, || work(&mut client, reused));
        client.restore_statements(statements);
        if let Err(error) = &result {
            client.note_failure(error);
        }
        result
    }

    /// Runs `work` in a read-only transaction on one snapshot.
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&mut Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut work = Some(work);
        self.in_transaction(Access::ReadOnly, &mut |transaction| match work.take() {
            Some(work) => work(transaction),
            // `in_transaction` runs `work` once at most: it tries again only before.
            None => Err(StoreError::Backend {
                message: "a read was run twice".to_owned(),
            }),
        })
    }

    /// Runs `work` in a read-write transaction and commits it; tried again from the start when
    /// PostgreSQL reports a serialization failure or a deadlock, so `work` must only touch the
    /// database.
    pub(crate) fn write<T>(
        &self,
        mut work: impl FnMut(&mut Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut attempt = 1;
        loop {
            match self.in_transaction(Access::ReadWrite, &mut work) {
                Err(StoreError::Busy { .. }) if attempt < WRITE_ATTEMPTS => {
                    std::thread::sleep(Duration::from_millis(10 << attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Begins a transaction on a pooled connection, runs `work` in it and commits. A begin that
    /// fails because the session is gone — PostgreSQL restarted, or ended it, since the
    /// connection was last used — has done nothing: that connection is dropped and the next
    /// tried (at most every pooled one, then a new one), so a call arriving after a restart is
    /// served by a new session instead of failing on each stale one in turn.
    fn in_transaction<T>(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        loop {
            let mut stale = false;
            let result = self.with_connection(|client, reused| {
                let begun = match access {
                    Access::ReadOnly => client
                        .build_transaction()
                        .isolation_level(IsolationLevel::RepeatableRead)
                        .read_only(true)
                        .start(),
                    Access::ReadWrite => client.transaction(),
                };
                let mut transaction = begun.map_err(|error| {
                    let error = errors::from_postgres(error);
                    stale = reused && matches!(error, StoreError::Unavailable { .. });
                    error
                })?;
                let value = work(&mut transaction)?;
                transaction.commit().map_err(errors::from_postgres)?;
                Ok(value)
            });
            if !stale {
                return result;
            }
        }
    }
}

/// What a transaction may do.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Read, in `REPEATABLE READ`: one snapshot.
    ReadOnly,
    /// Read and write, in `READ COMMITTED`.
    ReadWrite,
}

/// A database URL fit for messages and logs: the database it names, without its password.
pub fn redacted_url(url: &str) -> String {
    let stripped = tls::parse(url).map_or_else(|_| url.to_owned(), |parsed| parsed.url);
    match stripped.parse::<postgres::Config>() {
        Ok(config) => describe(&config),
        Err(_) => "(the given database URL)".to_owned(),
    }
}

/// The database a configuration names, as a URL without its password.
fn describe(config: &postgres::Config) -> String {
    let user = config
        .get_user()
        .map(|user| format!("{user}@"))
        .unwrap_or_default();
    let host = config
        .get_hosts()
        .first()
        .map(|host| match host {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config.get_dbname().unwrap_or("");
    format!("postgresql://{user}{host}:{port}/{database}")
}

#[cfg(test)]
mod session_tests {
    use super::{SESSION_OPTIONS, session_options};

    #[test]
    fn the_urls_options_follow_cairns_so_that_they_win() {
        assert_eq!(session_options(None), SESSION_OPTIONS);
        assert_eq!(session_options(Some("  ")), SESSION_OPTIONS);
        assert_eq!(
            session_options(Some("-c enable_memoize=on")),
            format!("{SESSION_OPTIONS} -c enable_memoize=on")
        );
    }
}
