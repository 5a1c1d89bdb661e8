//! The store's traits for [`PostgresStore`](super::PostgresStore), one file per trait.

mod logged_models;
mod placeholder_search;
mod registry;
mod site;
