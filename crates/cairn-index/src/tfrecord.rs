//! The TFRecord framing of TensorBoard event files: `u64le length | u32le masked_crc32c(length)
//! | data | u32le masked_crc32c(data)`. Reading never panics: a bad checksum skips the record
//! and is counted; a truncated last record stops the reader at its start, to resume later.

/// The masking TensorFlow applies to CRC-32C values stored in a record.
pub fn masked_crc32c(data: &[u8]) -> u32 {
    mask(crc32c::crc32c(data))
}

fn mask(crc: u32) -> u32 {
    crc.rotate_right(15).wrapping_add(0xa282_ead8)
}

/// One pass over a buffer of records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordScan {
    /// Offset (in the buffer) just past the last whole record: where the next read resumes.
    pub consumed: usize,
    /// Records skipped because a checksum did not match.
    pub bad_records: u64,
    /// True when the framing itself broke (a bad length checksum): the rest of the buffer was
    /// abandoned.
    pub broken: bool,
}

/// Calls `on_record` with the payload of every whole, valid record in `buffer`.
pub fn scan_records(buffer: &[u8], mut on_record: impl FnMut(&[u8])) -> RecordScan {
    let mut scan = RecordScan::default();
    let mut position = 0usize;
    while let Some(header) = buffer.get(position..position + 12) {
        let (length_bytes, length_crc) = header.split_at(8);
        let stored_length_crc =
            u32::from_le_bytes([length_crc[0], length_crc[1], length_crc[2], length_crc[3]]);
        if masked_crc32c(length_bytes) != stored_length_crc {
            // The length cannot be trusted, so neither can any later framing.
            scan.bad_records += 1;
            scan.broken = true;
            break;
        }
        let mut length_array = [0u8; 8];
        length_array.copy_from_slice(length_bytes);
        let length = u64::from_le_bytes(length_array);
        let Some(end) = usize::try_from(length).ok().and_then(|length| {
            position
                .checked_add(12)?
                .checked_add(length)?
                .checked_add(4)
        }) else {
            scan.bad_records += 1;
            scan.broken = true;
            break;
        };
        let Some(record) = buffer.get(position + 12..end) else {
            // Truncated: the writer is still writing. Resume here next time.
            break;
        };
        let (data, data_crc) = record.split_at(record.len() - 4);
        let stored_data_crc =
            u32::from_le_bytes([data_crc[0], data_crc[1], data_crc[2], data_crc[3]]);
        if masked_crc32c(data) == stored_data_crc {
            on_record(data);
        } else {
            scan.bad_records += 1;
        }
        position = end;
        scan.consumed = end;
    }
    scan
}

/// Frames `data` as one record (for tests and benchmarks that write event files).
pub fn frame_record(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 16);
    let length = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&length);
    out.extend_from_slice(&masked_crc32c(&length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc32c(data).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_crc_matches_the_tensorflow_test_vector() {
        let mut data = vec![0x1a, 0x11];
        data.extend_from_slice(b"CRC test, one two");
        assert_eq!(masked_crc32c(&data), 0x5794_d08a);
    }

    #[test]
    fn truncated_record_stops_before_it() {
        let mut buffer = frame_record(b"one");
        let whole = buffer.len();
        buffer.extend_from_slice(&frame_record(b"two")[..7]);
        let mut seen = Vec::new();
        let scan = scan_records(&buffer, |data| seen.push(data.to_vec()));
        assert_eq!(seen, vec![b"one".to_vec()]);
        assert_eq!(scan.consumed, whole);
        assert_eq!(scan.bad_records, 0);
    }

    #[test]
    fn bad_data_crc_skips_one_record() {
        let mut buffer = frame_record(b"one");
        let first_len = buffer.len();
        buffer.extend_from_slice(&frame_record(b"two"));
        buffer[first_len - 5] ^= 0xff; // corrupt the payload of the first record
        let mut seen = Vec::new();
        let scan = scan_records(&buffer, |data| seen.push(data.to_vec()));
        assert_eq!(seen, vec![b"two".to_vec()]);
        assert_eq!(scan.bad_records, 1);
        assert_eq!(scan.consumed, buffer.len());
    }
}
