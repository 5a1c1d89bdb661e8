//! The store's traits for [`SqliteStore`](super::SqliteStore), one file per trait: each method picks
//! a read or a write transaction and hands the work to the module that owns the subject.

mod accounts;
mod indexing;
mod logged_models;
mod monitoring;
mod provenance;
mod registry;
mod run_search;
mod site;
mod tracking;
