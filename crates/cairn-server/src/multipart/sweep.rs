//! The server's side of the multipart journal (`cairn_artifact_store::journal`): its heartbeat
//! kept fresh and the journal swept, for as long as it runs.

use std::sync::Arc;
use std::time::Duration;

use cairn_artifact_store::ArtifactStore;
use cairn_artifact_store::journal::{HEARTBEAT_EVERY, SERVER_GONE_AFTER, abort_abandoned, beat};
use tokio_util::task::AbortOnDropHandle;

/// [`keep_journal`] every [`HEARTBEAT_EVERY`].
pub async fn sweep_forever(store: Arc<dyn ArtifactStore>) {
    keep_journal(store, HEARTBEAT_EVERY).await;
}

/// Rewrites this server's heartbeat and sweeps the journal every `every`, for as long as the
/// server runs; what a sweep aborts is said on standard error. The heartbeat keeps its own
/// time: a sweep of a long journal, or one held up by a slow store, must not let it age past
/// [`SERVER_GONE_AFTER`], when the other servers would take this one for stopped and abort the
/// uploads it is still taking.
pub async fn keep_journal(store: Arc<dyn ArtifactStore>, every: Duration) {
    let beating = Arc::clone(&store);
    // The heartbeat stops with the sweeps (the server's runtime ending, or this being dropped).
    let _heartbeat = AbortOnDropHandle::new(tokio::spawn(async move {
        let mut ticks = ticks(every);
        loop {
            ticks.tick().await;
            // A beat the store did not take is tried again at the next tick.
            let _ = beat(&*beating).await;
        }
    }));
    let mut ticks = ticks(every);
    loop {
        ticks.tick().await;
        if let Ok(aborted @ 1..) = abort_abandoned(&*store, SERVER_GONE_AFTER).await {
            eprintln!(
                "cairn serve: aborted {aborted} abandoned multipart upload(s) in {}",
                store.describe()
            );
        }
    }
}

/// Ticks every `every`, the first at once; one missed is taken late, not made up for.
fn ticks(every: Duration) -> tokio::time::Interval {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks
}
