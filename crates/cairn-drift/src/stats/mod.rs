//! The statistics, each a plain function of numbers (no tables, no I/O), each checked against
//! scipy by `tests/stats_scipy.rs` on fixtures written by `tests/drift/make_expected.py`.

pub mod binning;
pub mod chi2;
pub mod jensen_shannon;
pub mod ks;
pub mod psi;
pub mod wasserstein;
pub mod ztest;

/// Sum with Neumaier compensation, so long sums do not drift from numpy's pairwise sums.
pub(crate) fn sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut total = 0.0_f64;
    let mut compensation = 0.0_f64;
    for value in values {
        let next = total + value;
        if total.abs() >= value.abs() {
            compensation += (total - next) + value;
        } else {
            compensation += (value - next) + total;
        }
        total = next;
    }
    total + compensation
}

/// Population standard deviation (numpy's `np.std`, `ddof=0`).
pub fn population_std(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let n = values.len() as f64;
    let mean = sum(values.iter().copied()) / n;
    (sum(values.iter().map(|value| (value - mean) * (value - mean))) / n).sqrt()
}
