//! A small pool of PostgreSQL connections: idle ones are reused, a broken one is dropped on
//! return and replaced on the next checkout, so a restarted server is reconnected to without a
//! restart of Cairn.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use postgres::{Client, NoTls};

use crate::error::{StoreError, StoreResult};

/// Idle connections kept open.
const MAX_IDLE: usize = 8;

/// The pool.
pub(crate) struct Pool {
    config: postgres::Config,
    location: String,
    idle: Mutex<Vec<Client>>,
    in_use: Mutex<usize>,
}

/// Opens one connection to the configured server.
pub(crate) fn connect(config: &postgres::Config, location: &str) -> StoreResult<Client> {
    config.connect(NoTls).map_err(|error| StoreError::Unavailable {
        message: format!("cannot connect to PostgreSQL at {location}: {error}"),
    })
}

impl Pool {
    pub(crate) fn new(config: postgres::Config, location: String) -> Pool {
        Pool {
            config,
            location,
            idle: Mutex::new(Vec::new()),
            in_use: Mutex::new(0),
        }
    }

    /// An open connection: an idle one that is still open, or a new one.
    pub(crate) fn get(&self) -> StoreResult<Pooled<'_>> {
        let reused = loop {
            let candidate = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
            match candidate {
                Some(client) if client.is_closed() => {}
                other => break other,
            }
        };
        let client = match reused {
            Some(client) => client,
            None => connect(&self.config, &self.location)?,
        };
        *self.in_use.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        Ok(Pooled {
            pool: self,
            client: Some(client),
            broken: false,
        })
    }

    /// (idle, in use) connections.
    pub(crate) fn usage(&self) -> (usize, usize) {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).len();
        let in_use = *self.in_use.lock().unwrap_or_else(PoisonError::into_inner);
        (idle, in_use)
    }
}

/// A checked-out connection, returned to the pool when dropped.
pub(crate) struct Pooled<'pool> {
    pool: &'pool Pool,
    client: Option<Client>,
    broken: bool,
}

impl Pooled<'_> {
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
        self.client.as_ref().unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().unwrap_or_else(|| unreachable!("taken only on drop"))
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        *self.pool.in_use.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        if let Some(client) = self.client.take() {
            if self.broken || client.is_closed() {
                return;
            }
            let mut idle = self.pool.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE {
                idle.push(client);
            }
        }
    }
}
