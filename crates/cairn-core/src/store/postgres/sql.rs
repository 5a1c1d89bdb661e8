//! Statements sent in one round trip: [`query`] and [`execute`] name each parameter's
//! PostgreSQL type (from its Rust type, [`PgArg`]), so no separate prepare is needed, and
//! [`args!`] builds the parameter list.

use postgres::Transaction;
use postgres::types::{ToSql, Type};

use crate::error::StoreResult;

/// A Rust value with the PostgreSQL type it is sent as.
pub(crate) trait PgArg: ToSql + Sync {
    /// The parameter's type.
    const TYPE: Type;
}

macro_rules! pg_arg {
    ($($rust:ty => $pg:ident),* $(,)?) => {
        $(impl PgArg for $rust {
            const TYPE: Type = Type::$pg;
        })*
    };
}

pg_arg! {
    i64 => INT8, i32 => INT4, bool => BOOL, f64 => FLOAT8, String => TEXT, &str => TEXT,
    Vec<u8> => BYTEA, &[u8] => BYTEA,
    Vec<i64> => INT8_ARRAY, Vec<i32> => INT4_ARRAY, Vec<bool> => BOOL_ARRAY,
    Vec<f64> => FLOAT8_ARRAY, Vec<String> => TEXT_ARRAY, Vec<&str> => TEXT_ARRAY,
    &[String] => TEXT_ARRAY, Vec<Option<String>> => TEXT_ARRAY, Vec<Option<&str>> => TEXT_ARRAY,
    Vec<Option<i64>> => INT8_ARRAY, Vec<Option<f64>> => FLOAT8_ARRAY, Vec<Option<bool>> => BOOL_ARRAY, Vec<Vec<u8>> => BYTEA_ARRAY,
    Vec<Option<Vec<u8>>> => BYTEA_ARRAY,
}

impl<T: PgArg> PgArg for Option<T> {
    const TYPE: Type = T::TYPE;
}

impl<T: PgArg> PgArg for &T {
    const TYPE: Type = T::TYPE;
}

/// A parameter and its type, for [`query`] and [`execute`].
pub(crate) fn typed<T: PgArg>(value: &T) -> (&(dyn ToSql + Sync), Type) {
    (value, T::TYPE)
}

/// The parameter list of a statement: `args![run_pk, key]`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::postgres::sql::typed(&$value)),*]
    };
}
pub(crate) use args;

/// Runs a statement that returns rows, in one round trip.
pub(crate) fn query(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[(&(dyn ToSql + Sync), Type)],
) -> StoreResult<Vec<postgres::Row>> {
    Ok(tx.query_typed(sql, params)?)
}

/// The one row a statement returns, if any.
pub(crate) fn query_opt(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[(&(dyn ToSql + Sync), Type)],
) -> StoreResult<Option<postgres::Row>> {
    Ok(tx.query_typed_opt(sql, params)?)
}

/// The one row a statement must return.
pub(crate) fn query_one(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[(&(dyn ToSql + Sync), Type)],
) -> StoreResult<postgres::Row> {
    Ok(tx.query_typed_one(sql, params)?)
}

/// Runs a statement; returns how many rows it changed.
pub(crate) fn execute(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[(&(dyn ToSql + Sync), Type)],
) -> StoreResult<u64> {
    Ok(tx.execute_typed(sql, params)?)
}

/// A count or size as a BIGINT (no history or file is anywhere near `i64::MAX`).
pub(crate) fn big(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

/// A BIGINT count read back as a size.
pub(crate) fn size(value: i64) -> u64 {
    value.unsigned_abs()
}
