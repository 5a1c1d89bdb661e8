//! The empty store's first step: the demo experiments, on request.

use serde::Serialize;
use ts_rs::TS;

use super::{Command, NoArgs};
use crate::command;
use crate::demo::seed_demo_if_empty;
use crate::{App, AppError};

pub(crate) const COMMANDS: &[Command<App>] = &[command!(load_demo)];

/// What `load_demo` did.
#[derive(Debug, Serialize, TS)]
struct DemoLoaded {
    /// False when the store already had runs: the demo is only added to an empty store.
    loaded: bool,
    experiments: usize,
    runs: usize,
    metric_points: usize,
    /// The registered model the demo makes ("" when nothing was loaded).
    model_name: String,
}

fn load_demo(app: &App, _: NoArgs) -> Result<DemoLoaded, AppError> {
    let made = seed_demo_if_empty(app.store())?;
    Ok(match made {
        Some(summary) => DemoLoaded {
            loaded: true,
            experiments: summary.experiments,
            runs: summary.runs,
            metric_points: summary.metric_points,
            model_name: summary.model_name,
        },
        None => DemoLoaded {
            loaded: false,
            experiments: 0,
            runs: 0,
            metric_points: 0,
            model_name: String::new(),
        },
    })
}
