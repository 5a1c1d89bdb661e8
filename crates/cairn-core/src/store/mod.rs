//! The store: the one interface through which every part of Cairn reads and writes what it
//! knows. It speaks domain types; [`SqliteStore`] keeps them in one SQLite file.

mod account_rules;
mod accounts;
pub mod copy;
mod indexing;
mod logged_models;
mod monitoring;
mod monitoring_json;
mod postgres;
mod provenance;
mod registry;
mod repeats;
mod run_search;
mod site;
mod sqlite;
mod tracking;

pub use accounts::AccountStore;
pub use indexing::IndexingStore;
pub use logged_models::LoggedModelStore;
pub use monitoring::MonitoringStore;
pub use provenance::ProvenanceStore;
pub use registry::RegistryStore;
pub use run_search::RunSearchStore;
pub use site::{ChangeWatcher, ConnectionUse, StoreChange, StoreSite};
pub use tracking::TrackingStore;

pub use postgres::{PostgresStore, latest_postgres_schema_version, redacted_url};
pub use sqlite::{ChangeWatch, Durability, SqliteStore, latest_schema_version};

use crate::model::{ExperimentId, MetricPoint, Run, ViewType};
use crate::search::{Filter, OrderBy};

/// Default and largest page size for run searches (MLflow's).
pub const DEFAULT_MAX_RESULTS: usize = 1000;
/// Largest page a run search may ask for.
pub const MAX_RESULTS_LIMIT: usize = 50_000;

/// A run search: which experiments, which runs, in what order, which page.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSearch {
    /// Experiments to search; empty means all.
    pub experiment_ids: Vec<ExperimentId>,
    /// The filter; `None` matches every run.
    pub filter: Option<Filter>,
    /// Sort keys, most significant first; empty means newest first.
    pub order_by: Vec<OrderBy>,
    /// Active, deleted or all runs.
    pub view: ViewType,
    /// Page size (at most [`MAX_RESULTS_LIMIT`]).
    pub max_results: usize,
    /// Runs to skip (the page token).
    pub offset: usize,
    /// Also count every matching run.
    pub count_total: bool,
}

impl Default for RunSearch {
    fn default() -> Self {
        RunSearch {
            experiment_ids: Vec::new(),
            filter: None,
            order_by: Vec::new(),
            view: ViewType::ActiveOnly,
            max_results: DEFAULT_MAX_RESULTS,
            offset: 0,
            count_total: false,
        }
    }
}

/// One page of a run search.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPage {
    /// The runs, in the requested order.
    pub runs: Vec<Run>,
    /// Offset of the next page; `None` on the last page.
    pub next_offset: Option<usize>,
    /// Number of matching runs, when counted.
    pub total_count: Option<u64>,
}

/// A stretch of one metric's history, read without decoding the rest of it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricHistoryRange {
    /// Points `offset..offset + limit` of the history in logging order (fewer at its end).
    pub points: Vec<MetricPoint>,
    /// How many points the whole history holds.
    pub total_points: usize,
    /// Whether the whole history, in logging order, is in MLflow's order too
    /// ([`crate::model::MetricPoint::history_order`]), as recorded when its points were written;
    /// `None` when the store does not know (a history written by an older Cairn).
    pub in_mlflow_order: Option<bool>,
}

/// Runs sharing one value of a param (the runs table's "group by").
#[derive(Debug, Clone, PartialEq)]
pub struct ParamGroup {
    /// The param's value; `None` for the runs that do not have the param.
    pub value: Option<String>,
    /// Matching runs in the group.
    pub run_count: u64,
    /// The summarised metric over the group's runs that have a finite latest value, if any do.
    pub metric: Option<GroupMetric>,
}

/// A metric's latest values over a group of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupMetric {
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
    /// Runs with a finite latest value.
    pub count: u64,
}

/// A folder the user asked to index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRoot {
    /// Absolute path.
    pub path: String,
    /// Followed live by the app.
    pub watched: bool,
    /// When it was first added, epoch milliseconds.
    pub added_ms: i64,
}

/// Cairn's storage, behind one interface so that another backend is an addition: the traits
/// below, each a subject a backend can implement and test on its own, together. Callers write
/// `store: &dyn Store`; anything implementing all nine is a `Store`.
///
/// Every method validates its input the same way (see [`crate::validate`]); implementations
/// must pass the contract suite in `tests/store_contract.rs`, grouped by these traits.
pub trait Store:
    TrackingStore
    + RunSearchStore
    + RegistryStore
    + LoggedModelStore
    + IndexingStore
    + ProvenanceStore
    + AccountStore
    + MonitoringStore
    + StoreSite
{
}

impl<T> Store for T where
    T: TrackingStore
        + RunSearchStore
        + RegistryStore
        + LoggedModelStore
        + IndexingStore
        + ProvenanceStore
        + AccountStore
        + MonitoringStore
        + StoreSite
        + ?Sized
{
}
