//! The planner's statistics of the search tables, kept abreast of a store that grows fast.
//!
//! PostgreSQL analyzes a table when autovacuum next looks at the database, once a minute by
//! default (`autovacuum_naptime`, a server setting). A new store that takes a sweep's thousands
//! of runs within that minute is searched meanwhile as if its tables were empty, and a filtered
//! search then tests every run against every run whose param matches: 114 ms over 2,000 runs,
//! growing with the square of their number. So before a search, at most every two seconds per
//! process, the store asks which search tables hold more than twice the rows they held at their
//! last analysis, plus 500 (500 for one never analyzed), and analyzes those first. A table is
//! thus analyzed as it doubles, a handful of times over a store's life; past that, the
//! autovacuum thresholds of schema 9 keep its statistics current.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use postgres::Client;

use super::sql::{args, query};
use crate::error::StoreResult;

/// The tables whose statistics decide a search's plan.
const SEARCH_TABLES: [&str; 4] = ["runs", "params", "tags", "metric_series"];

/// How often a process looks, at most.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// The search tables, of those this session's user may analyze (it owns them, or is a member of
/// their owner's role), whose live rows are more than twice what they held at their last
/// analysis or vacuum, plus 500 (`reltuples` is -1 for a table never analyzed nor vacuumed).
/// Growth, not changes: logging updates a series' row with every batch. The live rows are read
/// with the function behind `pg_stat_user_tables.n_live_tup`, not through that view, which
/// computes some twenty statistics per table; the statement is prepared once per connection.
const BEHIND: &str = "
    SELECT c.relname::TEXT
    FROM pg_class c
    WHERE c.oid = ANY($1::TEXT[]::REGCLASS[])
      AND pg_has_role(c.relowner, 'USAGE')
      AND pg_stat_get_live_tuples(c.oid) >= 2 * greatest(c.reltuples, 0) + 500";

/// When a process may next look.
pub(crate) struct StatisticsWatch {
    started: Instant,
    next_check_ms: AtomicU64,
}

impl StatisticsWatch {
    pub(crate) fn new() -> StatisticsWatch {
        StatisticsWatch {
            started: Instant::now(),
            next_check_ms: AtomicU64::new(0),
        }
    }

    /// Whether a look is due now; a caller told so has claimed it, so that one caller of the
    /// process looks.
    pub(crate) fn claim(&self) -> bool {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let next = self.next_check_ms.load(Ordering::Relaxed);
        let after = now.saturating_add(u64::try_from(CHECK_EVERY.as_millis()).unwrap_or(0));
        now >= next
            && self
                .next_check_ms
                .compare_exchange(next, after, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// Analyzes the search tables whose statistics are far behind (see the module's doc); answers
/// those it asked for. A table another session is analyzing or vacuuming (another server, or
/// autovacuum) is skipped, not waited for: that work serves this search too. Several tables are
/// analyzed each in a transaction of its own, so one that fails takes nothing back from the
/// others.
pub(crate) fn refresh(client: &mut Client) -> StoreResult<Vec<&'static str>> {
    let names: Vec<String> = SEARCH_TABLES.iter().map(|&name| name.to_owned()).collect();
    let mut behind = Vec::new();
    for row in query(client, BEHIND, args![names])? {
        let name: String = row.try_get(0)?;
        // The statement names tables from this list only; written from it, never from the catalog.
        if let Some(&table) = SEARCH_TABLES.iter().find(|&&table| table == name) {
            behind.push(table);
        }
    }
    if !behind.is_empty() {
        client.batch_execute(&format!("ANALYZE (SKIP_LOCKED) {}", behind.join(", ")))?;
    }
    Ok(behind)
}
