//! A request body that stops arriving ends the request: between two pieces of a body the server
//! waits at most the configured time ([`DEFAULT_BODY_READ_TIMEOUT`]), then the read fails, the
//! handler answers 400 and the connection is closed. Without it, a client that declares a body
//! and then sends nothing would hold a connection slot, and a request in flight, forever.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

use crate::Shared;

/// How long a request body may pause between two pieces by default.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The middleware: every request body is read through a [`TimedBody`].
pub async fn time_bodies(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let limit = state.body_read_timeout;
    let (parts, body) = request.into_parts();
    if http_body::Body::is_end_stream(&body) {
        // Nothing to wait for (most GETs).
        return next.run(Request::from_parts(parts, body)).await;
    }
    let body = Body::new(TimedBody {
        inner: body,
        pause: Box::pin(tokio::time::sleep(limit)),
        limit,
    });
    next.run(Request::from_parts(parts, body)).await
}

/// A body whose every wait for the next piece is bounded by `limit`.
struct TimedBody {
    inner: Body,
    pause: Pin<Box<tokio::time::Sleep>>,
    limit: Duration,
}

/// The body paused longer than the server waits.
#[derive(Debug)]
struct Stalled(Duration);

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the request body stopped arriving for {} s",
            self.0.as_secs()
        )
    }
}

impl std::error::Error for Stalled {}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let next_deadline = tokio::time::Instant::now() + this.limit;
                this.pause.as_mut().reset(next_deadline);
                Poll::Ready(frame)
            }
            Poll::Pending => match this.pause.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(Stalled(this.limit))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
