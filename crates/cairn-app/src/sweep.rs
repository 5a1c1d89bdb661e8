//! A synthetic hyper-parameter sweep of any size, written through the store: what measuring the
//! runs view at 10,000 or 100,000 runs needs (`cairn demo --sweep N`).

use cairn_core::Store;
use cairn_core::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewExperiment, NewRun, Param, RunStatus,
    RunUpdate, SourceKind,
};

use crate::AppError;

/// Runs written per batch transaction.
const BATCH_RUNS: usize = 1_000;
const OPTIMIZERS: [&str; 4] = ["adam", "adamw", "sgd", "rmsprop"];
const LEARNING_RATES: [&str; 5] = ["0.1", "0.03", "0.01", "0.003", "0.001"];

/// Creates experiment `name` with `runs` finished runs, each with 8 params and 5 metrics
/// (deterministic values); returns the experiment's id.
pub fn seed_sweep(store: &dyn Store, name: &str, runs: usize) -> Result<ExperimentId, AppError> {
    let experiment_id = store.create_experiment(&NewExperiment {
        name: name.to_owned(),
        ..NewExperiment::default()
    })?;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let started_ms = 1_700_000_000_000_i64;
    let mut pending = Vec::with_capacity(BATCH_RUNS);
    for index in 0..runs {
        let start_time_ms = started_ms + index as i64 * 60_000;
        let run = store.create_run(&NewRun {
            run_name: format!("sweep-{index:06}"),
            user_id: "sweep".to_owned(),
            start_time_ms: Some(start_time_ms),
            ..NewRun::new(experiment_id, SourceKind::Demo)
        })?;
        let pick = |values: &[&str], roll: u64| values[roll as usize % values.len()].to_owned();
        let params = vec![
            param("optimizer", pick(&OPTIMIZERS, next())),
            param("lr", pick(&LEARNING_RATES, next())),
            param("batch_size", (16 << (next() % 4)).to_string()),
            param("dropout", format!("{:.1}", (next() % 6) as f64 / 10.0)),
            param("layers", (2 + next() % 6).to_string()),
            param("seed", index.to_string()),
            param("warmup", (next() % 1000).to_string()),
            param(
                "weight_decay",
                format!("{:.0e}", 10f64.powi(-((next() % 5) as i32 + 2))),
            ),
        ];
        let mut value = |scale: f64| (next() % 1_000_000) as f64 / 1_000_000.0 * scale;
        let metrics = [
            ("val_acc", value(1.0)),
            ("val_loss", value(2.0)),
            ("train_loss", value(2.0)),
            ("f1", value(1.0)),
            ("epoch_time_s", value(120.0)),
        ]
        .into_iter()
        .map(|(key, value)| NamedMetricPoint {
            key: key.to_owned(),
            point: MetricPoint {
                step: 100,
                timestamp_ms: start_time_ms + 50_000,
                value,
            },
        })
        .collect();
        pending.push((
            run.info.run_id,
            LogBatch {
                metrics,
                params,
                tags: Vec::new(),
            },
        ));
        if pending.len() == BATCH_RUNS {
            finish(store, &mut pending, started_ms)?;
        }
    }
    finish(store, &mut pending, started_ms)?;
    Ok(experiment_id)
}

fn finish(
    store: &dyn Store,
    pending: &mut Vec<(String, LogBatch)>,
    started_ms: i64,
) -> Result<(), AppError> {
    store.log_batches(pending)?;
    for (run_id, _) in pending.iter() {
        store.update_run(
            run_id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time_ms: Some(started_ms + 3_600_000),
                run_name: None,
            },
        )?;
    }
    pending.clear();
    Ok(())
}

fn param(key: &str, value: String) -> Param {
    Param {
        key: key.to_owned(),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_core::RunSearchStore;
    use cairn_core::{RunSearch, SqliteStore};

    #[test]
    fn a_sweep_has_the_runs_params_and_metrics_asked_for() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("cairn.db")).expect("store");
        let experiment = seed_sweep(&store, "sweep", 1_234).expect("seeded");
        let page = store
            .search_runs(&RunSearch {
                experiment_ids: vec![experiment],
                max_results: 10,
                count_total: true,
                ..RunSearch::default()
            })
            .expect("search");
        assert_eq!(page.total_count, Some(1_234));
        let run = &page.runs[0];
        assert_eq!(run.params.len(), 8);
        assert_eq!(run.metrics.len(), 5);
        assert_eq!(run.info.status, RunStatus::Finished);
    }
}
