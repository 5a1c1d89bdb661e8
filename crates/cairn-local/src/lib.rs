//! What only a shell on the user's own machine may do — the desktop app and the CLI, never an
//! HTTP caller: take a path on this machine (copy files into a run, import dropped folders and
//! logs, index and watch folders, read the data a run used), open the system file manager, and
//! choose which store to open.
//!
//! The boundary is in the crates: `cairn serve` (`cairn-server`) depends on `cairn-app`, whose
//! command table ([`cairn_app::App::call`]) holds only operations on the store, and not on this
//! crate or on the indexer (`scripts/check-boundaries.sh` checks it). A shell that may use these
//! capabilities holds a [`LocalApp`], whose [`LocalApp::call`] adds this crate's commands to the
//! store's.
#![warn(missing_docs)]

pub mod add_files;
pub mod commands;
pub mod folders;
mod local_app;
mod location;
pub mod reveal;
pub mod run_data;
pub mod team;

pub use local_app::{LocalApp, StoreSource};
pub use location::{
    CONFIG_DIR_ENV, Places, STORE_ENV, StoreLocation, StoreOrigin, check_store, default_store_path,
    locate_store, open_store,
};
