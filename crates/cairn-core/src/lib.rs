//! Cairn's core: the domain model of experiments, runs, metrics and the model registry, the
//! store that keeps them in one SQLite file, and MLflow's search grammar.
//!
//! Nothing here knows about HTTP, Tauri or a terminal: the server, the desktop shell and the CLI
//! are thin layers over these functions.
#![warn(missing_docs)]

pub mod error;
pub mod metric_codec;
pub mod model;
pub mod names;
pub mod registry;
pub mod search;
pub mod store;
pub mod time;
pub mod validate;

pub use error::{ExperimentLookup, StoreError, StoreResult};
pub use store::{
    AccountStore, Durability, GroupMetric, IndexRoot, IndexingStore, LoggedModelStore,
    MetricHistoryRange, MonitoringStore, ParamGroup, PostgresStore, ProvenanceStore, RegistryStore,
    RunPage, RunSearch, RunSearchStore, SqliteStore, Store, StoreSite, TrackingStore,
};
