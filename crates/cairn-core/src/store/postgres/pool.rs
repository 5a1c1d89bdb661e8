//! A small pool of PostgreSQL connections: idle ones are reused, a broken one is dropped on
//! return and replaced on the next checkout, so a restarted server is reconnected to without a
//! restart of Cairn.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use postgres::{Client, NoTls};

use super::tls::Tls;

use super::statements::StatementCache;
use crate::error::{StoreError, StoreResult};

/// Idle connections kept open: as many as the busiest moments use, so that a steady load of
/// many clients (16 writers, say) reuses its connections instead of opening a new PostgreSQL
/// session for every other request (a new backend, and every statement prepared again).
const MAX_IDLE: usize = 32;

/// The pool.
pub(crate) struct Pool {
    config: postgres::Config,
    tls: Tls,
    location: String,
    idle: Mutex<Vec<(Client, StatementCache)>>,
    in_use: AtomicUsize,
}

/// Opens one connection to the configured server. A server that refuses who or what was asked
/// for (no such database, wrong password) is a configuration error naming it; one that cannot be
/// reached is [`StoreError::Unavailable`].
pub(crate) fn connect(config: &postgres::Config, tls: &Tls, location: &str) -> StoreResult<Client> {
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
            idle: Mutex::new(Vec::new()),
            in_use: AtomicUsize::new(0),
        }
    }

    /// An open connection: an idle one that is still open, or a new one.
    pub(crate) fn get(&self) -> StoreResult<Pooled<'_>> {
        let reused = loop {
            let candidate = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            match candidate {
                Some((client, _)) if client.is_closed() => {}
                other => break other,
            }
        };
        let (client, statements) = match reused {
            Some(reused) => reused,
            None => (
                connect(&self.config, &self.tls, &self.location)?,
                StatementCache::default(),
            ),
        };
        self.in_use.fetch_add(1, Ordering::Relaxed);
        Ok(Pooled {
            pool: self,
            client: Some(client),
            statements,
            broken: false,
        })
    }

    /// (idle, in use) connections.
    pub(crate) fn usage(&self) -> (usize, usize) {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        let in_use = self.in_use.load(Ordering::Relaxed);
        (idle, in_use)
    }
}

impl Drop for Pool {
    /// Closes the idle connections on a thread of their own: a blocking client closes itself by
    /// running a small runtime of its own, which cannot start on a thread that drives an async
    /// one — where the server drops its store when it stops.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(PoisonError::into_inner));
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
        self.pool.in_use.fetch_sub(1, Ordering::Relaxed);
        if let Some(client) = self.client.take() {
            if self.broken || client.is_closed() {
                return;
            }
            let mut idle = self
                .pool
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE {
                idle.push((client, std::mem::take(&mut self.statements)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "a test fails loudly on anything unexpected"
    )]

    use super::{Pool, Tls};

    fn backend_pid(connection: &mut super::Pooled<'_>) -> i32 {
        connection
            .query_one("SELECT pg_backend_pid()", &[])
            .unwrap()
            .get(0)
    }

    #[test]
    fn sixteen_connections_used_at_once_are_kept_and_used_again() {
        let url = cairn_test_support::postgres::fresh_database();
        let pool = Pool::new(url.parse().unwrap(), Tls::Off, url.clone());
        let mut first: Vec<_> = (0..16).map(|_| pool.get().unwrap()).collect();
        let mut sessions: Vec<i32> = first.iter_mut().map(backend_pid).collect();
        assert_eq!(pool.usage(), (0, 16));
        drop(first);
        assert_eq!(
            pool.usage(),
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
