//! One column: its kind over both tables, the test chosen for it, and the test's score on the
//! non-missing values (counted by category for categorical tests, binned as Evidently does for
//! Jensen–Shannon and PSI on numeric columns).

use std::collections::BTreeMap;

use super::{ColumnDrift, Distribution, DriftOptions, SideCounts, TestKind};
use crate::stats::binning::{histogram, shares, sturges_edges};
use crate::stats::{chi2, jensen_shannon, ks, psi, wasserstein, ztest};
use crate::table::{Cell, ColumnKind, RawColumn};

/// References with more values than this get the distance tests by default.
const SMALL_REFERENCE: u64 = 1000;
/// Numeric columns with at most this many distinct values are tested as categories by default.
const FEW_VALUES: u64 = 5;
/// Above this many distinct reference values, Evidently bins a numeric column for JS and PSI.
const BIN_ABOVE: usize = 20;
/// Unseen categories listed in a report.
const UNSEEN_LISTED: usize = 20;

/// A number as a category's name.
fn category_name(value: f64) -> String {
    format!("{value}")
}

fn has_text(column: &RawColumn) -> bool {
    column.cells().any(|cell| matches!(cell, Cell::Text(_)))
}

fn numbers(column: &RawColumn) -> Vec<f64> {
    let mut values: Vec<f64> = column
        .cells()
        .filter_map(|cell| match cell {
            Cell::Number(value) => Some(value),
            _ => None,
        })
        .collect();
    values.sort_by(f64::total_cmp);
    values
}

/// Category counts of a column: texts as they are, numbers by their shortest decimal form.
fn categories(column: &RawColumn, counts: &mut BTreeMap<String, (u64, u64)>, reference: bool) {
    for cell in column.cells() {
        let name = match cell {
            Cell::Missing => continue,
            Cell::Number(value) => category_name(value),
            Cell::Text(index) => column.text(index).to_owned(),
        };
        let entry = counts.entry(name).or_insert((0, 0));
        if reference {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
}

fn distinct_sorted(values: &[f64]) -> usize {
    let mut count = 0;
    let mut previous: Option<f64> = None;
    for value in values {
        if previous != Some(*value) {
            count += 1;
            previous = Some(*value);
        }
    }
    count
}

/// Distinct values of two sorted samples together, by merging them.
fn merged_distinct(a: &[f64], b: &[f64]) -> u64 {
    let (mut i, mut j, mut count) = (0usize, 0usize, 0u64);
    loop {
        let value = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.min(*y),
            (Some(x), None) => *x,
            (None, Some(y)) => *y,
            (None, None) => break,
        };
        count += 1;
        while i < a.len() && a[i] <= value {
            i += 1;
        }
        while j < b.len() && b[j] <= value {
            j += 1;
        }
    }
    count
}

fn default_test(tested_as: ColumnKind, reference_values: u64, distinct: u64) -> TestKind {
    match (reference_values <= SMALL_REFERENCE, tested_as) {
        (true, ColumnKind::Numeric) => TestKind::Ks,
        (true, ColumnKind::Categorical) if distinct <= 2 => TestKind::Z,
        (true, ColumnKind::Categorical) => TestKind::Chi2,
        (false, ColumnKind::Numeric) => TestKind::Wasserstein,
        (false, ColumnKind::Categorical) => TestKind::JensenShannon,
    }
}

/// Shares per category (in key order) of both sides.
fn category_shares(counts: &BTreeMap<String, (u64, u64)>) -> (Vec<f64>, Vec<f64>) {
    let (total_ref, total_cur) = counts
        .values()
        .fold((0u64, 0u64), |(a, b), (r, c)| (a + r, b + c));
    counts
        .values()
        .map(|(r, c)| {
            (
                *r as f64 / total_ref.max(1) as f64,
                *c as f64 / total_cur.max(1) as f64,
            )
        })
        .unzip()
}

/// Shares as Evidently bins a numeric column for JS and PSI: Sturges bins when the reference
/// has more than 20 distinct values, otherwise one bin per value.
fn numeric_shares(reference: &[f64], current: &[f64]) -> (Vec<f64>, Vec<f64>) {
    if distinct_sorted(reference) > BIN_ABOVE {
        let edges = sturges_edges(reference, current);
        (
            shares(&histogram(reference, &edges), reference.len()),
            shares(&histogram(current, &edges), current.len()),
        )
    } else {
        let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for value in reference {
            counts.entry(category_name(*value)).or_insert((0, 0)).0 += 1;
        }
        for value in current {
            counts.entry(category_name(*value)).or_insert((0, 0)).1 += 1;
        }
        category_shares(&counts)
    }
}

/// The Z-test on category counts: the first category in sorted order (numerically for numbers)
/// is the one whose proportions are compared.
fn z_score(counts: &BTreeMap<String, (u64, u64)>, numeric: bool) -> f64 {
    let target = if numeric {
        counts.keys().min_by(|a, b| {
            let (a, b) = (
                a.parse::<f64>().unwrap_or(f64::NAN),
                b.parse::<f64>().unwrap_or(f64::NAN),
            );
            a.total_cmp(&b)
        })
    } else {
        counts.keys().next()
    };
    let (total_ref, total_cur) = counts
        .values()
        .fold((0u64, 0u64), |(a, b), (r, c)| (a + r, b + c));
    let (hits_ref, hits_cur) = target
        .and_then(|key| counts.get(key))
        .copied()
        .unwrap_or((0, 0));
    ztest::proportions(hits_ref, total_ref, hits_cur, total_cur).p_value
}

/// Evidently's chi-square: observed = current counts, expected = reference counts scaled to the
/// current total, over every category of either side.
fn chi2_score(counts: &BTreeMap<String, (u64, u64)>) -> f64 {
    let (total_ref, total_cur) = counts
        .values()
        .fold((0u64, 0u64), |(a, b), (r, c)| (a + r, b + c));
    let scale = total_cur as f64 / total_ref.max(1) as f64;
    let observed: Vec<f64> = counts.values().map(|(_, c)| *c as f64).collect();
    let expected: Vec<f64> = counts.values().map(|(r, _)| *r as f64 * scale).collect();
    chi2::chisquare(&observed, &expected).p_value
}

/// Tests one column present on both sides; `Err` says why it cannot be tested.
pub(super) fn judge(
    reference: &RawColumn,
    current: &RawColumn,
    options: &DriftOptions,
) -> Result<ColumnDrift, String> {
    let kind = if has_text(reference) || has_text(current) {
        ColumnKind::Categorical
    } else {
        ColumnKind::Numeric
    };
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (ref_numbers, cur_numbers) = match kind {
        ColumnKind::Numeric => (numbers(reference), numbers(current)),
        ColumnKind::Categorical => {
            categories(reference, &mut counts, true);
            categories(current, &mut counts, false);
            (Vec::new(), Vec::new())
        }
    };
    let (ref_values, cur_values, distinct) = match kind {
        ColumnKind::Numeric => (
            ref_numbers.len() as u64,
            cur_numbers.len() as u64,
            merged_distinct(&ref_numbers, &cur_numbers),
        ),
        ColumnKind::Categorical => (
            counts.values().map(|(r, _)| r).sum(),
            counts.values().map(|(_, c)| c).sum(),
            counts.len() as u64,
        ),
    };
    if ref_values == 0 {
        return Err("no values in the reference".into());
    }
    if cur_values == 0 {
        return Err("no values in the current data".into());
    }
    let mut note = String::new();
    let (tested_as, test, threshold) = match options.test {
        Some(test) if test.fits(kind) => (
            kind,
            test,
            options.threshold.unwrap_or(test.default_threshold()),
        ),
        picked => {
            let tested_as =
                if kind == ColumnKind::Numeric && distinct <= FEW_VALUES && picked.is_none() {
                    ColumnKind::Categorical
                } else {
                    kind
                };
            let test = default_test(tested_as, ref_values, distinct);
            if let Some(picked) = picked {
                note = format!(
                    "{} does not apply to a {} column; {} used",
                    picked.as_str(),
                    kind.as_str(),
                    test.as_str()
                );
            }
            (tested_as, test, test.default_threshold())
        }
    };
    if tested_as == ColumnKind::Categorical && kind == ColumnKind::Numeric {
        for value in &ref_numbers {
            counts.entry(category_name(*value)).or_insert((0, 0)).0 += 1;
        }
        for value in &cur_numbers {
            counts.entry(category_name(*value)).or_insert((0, 0)).1 += 1;
        }
        if note.is_empty() {
            note = format!("{distinct} distinct values: tested as categories");
        }
    }
    let score = match (test, tested_as) {
        (TestKind::Ks, _) => ks::ks_2samp_sorted(&ref_numbers, &cur_numbers)
            .map_or(f64::NAN, |result| result.p_value),
        (TestKind::Wasserstein, _) => wasserstein::normalised_sorted(&ref_numbers, &cur_numbers),
        (TestKind::Chi2, _) => chi2_score(&counts),
        (TestKind::Z, _) => z_score(&counts, kind == ColumnKind::Numeric),
        (TestKind::JensenShannon | TestKind::Psi, ColumnKind::Numeric) => {
            let (r, c) = numeric_shares(&ref_numbers, &cur_numbers);
            if test == TestKind::Psi {
                psi::psi(&r, &c)
            } else {
                jensen_shannon::distance(&r, &c)
            }
        }
        (TestKind::JensenShannon | TestKind::Psi, ColumnKind::Categorical) => {
            let (r, c) = category_shares(&counts);
            if test == TestKind::Psi {
                psi::psi(&r, &c)
            } else {
                jensen_shannon::distance(&r, &c)
            }
        }
    };
    let (mut unseen_categories, mut unseen_rows) = (Vec::new(), 0);
    if tested_as == ColumnKind::Categorical {
        for (name, (r, c)) in &counts {
            if *r == 0 && *c > 0 {
                unseen_rows += c;
                if unseen_categories.len() < UNSEEN_LISTED {
                    unseen_categories.push(name.clone());
                }
            }
        }
    }
    let distribution = if tested_as == ColumnKind::Numeric {
        Distribution::numeric(&ref_numbers, &cur_numbers)
    } else {
        Distribution::categorical(&counts)
    };
    Ok(ColumnDrift {
        name: reference.name.clone(),
        kind,
        tested_as,
        distinct,
        test,
        score,
        threshold,
        drifted: test.drifted(score, threshold),
        reference: SideCounts {
            values: ref_values,
            missing: reference.missing,
        },
        current: SideCounts {
            values: cur_values,
            missing: current.missing,
        },
        unseen_categories,
        unseen_rows,
        note,
        distribution,
    })
}
