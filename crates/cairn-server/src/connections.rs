//! The accept loop every Cairn server shares (`cairn serve`, the ephemeral server of `cairn run`,
//! the tests): HTTP/1.1 with a header-read timeout that also ends idle keep-alive connections, a
//! cap on open connections kept below the process's file-descriptor limit, and graceful shutdown.
//!
//! At the cap, a new connection is accepted and the connection that has been idle longest (no
//! request in flight: a keep-alive connection between requests, or one still sending its request
//! head) is closed to make room. Waiting instead would let 1,100 slow or idle clients lock out a
//! fresh one until the header timeout freed their slots (and they could simply reconnect);
//! closing the newest would close the fresh client itself. Closing the longest idle keeps
//! `/health` and real clients answered while the slots are full of connections that send
//! nothing; requests in flight are never cut. A client whose idle keep-alive connection is closed
//! reconnects, as it does after the header timeout.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower::ServiceExt as _;

/// How long a connection may take to send a request's head (request line and headers), counted
/// from when it is ready for one: accepted, or its previous answer sent. So this is also the idle
/// keep-alive timeout (hyper starts the header timer as soon as a connection waits for a request).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// hyper's read buffer per connection: a request head larger than this is refused by hyper
/// itself (a bare 431, or 414 for a request line over 64 KiB, the `http` crate's URI limit); the
/// smaller limits in [`crate::limits`] answer JSON first.
pub const READ_BUFFER_BYTES: usize = 128 * 1024;

/// Headers hyper parses at most (its own bare 431 above); [`crate::limits`] refuses more than
/// [`crate::limits::MAX_HEADER_COUNT`] with JSON.
const MAX_PARSED_HEADERS: usize = 1024;

/// File descriptors left for everything but client sockets: the SQLite store (database, WAL and
/// shared memory of each connection), the store watcher, stdio and the runtime's own.
const RESERVED_FILES: u64 = 128;

/// Fewest and most connections the cap allows, whatever the file limit says.
const MIN_CONNECTIONS: u64 = 16;
const MAX_CONNECTIONS: u64 = 10_000;

/// How long shutdown waits for requests in flight before it stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The limits of the accept loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl ConnectionLimits {
    /// The limits for this process: the cap from its `RLIMIT_NOFILE` soft limit.
    pub fn for_this_process() -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: HEADER_READ_TIMEOUT,
            max_connections: connection_cap(open_files_limit()),
        }
    }
}

/// The soft limit on open files, `None` when unlimited or unknown.
#[cfg(unix)]
pub fn open_files_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// The soft limit on open files, `None` when unlimited or unknown.
#[cfg(not(unix))]
pub fn open_files_limit() -> Option<u64> {
    None
}

/// The connection cap for a file-descriptor limit: [`RESERVED_FILES`] kept back, then two
/// descriptors per connection (its socket and the artifact file it may be streaming).
pub fn connection_cap(open_files: Option<u64>) -> usize {
    let cap = match open_files {
        Some(limit) => limit.saturating_sub(RESERVED_FILES) / 2,
        None => MAX_CONNECTIONS,
    };
    usize::try_from(cap.clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)).unwrap_or(usize::MAX)
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in flight finish
/// (for at most [`SHUTDOWN_GRACE`]).
pub async fn serve_connections(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let idle = Arc::new(IdleConnections::default());
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .max_buf_size(READ_BUFFER_BYTES)
        .max_headers(MAX_PARSED_HEADERS);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => (stream, peer),
                // Out of descriptors (the cap makes this rare) or a connection reset before it was
                // accepted: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let permit = loop {
            if let Ok(permit) = Arc::clone(&slots).try_acquire_owned() {
                break Some(permit);
            }
            idle.close_longest_idle();
            tokio::select! {
                () = &mut shutdown => break None,
                permit = Arc::clone(&slots).acquire_owned() => break permit.ok(),
                // Every connection was busy: look again for one that has become idle.
                () = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
        };
        let Some(permit) = permit else { break };
        let _ = stream.set_nodelay(true);
        let connection_state = ConnectionState::new(&idle);
        let service_state = Arc::clone(&connection_state);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ClientAddress(peer.ip()));
            let in_flight = InFlight::start(&service_state);
            let router = router.clone();
            async move {
                let response = router.oneshot(request).await;
                response.map(|response| {
                    response.map(|body| TrackedBody {
                        inner: body,
                        _in_flight: in_flight,
                    })
                })
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let close = Arc::clone(&connection_state.close);
            let mut connection = std::pin::pin!(connection);
            loop {
                tokio::select! {
                    _ = &mut connection => break,
                    // A request may have arrived since it was picked: then it stays.
                    () = close.notified() => if connection_state.is_idle() { break },
                }
            }
            connection_state.ended();
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

/// The address a request came from (its TCP peer), for slowing down guessing per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The connections with no request in flight, by when they became idle.
#[derive(Debug, Default)]
struct IdleConnections {
    inner: Mutex<IdleQueue>,
}

#[derive(Debug, Default)]
struct IdleQueue {
    next_turn: u64,
    waiting: BTreeMap<u64, Arc<Notify>>,
}

impl IdleConnections {
    fn lock(&self) -> std::sync::MutexGuard<'_, IdleQueue> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a connection that just became idle; returns its turn.
    fn push(&self, close: &Arc<Notify>) -> u64 {
        let mut queue = self.lock();
        let turn = queue.next_turn;
        queue.next_turn += 1;
        queue.waiting.insert(turn, Arc::clone(close));
        turn
    }

    fn remove(&self, turn: u64) {
        self.lock().waiting.remove(&turn);
    }

    /// Tells the connection idle longest to close.
    fn close_longest_idle(&self) {
        if let Some((_, close)) = self.lock().waiting.pop_first() {
            close.notify_one();
        }
    }
}

/// One connection: how many requests it has in flight, and its place among the idle.
#[derive(Debug)]
struct ConnectionState {
    idle: Arc<IdleConnections>,
    close: Arc<Notify>,
    activity: Mutex<Activity>,
}

#[derive(Debug)]
struct Activity {
    in_flight: usize,
    idle_turn: Option<u64>,
    ended: bool,
}

impl ConnectionState {
    fn new(idle: &Arc<IdleConnections>) -> Arc<ConnectionState> {
        let close = Arc::new(Notify::new());
        let idle_turn = Some(idle.push(&close));
        Arc::new(ConnectionState {
            idle: Arc::clone(idle),
            close,
            activity: Mutex::new(Activity {
                in_flight: 0,
                idle_turn,
                ended: false,
            }),
        })
    }

    fn activity(&self) -> std::sync::MutexGuard<'_, Activity> {
        self.activity.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn request_started(&self) {
        let mut activity = self.activity();
        activity.in_flight += 1;
        if let Some(turn) = activity.idle_turn.take() {
            self.idle.remove(turn);
        }
    }

    fn request_finished(&self) {
        let mut activity = self.activity();
        activity.in_flight = activity.in_flight.saturating_sub(1);
        if activity.in_flight == 0 && activity.idle_turn.is_none() && !activity.ended {
            activity.idle_turn = Some(self.idle.push(&self.close));
        }
    }

    fn ended(&self) {
        let mut activity = self.activity();
        if let Some(turn) = activity.idle_turn.take() {
            self.idle.remove(turn);
        }
        // Answers still being dropped must not queue this connection again.
        activity.ended = true;
    }

    fn is_idle(&self) -> bool {
        self.activity().in_flight == 0
    }
}

/// A request in flight, from its head until its answer's body is sent (or dropped).
#[derive(Debug)]
struct InFlight(Arc<ConnectionState>);

impl InFlight {
    fn start(state: &Arc<ConnectionState>) -> InFlight {
        state.request_started();
        InFlight(Arc::clone(state))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// An answer's body that keeps its request counted as in flight until it is sent.
struct TrackedBody {
    inner: Body,
    _in_flight: InFlight,
}

impl hyper::body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::connection_cap;

    #[test]
    fn the_connection_cap_leaves_room_below_the_file_limit() {
        for (limit, cap) in [
            (Some(1024), 448),
            (Some(256), 64),
            (Some(100), 16),
            (Some(65_536), 10_000),
            (None, 10_000),
        ] {
            assert_eq!(connection_cap(limit), cap, "limit {limit:?}");
        }
    }
}
