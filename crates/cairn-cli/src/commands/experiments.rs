//! `cairn experiments`: the store's experiments, optionally filtered as MLflow searches them.

use cairn_core::Store;
use cairn_core::model::ViewType;
use cairn_core::search::entities::matches;
use cairn_core::search::{Entity, parse_entity_filter};

use crate::output::{Table, format_time};

/// Lists the experiments, those matching `filter` only when one is given (the same grammar and
/// fields as MLflow's `experiments/search`).
pub fn list(store: &dyn Store, all: bool, filter: Option<&str>, json: bool) -> anyhow::Result<()> {
    let view = if all {
        ViewType::All
    } else {
        ViewType::ActiveOnly
    };
    let mut found = store.list_experiments(view)?;
    if let Some(filter) = filter {
        let parsed = parse_entity_filter(Entity::Experiment, filter)
            .map_err(|error| anyhow::anyhow!("--filter: {error}"))?;
        if let Some(parsed) = parsed {
            found.retain(|summary| matches(&parsed, &summary.experiment));
        }
    }
    let experiments: Vec<cairn_app::views::ExperimentView> = found.iter().map(Into::into).collect();
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
