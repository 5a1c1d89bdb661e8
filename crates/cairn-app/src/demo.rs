//! Demo data: a few experiments of plausible training runs, with provenance and a registered
//! model in several stages, so a new user sees what Cairn does before logging anything.
//!
//! Curves come from a seeded generator: the same demo every time, apart from run ids and times.

use cairn_core::model::{
    DataHash, DataKind, ExperimentId, GitOrigin, GitProvenance, LogBatch, MetricPoint, ModelStage,
    NewExperiment, NewModelVersion, NewRun, Param, RunStatus, RunUpdate, SourceKind,
    StageTransition, Tag, ViewType,
};
use cairn_core::time::now_millis;
use cairn_core::{RunSearch, Store};

use crate::AppError;

/// What [`seed_demo`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Experiments created.
    pub experiments: usize,
    /// Runs created.
    pub runs: usize,
    /// Metric points logged.
    pub metric_points: usize,
    /// The registered model.
    pub model_name: String,
}

/// The registered model the demo creates.
pub const DEMO_MODEL: &str = "mnist-classifier";

struct ExperimentPlan {
    name: &'static str,
    dataset: &'static str,
    runs: usize,
    steps: i64,
    /// Accuracy the best configuration approaches.
    ceiling: f64,
}

const PLANS: [ExperimentPlan; 3] = [
    ExperimentPlan {
        name: "mnist-cnn",
        dataset: "data/mnist",
        runs: 18,
        steps: 300,
        ceiling: 0.995,
    },
    ExperimentPlan {
        name: "cifar10-resnet",
        dataset: "data/cifar10",
        runs: 16,
        steps: 500,
        ceiling: 0.94,
    },
    ExperimentPlan {
        name: "imdb-sentiment",
        dataset: "data/imdb",
        runs: 12,
        steps: 200,
        ceiling: 0.91,
    },
];

const OPTIMIZERS: [&str; 3] = ["adam", "sgd", "adamw"];
const LEARNING_RATES: [f64; 4] = [0.1, 0.01, 0.001, 0.0003];
const BATCH_SIZES: [u32; 3] = [32, 64, 128];
const COMMITS: [&str; 4] = [
    "3f9c2a1b7d4e8f60a1b2c3d4e5f60718293a4b5c",
    "8e1d0c9b7a6f5e4d3c2b1a09f8e7d6c5b4a39281",
    "c0ffee1234567890abcdef1234567890abcdef12",
    "5a5b5c5d5e5f60616263646566676869707172a3",
];
const DATA_HASHES: [&str; 2] = [
    "9c4b2f3e8d1a7c6b5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d",
    "1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3",
];

/// Seeds the demo into `store`.
pub fn seed_demo(store: &dyn Store) -> Result<DemoSummary, AppError> {
    let mut random = SplitMix64(0x00C0_FFEE);
    let now = now_millis();
    let mut summary = DemoSummary {
        experiments: 0,
        runs: 0,
        metric_points: 0,
        model_name: DEMO_MODEL.to_string(),
    };
    let mut best_mnist_runs: Vec<(f64, String)> = Vec::new();
    for (plan_index, plan) in PLANS.iter().enumerate() {
        let experiment_id = store.create_experiment(&NewExperiment {
            name: plan.name.to_string(),
            tags: vec![
                Tag::new("team", "vision-and-text"),
                Tag::new("demo", "true"),
            ],
            ..NewExperiment::default()
        })?;
        summary.experiments += 1;
        for run_index in 0..plan.runs {
            let started = now
                - ((plan_index * 40 + run_index) as i64 + 1) * 3_600_000 * 6
                - random.below(3_600_000) as i64;
            let (run_id, final_acc, points) =
                seed_run(store, experiment_id, plan, run_index, started, &mut random)?;
            summary.runs += 1;
            summary.metric_points += points;
            if plan_index == 0 {
                best_mnist_runs.push((final_acc, run_id));
            }
        }
    }
    best_mnist_runs.sort_by(|a, b| b.0.total_cmp(&a.0));
    seed_registry(store, &best_mnist_runs)?;
    Ok(summary)
}

/// Seeds the demo only when the store has no runs at all; returns what it made, if anything.
pub fn seed_demo_if_empty(store: &dyn Store) -> Result<Option<DemoSummary>, AppError> {
    let any_run = store.search_runs(&RunSearch {
        view: ViewType::All,
        max_results: 1,
        ..RunSearch::default()
    })?;
    if any_run.runs.is_empty() {
        seed_demo(store).map(Some)
    } else {
        Ok(None)
    }
}

fn seed_run(
    store: &dyn Store,
    experiment_id: ExperimentId,
    plan: &ExperimentPlan,
    run_index: usize,
    started_ms: i64,
    random: &mut SplitMix64,
) -> Result<(String, f64, usize), AppError> {
    let optimizer = OPTIMIZERS[random.below(3) as usize];
    let learning_rate = LEARNING_RATES[random.below(4) as usize];
    let batch_size = BATCH_SIZES[random.below(3) as usize];
    let dropout = [0.0, 0.1, 0.25, 0.5][random.below(4) as usize];
    let fails = run_index % 7 == 5;
    let steps = if fails { plan.steps / 3 } else { plan.steps };
    // How well this configuration learns: adam-like optimizers and moderate rates do best.
    let optimizer_quality = match optimizer {
        "adam" => 1.0,
        "adamw" => 0.97,
        _ => 0.85,
    };
    let rate_quality = match learning_rate {
        rate if rate >= 0.1 => 0.7,
        rate if rate >= 0.01 => 0.92,
        rate if rate >= 0.001 => 1.0,
        _ => 0.9,
    };
    let quality = optimizer_quality * rate_quality * (1.0 - dropout * 0.05);
    let final_accuracy_target = plan.ceiling * (0.55 + 0.45 * quality);
    let speed = 0.01 + 0.03 * quality;

    let run = store.create_run(&NewRun {
        run_name: format!("{optimizer}-lr{learning_rate}-bs{batch_size}-{run_index:02}"),
        user_id: "demo".to_string(),
        start_time_ms: Some(started_ms),
        tags: vec![
            Tag::new("mlflow.source.type", "LOCAL"),
            Tag::new("mlflow.source.name", "train.py"),
            Tag::new("mlflow.user", "demo"),
            Tag::new("model_family", plan.name.split('-').nth(1).unwrap_or("net")),
        ],
        ..NewRun::new(experiment_id, SourceKind::Demo)
    })?;
    let run_id = run.info.run_id;
    let params = vec![
        param("optimizer", optimizer),
        param("lr", learning_rate),
        param("batch_size", batch_size),
        param("dropout", dropout),
        param("epochs", steps / 10),
        param("seed", run_index),
    ];
    store.log_batch(
        &run_id,
        &LogBatch {
            params,
            ..LogBatch::default()
        },
    )?;
    let mut train_loss = Vec::new();
    let mut val_loss = Vec::new();
    let mut val_acc = Vec::new();
    let mut accuracy = 0.1;
    for step in 0..steps {
        let timestamp_ms = started_ms + step * 1_500 + random.below(200) as i64;
        let progress = 1.0 - (-(step as f64) * speed).exp();
        let loss = 2.3 * (1.0 - progress) + 0.05 + (1.0 - quality) * 0.3;
        let train_noise = random.gaussian() * 0.02;
        train_loss.push(point(
            step,
            timestamp_ms,
            (loss * 0.9 + train_noise).max(0.001),
        ));
        if step % 5 == 4 {
            let val_noise = random.gaussian() * 0.02;
            val_loss.push(point(step, timestamp_ms, (loss + val_noise).max(0.001)));
            accuracy = (0.1 + (final_accuracy_target - 0.1) * progress + random.gaussian() * 0.004)
                .clamp(0.0, 1.0);
            val_acc.push(point(step, timestamp_ms, accuracy));
        }
    }
    if fails {
        let last = train_loss.last().map_or(started_ms, |p| p.timestamp_ms);
        train_loss.push(point(steps, last + 1_500, f64::NAN));
    }
    let points = train_loss.len() + val_loss.len() + val_acc.len();
    for (key, history) in [
        ("train_loss", &train_loss),
        ("val_loss", &val_loss),
        ("val_acc", &val_acc),
    ] {
        store.append_metric(&run_id, key, history)?;
    }
    let dirty = run_index % 4 == 3;
    let commit = COMMITS[(run_index / 5) % COMMITS.len()];
    store.set_git_provenance(
        &run_id,
        &GitProvenance {
            repo_root: Some("/home/demo/projects/vision".to_string()),
            commit_sha: Some(commit.to_string()),
            branch: Some(if dirty { "experiment/aug" } else { "main" }.to_string()),
            remote_url: Some("https://github.com/example/vision.git".to_string()),
            is_dirty: Some(dirty),
            author_name: Some("Demo User".to_string()),
            author_email: Some("demo@example.com".to_string()),
            commit_time_ms: Some(started_ms - 86_400_000),
            commit_summary: Some("Tune augmentation and schedule".to_string()),
            ..GitProvenance::empty(GitOrigin::Repository)
        },
    )?;
    store.set_data_hash(
        &run_id,
        &DataHash {
            path: plan.dataset.to_string(),
            kind: DataKind::Directory,
            root_hash: DATA_HASHES[usize::from(run_index >= plan.runs - 2)].to_string(),
            size_bytes: 54_000_000 + (plan.steps as u64) * 1000,
            file_count: 70_000,
            dvc_md5: None,
        },
    )?;
    let end_ms = val_acc
        .last()
        .or(train_loss.last())
        .map_or(started_ms, |p| p.timestamp_ms + 2_000);
    store.update_run(
        &run_id,
        &RunUpdate {
            status: Some(if fails {
                RunStatus::Failed
            } else {
                RunStatus::Finished
            }),
            end_time_ms: Some(end_ms),
            run_name: None,
        },
    )?;
    Ok((run_id, accuracy, points))
}

fn seed_registry(store: &dyn Store, best_runs: &[(f64, String)]) -> Result<(), AppError> {
    store.create_registered_model(
        DEMO_MODEL,
        "Digit classifier served by the demo API.",
        &[Tag::new("task", "image-classification")],
    )?;
    // Oldest candidate first: v1 the weakest of the three, v3 the best.
    for (_, run_id) in best_runs.iter().take(3).rev() {
        store.create_model_version(&NewModelVersion {
            name: DEMO_MODEL.to_string(),
            source: format!("runs:/{run_id}/model"),
            run_id: Some(run_id.clone()),
            user_id: "demo".to_string(),
            ..NewModelVersion::default()
        })?;
    }
    let transitions = [
        (1, ModelStage::Production, "first model in production"),
        (
            2,
            ModelStage::Staging,
            "candidate with better validation accuracy",
        ),
        (
            2,
            ModelStage::Production,
            "promoted after a week in staging",
        ),
        (3, ModelStage::Staging, "new candidate"),
    ];
    for (version, stage, comment) in transitions {
        store.transition_model_version_stage(&StageTransition {
            name: DEMO_MODEL.to_string(),
            version,
            stage,
            archive_existing_versions: true,
            user_id: "demo".to_string(),
            comment: comment.to_string(),
            origin: "demo".to_string(),
            gate_report: None,
        })?;
    }
    store.set_model_alias(DEMO_MODEL, "champion", 2, "demo", "demo")?;
    store.set_model_alias(DEMO_MODEL, "challenger", 3, "demo", "demo")?;
    Ok(())
}

fn param(key: &str, value: impl ToString) -> Param {
    Param {
        key: key.to_string(),
        value: value.to_string(),
    }
}

fn point(step: i64, timestamp_ms: i64, value: f64) -> MetricPoint {
    MetricPoint {
        step,
        timestamp_ms,
        value,
    }
}

/// A small, seeded, deterministic generator (SplitMix64).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal sample (Box–Muller).
    fn gaussian(&mut self) -> f64 {
        let u1 = self.unit().max(f64::MIN_POSITIVE);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}
