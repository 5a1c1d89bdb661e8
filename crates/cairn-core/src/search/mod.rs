//! MLflow's search grammar for runs (filter and order_by), parsed to an AST and compiled to
//! parameterised SQL.
//!
//! ```text
//! parse_filter("metrics.rmse < 1 and params.model = 'tree'")  -> Filter
//! parse_order_by("metrics.rmse DESC")                          -> OrderBy
//! compile_filter(&filter, "r")      -> SqlFragment   (after WHERE)
//! compile_order_by(&order, "r")     -> SqlFragment   (after ORDER BY)
//! ```
//!
//! The grammar is MLflow's (`mlflow/utils/search_utils.py`), with OR and parentheses added.
//! Every error carries the byte position of the problem and says what was expected there.

mod ast;
mod error;
mod fields;
mod glob;
pub(crate) mod lexer;
mod order_by;
mod parser;
mod sql;
mod sql_driver;
mod sql_order_by;

pub use ast::{
    CompareOp, Comparison, DatasetField, Field, Filter, Literal, OrderBy, Predicate, RunAttribute,
    Span,
};
pub use error::SearchError;
pub use order_by::{parse_order_by, parse_order_by_list};
pub use parser::parse_filter;
pub use sql::{SqlFragment, compile_filter};
pub(crate) use sql::{attribute_column, compile_comparison_run_ids};
pub use sql_order_by::compile_order_by;
