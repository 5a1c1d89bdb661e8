//! System metrics of a `cairn run` child, sampled while it runs and logged live as `system/*`
//! metrics of the run: CPU (% of one core), resident memory, and GPU utilisation and memory when
//! `nvidia-smi` is on the PATH.

use std::process::Command;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use cairn_core::Store;
use cairn_core::model::{LogBatch, MetricPoint, NamedMetricPoint};
use cairn_core::time::now_millis;

/// Clock ticks per second in `/proc/<pid>/stat` (`USER_HZ`, fixed at 100 by Linux's ABI).
const TICKS_PER_SECOND: f64 = 100.0;

/// Samples process `pid` every `interval` until `stop` receives (or its sender is dropped),
/// logging each sample to `run_id`. Sampling problems (the process gone, no /proc, no GPU tool)
/// end or skip samples silently: metrics are a bonus, never a reason to fail the run.
pub fn sample_until_stopped(
    store: &dyn Store,
    run_id: &str,
    pid: u32,
    interval: Duration,
    stop: &Receiver<()>,
) {
    let has_gpu_tool = Command::new("nvidia-smi")
        .arg("--list-gpus")
        .output()
        .is_ok_and(|output| output.status.success());
    let mut previous: Option<(Instant, f64)> = None;
    let mut step = 0i64;
    loop {
        let now = Instant::now();
        let mut metrics = Vec::new();
        if let Some(rss_kib) = resident_kib(pid) {
            metrics.push(("system/rss_mb", rss_kib / 1024.0));
        }
        if let Some(cpu_secs) = cpu_seconds(pid) {
            if let Some((then, then_cpu)) = previous {
                let wall = now.duration_since(then).as_secs_f64();
                if wall > 0.0 {
                    metrics.push(("system/cpu_percent", 100.0 * (cpu_secs - then_cpu) / wall));
                }
            }
            previous = Some((now, cpu_secs));
        }
        if has_gpu_tool {
            metrics.extend(gpu_metrics());
        }
        if !metrics.is_empty() {
            let timestamp_ms = now_millis();
            let batch = LogBatch {
                metrics: metrics
                    .into_iter()
                    .map(|(key, value)| NamedMetricPoint {
                        key: key.to_string(),
                        point: MetricPoint {
                            step,
                            timestamp_ms,
                            value,
                        },
                    })
                    .collect(),
                ..LogBatch::default()
            };
            let _ = store.log_batch(run_id, &batch);
            step += 1;
        }
        match stop.recv_timeout(interval) {
            Err(RecvTimeoutError::Timeout) => continue,
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Resident memory in KiB, from the `VmRSS:` line of `/proc/<pid>/status`.
fn resident_kib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// User + system CPU time in seconds, from `/proc/<pid>/stat` (fields 14 and 15, counted after
/// the parenthesised command name, which may itself contain spaces).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_cpu_ticks(&stat).map(|ticks| ticks / TICKS_PER_SECOND)
}

fn parse_cpu_ticks(stat: &str) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after_name starts at field 3 (state); utime is field 14, stime field 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Utilisation (%) and memory (MiB) of each GPU, as `system/gpu<N>/...`.
fn gpu_metrics() -> Vec<(&'static str, f64)> {
    let Ok(output) = Command::new("nvidia-smi")
        .args([
            "--query-gpu=utilization.gpu,memory.used",
            "--format=csv,noheader,nounits",
        ])
        .output()
    else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let mut metrics = Vec::new();
    for (index, line) in text.lines().enumerate().take(GPU_KEYS.len()) {
        let mut values = line.split(',').map(|value| value.trim().parse::<f64>());
        if let (Some(Ok(utilisation)), Some(Ok(memory))) = (values.next(), values.next()) {
            metrics.push((GPU_KEYS[index].0, utilisation));
            metrics.push((GPU_KEYS[index].1, memory));
        }
    }
    metrics
}

/// Metric keys for up to eight GPUs.
const GPU_KEYS: [(&str, &str); 8] = [
    ("system/gpu0/utilization_percent", "system/gpu0/memory_mb"),
    ("system/gpu1/utilization_percent", "system/gpu1/memory_mb"),
    ("system/gpu2/utilization_percent", "system/gpu2/memory_mb"),
    ("system/gpu3/utilization_percent", "system/gpu3/memory_mb"),
    ("system/gpu4/utilization_percent", "system/gpu4/memory_mb"),
    ("system/gpu5/utilization_percent", "system/gpu5/memory_mb"),
    ("system/gpu6/utilization_percent", "system/gpu6/memory_mb"),
    ("system/gpu7/utilization_percent", "system/gpu7/memory_mb"),
];

#[cfg(test)]
mod tests {
    use super::parse_cpu_ticks;

    #[test]
    fn cpu_ticks_survive_spaces_and_parentheses_in_the_name() {
        let stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 1 0";
        assert_eq!(parse_cpu_ticks(stat), Some(300.0));
        assert_eq!(parse_cpu_ticks("garbage"), None);
    }
}
