//! Running the store's statements: [`query`], [`execute`] and friends take each parameter with
//! its PostgreSQL type (from its Rust type, [`PgArg`]; [`args!`] builds the list), so a statement
//! is prepared once per connection (see [`super::statements`]) and then costs one round trip.

use fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{GenericClient, Row, Statement};

use super::statements::prepared;
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

/// A parameter list as [`query`] takes it.
type Params<'a> = [(&'a (dyn ToSql + Sync), Type)];

/// `sql` prepared on this connection, when a statement cache is installed.
fn statement(
    tx: &mut impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> StoreResult<Option<Statement>> {
    Ok(prepared(tx, sql, || {
        params.iter().map(|(_, kind)| kind.clone()).collect()
    })?)
}

fn values<'a>(params: &'a Params<'a>) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|(value, _)| *value).collect()
}

/// Runs a statement that returns rows.
pub(crate) fn query(
    tx: &mut impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> StoreResult<Vec<Row>> {
    match statement(tx, sql, params)? {
        Some(statement) => Ok(tx.query(&statement, &values(params))?),
        None => Ok(tx.query_typed(sql, params)?),
    }
}

/// The one row a statement returns, if any.
pub(crate) fn query_opt(
    tx: &mut impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> StoreResult<Option<Row>> {
    match statement(tx, sql, params)? {
        Some(statement) => Ok(tx.query_opt(&statement, &values(params))?),
        None => Ok(tx.query_typed_opt(sql, params)?),
    }
}

/// The one row a statement must return.
pub(crate) fn query_one(
    tx: &mut impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> StoreResult<Row> {
    match statement(tx, sql, params)? {
        Some(statement) => Ok(tx.query_one(&statement, &values(params))?),
        None => Ok(tx.query_typed_one(sql, params)?),
    }
}

/// Runs a statement; returns how many rows it changed.
pub(crate) fn execute(
    tx: &mut impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> StoreResult<u64> {
    match statement(tx, sql, params)? {
        Some(statement) => Ok(tx.execute(&statement, &values(params))?),
        None => Ok(tx.execute_typed(sql, params)?),
    }
}

/// Hands each row of a statement to `each` as it arrives, without holding them all.
pub(crate) fn for_each_row(
    tx: &mut impl GenericClient,
    sql: &str,
    params: &Params<'_>,
    mut each: impl FnMut(&Row) -> StoreResult<()>,
) -> StoreResult<()> {
    let prepared = statement(tx, sql, params)?;
    let mut rows = match &prepared {
        Some(statement) => tx.query_raw(statement, values(params))?,
        None => tx.query_typed_raw(
            sql,
            params.iter().map(|(value, kind)| (*value, kind.clone())),
        )?,
    };
    while let Some(row) = rows.next()? {
        each(&row)?;
    }
    Ok(())
}

/// A count or size as a BIGINT (no history or file is anywhere near `i64::MAX`).
pub(crate) fn big(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

/// A BIGINT count read back as a size.
pub(crate) fn size(value: i64) -> u64 {
    value.unsigned_abs()
}
