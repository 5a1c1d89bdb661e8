//! Parquet, through the `parquet` crate's row reader (no Arrow): integers, floats and decimals
//! are numbers, strings and booleans texts, nulls missing; anything else (dates, timestamps,
//! nested values) is compared as its text. Errors name the file and the row.

use std::fs::File;
use std::path::Path;

use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::Field;

use super::builder::{TableBuilder, Value};
use crate::DriftError;

fn number(field: &Field) -> Option<f64> {
    Some(match field {
        Field::Byte(value) => f64::from(*value),
        Field::Short(value) => f64::from(*value),
        Field::Int(value) => f64::from(*value),
        Field::Long(value) => *value as f64,
        Field::UByte(value) => f64::from(*value),
        Field::UShort(value) => f64::from(*value),
        Field::UInt(value) => f64::from(*value),
        Field::ULong(value) => *value as f64,
        Field::Float16(value) => f64::from(*value),
        Field::Float(value) => f64::from(*value),
        Field::Double(value) => *value,
        _ => return None,
    })
}

pub(super) fn read(file: &Path, builder: &mut TableBuilder) -> Result<(), DriftError> {
    let handle = File::open(file)
        .map_err(|error| DriftError::Data(format!("{}: {error}", file.display())))?;
    read_from(file, handle, builder)
}

/// Reads a Parquet file held in memory; `name` names it in errors.
pub(super) fn read_bytes(
    name: &Path,
    bytes: Vec<u8>,
    builder: &mut TableBuilder,
) -> Result<(), DriftError> {
    read_from(name, bytes::Bytes::from(bytes), builder)
}

fn read_from<R: ChunkReader + 'static>(
    file: &Path,
    input: R,
    builder: &mut TableBuilder,
) -> Result<(), DriftError> {
    let fail = |what: String| DriftError::Data(format!("{}: {what}", file.display()));
    let reader = SerializedFileReader::new(input)
        .map_err(|error| fail(format!("not a readable Parquet file: {error}")))?;
    let names: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema()
        .get_fields()
        .iter()
        .map(|field| field.name().to_owned())
        .collect();
    let order = builder.header(file, &names)?;
    let rows = reader
        .get_row_iter(None)
        .map_err(|error| fail(error.to_string()))?;
    for (index, row) in rows.enumerate() {
        let row = row.map_err(|error| fail(format!("row {}: {error}", index + 1)))?;
        let slot = builder.next_row();
        for (position, (_, field)) in row.get_column_iter().enumerate() {
            let Some(column) = order.get(position).copied() else {
                continue;
            };
            let value = match field {
                Field::Null => Value::Missing,
                Field::Double(value) if value.is_nan() || value.is_infinite() => Value::Missing,
                Field::Float(value) if value.is_nan() || value.is_infinite() => Value::Missing,
                Field::Str(text) => Value::Text(text),
                other => match number(other) {
                    Some(value) => Value::Number(value),
                    None => {
                        if let Some(slot) = slot {
                            let text = other.to_string();
                            builder.set(slot, column, Value::Text(&text));
                        }
                        continue;
                    }
                },
            };
            match value {
                Value::Missing => builder.count_missing(column),
                Value::Text(text) if super::cell::is_missing_text(text) => {
                    builder.count_missing(column)
                }
                value => {
                    if let Some(slot) = slot {
                        builder.set(slot, column, value);
                    }
                }
            }
        }
    }
    Ok(())
}
