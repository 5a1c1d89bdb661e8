//! Cheap refusals and storage errors at the HTTP boundary: every one MLflow's JSON
//! (`error_code`, `message`) with the status that says what happened, over a real loopback server.
#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the support module is not #[test] code"
)]

mod support;

use cairn_server::Auth;
use support::{exchange, start};

/// One request as bytes, and what must come back.
struct Case {
    name: &'static str,
    request: Vec<u8>,
    status: u16,
    error_code: &'static str,
    /// The message must contain this (what was refused and the limit).
    message: &'static str,
}

#[test]
fn oversized_malformed_and_misdirected_requests_get_mlflow_json() {
    let server = start(Auth::None);
    let host = server.host();
    let head = |request_line: &str, headers: &str| {
        format!("{request_line}\r\nHost: {host}\r\nConnection: close\r\n{headers}\r\n").into_bytes()
    };
    let with_body = |mut head: Vec<u8>, body: &str| {
        head.extend_from_slice(body.as_bytes());
        head
    };
    let long_query = "x".repeat(17 * 1024);
    let many_headers: String = (0..150).map(|i| format!("X-Pad-{i}: 1\r\n")).collect();
    let huge_header = format!("X-Pad: {}\r\n", "y".repeat(70 * 1024));
    let artifact = "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/big.bin";
    let cases = [
        Case {
            name: "a known route with another method",
            request: head("DELETE /api/2.0/mlflow/experiments/get HTTP/1.1", ""),
            status: 405,
            error_code: "ENDPOINT_NOT_FOUND",
            message: "method DELETE is not allowed on /api/2.0/mlflow/experiments/get",
        },
        Case {
            // No body is sent: the answer comes from the declared length alone.
            name: "a JSON body declared over 32 MiB",
            request: head(
                "POST /api/2.0/mlflow/runs/log-batch HTTP/1.1",
                "Content-Type: application/json\r\nContent-Length: 40000000\r\n",
            ),
            status: 413,
            error_code: "PAYLOAD_TOO_LARGE",
            message: "limit of 33554432 bytes",
        },
        Case {
            name: "an artifact declared over the upload limit",
            request: head(
                &format!("PUT {artifact} HTTP/1.1"),
                "Content-Length: 5000\r\n",
            ),
            status: 413,
            error_code: "PAYLOAD_TOO_LARGE",
            message: "limit of 1024 bytes",
        },
        Case {
            name: "a request line over 16 KiB",
            request: head(
                &format!(
                    "GET /api/2.0/mlflow/experiments/get?experiment_id=0&pad={long_query} HTTP/1.1"
                ),
                "",
            ),
            status: 414,
            error_code: "INVALID_PARAMETER_VALUE",
            message: "longer than the limit of 16384 bytes",
        },
        Case {
            name: "more than 100 headers",
            request: head("GET /health HTTP/1.1", &many_headers),
            status: 431,
            error_code: "INVALID_PARAMETER_VALUE",
            message: "over the limit of 100 headers and 65536 bytes",
        },
        Case {
            name: "headers over 64 KiB",
            request: head("GET /health HTTP/1.1", &huge_header),
            status: 431,
            error_code: "INVALID_PARAMETER_VALUE",
            message: "over the limit of 100 headers and 65536 bytes",
        },
        Case {
            name: "a malformed chunked JSON body",
            request: with_body(
                head(
                    "POST /api/2.0/mlflow/experiments/create HTTP/1.1",
                    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                ),
                "zz\r\n{}\r\n0\r\n\r\n",
            ),
            status: 400,
            error_code: "MALFORMED_REQUEST",
            message: "the request body could not be read",
        },
        Case {
            name: "a malformed chunked artifact upload",
            request: with_body(
                head(
                    &format!("PUT {artifact} HTTP/1.1"),
                    "Transfer-Encoding: chunked\r\n",
                ),
                "3\r\nabc\r\nzz\r\n",
            ),
            status: 400,
            error_code: "MALFORMED_REQUEST",
            message: "the request body could not be read",
        },
    ];
    for case in cases {
        let reply = exchange(server.address, &case.request);
        assert_eq!(reply.status, case.status, "{}: {}", case.name, reply.head);
        assert_eq!(
            reply.error_code(),
            case.error_code,
            "{}: {}",
            case.name,
            reply.body
        );
        let message = reply.json()["message"].as_str().unwrap_or("").to_string();
        assert!(
            message.contains(case.message),
            "{}: {message:?} lacks {:?}",
            case.name,
            case.message
        );
    }
    // The 405 still says which methods the route takes.
    let reply = exchange(
        server.address,
        &head("DELETE /api/2.0/mlflow/experiments/get HTTP/1.1", ""),
    );
    assert!(
        reply.head.to_ascii_lowercase().contains("allow: get"),
        "{}",
        reply.head
    );
    // Nothing of the refused artifact was written.
    assert!(!server.artifact_root.join("0/r/artifacts/big.bin").exists());
}

#[test]
fn artifact_paths_the_file_system_cannot_take_are_400_naming_the_path() {
    let server = start(Auth::None);
    let base = "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts";
    assert_eq!(
        server
            .send("PUT", &format!("{base}/dir/a.txt"), &[], b"a")
            .status,
        200
    );
    let long_name = "n".repeat(256);
    for (path, message) in [
        (
            format!("{base}/dir"),
            "artifact '0/r/artifacts/dir' is a directory",
        ),
        (
            format!("{base}/dir/a.txt/b.txt"),
            "'0/r/artifacts/dir/a.txt/b.txt' cannot be written: a folder on its path is a file",
        ),
        (
            format!("{base}/{long_name}"),
            "is 256 bytes, longer than the limit of 255 bytes",
        ),
    ] {
        let reply = server.send("PUT", &path, &[], b"data");
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert_eq!(reply.error_code(), "INVALID_PARAMETER_VALUE");
        let text = reply.json()["message"].as_str().unwrap_or("").to_string();
        assert!(text.contains(message), "{path}: {text}");
    }
    // The folder and its file are untouched.
    assert_eq!(server.get(&format!("{base}/dir/a.txt")).body, "a");
}

#[test]
fn a_name_of_255_bytes_uploads_although_its_temporary_name_would_be_longer() {
    let server = start(Auth::None);
    let name = "m".repeat(255);
    let path = format!("/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/{name}");
    let reply = server.send("PUT", &path, &[], b"weights");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(server.get(&path).body, "weights");
}

/// A body that stops arriving ends its request after the server's pause limit (2 s for test
/// servers): the client gets MLflow's JSON 400, the connection is closed, nothing of a stalled
/// upload is kept, and the server goes on answering.
#[test]
fn a_body_that_stops_arriving_ends_its_request() {
    let server = start(Auth::None);
    let host = server.host();
    let experiment = server.post(
        "/api/2.0/mlflow/experiments/create",
        serde_json::json!({"name": "stalls"}),
    );
    assert_eq!(experiment.status, 200, "{}", experiment.body);
    let run = server.post(
        "/api/2.0/mlflow/runs/create",
        serde_json::json!({"experiment_id": "1"}),
    );
    assert_eq!(run.status, 200, "{}", run.body);
    let run: serde_json::Value = serde_json::from_str(&run.body).unwrap();
    let uri = run["run"]["info"]["artifact_uri"].as_str().unwrap();
    let relative = uri.strip_prefix("mlflow-artifacts:/").unwrap().to_owned();
    for (what, request_line, content_type) in [
        (
            "a JSON body",
            "POST /api/2.0/mlflow/runs/log-batch HTTP/1.1".to_owned(),
            "application/json",
        ),
        (
            "an artifact upload",
            format!("PUT /api/2.0/mlflow-artifacts/artifacts/{relative}/stalled.bin HTTP/1.1"),
            "application/octet-stream",
        ),
    ] {
        // 10 bytes of the 1,000 declared, then nothing.
        let request = format!(
            "{request_line}\r\nHost: {host}\r\nContent-Type: {content_type}\r\n\
             Content-Length: 1000\r\n\r\n{{\"run_id\":"
        );
        let started = std::time::Instant::now();
        let reply = exchange(server.address, request.as_bytes());
        assert_eq!(reply.status, 400, "{what}: {} {}", reply.head, reply.body);
        assert!(
            reply.body.contains("stopped arriving"),
            "{what}: {}",
            reply.body
        );
        assert!(
            started.elapsed() >= support::BODY_READ_TIMEOUT,
            "{what}: answered before the limit"
        );
    }
    let folder = server.artifact_root.join(&relative);
    let left: Vec<_> = std::fs::read_dir(&folder)
        .map(|entries| entries.flatten().map(|entry| entry.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "a stalled upload left {left:?}");
    assert_eq!(server.get("/health").status, 200);
}

/// Each open event stream holds a thread the store calls need too: past the cap a new stream is
/// refused with MLflow's JSON 503, and the server goes on answering everything else.
#[test]
fn event_streams_past_the_cap_are_refused_with_503() {
    use std::io::{BufRead, BufReader, Write};
    let server = start(Auth::None);
    let host = server.host();
    let open = || {
        let mut stream = std::net::TcpStream::connect(server.address).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        write!(stream, "GET /app/events HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
        let mut status = String::new();
        BufReader::new(stream.try_clone().unwrap())
            .read_line(&mut status)
            .unwrap();
        (stream, status)
    };
    let mut streams = Vec::new();
    for _ in 0..cairn_server::MAX_EVENT_STREAMS {
        let (stream, status) = open();
        assert!(status.contains(" 200 "), "{status}");
        streams.push(stream);
    }
    let refused = exchange(
        server.address,
        format!("GET /app/events HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(refused.status, 503, "{}", refused.head);
    assert!(
        refused.body.contains("TEMPORARILY_UNAVAILABLE") && refused.body.contains("event streams"),
        "{}",
        refused.body
    );
    assert_eq!(server.get("/health").status, 200);
    let experiments = server.post(
        "/api/2.0/mlflow/experiments/search",
        serde_json::json!({"max_results": 10}),
    );
    assert_eq!(experiments.status, 200, "{}", experiments.body);
    drop(streams);
}
