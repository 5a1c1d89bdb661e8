//! [`Census`]: what a store holds, counted and checksummed through the store interface alone,
//! so two stores of different backends can be compared after a copy.

use crate::error::StoreResult;
use crate::model::{MetricColumnSet, MetricColumns, ViewType};
use crate::store::{RunSearch, Store};

/// Counts of what a store holds and a checksum of every metric point.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Census {
    /// Experiments, deleted ones included.
    pub experiments: u64,
    /// Runs, deleted ones included.
    pub runs: u64,
    /// Params over all runs.
    pub params: u64,
    /// Tags over all runs.
    pub tags: u64,
    /// Metric points over all runs.
    pub metric_points: u64,
    /// A checksum of every metric point (run, key, step, timestamp, value bits), independent of
    /// the order runs are read in.
    pub metric_checksum: u64,
    /// Registered model versions.
    pub model_versions: u64,
    /// LoggedModels.
    pub logged_models: u64,
}

impl Census {
    /// What differs from `other`, as `field: this ≠ other` for each field that does.
    pub fn differences(&self, other: &Census) -> Vec<String> {
        let fields = [
            ("experiments", self.experiments, other.experiments),
            ("runs", self.runs, other.runs),
            ("params", self.params, other.params),
            ("tags", self.tags, other.tags),
            ("metric points", self.metric_points, other.metric_points),
            (
                "metric checksum",
                self.metric_checksum,
                other.metric_checksum,
            ),
            ("model versions", self.model_versions, other.model_versions),
            ("LoggedModels", self.logged_models, other.logged_models),
        ];
        fields
            .into_iter()
            .filter(|(_, mine, theirs)| mine != theirs)
            .map(|(name, mine, theirs)| format!("{name}: {mine} ≠ {theirs}"))
            .collect()
    }
}

/// Takes the census of `store`.
pub fn census(store: &dyn Store) -> StoreResult<Census> {
    let experiments = store.list_experiments(ViewType::All)?;
    let experiment_ids: Vec<_> = experiments
        .iter()
        .map(|summary| summary.experiment.experiment_id)
        .collect();
    let mut census = Census {
        experiments: experiments.len() as u64,
        ..Census::default()
    };
    let search = RunSearch {
        experiment_ids: experiment_ids.clone(),
        view: ViewType::All,
        max_results: crate::store::MAX_RESULTS_LIMIT,
        ..RunSearch::default()
    };
    let mut offset = 0;
    loop {
        let page = store.search_runs(&RunSearch {
            offset,
            ..search.clone()
        })?;
        for run in &page.runs {
            census.runs += 1;
            census.params += run.params.len() as u64;
            census.tags += run.tags.len() as u64;
            for metric in &run.metrics {
                let mut hash = Fnv::new();
                hash.write(run.info.run_id.as_bytes());
                hash.write(&[0]);
                hash.write(metric.key.as_bytes());
                let prefix = hash;
                store.visit_metric_history(
                    &run.info.run_id,
                    &metric.key,
                    MetricColumnSet::All,
                    &mut |columns: &MetricColumns| {
                        for index in 0..columns.len() {
                            let mut point = prefix;
                            point.write(&columns.steps[index].to_le_bytes());
                            point.write(&columns.timestamps_ms[index].to_le_bytes());
                            point.write(&columns.values[index].to_bits().to_le_bytes());
                            census.metric_points += 1;
                            census.metric_checksum =
                                census.metric_checksum.wrapping_add(point.finish());
                        }
                    },
                )?;
            }
        }
        match page.next_offset {
            Some(next) if !page.runs.is_empty() => offset = next,
            _ => break,
        }
    }
    for model in store.list_registered_models()? {
        census.model_versions += store.list_model_versions(&model.name)?.len() as u64;
    }
    census.logged_models = store.list_logged_models(&experiment_ids)?.len() as u64;
    Ok(census)
}

/// FNV-1a, 64 bits: small, stable across platforms and releases.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(self) -> u64 {
        self.0
    }
}
