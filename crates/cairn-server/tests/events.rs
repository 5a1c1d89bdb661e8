//! `GET /app/events`: a run written by another store handle (as another process would) arrives
//! as a `runs_changed` server-sent event naming it; the stream ends when the server shuts down;
//! the guard applies to the stream like any other route.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop the test with its error"
)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use cairn_core::SqliteStore;
use cairn_core::TrackingStore;
use cairn_core::model::{NewExperiment, NewRun, SourceKind};
use cairn_server::{Auth, ServerConfig};

struct Running {
    address: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    server: std::thread::JoinHandle<()>,
    dir: tempfile::TempDir,
}

fn start(auth: Auth) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let app = cairn_app::App::new(Arc::new(store));
    app.start_watching().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    let config = ServerConfig {
        address,
        auth,
        ui_dir: None,
        embedded_ui: None,
        max_artifact_bytes: 1024,
        allowed_hosts: Vec::new(),
        body_read_timeout: cairn_server::body_timeout::DEFAULT_BODY_READ_TIMEOUT,
        database_deadline: cairn_server::DATABASE_DEADLINE,
        artifacts: None,
        trusted_proxies: cairn_server::client_address::TrustedProxies::default(),
    };
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut stopped = stopping.clone();
    let router = cairn_server::app_with_shutdown(app, &config, address, stopping);
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let limits = cairn_server::connections::ConnectionLimits::for_this_process();
            cairn_server::connections::serve_connections(listener, router, limits, async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await;
        });
    });
    Running {
        address,
        stop,
        server,
        dir,
    }
}

fn open_events(address: SocketAddr, extra_headers: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /app/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n{extra_headers}\r\n"
    )
    .unwrap();
    BufReader::new(stream)
}

fn status_line(reader: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    line
}

#[test]
fn a_run_written_elsewhere_is_streamed_and_the_stream_ends_at_shutdown() {
    let server = start(Auth::None);
    let mut events = open_events(server.address, "");
    assert!(status_line(&mut events).contains(" 200 "));

    let writer = SqliteStore::open(&server.dir.path().join("cairn.db")).unwrap();
    let experiment = writer
        .create_experiment(&NewExperiment {
            name: "live".to_owned(),
            artifact_location: None,
            tags: Vec::new(),
            experiment_id: None,
        })
        .unwrap();
    // The subscription may start a moment after the headers: write until the event shows.
    let mut seen = None;
    let mut written = Vec::new();
    for _ in 0..20 {
        let run_id = writer
            .create_run(&NewRun::new(experiment, SourceKind::MlflowApi))
            .unwrap()
            .info
            .run_id;
        written.push(run_id);
        let mut line = String::new();
        while events.read_line(&mut line).unwrap() > 0 {
            if let Some(data) = line.trim_end().strip_prefix("data:") {
                seen = Some(serde_json::from_str::<serde_json::Value>(data.trim()).unwrap());
                break;
            }
            line.clear();
        }
        if seen.is_some() {
            break;
        }
    }
    let event = seen.expect("an event arrives");
    assert_eq!(event["type"], "runs_changed");
    let run_ids = event["run_ids"].as_array().unwrap();
    assert!(
        run_ids
            .iter()
            .any(|id| written.iter().any(|w| id.as_str() == Some(w.as_str()))),
        "{event} names a run that was written"
    );

    server.stop.send_replace(true);
    // The stream ends (chunked terminator, then EOF) instead of holding shutdown open.
    let mut rest = String::new();
    loop {
        let mut line = String::new();
        match events.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => rest.push_str(&line),
            Err(error) => panic!("the stream did not end: {error}; read {rest:?}"),
        }
    }
    server.server.join().unwrap();
}

#[test]
fn the_event_stream_needs_credentials_when_the_server_does() {
    let server = start(Auth::Token("s3cret".to_owned()));
    let mut refused = open_events(server.address, "");
    assert!(status_line(&mut refused).contains(" 401 "));
    let mut allowed = open_events(server.address, "Authorization: Bearer s3cret\r\n");
    assert!(status_line(&mut allowed).contains(" 200 "));
    server.stop.send_replace(true);
}
