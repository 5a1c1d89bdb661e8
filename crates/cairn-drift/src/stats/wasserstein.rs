//! The first Wasserstein distance between two empirical distributions (scipy's
//! `wasserstein_distance`): the area between their CDFs, and Evidently's normalised form
//! (divided by the larger of the reference's population std and 0.001).

/// W1 of two **sorted**, non-empty samples: `∫ |F_a − F_b|` over the merged values, in one
/// pass (between two consecutive distinct values both CDFs are constant).
pub fn wasserstein_sorted(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut total = 0.0_f64;
    let mut compensation = 0.0_f64;
    let mut previous: Option<f64> = None;
    loop {
        let value = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.min(*y),
            (Some(x), None) => *x,
            (None, Some(y)) => *y,
            (None, None) => break,
        };
        if let Some(previous) = previous {
            // Both CDFs as they stand after `previous`: i and j values are ≤ it.
            let term = (i as f64 / n1 - j as f64 / n2).abs() * (value - previous);
            let next = total + term;
            if total.abs() >= term.abs() {
                compensation += (total - next) + term;
            } else {
                compensation += (term - next) + total;
            }
            total = next;
        }
        while i < a.len() && a[i] <= value {
            i += 1;
        }
        while j < b.len() && b[j] <= value {
            j += 1;
        }
        previous = Some(value);
    }
    total + compensation
}

/// W1 of two samples in any order.
pub fn wasserstein(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    wasserstein_sorted(&a, &b)
}

/// Evidently's score: W1 divided by `max(std(reference), 0.001)` (sorted inputs).
pub fn normalised_sorted(reference: &[f64], current: &[f64]) -> f64 {
    wasserstein_sorted(reference, current) / super::population_std(reference).max(0.001)
}
