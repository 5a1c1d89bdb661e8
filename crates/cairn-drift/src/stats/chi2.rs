//! Pearson's chi-square goodness-of-fit test (scipy's `chisquare(f_obs, f_exp)`): the
//! statistic `Σ (o − e)²/e` and its p-value from the chi-square distribution with `k − 1`
//! degrees of freedom (the regularised upper incomplete gamma function).

use statrs::function::gamma::gamma_ur;

/// The outcome of a chi-square test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chi2Result {
    /// The statistic (infinite when a category is observed but not expected).
    pub statistic: f64,
    /// The p-value.
    pub p_value: f64,
    /// Degrees of freedom.
    pub dof: usize,
}

/// Chi-square test of observed against expected counts (same length, expected ≥ 0). With one
/// category there is nothing to test: the p-value is 1.
pub fn chisquare(observed: &[f64], expected: &[f64]) -> Chi2Result {
    let mut statistic = 0.0;
    for (o, e) in observed.iter().zip(expected) {
        if *e == 0.0 {
            if *o != 0.0 {
                statistic = f64::INFINITY;
            }
            continue;
        }
        statistic += (o - e) * (o - e) / e;
    }
    let dof = observed.len().saturating_sub(1);
    let p_value = if dof == 0 {
        1.0
    } else if statistic.is_infinite() {
        0.0
    } else {
        chi2_sf(statistic, dof as f64)
    };
    Chi2Result {
        statistic,
        p_value,
        dof,
    }
}

/// The chi-square survival function `P(X ≥ x)` for `dof` degrees of freedom.
pub fn chi2_sf(x: f64, dof: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    gamma_ur(dof / 2.0, x / 2.0)
}
