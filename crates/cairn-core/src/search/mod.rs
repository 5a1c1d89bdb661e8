//! MLflow's search grammar: one lexer and one parser, read against a field table per entity.
//! Run filters and order_by are compiled to parameterised SQL; the other entities
//! (experiments, registered models, model versions, LoggedModels) are filtered and sorted in
//! memory by `entities/`.
//!
//! ```text
//! parse_filter("metrics.rmse < 1 and params.model = 'tree'")  -> Filter
//! parse_order_by("metrics.rmse DESC")                          -> OrderBy
//! compile_filter(&filter, "r")      -> SqlFragment   (after WHERE)
//! compile_order_by(&order, "r")     -> SqlFragment   (after ORDER BY)
//! parse_entity_filter(Entity::Experiment, "tags.team = 'x'") -> Filter<EntityField>
//! entities::search(experiments, "name LIKE 'a%'")            -> the experiments that match
//! ```
//!
//! The grammar is MLflow's (`mlflow/utils/search_utils.py`), with OR and parentheses added.
//! Every error carries the byte position of the problem and says what was expected there.

mod ast;
pub mod entities;
mod entity;
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
pub use entity::{AttributeSpec, Entity, EntityField, ValueKind, parse_entity_filter};
pub use error::SearchError;
pub use order_by::{parse_order_by, parse_order_by_list};
pub use parser::parse_filter;
pub use sql::{SqlFragment, compile_filter};
pub(crate) use sql::{attribute_column, compile_comparison_run_ids};
pub use sql_order_by::compile_order_by;
