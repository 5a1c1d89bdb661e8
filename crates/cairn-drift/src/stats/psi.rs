//! The Population Stability Index, as Evidently computes it: `Σ (r − c)·ln(r / c)` over the
//! shares of each bin (see [`super::binning`]), after empty bins are given a small share (0.0001,
//! or a millionth of the smallest non-empty share when that is ≤ 0.0001), so no logarithm is
//! infinite. Below 0.1 stable, 0.1–0.2 moderate, above 0.2 shifted.

/// Replaces zero shares as Evidently does before a PSI.
pub fn fill_zeroes(shares: &mut [f64]) {
    let smallest = shares
        .iter()
        .copied()
        .filter(|share| *share != 0.0)
        .fold(f64::INFINITY, f64::min);
    if !smallest.is_finite() {
        return;
    }
    let fill = if smallest <= 0.0001 {
        smallest / 1e6
    } else {
        0.0001
    };
    for share in shares.iter_mut().filter(|share| **share == 0.0) {
        *share = fill;
    }
}

/// PSI of two share vectors of the same length (zeros are filled first).
pub fn psi(reference: &[f64], current: &[f64]) -> f64 {
    let mut reference = reference.to_vec();
    let mut current = current.to_vec();
    fill_zeroes(&mut reference);
    fill_zeroes(&mut current);
    super::sum(
        reference
            .iter()
            .zip(&current)
            .map(|(r, c)| (r - c) * (r / c).ln()),
    )
}
