//! The store's traits for [`PostgresStore`](super::PostgresStore), one file per trait.

mod indexing;
mod placeholder_search;
mod provenance;
mod site;
mod tracking;
