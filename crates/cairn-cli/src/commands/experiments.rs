//! `cairn experiments`.

use cairn_core::Store;
use cairn_core::model::ViewType;

use crate::output::{Table, format_time};

pub fn list(store: &dyn Store, all: bool, json: bool) -> anyhow::Result<()> {
    let view = if all {
        ViewType::All
    } else {
        ViewType::ActiveOnly
    };
    let experiments: Vec<cairn_app::views::ExperimentView> = store
        .list_experiments(view)?
        .iter()
        .map(Into::into)
        .collect();
    if json {
        return super::print_json(&experiments);
    }
    let mut table = Table::new(["ID", "NAME", "RUNS", "CREATED", "STATE"]);
    for experiment in &experiments {
        table.row([
            experiment.experiment_id.clone(),
            experiment.name.clone(),
            experiment.run_count.to_string(),
            experiment
                .creation_time
                .map(format_time)
                .unwrap_or_default(),
            experiment.lifecycle_stage.to_string(),
        ]);
    }
    table.print()?;
    Ok(())
}
