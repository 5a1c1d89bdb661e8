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

use crate::model::{MetricColumnSet, MetricColumns, MetricPoint};

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

/// Decodes a blob made by [`encode`], appending its points to `out`. On error `out` is left as
/// it was.
pub fn decode(bytes: &[u8], out: &mut Vec<MetricPoint>) -> Result<(), CodecError> {
    let start = out.len();
    let result = decode_points(bytes, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

fn decode_points(bytes: &[u8], out: &mut Vec<MetricPoint>) -> Result<(), CodecError> {
    let (mut reader, count) = Reader::header(bytes)?;
    let start = out.len();
    out.reserve(count);
    decode_integers(&mut reader, count, |step| {
        out.push(MetricPoint {
            step,
            timestamp_ms: 0,
            value: 0.0,
        });
    })?;
    let mut points = out[start..].iter_mut();
    decode_integers(&mut reader, count, |timestamp_ms| {
        if let Some(point) = points.next() {
            point.timestamp_ms = timestamp_ms;
        }
    })?;
    let mut points = out[start..].iter_mut();
    decode_values(&mut reader, count, |value| {
        if let Some(point) = points.next() {
            point.value = value;
        }
    })?;
    reader.finish(count)
}

/// Decodes a blob made by [`encode`], appending its points to the columns of `out` that `set`
/// asks for (the faster path: no per-point struct, each column written contiguously; a column
/// not asked for is skipped over, not decoded). On error `out` is left as it was.
pub fn decode_columns(
    bytes: &[u8],
    set: MetricColumnSet,
    out: &mut MetricColumns,
) -> Result<(), CodecError> {
    let lengths = (out.steps.len(), out.timestamps_ms.len(), out.values.len());
    let result = decode_into_columns(bytes, set, out);
    if result.is_err() {
        out.steps.truncate(lengths.0);
        out.timestamps_ms.truncate(lengths.1);
        out.values.truncate(lengths.2);
    }
    result
}

fn decode_into_columns(
    bytes: &[u8],
    set: MetricColumnSet,
    out: &mut MetricColumns,
) -> Result<(), CodecError> {
    let (mut reader, count) = Reader::header(bytes)?;
    decode_integers(&mut reader, count, filler(&mut out.steps, count, 0))?;
    match set {
        MetricColumnSet::All => {
            decode_integers(&mut reader, count, filler(&mut out.timestamps_ms, count, 0))?;
        }
        MetricColumnSet::StepsAndValues => reader.skip_varints(count)?,
    }
    decode_values(&mut reader, count, filler(&mut out.values, count, 0.0))?;
    reader.finish(count)
}

/// Grows `column` by `count` slots and returns what fills them in order: sized up front and
/// filled in place, so there is no capacity check per value.
fn filler<T: Copy>(column: &mut Vec<T>, count: usize, zero: T) -> impl FnMut(T) + '_ {
    let start = column.len();
    column.resize(start + count, zero);
    let mut slots = column[start..].iter_mut();
    move |value| {
        if let Some(slot) = slots.next() {
            *slot = value;
        }
    }
}

/// Reads `count` integers written by [`encode_integers`], in order. The hot loop keeps the
/// read position in a local (a field behind `&mut` is stored back on every byte).
#[inline(always)]
fn decode_integers(
    reader: &mut Reader<'_>,
    count: usize,
    mut put: impl FnMut(i64),
) -> Result<(), CodecError> {
    if count == 0 {
        return Ok(());
    }
    let mut value = reader.zigzag()?;
    put(value);
    if count == 1 {
        return Ok(());
    }
    let mut delta = reader.zigzag()?;
    value = value.wrapping_add(delta);
    put(value);
    let bytes = reader.bytes;
    let mut position = reader.position;
    let mut left = count - 2;
    while left > 0 {
        // Eight zero bytes are eight deltas of deltas of 0: an evenly advancing stretch (steps
        // logged at a fixed stride) costs one comparison per eight values.
        if left >= 8
            && let Some(word) = bytes
                .get(position..)
                .and_then(|rest| rest.first_chunk::<8>())
            && u64::from_ne_bytes(*word) == 0
        {
            for _ in 0..8 {
                value = value.wrapping_add(delta);
                put(value);
            }
            position += 8;
            left -= 8;
            continue;
        }
        left -= 1;
        // One- and two-byte varints inline; longer ones through the reader.
        let written = match bytes.get(position..position + 2) {
            Some(&[low, _]) if low < 0x80 => {
                position += 1;
                u64::from(low)
            }
            Some(&[low, high]) if high < 0x80 => {
                position += 2;
                u64::from(low & 0x7F) | (u64::from(high) << 7)
            }
            _ => {
                reader.position = position;
                let written = reader.varint()?;
                position = reader.position;
                written
            }
        };
        delta = delta.wrapping_add(zigzag_decode(written));
        value = value.wrapping_add(delta);
        put(value);
    }
    reader.position = position;
    Ok(())
}

/// Reads `count` XOR-encoded values, in order.
#[inline(always)]
fn decode_values(
    reader: &mut Reader<'_>,
    count: usize,
    mut put: impl FnMut(f64),
) -> Result<(), CodecError> {
    let bytes = reader.bytes;
    let mut position = reader.position;
    let mut previous_bits = 0u64;
    for _ in 0..count {
        let control = *bytes
            .get(position)
            .ok_or_else(|| CodecError(format!("truncated at byte {position}")))?;
        position += 1;
        if control != REPEAT {
            let leading = usize::from(control >> 4);
            let trailing = usize::from(control & 0x0F);
            if leading + trailing > 7 {
                return Err(CodecError(format!("bad value control byte {control:#04x}")));
            }
            let width = 8 - leading - trailing;
            let xor = match bytes
                .get(position..)
                .and_then(|rest| rest.first_chunk::<8>())
            {
                // Fast path: one unaligned 8-byte read, then shift the `width` bytes into place.
                Some(word) => (u64::from_be_bytes(*word) >> (8 * (8 - width))) << (8 * trailing),
                None => {
                    let mut be = [0u8; 8];
                    be[leading..8 - trailing].copy_from_slice(
                        bytes
                            .get(position..position + width)
                            .ok_or_else(|| CodecError(format!("truncated at byte {position}")))?,
                    );
                    u64::from_be_bytes(be)
                }
            };
            position += width;
            previous_bits ^= xor;
        }
        put(f64::from_bits(previous_bits));
    }
    reader.position = position;
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
    /// Checks the format byte and reads the point count, bounded by what the bytes can hold.
    fn header(bytes: &'a [u8]) -> Result<(Reader<'a>, usize), CodecError> {
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
        Ok((reader, count as usize))
    }

    /// Fails unless every byte was read.
    fn finish(&self, count: usize) -> Result<(), CodecError> {
        if self.position != self.bytes.len() {
            return Err(CodecError(format!(
                "{} trailing bytes after {count} points",
                self.bytes.len() - self.position
            )));
        }
        Ok(())
    }

    #[inline(always)]
    fn byte(&mut self) -> Result<u8, CodecError> {
        let byte = *self
            .bytes
            .get(self.position)
            .ok_or_else(|| CodecError(format!("truncated at byte {}", self.position)))?;
        self.position += 1;
        Ok(byte)
    }

    /// Skips `count` varints (a column not asked for); like [`Reader::varint`], one longer than
    /// 10 bytes is an error.
    fn skip_varints(&mut self, count: usize) -> Result<(), CodecError> {
        const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
        let start = self.position;
        let mut position = start;
        let (mut left, mut run, mut too_long) = (count, 0usize, false);
        // Eight bytes at a time while they end fewer varints than are left: the terminators
        // (bytes below 0x80) are the clear high bits, counted at once; `run` carries the
        // continuation bytes since the last terminator across words.
        while let Some(word) = self
            .bytes
            .get(position..)
            .and_then(|rest| rest.first_chunk::<8>())
        {
            let terminators = !u64::from_le_bytes(*word) & HIGH_BITS;
            let ended = terminators.count_ones() as usize;
            if ended >= left {
                break;
            }
            if terminators == 0 {
                run += 8;
            } else {
                // In memory order the first byte is the lowest: continuation bytes before the
                // first terminator extend the run, those after the last one start the next.
                too_long |= run + (terminators.trailing_zeros() / 8) as usize >= 10;
                run = (terminators.leading_zeros() / 8) as usize;
            }
            too_long |= run >= 10;
            left -= ended;
            position += 8;
        }
        // The rest byte by byte, stopping at the last terminator.
        for &byte in self.bytes.get(position..).unwrap_or_default() {
            if left == 0 {
                break;
            }
            position += 1;
            let ends = byte < 0x80;
            run = if ends { 0 } else { run + 1 };
            too_long |= run >= 10;
            left -= usize::from(ends);
        }
        if too_long {
            return Err(CodecError(format!(
                "varint longer than 10 bytes after byte {start}"
            )));
        }
        if left > 0 {
            return Err(CodecError(format!(
                "truncated at byte {}",
                self.bytes.len()
            )));
        }
        self.position = position;
        Ok(())
    }

    #[inline(always)]
    fn varint(&mut self) -> Result<u64, CodecError> {
        if let Some(&byte) = self.bytes.get(self.position)
            && byte < 0x80
        {
            self.position += 1;
            return Ok(u64::from(byte));
        }
        self.varint_long()
    }

    fn varint_long(&mut self) -> Result<u64, CodecError> {
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

    #[inline(always)]
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
        // The columnar decoder reads the same points, appended after what the columns held.
        let mut columns = MetricColumns::default();
        columns.push(&point(-1, -1, -1.0));
        decode_columns(&bytes, MetricColumnSet::All, &mut columns).unwrap();
        assert_eq!(columns.len(), points.len() + 1);
        for (index, expected) in points.iter().enumerate() {
            let got = columns.point(index + 1).unwrap();
            assert!(got.same_bits(expected), "{got:?} != {expected:?}");
        }
        // Without timestamps: the same steps and values, no timestamp.
        let mut columns = MetricColumns::default();
        decode_columns(&bytes, MetricColumnSet::StepsAndValues, &mut columns).unwrap();
        assert!(columns.timestamps_ms.is_empty());
        assert_eq!(columns.steps.len(), points.len());
        for ((step, value), expected) in columns.steps.iter().zip(&columns.values).zip(points) {
            assert_eq!(*step, expected.step);
            assert_eq!(value.to_bits(), expected.value.to_bits());
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
    fn every_value_width_decodes_on_the_fast_and_the_slow_path() {
        // Values whose XOR with the previous one spans 1 to 8 bytes at every offset, so the
        // 8-byte fast read and the short read near the end of the blob both meet each width.
        let mut points = Vec::new();
        let mut bits = 0u64;
        for width in 1..=8u32 {
            for shift in 0..=(8 - width) {
                let mask = if width == 8 {
                    u64::MAX
                } else {
                    (1u64 << (8 * width)) - 1
                };
                bits ^= (0xA5A5_A5A5_A5A5_A5A5 & mask | 0x81) << (8 * shift);
                points.push(point(points.len() as i64, 0, f64::from_bits(bits)));
            }
        }
        for end in 1..=points.len() {
            round_trip(&points[..end]);
        }
        let steps: Vec<MetricPoint> = [0, 1, -1, 300, i64::MAX, i64::MIN, 5, 5, 5]
            .iter()
            .map(|&step| point(step, step.wrapping_mul(3), 0.5))
            .collect();
        round_trip(&steps);
    }

    #[test]
    fn skipping_timestamps_accepts_and_refuses_what_decoding_them_does() {
        // Blobs whose timestamps are varints of 1 to 11 bytes (11: over-long), so runs of
        // continuation bytes cross the 8-byte words skipped at once; sometimes cut short.
        let mut state = 0x0bad_cafe_u64;
        let mut next = move |below: u32| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32 % below
        };
        let (mut valid, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let count = next(40) as usize;
            let mut blob = vec![FORMAT];
            write_varint(&mut blob, count as u64);
            blob.extend((0..count).map(|_| next(0x80) as u8));
            for _ in 0..count {
                let len = if next(50) == 0 { 11 } else { 1 + next(10) };
                blob.extend((1..len).map(|_| 0x80 | next(0x80) as u8));
                blob.push(next(0x80) as u8);
            }
            blob.extend(std::iter::repeat_n(REPEAT, count));
            if next(4) == 0 {
                blob.truncate(next(blob.len() as u32 + 1) as usize);
            }
            let mut all = MetricColumns::default();
            let mut skipped = MetricColumns::default();
            let full = decode_columns(&blob, MetricColumnSet::All, &mut all);
            let fast = decode_columns(&blob, MetricColumnSet::StepsAndValues, &mut skipped);
            assert_eq!(
                full.is_ok(),
                fast.is_ok(),
                "{blob:02x?}: {full:?} / {fast:?}"
            );
            if full.is_ok() {
                valid += 1;
                assert_eq!(all.steps, skipped.steps);
                assert_eq!(all.values.len(), skipped.values.len());
            } else {
                refused += 1;
            }
        }
        assert!(
            valid > 1_000 && refused > 1_000,
            "{valid} valid, {refused} refused"
        );
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
            let mut points = vec![point(9, 9, 9.0)];
            assert!(decode(&bytes[..cut], &mut points).is_err(), "cut {cut}");
            assert_eq!(points, vec![point(9, 9, 9.0)], "cut {cut}: left as it was");
            for set in [MetricColumnSet::All, MetricColumnSet::StepsAndValues] {
                let mut columns = MetricColumns::default();
                assert!(
                    decode_columns(&bytes[..cut], set, &mut columns).is_err(),
                    "cut {cut}"
                );
                assert_eq!(
                    columns,
                    MetricColumns::default(),
                    "cut {cut}: left as it was"
                );
            }
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
            for set in [MetricColumnSet::All, MetricColumnSet::StepsAndValues] {
                let _ = decode_columns(&garbage, set, &mut MetricColumns::default());
            }
        }
        assert_eq!(
            decode(&[2, 0], &mut Vec::new()).unwrap_err().to_string(),
            "unknown chunk format 2"
        );
    }
}
