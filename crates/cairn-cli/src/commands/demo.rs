//! `cairn demo`: seeds demo data, or a synthetic sweep of any size (`--sweep N`).

use cairn_app::demo::{seed_demo, seed_demo_if_empty};
use cairn_core::Store;

pub fn seed(store: &dyn Store, if_empty: bool, json: bool) -> anyhow::Result<()> {
    let made = if if_empty {
        seed_demo_if_empty(store)?
    } else {
        Some(seed_demo(store)?)
    };
    let location = store.location();
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
            outln!(
                "Seeded {location}: {} experiments, {} runs, {} metric points, model '{}'.",
                summary.experiments,
                summary.runs,
                summary.metric_points,
                summary.model_name
            )?;
            Ok(())
        }
        (None, false) => {
            outln!("{location} already has runs; left as it is.")?;
            Ok(())
        }
    }
}

/// `--sweep N`: an experiment of N synthetic runs.
pub fn sweep(store: &dyn Store, runs: usize, json: bool) -> anyhow::Result<()> {
    let name = format!("sweep-{runs}");
    let started = std::time::Instant::now();
    let experiment = cairn_app::sweep::seed_sweep(store, &name, runs)?;
    if json {
        return super::print_json(&serde_json::json!({
            "experiment": name,
            "experiment_id": experiment.to_string(),
            "runs": runs,
        }));
    }
    outln!(
        "Added experiment '{name}' ({experiment}) with {runs} runs in {:.1} s.",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
