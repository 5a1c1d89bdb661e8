//! `cairn demo`: seeds demo data.

use cairn_app::demo::{seed_demo, seed_demo_if_empty};
use cairn_core::SqliteStore;

pub fn seed(store: &SqliteStore, if_empty: bool, json: bool) -> anyhow::Result<()> {
    let made = if if_empty {
        seed_demo_if_empty(store)?
    } else {
        Some(seed_demo(store)?)
    };
    let location = store.database_path().display();
    match (made, json) {
        (Some(summary), true) => super::print_json(&serde_json::json!({
            "seeded": true,
            "experiments": summary.experiments,
            "runs": summary.runs,
            "metric_points": summary.metric_points,
            "model": summary.model_name,
        })),
        (None, true) => super::print_json(&serde_json::json!({ "seeded": false })),
        (Some(summary), false) => {
            println!(
                "Seeded {location}: {} experiments, {} runs, {} metric points, model '{}'.",
                summary.experiments, summary.runs, summary.metric_points, summary.model_name
            );
            Ok(())
        }
        (None, false) => {
            println!("{location} already has runs; left as it is.");
            Ok(())
        }
    }
}
