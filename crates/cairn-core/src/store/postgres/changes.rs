//! The change watch on PostgreSQL: triggers send `NOTIFY cairn_changes, '<run id>'` when a
//! run, its params, tags or metrics change (an empty payload for anything else: the registry, a
//! deletion), and the watch `LISTEN`s on a connection of its own. PostgreSQL folds identical
//! notifications of one transaction into one, and delivers them only once it commits.
//!
//! Each poll reads what the connection has received, waiting a moment for the socket: the
//! client library only reads its socket while it waits, and a session whose notifications are
//! left unread blocks writing them with a transaction open, which holds back every vacuum of
//! the cluster and fills PostgreSQL's notification queue until writers fail.
//!
//! When the connection drops (a restart), the next poll reconnects and reports "something
//! changed" with no run named, since notifications sent meanwhile were lost.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use fallible_iterator::FallibleIterator;
use postgres::Client;

use super::PostgresStore;
use super::errors::from_postgres;
use crate::error::StoreResult;
use crate::store::{ChangeWatcher, StoreChange};

/// The channel the schema's triggers notify on.
pub(crate) const CHANNEL: &str = "cairn_changes";

/// Listens for the store's notifications on a connection of its own.
pub(crate) struct PostgresChangeWatch {
    connect: Box<dyn Fn() -> StoreResult<Client> + Send>,
    client: Option<Client>,
}

impl PostgresChangeWatch {
    /// A watch over `store`, starting from what is committed now.
    pub(crate) fn start(store: &PostgresStore) -> StoreResult<PostgresChangeWatch> {
        let config = store.config.clone();
        let tls = store.tls.clone();
        let location = store.location.clone();
        let mut watch = PostgresChangeWatch {
            connect: Box::new(move || super::pool::connect(&config, &tls, &location)),
            client: None,
        };
        watch.client = Some(watch.listen()?);
        Ok(watch)
    }

    fn listen(&self) -> StoreResult<Client> {
        let mut client = (self.connect)()?;
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(from_postgres)?;
        Ok(client)
    }
}

impl ChangeWatcher for PostgresChangeWatch {
    fn poll(&mut self) -> StoreResult<Option<StoreChange>> {
        let Some(client) = self.client.as_mut().filter(|client| !client.is_closed()) else {
            // Reconnect; whatever was committed while the connection was down is unknown.
            self.client = None;
            self.client = Some(self.listen()?);
            return Ok(Some(StoreChange {
                run_ids: Vec::new(),
            }));
        };
        let drained = drain(client);
        let (any, run_ids) = match drained {
            Ok(drained) => drained,
            Err(error) => {
                self.client = None;
                return Err(error);
            }
        };
        Ok(any.then(|| StoreChange {
            run_ids: run_ids.into_iter().collect(),
        }))
    }
}

/// How long a poll waits for the socket after the last notification it read.
const QUIET: Duration = Duration::from_millis(5);

/// The longest a poll reads: a steady stream of commits is read over several polls.
const MOST_READING: Duration = Duration::from_millis(200);

/// The most runs a change names; past that it names none ("something changed"), which live
/// views answer by reloading what they show.
const MOST_NAMED_RUNS: usize = 10_000;

/// The notifications received: whether there was any, and the runs they name (none when more
/// than [`MOST_NAMED_RUNS`] were).
fn drain(client: &mut Client) -> StoreResult<(bool, BTreeSet<String>)> {
    let started = Instant::now();
    let mut run_ids = BTreeSet::new();
    let mut any = false;
    let mut too_many = false;
    let mut notifications = client.notifications();
    // The timeout iterator lets the connection wait for its socket; the plain one reads only
    // what an earlier wait brought in.
    let mut pending = notifications.timeout_iter(QUIET);
    while let Some(notification) = pending.next().map_err(from_postgres)? {
        any = true;
        if !notification.payload().is_empty() && !too_many {
            run_ids.insert(notification.payload().to_owned());
            if run_ids.len() > MOST_NAMED_RUNS {
                too_many = true;
                run_ids.clear();
            }
        }
        if started.elapsed() >= MOST_READING {
            break;
        }
    }
    Ok((any, run_ids))
}
