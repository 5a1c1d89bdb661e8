//! The first Wasserstein distance between two empirical distributions (scipy's
//! `wasserstein_distance`): the area between their CDFs, and Evidently's normalised form
//! (divided by the larger of the reference's population std and 0.001).

/// W1 of two **sorted**, non-empty samples: `∫ |F_a − F_b|` over the merged values.
pub fn wasserstein_sorted(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let mut terms = Vec::new();
    let mut previous: Option<f64> = None;
    while i < a.len() || j < b.len() {
        let value = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x <= y => {
                i += 1;
                *x
            }
            (Some(_), Some(y)) => {
                j += 1;
                *y
            }
            (Some(x), None) => {
                i += 1;
                *x
            }
            (None, Some(y)) => {
                j += 1;
                *y
            }
            (None, None) => break,
        };
        if let Some(previous) = previous {
            let delta = value - previous;
            if delta != 0.0 {
                // The CDFs as they were just before `value`: everything up to `previous`.
                let ia = a.partition_point(|x| *x <= previous);
                let ib = b.partition_point(|x| *x <= previous);
                terms.push((ia as f64 / n1 - ib as f64 / n2).abs() * delta);
            }
        }
        previous = Some(value);
    }
    super::sum(terms)
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
