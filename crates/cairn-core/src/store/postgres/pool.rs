//! A bounded pool of PostgreSQL connections: idle ones are reused, a broken one is dropped on
//! return and replaced on the next checkout, so a restarted server is reconnected to without a
//! restart of Cairn (and the store tries a call whose transaction could not even begin on a
//! reused connection again, see `PostgresStore::in_transaction`); when all are busy, a caller
//! waits for one to come back instead of opening more sessions than the database takes.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

use super::tls::Tls;

use super::statements::StatementCache;
use crate::error::{StoreError, StoreResult};
use crate::store::ConnectionUse;

/// Connections open at most, busy and idle together. All of them stay open between requests, so
/// that a steady load of many clients (16 writers, say) reuses its sessions instead of opening a
/// new PostgreSQL backend, and preparing every statement again, for every other request; past
/// this many, callers take turns.
const MAX_OPEN: usize = 32;

/// How long a caller waits for a busy connection before giving up with 503.
const WAIT: Duration = Duration::from_secs(30);

/// The pool.
pub(crate) struct Pool {
    config: postgres::Config,
    tls: Tls,
    location: String,
    state: Mutex<PoolState>,
    /// Signalled when a connection comes back or a slot frees.
    returned: Condvar,
    max_open: usize,
    wait: Duration,
}

/// The connections: those waiting to be used, how many are out, and the callers waiting for one.
struct PoolState {
    idle: Vec<(Client, StatementCache)>,
    in_use: usize,
    /// Callers waiting now for a connection to come back.
    waiting: usize,
    /// Callers that waited [`WAIT`] in vain, since the pool was made.
    gave_up: u64,
}

/// How long opening a session may take, handshake and sign-in included. The client's own
/// connect timeout covers only reaching the server: one that takes the connection and then
/// never answers (a hung host) would otherwise hold the caller, or `cairn serve`'s start,
/// forever.
const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(10);

/// Session openings still waiting on a server that has not answered, past which callers are
/// refused at once instead of leaving one more thread waiting.
const STALLED_OPENINGS: usize = 8;

static STALLED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Opens one connection to the configured server within [`HANDSHAKE_DEADLINE`]. A server that
/// refuses who or what was asked for (no such database, wrong password) is a configuration error
/// naming it; one that cannot be reached, or does not answer in time, is
/// [`StoreError::Unavailable`].
pub(crate) fn connect(config: &postgres::Config, tls: &Tls, location: &str) -> StoreResult<Client> {
    use std::sync::atomic::Ordering;
    let stalled = || StoreError::Unavailable {
        message: format!(
            "PostgreSQL at {location} took the connection but did not answer within {} s",
            HANDSHAKE_DEADLINE.as_secs()
        ),
    };
    if STALLED.load(Ordering::Relaxed) >= STALLED_OPENINGS {
        return Err(stalled());
    }
    let (sender, receiver) = std::sync::mpsc::channel();
    let (config, tls, place) = (config.clone(), tls.clone(), location.to_owned());
    std::thread::Builder::new()
        .name("cairn-pg-connect".to_owned())
        .spawn(move || {
            // A receiver gone past the deadline drops what arrives late.
            let _ = sender.send(connect_now(&config, &tls, &place));
        })
        .map_err(|error| StoreError::Unavailable {
            message: format!("cannot start a connection to PostgreSQL at {location}: {error}"),
        })?;
    match receiver.recv_timeout(HANDSHAKE_DEADLINE) {
        Ok(result) => result,
        Err(_) => {
            STALLED.fetch_add(1, Ordering::Relaxed);
            // Counted down when the late answer (or failure) finally comes.
            std::thread::spawn(move || {
                let _ = receiver.recv();
                STALLED.fetch_sub(1, Ordering::Relaxed);
            });
            Err(stalled())
        }
    }
}

fn connect_now(config: &postgres::Config, tls: &Tls, location: &str) -> StoreResult<Client> {
    let connected = match tls {
        Tls::Off => config.connect(NoTls),
        Tls::Rustls(connector) => config.connect(connector.clone()),
    };
    connected.map_err(|error| {
        if let Some(db) = error.as_db_error() {
            let class = &db.code().code()[..2];
            // 3D: invalid catalog name (no such database); 28: authorization failed.
            if class == "3D" || class == "28" {
                return StoreError::invalid(
                    "database",
                    format!(
                        "PostgreSQL at {location} refused the connection: {}",
                        db.message()
                    ),
                );
            }
            return StoreError::Unavailable {
                message: format!(
                    "cannot connect to PostgreSQL at {location}: {}",
                    db.message()
                ),
            };
        }
        let cause = std::error::Error::source(&error)
            .map_or_else(|| error.to_string(), |source| format!("{error}: {source}"));
        // The server asked for a password that neither the URL, PGPASSWORD nor the password
        // file gave: the caller's to fix, not the server's.
        if cause.contains("password missing") {
            return StoreError::invalid(
                "database",
                format!(
                    "PostgreSQL at {location} asks for a password: give it in the URL \
                     (postgresql://user:password@host/db), in PGPASSWORD, or in ~/.pgpass"
                ),
            );
        }
        StoreError::Unavailable {
            message: format!("cannot connect to PostgreSQL at {location}: {cause}"),
        }
    })
}

impl Pool {
    pub(crate) fn new(config: postgres::Config, tls: Tls, location: String) -> Pool {
        Pool {
            config,
            tls,
            location,
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                in_use: 0,
                waiting: 0,
                gave_up: 0,
            }),
            returned: Condvar::new(),
            max_open: MAX_OPEN,
            wait: WAIT,
        }
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An open connection: an idle one that is still open, else a new one while fewer than
    /// [`MAX_OPEN`] are open, else the first one returned within [`WAIT`].
    pub(crate) fn get(&self) -> StoreResult<Pooled<'_>> {
        let deadline = Instant::now() + self.wait;
        let mut state = self.lock();
        loop {
            while let Some((client, statements)) = state.idle.pop() {
                if client.is_closed() {
                    continue;
                }
                state.in_use += 1;
                return Ok(self.pooled(client, statements, true));
            }
            if state.in_use < self.max_open {
                // The slot is taken before connecting, outside the lock.
                state.in_use += 1;
                drop(state);
                return match connect(&self.config, &self.tls, &self.location) {
                    Ok(client) => Ok(self.pooled(client, StatementCache::default(), false)),
                    Err(error) => {
                        self.lock().in_use -= 1;
                        self.returned.notify_one();
                        Err(error)
                    }
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.gave_up += 1;
                return Err(StoreError::Unavailable {
                    message: format!(
                        "all {} connections to PostgreSQL at {} stayed busy for {} s",
                        self.max_open,
                        self.location,
                        self.wait.as_secs()
                    ),
                });
            }
            state.waiting += 1;
            state = self
                .returned
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            state.waiting -= 1;
        }
    }

    fn pooled(&self, client: Client, statements: StatementCache, reused: bool) -> Pooled<'_> {
        Pooled {
            pool: self,
            client: Some(client),
            statements,
            broken: false,
            reused,
        }
    }

    /// The connections now, the limit, and the callers waiting for one.
    pub(crate) fn connection_use(&self) -> ConnectionUse {
        let state = self.lock();
        ConnectionUse {
            idle: state.idle.len(),
            busy: state.in_use,
            limit: self.max_open,
            waiting: state.waiting,
            gave_up: state.gave_up,
        }
    }
}

impl Drop for Pool {
    /// Closes the idle connections on a thread of their own: a blocking client closes itself by
    /// running a small runtime of its own, which cannot start on a thread that drives an async
    /// one — where the server drops its store when it stops.
    fn drop(&mut self) {
        let idle = std::mem::take(
            &mut self
                .state
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .idle,
        );
        if idle.is_empty() {
            return;
        }
        let handed = std::sync::Arc::new(Mutex::new(Some(idle)));
        let to_close = std::sync::Arc::clone(&handed);
        let closing = std::thread::Builder::new()
            .name("cairn-pg-close".to_owned())
            .spawn(move || {
                drop(
                    to_close
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .take(),
                )
            });
        match closing {
            Ok(closing) => {
                let _ = closing.join();
            }
            // No thread to close them on: their sockets close with the process, and the server
            // ends each session then.
            Err(_) => {
                std::mem::forget(handed.lock().unwrap_or_else(PoisonError::into_inner).take())
            }
        }
    }
}

/// A checked-out connection with the statements prepared on it, returned to the pool when
/// dropped.
pub(crate) struct Pooled<'pool> {
    pool: &'pool Pool,
    client: Option<Client>,
    statements: StatementCache,
    broken: bool,
    /// Taken from the idle ones, not opened for this caller.
    reused: bool,
}

impl Pooled<'_> {
    /// The statements prepared on this connection, taken out while it runs a call (see
    /// [`super::statements::with_cache`]); [`Pooled::restore_statements`] puts them back.
    pub(crate) fn take_statements(&mut self) -> StatementCache {
        std::mem::take(&mut self.statements)
    }

    /// Puts back what [`Pooled::take_statements`] took.
    pub(crate) fn restore_statements(&mut self, statements: StatementCache) {
        self.statements = statements;
    }

    /// Whether the connection was idle in the pool (its session may have ended meanwhile)
    /// rather than opened for this caller.
    pub(crate) fn reused(&self) -> bool {
        self.reused
    }

    /// Marks the connection as not to be reused when `error` says the server went away.
    pub(crate) fn note_failure(&mut self, error: &StoreError) {
        if matches!(error, StoreError::Unavailable { .. }) {
            self.broken = true;
        }
    }
}

impl Deref for Pooled<'_> {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.client
            .as_ref()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
            .as_mut()
            .unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let broken = self.broken;
        // One not to be reused closes here, before the lock: a broken one may take a while.
        let reusable = self
            .client
            .take()
            .filter(|client| !broken && !client.is_closed());
        let mut state = self.pool.lock();
        state.in_use -= 1;
        if let Some(client) = reusable {
            state
                .idle
                .push((client, std::mem::take(&mut self.statements)));
        }
        drop(state);
        self.pool.returned.notify_one();
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "a test fails loudly on anything unexpected"
    )]

    use super::{ConnectionUse, Pool, Tls};

    fn backend_pid(connection: &mut super::Pooled<'_>) -> i32 {
        connection
            .query_one("SELECT pg_backend_pid()", &[])
            .unwrap()
            .get(0)
    }

    #[test]
    fn a_caller_past_the_limit_waits_for_a_connection_and_gives_up_with_503() {
        let url = cairn_test_support::postgres::fresh_database();
        let mut pool = Pool::new(url.parse().unwrap(), Tls::Off, url.clone());
        pool.max_open = 2;
        pool.wait = std::time::Duration::from_millis(300);
        let first = pool.get().unwrap();
        let mut second = pool.get().unwrap();
        let held = backend_pid(&mut second);
        // Nothing comes back: the third caller gives up, naming the database.
        let error = pool.get().err().unwrap();
        assert!(
            matches!(&error, crate::error::StoreError::Unavailable { message }
                if message.contains("all 2 connections") && message.contains(&url)),
            "{error:?}"
        );
        assert_eq!(pool.connection_use().gave_up, 1);
        // One comes back while a caller waits: the caller gets that session.
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| backend_pid(&mut pool.get().unwrap()));
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while pool.connection_use().waiting == 0 {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the caller never waited"
                );
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            drop(second);
            assert_eq!(waiter.join().unwrap(), held);
        });
        drop(first);
        assert_eq!(
            pool.connection_use(),
            ConnectionUse {
                idle: 2,
                busy: 0,
                limit: 2,
                waiting: 0,
                gave_up: 1
            }
        );
    }

    #[test]
    fn sixteen_connections_used_at_once_are_kept_and_used_again() {
        let url = cairn_test_support::postgres::fresh_database();
        let pool = Pool::new(url.parse().unwrap(), Tls::Off, url.clone());
        let mut first: Vec<_> = (0..16).map(|_| pool.get().unwrap()).collect();
        let mut sessions: Vec<i32> = first.iter_mut().map(backend_pid).collect();
        let counts = |pool: &Pool| {
            let now = pool.connection_use();
            (now.idle, now.busy)
        };
        assert_eq!(counts(&pool), (0, 16));
        drop(first);
        assert_eq!(
            counts(&pool),
            (16, 0),
            "every connection is kept for the next burst"
        );
        let mut again: Vec<_> = (0..16).map(|_| pool.get().unwrap()).collect();
        let mut reused: Vec<i32> = again.iter_mut().map(backend_pid).collect();
        sessions.sort_unstable();
        reused.sort_unstable();
        assert_eq!(reused, sessions, "the same sessions serve the second burst");
    }
}
