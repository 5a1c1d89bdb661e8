//! Sort keys for one order_by entry: a `u32` per run id such that comparing keys orders runs as
//! `compile_order_by` does (values in the requested direction, then NaN, then missing), ties
//! left to the caller. Keys come from one covering index scan in value order (metrics, params,
//! tags, start time, run id), turned into ordinals; other attributes are read and sorted here.

use std::cmp::Ordering;

use rusqlite::Connection;
use rusqlite::types::{Value, ValueRef};

use crate::error::StoreResult;
use crate::search::{Field, OrderBy, RunAttribute, attribute_column};

use super::run_set::RunSet;

/// The key of a run without the field; sorts last in both directions.
const MISSING: u32 = u32::MAX;
/// The key of a NaN metric; sorts after every value, before missing.
const NAN: u32 = u32::MAX - 1;
/// Ordinals of values stay below this.
const TOP: u32 = u32::MAX - 2;

/// Keys of `members` for `entry`, indexed by run id (`bound` of them); `None` for an entry that
/// orders nothing (datasets, which the parser refuses).
pub(super) fn sort_keys(
    connection: &Connection,
    entry: &OrderBy,
    members: &RunSet,
    bound: usize,
) -> StoreResult<Option<Vec<u32>>> {
    let mut keys = vec![MISSING; bound];
    let key = |name: &str| Value::Text(name.to_owned());
    match &entry.field {
        Field::Metric(name) => scan_in_order(
            connection,
            "SELECT run_id, latest_value, latest_is_nan FROM metric_series \
             WHERE key = ? ORDER BY latest_value",
            &[key(name)],
            members,
            &mut keys,
        )?,
        Field::Param(name) => scan_in_order(
            connection,
            "SELECT run_id, value FROM params WHERE key = ? ORDER BY value",
            &[key(name)],
            members,
            &mut keys,
        )?,
        Field::Tag(name) => scan_in_order(
            connection,
            "SELECT run_id, value FROM tags WHERE key = ? ORDER BY value",
            &[key(name)],
            members,
            &mut keys,
        )?,
        Field::Attribute(RunAttribute::StartTime) => scan_in_order(
            connection,
            "SELECT id, start_time_ms FROM runs ORDER BY start_time_ms",
            &[],
            members,
            &mut keys,
        )?,
        Field::Attribute(RunAttribute::RunId) => scan_in_order(
            connection,
            "SELECT id, run_uuid FROM runs ORDER BY run_uuid",
            &[],
            members,
            &mut keys,
        )?,
        Field::Attribute(attribute) => read_and_sort(connection, *attribute, members, &mut keys)?,
        Field::Dataset(_) => return Ok(None),
    }
    if entry.descending {
        for key in &mut keys {
            if *key < TOP {
                *key = TOP - 1 - *key;
            }
        }
    }
    Ok(Some(keys))
}

/// Reads `(run id, value[, is_nan])` rows in ascending value order and gives each member the
/// ordinal of its value; NULL is NaN when the third column says so, missing otherwise.
fn scan_in_order(
    connection: &Connection,
    sql: &str,
    parameters: &[Value],
    members: &RunSet,
    keys: &mut [u32],
) -> StoreResult<()> {
    let mut statement = connection.prepare_cached(sql)?;
    let has_nan_column = statement.column_count() > 2;
    let mut rows = statement.query(rusqlite::params_from_iter(parameters))?;
    let mut previous: Option<Value> = None;
    let mut ordinal: u32 = 0;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let Some(slot) = usize::try_from(id).ok().filter(|_| members.contains(id)) else {
            continue;
        };
        let value = row.get_ref(1)?;
        let key = if value == ValueRef::Null {
            if has_nan_column && row.get::<_, bool>(2)? {
                NAN
            } else {
                MISSING
            }
        } else {
            let same = previous
                .as_ref()
                .is_some_and(|previous| compare_values(previous.into(), value) == Ordering::Equal);
            if !same {
                if previous.is_some() {
                    ordinal += 1;
                }
                previous = Some(row.get::<_, Value>(1)?);
            }
            ordinal.min(TOP - 1)
        };
        if let Some(entry) = keys.get_mut(slot) {
            *entry = key;
        }
    }
    Ok(())
}

/// SQLite's order of values under the BINARY collation: NULL, numbers, text, blobs.
fn compare_values(a: ValueRef<'_>, b: ValueRef<'_>) -> Ordering {
    fn class(value: ValueRef<'_>) -> u8 {
        match value {
            ValueRef::Null => 0,
            ValueRef::Integer(_) | ValueRef::Real(_) => 1,
            ValueRef::Text(_) => 2,
            ValueRef::Blob(_) => 3,
        }
    }
    match (a, b) {
        (ValueRef::Integer(a), ValueRef::Integer(b)) => a.cmp(&b),
        (ValueRef::Integer(a), ValueRef::Real(b)) => {
            (a as f64).partial_cmp(&b).unwrap_or(Ordering::Equal)
        }
        (ValueRef::Real(a), ValueRef::Integer(b)) => {
            a.partial_cmp(&(b as f64)).unwrap_or(Ordering::Equal)
        }
        (ValueRef::Real(a), ValueRef::Real(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        (ValueRef::Text(a), ValueRef::Text(b)) | (ValueRef::Blob(a), ValueRef::Blob(b)) => a.cmp(b),
        _ => class(a).cmp(&class(b)),
    }
}

/// Attributes without an index in value order: read the members' values and sort them here.
fn read_and_sort(
    connection: &Connection,
    attribute: RunAttribute,
    members: &RunSet,
    keys: &mut [u32],
) -> StoreResult<()> {
    let column = attribute_column(attribute);
    let mut statement = connection.prepare_cached(&format!("SELECT id, {column} FROM runs"))?;
    let mut rows = statement.query([])?;
    let mut values: Vec<(Value, usize)> = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if let Some(slot) = usize::try_from(id).ok().filter(|_| members.contains(id)) {
            values.push((row.get::<_, Value>(1)?, slot));
        }
    }
    values.sort_unstable_by(|(a, _), (b, _)| compare_values(a.into(), b.into()));
    let mut ordinal: u32 = 0;
    let mut previous: Option<&Value> = None;
    for (value, slot) in &values {
        if previous.is_some_and(|previous| compare_values(previous.into(), value.into()).is_ne()) {
            ordinal += 1;
        }
        previous = Some(value);
        if let Some(entry) = keys.get_mut(*slot) {
            *entry = if *value == Value::Null {
                MISSING
            } else {
                ordinal.min(TOP - 1)
            };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use rusqlite::types::Value;

    use super::compare_values;

    #[test]
    fn values_compare_in_sqlite_order() {
        let ordered = [
            Value::Null,
            Value::Real(f64::NEG_INFINITY),
            Value::Integer(-3),
            Value::Real(0.5),
            Value::Integer(1),
            Value::Text("B".into()),
            Value::Text("a".into()),
            Value::Text("ab".into()),
            Value::Text("é".into()),
            Value::Blob(vec![0]),
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(
                    compare_values(a.into(), b.into()),
                    i.cmp(&j),
                    "{a:?} vs {b:?}"
                );
            }
        }
        let equal =
            |a: Value, b: Value| compare_values((&a).into(), (&b).into()) == Ordering::Equal;
        assert!(equal(Value::Real(-0.0), Value::Real(0.0)));
        assert!(equal(Value::Integer(2), Value::Real(2.0)));
    }
}
