//! MLflow's search grammar for runs (filter and order_by), parsed to an AST and compiled to
//! parameterised SQL.
