//! Model monitoring in a copy: each version's reference (its sample and settings) and its judged
//! batches with their reports, right after its registered model (they belong to versions). A batch already in
//! the destination (same arrival time, label and rows) is not added again, so the copy resumes.

use std::collections::HashSet;

use crate::error::StoreResult;
use crate::store::Store;

/// Copies the monitoring of versions `numbers` of the registered model `name` (already in the
/// destination); returns the batches added.
pub(super) fn copy_monitoring(
    source: &dyn Store,
    destination: &dyn Store,
    name: &str,
    numbers: &[u64],
) -> StoreResult<u64> {
    let mut added = 0;
    for &number in numbers {
        if let Some(reference) = source.monitoring_reference(name, number)? {
            let there = destination.monitoring_reference(name, number)?;
            if there.as_ref() != Some(&reference) {
                destination.set_monitoring_reference(&reference)?;
            }
        }
        let batches = source.list_monitoring_batches(name, number, usize::MAX)?;
        if batches.is_empty() {
            continue;
        }
        let there: HashSet<(i64, String, u64)> = destination
            .list_monitoring_batches(name, number, usize::MAX)?
            .into_iter()
            .map(|batch| (batch.batch.received_ms, batch.batch.label, batch.batch.rows))
            .collect();
        for listed in batches {
            let key = (
                listed.batch.received_ms,
                listed.batch.label.clone(),
                listed.batch.rows,
            );
            if there.contains(&key) {
                continue;
            }
            // The listing leaves reports out: the batch whole.
            if let Some(whole) = source.monitoring_batch(listed.id)? {
                destination.add_monitoring_batch(&whole.batch)?;
                added += 1;
            }
        }
    }
    Ok(added)
}
