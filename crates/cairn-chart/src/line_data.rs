//! A line chart's data made ready to draw: each run's history as columns with its drawable
//! extent and EMA, built in the same pass that reads it. From a store the histories are
//! streamed chunk by chunk ([`Store::visit_metric_history`]) on parallel readers, so no
//! `MetricPoint` is built per point and nothing walks the full histories again before M4.

use std::sync::atomic::{AtomicUsize, Ordering};

use cairn_core::Store;
use cairn_core::model::Run;

use crate::line::LineOptions;
use crate::series::{Extent, RunLine, RunLineBuilder, Shaping, union};
use crate::{ChartError, RunSeries};

/// Most points per run reserved up front from the store's point count.
const MAX_CAPACITY_HINT: u64 = 1 << 24;

/// One metric's history for N runs, prepared for a line chart's x axis, y scale and smoothing
/// (render it with [`crate::render_line_data`] and options that agree on those three).
#[derive(Debug, Clone, PartialEq)]
pub struct LineData {
    pub(crate) runs: Vec<RunLine>,
    pub(crate) shaping: Shaping,
}

impl LineData {
    /// Prepares histories held in memory.
    pub fn from_series(runs: &[RunSeries], options: &LineOptions) -> Result<LineData, ChartError> {
        let shaping = shaping(options)?;
        let runs = parallel_map(runs, |run| {
            RunLine::from_points(
                run.run_id.clone(),
                run.run_name.clone(),
                &run.points,
                shaping,
            )
        });
        Ok(LineData { runs, shaping })
    }

    /// Reads the history of `options.metric` for each run, in the runs' order, and prepares it
    /// in the same pass. Runs are shared out to as many threads as the machine has cores (at
    /// most 8), each reading on its own pooled store connection. Runs without the metric get
    /// an empty history.
    pub fn load(
        store: &dyn Store,
        runs: &[Run],
        options: &LineOptions,
    ) -> Result<LineData, ChartError> {
        let shaping = shaping(options)?;
        let key = options.metric.as_str();
        let lines = parallel_map(runs, |run| {
            let capacity = run
                .metrics
                .iter()
                .find(|metric| metric.key == key)
                .map_or(0, |metric| metric.point_count);
            let mut builder = RunLineBuilder::new(
                run.info.run_id.clone(),
                run.info.run_name.clone(),
                shaping,
                // A hint from the database: capped, so a corrupt count cannot ask for
                // terabytes up front (the columns grow as needed past it).
                usize::try_from(capacity.min(MAX_CAPACITY_HINT)).unwrap_or(0),
            );
            let set = builder.column_set();
            store.visit_metric_history(&run.info.run_id, key, set, &mut |columns| {
                builder.push(&columns.steps, &columns.timestamps_ms, &columns.values);
            })?;
            Ok(builder.finish())
        });
        let runs = lines
            .into_iter()
            .collect::<Result<Vec<RunLine>, ChartError>>()?;
        Ok(LineData { runs, shaping })
    }

    /// How many runs there are.
    pub fn run_count(&self) -> usize {
        self.runs.len()
    }

    /// How many points the histories have in all (inside the x range, when there is one).
    pub fn points_total(&self) -> usize {
        self.runs.iter().map(RunLine::len).sum()
    }

    /// Data extent in plot space (x, y in axis space) over every drawable point.
    pub(crate) fn extent(&self) -> Extent {
        self.runs
            .iter()
            .fold(None, |sum, run| union(sum, run.extent))
    }
}

/// The x axis, y scale, smoothing and x range that `options` ask for; a smoothing weight
/// outside [0, 1) or an empty or non-finite range is refused.
pub(crate) fn shaping(options: &LineOptions) -> Result<Shaping, ChartError> {
    if let Some(weight) = options.smoothing
        && !(0.0..1.0).contains(&weight)
    {
        return Err(ChartError::InvalidOptions(format!(
            "smoothing {weight}: the weight must be at least 0 and below 1"
        )));
    }
    let x_range = match options.x_range {
        Some((low, high)) if !(low.is_finite() && high.is_finite() && low < high) => {
            return Err(ChartError::InvalidOptions(format!(
                "x range {low}..{high}: give two finite ends, the first below the second"
            )));
        }
        range => range,
    };
    Ok(Shaping {
        x_axis: options.x_axis,
        log_y: options.log_y,
        smoothing: options.smoothing.filter(|weight| *weight > 0.0),
        x_range,
    })
}

/// `f` over `items` on as many threads as the machine has cores (at most 8), results in
/// order. Items are handed out one at a time, so a few long items do not leave a thread idle.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                return done;
            };
            done.push((index, f(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}
