//! Both sides' distributions over common bins (numeric) or categories, as shares, for the
//! charts: numpy's Sturges bins over both samples, or the most frequent categories (the rest
//! pooled as "(other)").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::stats::binning::{histogram, shares, sturges_edges};

/// Categories drawn before the rest is pooled.
const MAX_CATEGORIES: usize = 15;

/// Reference and current shares over common bins or categories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// The bins' edges (numeric; one more than the shares), or none for categories.
    pub edges: Option<Vec<f64>>,
    /// The categories (categorical), in the order drawn.
    pub categories: Vec<String>,
    /// The reference's share in each bin or category.
    pub reference: Vec<f64>,
    /// The current table's share in each bin or category.
    pub current: Vec<f64>,
}

impl Distribution {
    /// Over Sturges bins of both sorted samples.
    pub(crate) fn numeric(reference: &[f64], current: &[f64]) -> Distribution {
        let edges = sturges_edges(reference, current);
        Distribution {
            reference: shares(&histogram(reference, &edges), reference.len()),
            current: shares(&histogram(current, &edges), current.len()),
            edges: Some(edges),
            categories: Vec::new(),
        }
    }

    /// Over categories: `counts` maps a category to (reference, current) counts.
    pub(crate) fn categorical(counts: &BTreeMap<String, (u64, u64)>) -> Distribution {
        let (total_ref, total_cur) = counts
            .values()
            .fold((0u64, 0u64), |(a, b), (r, c)| (a + r, b + c));
        let mut ordered: Vec<(&String, &(u64, u64))> = counts.iter().collect();
        ordered.sort_by(|a, b| (b.1.0 + b.1.1).cmp(&(a.1.0 + a.1.1)).then(a.0.cmp(b.0)));
        let share = |count: u64, total: u64| count as f64 / total.max(1) as f64;
        let mut distribution = Distribution {
            edges: None,
            categories: Vec::new(),
            reference: Vec::new(),
            current: Vec::new(),
        };
        let (mut other_ref, mut other_cur) = (0u64, 0u64);
        for (index, (name, (r, c))) in ordered.into_iter().enumerate() {
            if index < MAX_CATEGORIES {
                distribution.categories.push(name.clone());
                distribution.reference.push(share(*r, total_ref));
                distribution.current.push(share(*c, total_cur));
            } else {
                other_ref += r;
                other_cur += c;
            }
        }
        if other_ref + other_cur > 0 {
            distribution.categories.push("(other)".into());
            distribution.reference.push(share(other_ref, total_ref));
            distribution.current.push(share(other_cur, total_cur));
        }
        distribution
    }
}
