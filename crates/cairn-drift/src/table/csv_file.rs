//! CSV: the first row is the header (a UTF-8 byte order mark is dropped); every row must have as many fields; bytes that are not
//! UTF-8 are read lossily. Errors name the file and the row (1 = the header).

use std::io::Read;
use std::path::Path;

use super::builder::{TableBuilder, Value};
use super::cell::is_missing_bytes;
use crate::DriftError;

pub(super) fn read(file: &Path, builder: &mut TableBuilder) -> Result<(), DriftError> {
    let handle = std::fs::File::open(file)
        .map_err(|error| DriftError::Data(format!("{}: {error}", file.display())))?;
    // The CSV reader buffers on its own.
    read_from(file, handle, builder)
}

/// Reads CSV from `input`; `file` names it in errors.
pub(super) fn read_from(
    file: &Path,
    input: impl Read,
    builder: &mut TableBuilder,
) -> Result<(), DriftError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let headers = reader
        .byte_headers()
        .map_err(|error| {
            DriftError::Data(format!("{}: row 1 (the header): {error}", file.display()))
        })?
        .clone();
    if headers.is_empty() {
        return Err(DriftError::Data(format!(
            "{}: no header row",
            file.display()
        )));
    }
    let names: Vec<String> = headers
        .iter()
        .map(|name| {
            String::from_utf8_lossy(name)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_owned()
        })
        .collect();
    let order = builder.header(file, &names)?;
    let mut record = csv::ByteRecord::new();
    let mut row = 1u64;
    loop {
        row += 1;
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let at = error.position().map_or(row, |position| position.line());
                return Err(DriftError::Data(format!(
                    "{}: row {at}: {}",
                    file.display(),
                    describe(&error, &names)
                )));
            }
        }
        let slot = builder.next_row();
        for (index, field) in record.iter().enumerate() {
            let column = order[index];
            if is_missing_bytes(field) {
                builder.count_missing(column);
            } else if let Some(slot) = slot {
                builder.set(
                    slot,
                    column,
                    Value::from_text(&String::from_utf8_lossy(field)),
                );
            }
        }
    }
    Ok(())
}

fn describe(error: &csv::Error, names: &[String]) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => format!(
            "{len} fields where the header has {} ({})",
            names.len(),
            names.join(", ")
        ),
        _ => error.to_string(),
    }
}
