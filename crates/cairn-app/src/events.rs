//! Events the backend pushes to the UI (store changes, progress of long operations): published
//! once to an [`EventHub`], delivered to every subscriber — the desktop shell forwards them as
//! Tauri events, `cairn serve` as server-sent events.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use ts_rs::TS;

/// Something the UI should know about, as JSON `{"type": "...", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AppEvent {
    /// Runs were written (logged to, created, imported): the UI refreshes what shows them.
    RunsChanged {
        /// The runs concerned; empty when unknown (refresh whatever is on screen).
        run_ids: Vec<String>,
    },
    /// An index pass over a folder progressed or ended.
    IndexProgress {
        /// What the pass did so far (or in all, when finished).
        #[serde(flatten)]
        summary: IndexSummary,
        /// The pass is over.
        finished: bool,
        /// Why it stopped, when it failed.
        error: Option<String>,
    },
    /// An import of dropped folders or logs advanced (or, with `done`, finished).
    ImportProgress(ImportProgress),
}

/// How far an import has got: running totals, and the source just handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportProgress {
    /// Which import (the UI's id for it), so concurrent imports are told apart.
    pub job: String,
    /// The file or folder just handled; empty in the final event.
    pub current: String,
    /// Runs new to the store so far.
    pub runs_new: u64,
    /// Runs re-read so far.
    pub runs_updated: u64,
    /// Runs found unchanged so far.
    pub runs_unchanged: u64,
    /// Files looked at so far.
    pub files_seen: u64,
    /// Sources that could not be read so far.
    pub errors: u64,
    /// The import has finished; the counts are final.
    pub done: bool,
}

/// Fans events out to subscribers; subscribers that went away are dropped on the next publish.
#[derive(Debug, Clone, Default)]
pub struct EventHub {
    subscribers: Arc<Mutex<Vec<Sender<AppEvent>>>>,
}

impl EventHub {
    /// A new subscription: every event published from now on arrives on the receiver.
    pub fn subscribe(&self) -> Receiver<AppEvent> {
        let (sender, receiver) = channel();
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sender);
        receiver
    }

    /// Delivers `event` to every live subscriber.
    pub fn publish(&self, event: &AppEvent) {
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|subscriber| subscriber.send(event.clone()).is_ok());
    }
}

/// What one index pass did, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IndexSummary {
    /// The folder.
    pub path: String,
    /// Runs new to the store.
    pub runs_new: u64,
    /// Runs re-read or grown.
    pub runs_updated: u64,
    /// Runs whose source had not changed.
    pub runs_unchanged: u64,
    /// Metric points imported.
    pub points: u64,
    /// Files looked at.
    pub files_seen: u64,
    /// Sources that could not be read: `path: reason`, sorted.
    pub problems: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subscriber_gets_each_event_and_gone_ones_are_dropped() {
        let hub = EventHub::default();
        let first = hub.subscribe();
        let second = hub.subscribe();
        drop(second);
        let event = AppEvent::RunsChanged {
            run_ids: vec!["r1".to_owned()],
        };
        hub.publish(&event);
        assert_eq!(first.try_recv(), Ok(event));
        assert_eq!(hub.subscribers.lock().map(|s| s.len()).unwrap_or(0), 1);
    }

    #[test]
    fn events_travel_as_tagged_json() {
        let event = AppEvent::RunsChanged {
            run_ids: vec!["r1".to_owned()],
        };
        let json = serde_json::to_value(&event).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({"type": "runs_changed", "run_ids": ["r1"]})
        );
    }
}
