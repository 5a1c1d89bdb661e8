//! The store watcher: a background thread that polls the store's [`ChangeWatcher`] a few times a
//! second and publishes [`AppEvent::RunsChanged`] on the app's hub when any process committed.
//! One per [`App`](crate::App) that serves a UI (the desktop shell, `cairn serve`); it stops
//! when the last clone of that app is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use cairn_core::store::ChangeWatcher;

use crate::events::{AppEvent, EventHub};

/// How often the store is asked whether anything was committed.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// A running watcher thread; dropping it stops the thread and waits for it.
#[derive(Debug)]
pub(crate) struct StoreWatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StoreWatcher {
    /// Starts polling `watch`, publishing to `events`.
    pub(crate) fn start(
        mut watch: Box<dyn ChangeWatcher>,
        events: EventHub,
    ) -> std::io::Result<StoreWatcher> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("cairn-store-watch".to_owned())
            .spawn(move || {
                let mut reported_failure = false;
                while !stopping.load(Ordering::Relaxed) {
                    match watch.poll() {
                        Ok(Some(change)) => {
                            reported_failure = false;
                            events.publish(&AppEvent::RunsChanged {
                                run_ids: change.run_ids,
                            });
                        }
                        Ok(None) => reported_failure = false,
                        Err(error) => {
                            // The store may be busy or briefly unreadable; say so once and retry.
                            if !reported_failure {
                                eprintln!("cairn: watching the store for changes: {error}");
                                reported_failure = true;
                            }
                        }
                    }
                    std::thread::sleep(POLL_INTERVAL);
                }
            })?;
        Ok(StoreWatcher {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for StoreWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
