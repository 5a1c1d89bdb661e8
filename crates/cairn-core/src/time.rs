//! The current time, in the unit the store uses.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as Unix epoch milliseconds.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
