//! `GET /app/events`: the app's events (runs changed, progress) as server-sent events, one JSON
//! object per `data:` line — the browser UI's `EventSource` reads them. The hub delivers on a
//! std channel; a blocking task hands each event to the async stream. Keep-alive comments every
//! 15 s; the stream ends when the client goes away or the server shuts down. Each stream holds a
//! thread of the blocking pool (which store calls need too), so at most [`MAX_EVENT_STREAMS`]
//! are open at once; past that a new one is answered 503.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cairn_app::events::AppEvent;
use futures_util::Stream;

use crate::Shared;
use crate::error::ApiError;

/// How often the bridge checks that the client is still there when no event comes.
const CLIENT_CHECK: Duration = Duration::from_millis(500);

/// Most event streams open at once: a browser tab holds one; the blocking pool has 512 threads.
pub const MAX_EVENT_STREAMS: usize = 64;

pub fn routes() -> Router<Shared> {
    Router::new().route("/", get(events))
}

async fn events(State(state): State<Shared>) -> Response {
    let Ok(permit) = Arc::clone(&state.event_streams).try_acquire_owned() else {
        return ApiError::new(
            "TEMPORARILY_UNAVAILABLE",
            format!("too many open event streams (at most {MAX_EVENT_STREAMS}); try again later"),
        )
        .into_response();
    };
    stream(&state, permit).into_response()
}

fn stream(
    state: &Shared,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let receiver = state.app.events().subscribe();
    let (sender, events) = tokio::sync::mpsc::channel::<AppEvent>(256);
    tokio::task::spawn_blocking(move || {
        // The stream's room is given back when the bridge ends.
        let _permit = permit;
        loop {
            match receiver.recv_timeout(CLIENT_CHECK) {
                Ok(event) => {
                    if sender.blocking_send(event).is_err() {
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if sender.is_closed() {
                        break;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    let stopping = state.stopping.clone();
    let stream = futures_util::stream::unfold(
        (events, stopping),
        |(mut events, mut stopping)| async move {
            if *stopping.borrow() {
                return None;
            }
            let event = tokio::select! {
                event = events.recv() => event?,
                changed = stopping.changed() => {
                    if changed.is_ok() {
                        return None;
                    }
                    // No one can stop this server (its shutdown sender is gone): the stream
                    // ends with the client.
                    events.recv().await?
                }
            };
            let data = serde_json::to_string(&event).ok()?;
            Some((Ok(Event::default().data(data)), (events, stopping)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
