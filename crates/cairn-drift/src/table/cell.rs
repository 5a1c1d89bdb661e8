//! One kept value, packed in 8 bytes: a number, a missing value or a text (an index into the
//! column's dictionary), the last two as NaNs with distinct bit patterns (a parsed number is
//! never NaN: "NaN" reads as missing).

/// Missing: a quiet NaN with payload 1.
const MISSING_BITS: u64 = 0x7FF8_0000_0000_0001;
/// Text: a negative quiet NaN, the dictionary index in the low 32 bits.
const TEXT_TAG: u64 = 0xFFF8_0000_0000_0000;

/// A decoded value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// No value.
    Missing,
    /// A finite number.
    Number(f64),
    /// A text: its index in the column's dictionary.
    Text(u32),
}

impl Cell {
    /// Packs the cell.
    pub(crate) fn encode(self) -> f64 {
        match self {
            Cell::Missing => f64::from_bits(MISSING_BITS),
            Cell::Number(value) => value,
            Cell::Text(index) => f64::from_bits(TEXT_TAG | u64::from(index)),
        }
    }

    /// Unpacks a cell.
    pub(crate) fn decode(packed: f64) -> Cell {
        if !packed.is_nan() {
            return Cell::Number(packed);
        }
        let bits = packed.to_bits();
        if bits & 0xFFFF_FFFF_0000_0000 == TEXT_TAG {
            Cell::Text((bits & 0xFFFF_FFFF) as u32)
        } else {
            Cell::Missing
        }
    }
}

/// The spellings of a missing value (pandas' defaults for `read_csv`, plus infinities, which
/// Evidently drops with the NaNs), compared after trimming spaces.
const MISSING: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Whether a text reads as a missing value.
pub fn is_missing_text(text: &str) -> bool {
    is_missing_bytes(text.as_bytes())
}

/// [`is_missing_text`] on raw bytes (a CSV field before any UTF-8 check).
pub fn is_missing_bytes(bytes: &[u8]) -> bool {
    let bytes = bytes.trim_ascii();
    if bytes.len() > 9 {
        return false;
    }
    MISSING.iter().any(|missing| missing.as_bytes() == bytes) || {
        let bare = match bytes.first() {
            Some(b'+' | b'-') => &bytes[1..],
            _ => bytes,
        };
        bare.eq_ignore_ascii_case(b"inf") || bare.eq_ignore_ascii_case(b"infinity")
    }
}

/// Parses a non-missing text as a finite number, if it is one.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let first = text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    text.parse::<f64>().ok().filter(|value| value.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_survive_packing() {
        for cell in [
            Cell::Missing,
            Cell::Number(-0.0),
            Cell::Number(1.5e300),
            Cell::Text(0),
            Cell::Text(u32::MAX),
        ] {
            assert_eq!(Cell::decode(cell.encode()), cell);
        }
        assert!(is_missing_text(" NA ") && is_missing_text("-Inf") && !is_missing_text("0"));
        assert_eq!(parse_number(" 2.5 "), Some(2.5));
        assert_eq!(parse_number("infinite"), None);
        assert_eq!(parse_number("abc"), None);
    }
}
