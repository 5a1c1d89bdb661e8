//! Prepared statements kept per pooled connection: the first use of a statement's text on a
//! connection prepares it, later uses only bind and execute it, so PostgreSQL parses and plans
//! each of the store's statements once per connection instead of on every call (a
//! single-point metric write spends most of its server time planning otherwise).
//!
//! [`PostgresStore::with_client`](super::PostgresStore) installs the cache of the connection it
//! checked out for the duration of the call (a thread-local: the connection is used by this
//! thread only meanwhile); [`prepared`] finds or adds a statement in it.
//!
//! Searches are kept apart ([`prepared_search`]): each is written with its own values (see
//! `search::sql::Statement::inlined`), so that its plan, made once for those values, is kept
//! with it. PostgreSQL plans such a statement again when the tables' statistics change. A
//! plan holds server memory, so few are kept, the least recently used leaving first.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

use postgres::types::Type;
use postgres::{GenericClient, Statement};

/// Statements kept per connection; a connection that needs more (a long-lived server seeing
/// many different search filters) starts over.
const MAX_STATEMENTS: usize = 256;
/// Searches kept prepared per connection, with their plans.
const MAX_SEARCHES: usize = 16;

/// One connection's prepared statements, by SQL text.
#[derive(Default)]
pub(crate) struct StatementCache {
    statements: HashMap<String, Statement>,
    /// Searches with their values, least recently used first.
    searches: VecDeque<(String, Statement)>,
}

thread_local! {
    static CURRENT: RefCell<Option<StatementCache>> = const { RefCell::new(None) };
}

/// Puts the previous cache back even when `work` panics, and hands the connection's back.
struct Installed<'a> {
    cache: &'a mut StatementCache,
    previous: Option<StatementCache>,
}

impl Drop for Installed<'_> {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let used = CURRENT.with(|current| current.replace(previous));
        *self.cache = used.unwrap_or_default();
    }
}

/// Runs `work` with `cache` (the statements of the connection it uses) installed.
pub(crate) fn with_cache<T>(cache: &mut StatementCache, work: impl FnOnce() -> T) -> T {
    let taken = std::mem::take(cache);
    let previous = CURRENT.with(|current| current.replace(Some(taken)));
    let _installed = Installed { cache, previous };
    work()
}

/// The prepared form of `sql` on the current connection, preparing it on first use; `None`
/// when no cache is installed (the caller then sends the text).
pub(crate) fn prepared(
    tx: &mut impl GenericClient,
    sql: &str,
    types: impl FnOnce() -> Vec<Type>,
) -> Result<Option<Statement>, postgres::Error> {
    let known = CURRENT.with(|current| {
        current
            .borrow()
            .as_ref()
            .map(|cache| cache.statements.get(sql).cloned())
    });
    match known {
        None => Ok(None),
        Some(Some(statement)) => Ok(Some(statement)),
        Some(None) => {
            let statement = tx.prepare_typed(sql, &types())?;
            CURRENT.with(|current| {
                if let Some(cache) = current.borrow_mut().as_mut() {
                    if cache.statements.len() >= MAX_STATEMENTS {
                        cache.statements.clear();
                    }
                    cache.statements.insert(sql.to_owned(), statement.clone());
                }
            });
            Ok(Some(statement))
        }
    }
}

/// The prepared form of a search written with its values (`sql`), on the current connection;
/// `None` when no cache is installed (the caller then sends it as it is).
pub(crate) fn prepared_search(
    tx: &mut impl GenericClient,
    sql: &str,
) -> Result<Option<Statement>, postgres::Error> {
    let known = CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        let cache = current.as_mut()?;
        let found = cache.searches.iter().position(|(text, _)| text == sql);
        Some(found.and_then(|at| cache.searches.remove(at)))
    });
    let statement = match known {
        None => return Ok(None),
        Some(Some((_, statement))) => statement,
        Some(None) => tx.prepare(sql)?,
    };
    CURRENT.with(|current| {
        if let Some(cache) = current.borrow_mut().as_mut() {
            if cache.searches.len() >= MAX_SEARCHES {
                // Dropping the last handle closes it on the server, freeing its plan.
                cache.searches.pop_front();
            }
            cache
                .searches
                .push_back((sql.to_owned(), statement.clone()));
        }
    });
    Ok(Some(statement))
}
