//! [`ChangeWatch`]: notices commits to the store by any connection or process, and says which
//! runs they touched, so a UI can refresh what it shows without polling whole pages.
//!
//! `PRAGMA data_version` on a connection of its own changes whenever another connection commits
//! (this process's writer or another process). On a change, the watch compares a small
//! fingerprint of the runs that can move — new runs (id above the highest seen), running runs,
//! and runs that were running at the last check — and reports those whose fingerprint moved.
//! Edits to finished runs (a tag set from the CLI, a deletion) are noticed as "something
//! changed" with no run named.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{SqliteStore, open_connection};
use crate::error::StoreResult;
use crate::store::StoreChange;

/// What can move on a run while it trains or finishes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RunFingerprint {
    status: String,
    end_time_ms: Option<i64>,
    lifecycle_stage: String,
    name: String,
    metric_points: i64,
    params: i64,
    tags: i64,
}


/// Notices commits to one store; see the module documentation. Owns a read connection.
pub struct ChangeWatch {
    connection: Connection,
    data_version: i64,
    max_run_id: i64,
    /// Runs that were running at the last poll, by integer key: (run id, fingerprint).
    live: HashMap<i64, (String, RunFingerprint)>,
}

impl std::fmt::Debug for ChangeWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeWatch")
            .field("data_version", &self.data_version)
            .field("max_run_id", &self.max_run_id)
            .field("live_runs", &self.live.len())
            .finish_non_exhaustive()
    }
}

const FINGERPRINT_SQL: &str =
    "SELECT r.run_uuid, r.status, r.end_time_ms, r.lifecycle_stage, r.name,
        (SELECT COALESCE(SUM(m.point_count), 0) FROM metric_series m WHERE m.run_id = r.id),
        (SELECT COUNT(*) FROM params p WHERE p.run_id = r.id),
        (SELECT COUNT(*) FROM tags t WHERE t.run_id = r.id)
     FROM runs r WHERE r.id = ?1";

impl SqliteStore {
    /// A watch over this store's commits, starting from what is committed now.
    pub fn watch_changes(&self) -> StoreResult<ChangeWatch> {
        let connection = open_connection(self.database_path(), self.durability)?;
        let mut watch = ChangeWatch {
            connection,
            data_version: 0,
            max_run_id: 0,
            live: HashMap::new(),
        };
        watch.data_version = watch.read_data_version()?;
        watch.max_run_id = watch.read_max_run_id()?;
        watch.live = watch.read_running()?;
        Ok(watch)
    }
}

impl ChangeWatch {
    /// `None` when nothing was committed since the last poll; otherwise which runs changed.
    pub fn poll(&mut self) -> StoreResult<Option<StoreChange>> {
        let data_version = self.read_data_version()?;
        if data_version == self.data_version {
            return Ok(None);
        }
        self.data_version = data_version;
        self.connection.execute_batch("BEGIN")?;
        let result = self.changed_runs();
        // A read transaction: ending it cannot lose anything.
        let _ = self.connection.execute_batch("COMMIT");
        result.map(|run_ids| Some(StoreChange { run_ids }))
    }

    fn changed_runs(&mut self) -> StoreResult<Vec<String>> {
        let mut changed = Vec::new();
        let max_run_id = self.read_max_run_id()?;
        {
            let mut new_runs = self
                .connection
                .prepare_cached("SELECT run_uuid FROM runs WHERE id > ?1")?;
            let rows = new_runs.query_map([self.max_run_id], |row| row.get::<_, String>(0))?;
            for row in rows {
                changed.push(row?);
            }
        }
        self.max_run_id = max_run_id;
        let running = self.read_running()?;
        for (id, (run_id, fingerprint)) in &running {
            let moved = self
                .live
                .get(id)
                .is_none_or(|(_, before)| before != fingerprint);
            if moved {
                changed.push(run_id.clone());
            }
        }
        // Runs that stopped running since the last poll: finished, failed, deleted.
        for (id, (run_id, before)) in &self.live {
            if running.contains_key(id) {
                continue;
            }
            if self.fingerprint(*id)?.as_ref() != Some(before) {
                changed.push(run_id.clone());
            }
        }
        self.live = running;
        changed.sort();
        changed.dedup();
        Ok(changed)
    }

    fn read_data_version(&self) -> StoreResult<i64> {
        Ok(self
            .connection
            .query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }

    fn read_max_run_id(&self) -> StoreResult<i64> {
        Ok(self
            .connection
            .query_row("SELECT COALESCE(MAX(id), 0) FROM runs", [], |row| {
                row.get(0)
            })?)
    }

    fn read_running(&self) -> StoreResult<HashMap<i64, (String, RunFingerprint)>> {
        let mut ids = self
            .connection
            .prepare_cached("SELECT id FROM runs WHERE status = 'RUNNING'")?;
        let ids = ids
            .query_map([], |row| row.get::<_, i64>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut running = HashMap::with_capacity(ids.len());
        for id in ids {
            if let Some((run_id, fingerprint)) = self.read_fingerprint(id)? {
                running.insert(id, (run_id, fingerprint));
            }
        }
        Ok(running)
    }

    fn fingerprint(&self, id: i64) -> StoreResult<Option<RunFingerprint>> {
        Ok(self
            .read_fingerprint(id)?
            .map(|(_, fingerprint)| fingerprint))
    }

    fn read_fingerprint(&self, id: i64) -> StoreResult<Option<(String, RunFingerprint)>> {
        let mut statement = self.connection.prepare_cached(FINGERPRINT_SQL)?;
        Ok(statement
            .query_row(params![id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    RunFingerprint {
                        status: row.get(1)?,
                        end_time_ms: row.get(2)?,
                        lifecycle_stage: row.get(3)?,
                        name: row.get(4)?,
                        metric_points: row.get(5)?,
                        params: row.get(6)?,
                        tags: row.get(7)?,
                    },
                ))
            })
            .optional()?)
    }
}
