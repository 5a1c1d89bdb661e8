//! The store's traits for [`PostgresStore`](super::PostgresStore), one file per trait.

mod logged_models;
mod placeholder_indexing;
mod provenance;
mod registry;
mod run_search;
mod site;
mod tracking;
