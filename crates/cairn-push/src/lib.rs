//! Runs of a Cairn store sent to a team's MLflow-compatible tracking server (a `cairn serve`, a
//! real `mlflow server`) through its REST API: `cairn push` and the desktop app's "Push to team"
//! call [`push_runs`]. The calls go through [`MlflowApi`]; [`http::MlflowClient`] (feature `http`,
//! also used by `cairn store copy`) makes them over HTTP, so the local shell's crate can hold a
//! push without linking an HTTP client.

pub mod api;
#[cfg(feature = "http")]
pub mod http;
pub mod provenance;
pub mod push;
mod push_artifacts;
pub mod push_logged_model;
mod push_registry;
mod push_run;
pub mod pushed_to;
pub mod wire;
mod write_access;

pub use api::{CallError, Credentials, MlflowApi};
pub use push::{
    PushOptions, PushReport, PushTotals, RunFailed, RunPushed, SOURCE_RUN_TAG, SOURCE_VERSION_TAG,
    push_runs,
};
pub use pushed_to::PUSHED_TO_TAG;
