//! Large JSON answers (`{"runs": [...]}`, `{"metrics": [...]}`) written in pieces of about
//! 64 KiB and sent as they are, instead of one buffer that doubles as it grows.
//!
//! A page of 10,000 runs is about 9 MB of JSON: one growing buffer peaks at up to twice that
//! while it is copied, on top of the runs themselves. Here each item is serialised as it is
//! consumed, so the runs already written are freed while the rest are, and the pieces add up to
//! the answer's size.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// A piece is handed on once it holds this many bytes.
const PIECE_BYTES: usize = 64 * 1024;

/// An object whose first field is an array, written item by item.
#[derive(Debug)]
pub struct JsonArrayBody {
    pieces: Vec<Bytes>,
    buffer: Vec<u8>,
    empty: bool,
}

impl JsonArrayBody {
    /// Opens `{"<field>": [`.
    pub fn new(field: &str) -> Result<JsonArrayBody, ApiError> {
        let mut body = JsonArrayBody {
            pieces: Vec::new(),
            buffer: Vec::with_capacity(PIECE_BYTES),
            empty: true,
        };
        body.buffer.push(b'{');
        body.write(&field)?;
        body.buffer.extend_from_slice(b":[");
        Ok(body)
    }

    /// Appends one item of the array.
    pub fn push(&mut self, item: &impl Serialize) -> Result<(), ApiError> {
        if !self.empty {
            self.buffer.push(b',');
        }
        self.empty = false;
        self.write(item)?;
        if self.buffer.len() >= PIECE_BYTES {
            let full = std::mem::replace(&mut self.buffer, Vec::with_capacity(PIECE_BYTES));
            self.pieces.push(Bytes::from(full));
        }
        Ok(())
    }

    /// Closes the array, adds `"next_page_token"` when there is one, and closes the object.
    pub fn finish(mut self, next_page_token: Option<&str>) -> Result<JsonAnswer, ApiError> {
        self.buffer.push(b']');
        if let Some(token) = next_page_token {
            self.buffer.extend_from_slice(b",\"next_page_token\":");
            self.write(&token)?;
        }
        self.buffer.push(b'}');
        self.pieces.push(Bytes::from(self.buffer));
        Ok(JsonAnswer(self.pieces))
    }

    fn write(&mut self, value: &impl Serialize) -> Result<(), ApiError> {
        serde_json::to_writer(&mut self.buffer, value)
            .map_err(|error| ApiError::new("INTERNAL_ERROR", format!("writing JSON: {error}")))
    }
}

/// A finished answer: its pieces, in order.
#[derive(Debug)]
pub struct JsonAnswer(Vec<Bytes>);

impl IntoResponse for JsonAnswer {
    fn into_response(self) -> Response {
        let length: usize = self.0.iter().map(Bytes::len).sum();
        let pieces = self.0.into_iter().map(Ok::<_, std::convert::Infallible>);
        let mut response = Body::from_stream(futures_util::stream::iter(pieces)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        response
    }
}
