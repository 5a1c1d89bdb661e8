//! The memory a server gives to object-store parts in flight. A part is held whole while it
//! goes to the store (the store needs its length and checksum before sending it), so each part
//! first waits for room in one budget shared by every upload, sized by its `Content-Length`,
//! and only then is its body read. A client that sends many parts at once (MLflow's sends
//! twice its cores, up to 20, of 10 MB each) is slowed to what the budget holds instead of
//! growing the server's memory; the wait is the time other parts take to reach the store.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// Bytes of parts held at once, across all uploads.
pub(crate) const PART_MEMORY_BYTES: u32 = 64 * 1024 * 1024;

/// The budget; clones share it.
#[derive(Debug, Clone)]
pub(crate) struct PartMemory {
    room: Arc<Semaphore>,
}

/// Room held for one part until dropped.
pub(crate) struct Reserved {
    _permit: OwnedSemaphorePermit,
}

impl PartMemory {
    /// A budget of [`PART_MEMORY_BYTES`].
    pub(crate) fn new() -> PartMemory {
        PartMemory {
            room: Arc::new(Semaphore::new(PART_MEMORY_BYTES as usize)),
        }
    }

    /// Waits for room for a part of `declared` bytes (its `Content-Length`); a part sent
    /// without one may be as large as `limit`, and one larger than the whole budget takes all
    /// of it.
    pub(crate) async fn reserve(
        &self,
        declared: Option<u64>,
        limit: u64,
    ) -> Result<Reserved, ApiError> {
        let permit = Arc::clone(&self.room)
            .acquire_many_owned(reservation(declared, limit))
            .await
            .map_err(|_| ApiError::new("INTERNAL_ERROR", "the part memory budget was closed"))?;
        Ok(Reserved { _permit: permit })
    }
}

/// The bytes reserved for a part: its declared length, else the largest allowed, never more
/// than the whole budget and at least one.
fn reservation(declared: Option<u64>, limit: u64) -> u32 {
    let bytes = declared
        .unwrap_or(limit)
        .min(limit)
        .min(u64::from(PART_MEMORY_BYTES))
        .max(1);
    u32::try_from(bytes).unwrap_or(PART_MEMORY_BYTES)
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;

    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn a_part_reserves_its_declared_length_within_the_budget() {
        let budget = u64::from(PART_MEMORY_BYTES);
        for (declared, limit, expected) in [
            (Some(10 * MIB), 128 * MIB, 10 * MIB),
            (None, 128 * MIB, budget),
            (None, 5 * MIB, 5 * MIB),
            (Some(200 * MIB), 128 * MIB, budget),
            (Some(0), 128 * MIB, 1),
        ] {
            assert_eq!(
                u64::from(reservation(declared, limit)),
                expected,
                "{declared:?} of at most {limit}"
            );
        }
    }

    #[test]
    fn parts_past_the_budget_wait_until_room_is_given_back() {
        let memory = PartMemory::new();
        let parts: Vec<Reserved> = (0..6)
            .map(|_| {
                memory
                    .reserve(Some(10 * MIB), 128 * MIB)
                    .now_or_never()
                    .expect("room for six parts of 10 MiB")
                    .expect("the budget is open")
            })
            .collect();
        // 60 MiB held: a seventh part of 10 MiB does not fit in 64 MiB.
        assert!(
            memory
                .reserve(Some(10 * MIB), 128 * MIB)
                .now_or_never()
                .is_none()
        );
        drop(parts);
        assert!(
            memory
                .reserve(Some(10 * MIB), 128 * MIB)
                .now_or_never()
                .is_some()
        );
    }
}
