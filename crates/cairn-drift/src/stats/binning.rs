//! Histograms as numpy draws them (`np.histogram_bin_edges(..., bins="sturges")` and
//! `np.histogram`), which Evidently's Jensen–Shannon and PSI use for numeric columns with more
//! than 20 distinct reference values; other columns are compared category by category.

/// Sturges' bin edges over the values of both samples (finite, non-empty): `⌈log2 n⌉ + 1`
/// equal-width bins from the smallest to the largest value (a unit range around a single value).
pub fn sturges_edges(reference: &[f64], current: &[f64]) -> Vec<f64> {
    let total = reference.len() + current.len();
    let low = reference
        .iter()
        .chain(current)
        .copied()
        .fold(f64::INFINITY, f64::min);
    let high = reference
        .iter()
        .chain(current)
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if total == 0 || !low.is_finite() {
        return vec![0.0, 1.0];
    }
    if low == high {
        return linspace(low - 0.5, high + 0.5, 1);
    }
    let width = (high - low) / ((total as f64).log2() + 1.0);
    let bins = ((high - low) / width).ceil().max(1.0) as usize;
    linspace(low, high, bins)
}

/// `bins + 1` evenly spaced edges, as numpy's `linspace` computes them.
pub fn linspace(low: f64, high: f64, bins: usize) -> Vec<f64> {
    let step = (high - low) / bins as f64;
    let mut edges: Vec<f64> = (0..=bins).map(|index| low + index as f64 * step).collect();
    if let Some(last) = edges.last_mut() {
        *last = high;
    }
    edges
}

/// Counts per bin of equal-width `edges` (the last bin includes its right edge; values outside
/// are not counted), as `np.histogram` does.
pub fn histogram(values: &[f64], edges: &[f64]) -> Vec<u64> {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0u64; bins];
    if bins == 0 {
        return counts;
    }
    let (first, last) = (edges[0], edges[bins]);
    let norm = bins as f64 / (last - first);
    for value in values {
        if *value < first || *value > last {
            continue;
        }
        let mut index = (((value - first) * norm) as usize).min(bins - 1);
        if *value < edges[index] && index > 0 {
            index -= 1;
        } else if index + 1 < bins && *value >= edges[index + 1] {
            index += 1;
        }
        counts[index] += 1;
    }
    counts
}

/// Shares of each bin: counts divided by the sample size.
pub fn shares(counts: &[u64], size: usize) -> Vec<f64> {
    counts
        .iter()
        .map(|count| *count as f64 / size.max(1) as f64)
        .collect()
}
