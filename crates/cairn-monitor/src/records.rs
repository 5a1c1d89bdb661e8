//! Rows sent as JSON, in MLflow's scoring formats (what a model server already receives),
//! turned into CSV for the drift engine: `{"dataframe_split": {"columns": [...], "data":
//! [[...], ...]}}`, `{"dataframe_records": [{...}, ...]}` or `{"columns": {"age": [...], ...}}`.
//! Numbers keep their JSON spelling, `null` is a missing value, booleans are `true`/`false`.

use serde_json::{Map, Value};

use crate::MonitorError;

/// The rows of `body` as CSV with a header.
pub fn records_to_csv(body: &Value) -> Result<Vec<u8>, MonitorError> {
    let (columns, rows) = if let Some(split) = body.get("dataframe_split") {
        split_rows(split)?
    } else if let Some(records) = body.get("dataframe_records") {
        record_rows(records)?
    } else if let Some(Value::Object(columns)) = body.get("columns") {
        column_rows(columns)?
    } else {
        return Err(MonitorError::Invalid(
            "the body has no rows: send CSV or Parquet bytes, or JSON with `dataframe_split`, \
             `dataframe_records` or `columns`"
                .into(),
        ));
    };
    if columns.is_empty() {
        return Err(MonitorError::Invalid("the rows have no columns".into()));
    }
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let failed = |error: csv::Error| MonitorError::Invalid(format!("writing the rows: {error}"));
    writer.write_record(&columns).map_err(failed)?;
    for row in rows {
        writer.write_record(row).map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| MonitorError::Invalid(format!("writing the rows: {error}")))
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        other => other.to_string(),
    }
}

fn names(columns: &Value, field: &str) -> Result<Vec<String>, MonitorError> {
    columns
        .as_array()
        .ok_or_else(|| MonitorError::Invalid(format!("`{field}` must be a list of column names")))?
        .iter()
        .map(|name| {
            name.as_str().map(str::to_owned).ok_or_else(|| {
                MonitorError::Invalid(format!("`{field}` holds a name that is not a string"))
            })
        })
        .collect()
}

type Rows = (Vec<String>, Vec<Vec<String>>);

fn split_rows(split: &Value) -> Result<Rows, MonitorError> {
    let columns = names(&split["columns"], "dataframe_split.columns")?;
    let data = split["data"].as_array().ok_or_else(|| {
        MonitorError::Invalid("`dataframe_split.data` must be a list of rows".into())
    })?;
    let rows = data
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let cells = row.as_array().ok_or_else(|| {
                MonitorError::Invalid(format!("`dataframe_split.data[{index}]` is not a list"))
            })?;
            if cells.len() != columns.len() {
                return Err(MonitorError::Invalid(format!(
                    "`dataframe_split.data[{index}]` has {} values for {} columns",
                    cells.len(),
                    columns.len()
                )));
            }
            Ok(cells.iter().map(text).collect())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((columns, rows))
}

fn record_rows(records: &Value) -> Result<Rows, MonitorError> {
    let records = records.as_array().ok_or_else(|| {
        MonitorError::Invalid("`dataframe_records` must be a list of objects".into())
    })?;
    let mut columns: Vec<String> = Vec::new();
    for (index, record) in records.iter().enumerate() {
        let object = record.as_object().ok_or_else(|| {
            MonitorError::Invalid(format!("`dataframe_records[{index}]` is not an object"))
        })?;
        for key in object.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let rows = records
        .iter()
        .map(|record| {
            columns
                .iter()
                .map(|column| record.get(column).map(text).unwrap_or_default())
                .collect()
        })
        .collect();
    Ok((columns, rows))
}

fn column_rows(columns: &Map<String, Value>) -> Result<Rows, MonitorError> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    for (name, column) in columns {
        let list = column.as_array().ok_or_else(|| {
            MonitorError::Invalid(format!("`columns.{name}` must be a list of values"))
        })?;
        names.push(name.clone());
        values.push(list);
    }
    let length = values.first().map_or(0, |list| list.len());
    if let Some((name, list)) = names
        .iter()
        .zip(&values)
        .find(|(_, list)| list.len() != length)
    {
        return Err(MonitorError::Invalid(format!(
            "`columns.{name}` has {} values where `columns.{}` has {length}",
            list.len(),
            names[0]
        )));
    }
    let rows = (0..length)
        .map(|row| values.iter().map(|list| text(&list[row])).collect())
        .collect();
    Ok((names, rows))
}
