//! The store's traits for [`PostgresStore`](super::PostgresStore), one file per trait.

mod accounts;
mod indexing;
mod logged_models;
mod monitoring;
mod provenance;
mod registry;
mod run_search;
mod site;
mod tracking;
