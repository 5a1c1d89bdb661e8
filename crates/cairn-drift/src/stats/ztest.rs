//! The two-proportion Z-test Evidently uses for columns with at most two values: the share of
//! the first category (in sorted order) in each sample, a pooled standard error, and a
//! two-sided normal p-value.

use statrs::function::erf::erfc;

/// The outcome of a Z-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZResult {
    /// The Z statistic (0 when both samples hold the same single value).
    pub statistic: f64,
    /// The two-sided p-value.
    pub p_value: f64,
}

/// Z-test of `hits_a` of `n_a` against `hits_b` of `n_b` (the counts of the target category).
pub fn proportions(hits_a: u64, n_a: u64, hits_b: u64, n_b: u64) -> ZResult {
    if n_a == 0 || n_b == 0 {
        return ZResult {
            statistic: 0.0,
            p_value: 1.0,
        };
    }
    let (n1, n2) = (n_a as f64, n_b as f64);
    let (p1, p2) = (hits_a as f64 / n1, hits_b as f64 / n2);
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return ZResult {
            statistic: 0.0,
            p_value: 1.0,
        };
    }
    let z = (p1 - p2) / se;
    ZResult {
        statistic: z,
        p_value: erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0),
    }
}
