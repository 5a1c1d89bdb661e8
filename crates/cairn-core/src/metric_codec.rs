//! The compressed encoding of a run of metric points, stored as one `metric_chunks.data` blob.
//!
//! Layout (format 1), columnar so each column compresses on its own terms:
//!
//! ```text
//! u8      format = 1
//! varint  point count n
//! n × zigzag varint   steps: first value, then first delta, then deltas of deltas
//! n × zigzag varint   timestamps (ms): the same scheme
//! n × value           IEEE-754 bits XOR the previous value's bits, written as a control byte
//!                     (leading zero bytes << 4 | trailing zero bytes), then the bytes between;
//!                     0xFF alone when the value repeats
//! ```
//!
//! Steps that advance by a constant cost one byte, timestamps a byte or two, values at most nine
//! bytes and usually fewer (a float32 widened to f64 has three zero trailing bytes). NaN payloads
//! and infinities round-trip bit for bit. Arithmetic wraps, so any i64 input encodes and any
//! bytes decode without panicking.

use crate::model::MetricPoint;

const FORMAT: u8 = 1;
const REPEAT: u8 = 0xFF;

/// Why a blob could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CodecError(String);

/// Appends the encoding of `points` to `out`.
pub fn encode(points: &[MetricPoint], out: &mut Vec<u8>) {
    out.reserve(2 + points.len() * 11);
    out.push(FORMAT);
    write_varint(out, points.len() as u64);
    encode_integers(points.iter().map(|point| point.step), out);
    encode_integers(points.iter().map(|point| point.timestamp_ms), out);
    let mut previous_bits = 0u64;
    for point in points {
        let bits = point.value.to_bits();
        let xor = bits ^ previous_bits;
        previous_bits = bits;
        if xor == 0 {
            out.push(REPEAT);
            continue;
        }
        let leading = (xor.leading_zeros() / 8) as usize;
        let trailing = (xor.trailing_zeros() / 8) as usize;
        out.push(((leading as u8) << 4) | trailing as u8);
        out.extend_from_slice(&xor.to_be_bytes()[leading..8 - trailing]);
    }
}

/// Decodes a blob made by [`encode`], appending its points to `out`.
pub fn decode(bytes: &[u8], out: &mut Vec<MetricPoint>) -> Result<(), CodecError> {
    let mut reader = Reader { bytes, position: 0 };
    let format = reader.byte()?;
    if format != FORMAT {
        return Err(CodecError(format!("unknown chunk format {format}")));
    }
    let count = reader.varint()?;
    // Every point takes at least three bytes, which bounds what a corrupt count can allocate.
    if count > (bytes.len() as u64) / 3 + 1 {
        return Err(CodecError(format!(
            "chunk claims {count} points but holds only {} bytes",
            bytes.len()
        )));
    }
    let count = count as usize;
    let start = out.len();
    out.reserve(count);
    let mut column = IntegerColumn::default();
    for index in 0..count {
        let step = column.next(index, reader.zigzag()?);
        out.push(MetricPoint {
            step,
            timestamp_ms: 0,
            value: 0.0,
        });
    }
    let mut column = IntegerColumn::default();
    for index in 0..count {
        out[start + index].timestamp_ms = column.next(index, reader.zigzag()?);
    }
    let mut previous_bits = 0u64;
    for point in &mut out[start..] {
        let control = reader.byte()?;
        if control != REPEAT {
            let leading = usize::from(control >> 4);
            let trailing = usize::from(control & 0x0F);
            if leading + trailing > 7 {
                return Err(CodecError(format!("bad value control byte {control:#04x}")));
            }
            let mut be = [0u8; 8];
            be[leading..8 - trailing].copy_from_slice(reader.take(8 - leading - trailing)?);
            previous_bits ^= u64::from_be_bytes(be);
        }
        point.value = f64::from_bits(previous_bits);
    }
    if reader.position != bytes.len() {
        return Err(CodecError(format!(
            "{} trailing bytes after {count} points",
            bytes.len() - reader.position
        )));
    }
    Ok(())
}

/// Writes a column of integers as first value, first delta, then deltas of deltas.
fn encode_integers(values: impl Iterator<Item = i64>, out: &mut Vec<u8>) {
    let mut previous = 0i64;
    let mut previous_delta = 0i64;
    for (index, value) in values.enumerate() {
        let written = match index {
            0 => value,
            1 => value.wrapping_sub(previous),
            _ => value.wrapping_sub(previous).wrapping_sub(previous_delta),
        };
        if index > 0 {
            previous_delta = value.wrapping_sub(previous);
        }
        previous = value;
        write_varint(out, zigzag_encode(written));
    }
}

/// Undoes [`encode_integers`] one value at a time.
#[derive(Default)]
struct IntegerColumn {
    previous: i64,
    previous_delta: i64,
}

impl IntegerColumn {
    fn next(&mut self, index: usize, written: i64) -> i64 {
        let value = match index {
            0 => written,
            1 => self.previous.wrapping_add(written),
            _ => self
                .previous
                .wrapping_add(self.previous_delta)
                .wrapping_add(written),
        };
        if index > 0 {
            self.previous_delta = value.wrapping_sub(self.previous);
        }
        self.previous = value;
        value
    }
}

fn zigzag_encode(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn zigzag_decode(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, CodecError> {
        let byte = *self
            .bytes
            .get(self.position)
            .ok_or_else(|| CodecError(format!("truncated at byte {}", self.position)))?;
        self.position += 1;
        Ok(byte)
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], CodecError> {
        let end = self.position + count;
        let slice = self
            .bytes
            .get(self.position..end)
            .ok_or_else(|| CodecError(format!("truncated at byte {}", self.position)))?;
        self.position = end;
        Ok(slice)
    }

    fn varint(&mut self) -> Result<u64, CodecError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(CodecError(format!(
            "varint longer than 10 bytes at byte {}",
            self.position
        )))
    }

    fn zigzag(&mut self) -> Result<i64, CodecError> {
        self.varint().map(zigzag_decode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(points: &[MetricPoint]) -> Vec<u8> {
        let mut bytes = Vec::new();
        encode(points, &mut bytes);
        let mut decoded = Vec::new();
        decode(&bytes, &mut decoded).unwrap();
        assert_eq!(decoded.len(), points.len());
        for (a, b) in decoded.iter().zip(points) {
            assert!(a.same_bits(b), "{a:?} != {b:?}");
        }
        bytes
    }

    fn point(step: i64, timestamp_ms: i64, value: f64) -> MetricPoint {
        MetricPoint {
            step,
            timestamp_ms,
            value,
        }
    }

    #[test]
    fn special_values_survive_bit_for_bit() {
        let payload_nan = f64::from_bits(0x7FF8_0000_DEAD_BEEF);
        round_trip(&[
            point(0, 0, f64::NAN),
            point(1, 1, f64::INFINITY),
            point(2, 2, f64::NEG_INFINITY),
            point(3, 3, -0.0),
            point(4, 4, 0.0),
            point(5, 5, payload_nan),
            point(6, 6, f64::MIN_POSITIVE),
            point(7, 7, f64::MAX),
            point(i64::MIN, i64::MAX, 1.0),
            point(i64::MAX, i64::MIN, 1.0),
            point(-5, 0, 1.0),
        ]);
    }

    #[test]
    fn empty_and_single_point() {
        assert_eq!(round_trip(&[]).len(), 2);
        round_trip(&[point(7, 1_700_000_000_000, 0.5)]);
    }

    #[test]
    fn training_curve_is_compact() {
        let points: Vec<MetricPoint> = (0..10_000)
            .map(|i| {
                let noise = ((i * 7919) % 1000) as f64 / 1e5;
                point(
                    i,
                    1_700_000_000_000 + i * 250 + (i % 3),
                    2.0 / (1.0 + i as f64 / 100.0) + noise,
                )
            })
            .collect();
        let bytes = round_trip(&points);
        let per_point = bytes.len() as f64 / points.len() as f64;
        assert!(per_point < 11.0, "{per_point} bytes per point");
    }

    #[test]
    fn corrupt_blobs_are_errors_not_panics() {
        let mut bytes = Vec::new();
        encode(
            &[point(0, 10, 1.5), point(1, 20, 2.5), point(2, 30, 3.5)],
            &mut bytes,
        );
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], &mut Vec::new()).is_err(), "cut {cut}");
        }
        let mut state = 0x1234_5678_u64;
        for _ in 0..20_000 {
            let len = (state % 40) as usize;
            let garbage: Vec<u8> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 33) as u8
                })
                .collect();
            let _ = decode(&garbage, &mut Vec::new());
        }
        assert_eq!(
            decode(&[2, 0], &mut Vec::new()).unwrap_err().to_string(),
            "unknown chunk format 2"
        );
    }
}
