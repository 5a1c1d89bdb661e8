//! The operations Cairn's UI asks for, as plain functions over a [`Store`]: the Tauri shell, the
//! HTTP routes of `cairn serve` and the CLI all call these, so each is written once. The UI
//! reaches them by name through [`App::call`] (see [`commands`]).
//!
//! The types in [`views`] are the UI's transport shapes (serde, snake_case, epoch milliseconds);
//! they are converted by hand from the core's domain types, which know nothing of JSON.
#![warn(missing_docs)]

mod app;
pub mod artifact_files;
pub mod charts;
pub mod commands;
pub mod compare;
pub mod demo;
mod error;
pub mod events;
pub mod files;
pub mod models;
pub mod monitoring;
pub mod registry;
pub mod registry_views;
pub mod remote_artifacts;
mod run_detail;
pub mod run_page;
pub mod run_page_views;
mod runs;
pub mod sweep;
pub mod views;
mod watch;

pub use app::App;
pub use cairn_core::Store;
pub use error::{AppError, ErrorKind};
pub use run_detail::get_run_detail;
pub use runs::{list_experiments, list_runs, run_search};
