//! A real `cairn serve` started from the sandbox on a free loopback port, and a minimal HTTP/1.1
//! client (one request per connection) that sends exactly what a test gives it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::Sandbox;

/// A running `cairn serve`; killed when dropped.
pub struct Served {
    pub child: Child,
    pub address: SocketAddr,
    /// `Authorization` header value sent by [`Served::request`], when the server wants one.
    pub authorization: Option<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sandbox {
    /// `cairn --store STORE serve --port 0 EXTRA...` in the sandbox, not started yet.
    pub fn serve_command(&self, extra: &[&str]) -> Command {
        let mut command = self.command();
        command
            .arg("--store")
            .arg(self.store())
            .args(["serve", "--port", "0"])
            .args(extra);
        command
    }

    /// Starts `cairn serve --port 0 EXTRA...` on the sandbox's store with extra environment
    /// variables, and waits until it listens.
    pub fn serve(&self, extra: &[&str], env: &[(&str, &str)]) -> Served {
        let mut command = self.serve_command(extra);
        command.envs(env.iter().copied());
        Served::start(command)
    }
}

/// One HTTP reply.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.body))
    }
}

impl Served {
    /// Spawns `command` (a `cairn ... serve --port 0`) and waits for its "listening on" line.
    pub fn start(mut command: Command) -> Served {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cairn serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = String::new();
        let address = loop {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                _ => {
                    let _ = child.kill();
                    panic!("cairn serve ended before listening: {seen}");
                }
            };
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let address = rest.split_whitespace().next().expect("address");
                break address.parse().expect("socket address");
            }
        };
        // Keep reading stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Served {
            child,
            address,
            authorization: None,
        }
    }

    /// Sends `method path` with the server's Host, `Connection: close`, the body's length and
    /// exactly `headers`; the read timeout bounds the wait for a server that never answers.
    pub fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let split = raw
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap_or(raw.len());
        let head = String::from_utf8_lossy(raw.get(..split).unwrap_or_default()).into_owned();
        let body = raw.get(split + 4..).unwrap_or_default();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            unchunk(body)
        } else {
            body.to_vec()
        };
        Reply {
            status,
            head,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Sends `method path` with a body (JSON when it parses as JSON) and the server's
    /// credentials, when it wants some.
    pub fn request(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        let mut headers = Vec::new();
        if serde_json::from_slice::<Value>(body).is_ok() {
            headers.push(("Content-Type", "application/json"));
        }
        if let Some(authorization) = &self.authorization {
            headers.push(("Authorization", authorization.as_str()));
        }
        self.send(method, path, &headers, body)
    }

    /// POSTs a JSON value.
    pub fn post(&self, path: &str, body: &Value) -> Reply {
        self.request("POST", path, body.to_string().as_bytes())
    }

    /// POSTs a JSON value that must answer 200; returns its JSON.
    pub fn ok(&self, path: &str, body: &Value) -> Value {
        let reply = self.post(path, body);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        reply.json()
    }
}

/// The bytes of a chunked body (sizes in hex, optional extensions after `;`).
fn unchunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = body.windows(2).position(|window| window == b"\r\n") {
        let size_line = String::from_utf8_lossy(body.get(..line_end).unwrap_or_default());
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        let start = line_end + 2;
        let Some(chunk) = body.get(start..start + size).filter(|_| size > 0) else {
            break;
        };
        out.extend_from_slice(chunk);
        body = body.get(start + size + 2..).unwrap_or_default();
    }
    out
}
