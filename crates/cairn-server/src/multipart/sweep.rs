//! The server's side of the multipart journal (`cairn_artifact_store::journal`): its heartbeat
//! kept fresh and the journal swept, for as long as it runs.

use cairn_artifact_store::ArtifactStore;
use cairn_artifact_store::journal::{HEARTBEAT_EVERY, SERVER_GONE_AFTER, abort_abandoned};

/// Keeps this server's heartbeat and sweeps the journal every [`HEARTBEAT_EVERY`] (a sweep
/// rewrites the heartbeat first), for as long as the server runs; what it aborts is said on
/// standard error.
pub async fn sweep_forever(store: std::sync::Arc<dyn ArtifactStore>) {
    let mut ticks = tokio::time::interval(HEARTBEAT_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
