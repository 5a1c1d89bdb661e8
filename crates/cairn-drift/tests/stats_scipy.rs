//! The statistics against scipy's answers on the same samples: the committed fixtures written by
//! `tests/drift/make_expected.py`, and, when the repository's `.venv` exists, a fresh run of the
//! script into a temporary folder (so the script and the installed scipy are checked too).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::path::{Path, PathBuf};

use cairn_drift::stats::{binning, chi2, jensen_shannon, ks, psi, wasserstein, ztest};
use serde_json::Value;

/// Exact computations agree with scipy to this (absolute, and relative above 1).
const TOLERANCE: f64 = 1e-9;
/// The asymptotic KS p-value between its exact regions: Kolmogorov's limit with Stephens'
/// correction where scipy uses the Durbin matrix or Pelz–Good (stated in the README).
const ASYMPTOTIC_KS_TOLERANCE: f64 = 2e-3;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("stats.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The committed fixtures, and a fresh run of the script when the venv is there.
fn load() -> Vec<Value> {
    let mut all = vec![read(&fixtures())];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    if python.exists() {
        let fresh = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(&python)
            .arg(root.join("tests/drift/make_expected.py"))
            .arg(fresh.path())
            .status()
            .expect("running make_expected.py");
        assert!(status.success(), "make_expected.py failed");
        all.push(read(fresh.path()));
    }
    all
}

fn floats(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_f64().unwrap())
        .collect()
}

fn close(what: &str, ours: f64, theirs: f64, tolerance: f64) {
    let scale = theirs.abs().max(1.0);
    assert!(
        (ours - theirs).abs() <= tolerance * scale,
        "{what}: ours {ours:e}, scipy {theirs:e}, difference {:e}",
        (ours - theirs).abs()
    );
}

#[test]
fn statistics_match_scipy() {
    for fixtures in load() {
        check(&fixtures);
    }
}

fn check(fixtures: &Value) {
    for (index, case) in fixtures["ks"].as_array().unwrap().iter().enumerate() {
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let result = ks::ks_2samp(&a, &b).unwrap();
        let exact = case["exact"].as_bool().unwrap();
        assert_eq!(result.exact, exact, "ks case {index}: exact");
        close(
            &format!("ks {index} statistic"),
            result.statistic,
            case["statistic"].as_f64().unwrap(),
            TOLERANCE,
        );
        let tolerance = if exact {
            TOLERANCE
        } else {
            ASYMPTOTIC_KS_TOLERANCE
        };
        close(
            &format!("ks {index} p ({} vs {})", a.len(), b.len()),
            result.p_value,
            case["p_value"].as_f64().unwrap(),
            tolerance,
        );
    }
    for (index, case) in fixtures["chisquare"].as_array().unwrap().iter().enumerate() {
        let result = chi2::chisquare(&floats(&case["observed"]), &floats(&case["expected"]));
        close(
            &format!("chi2 {index} statistic"),
            result.statistic,
            case["statistic"].as_f64().unwrap(),
            TOLERANCE,
        );
        close(
            &format!("chi2 {index} p"),
            result.p_value,
            case["p_value"].as_f64().unwrap(),
            TOLERANCE,
        );
    }
    for (index, case) in fixtures["wasserstein"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let (mut a, mut b) = (floats(&case["a"]), floats(&case["b"]));
        close(
            &format!("wasserstein {index}"),
            wasserstein::wasserstein(&a, &b),
            case["distance"].as_f64().unwrap(),
            TOLERANCE,
        );
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        close(
            &format!("wasserstein {index} normalised"),
            wasserstein::normalised_sorted(&a, &b),
            case["normalised"].as_f64().unwrap(),
            TOLERANCE,
        );
    }
    for (index, case) in fixtures["jensenshannon"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let ours = jensen_shannon::distance(&floats(&case["p"]), &floats(&case["q"]));
        close(
            &format!("jensenshannon {index}"),
            ours,
            case["distance"].as_f64().unwrap(),
            TOLERANCE,
        );
    }
    for (index, case) in fixtures["binned"].as_array().unwrap().iter().enumerate() {
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let edges = binning::sturges_edges(&a, &b);
        let r = binning::shares(&binning::histogram(&a, &edges), a.len());
        let c = binning::shares(&binning::histogram(&b, &edges), b.len());
        assert_eq!(
            r,
            floats(&case["reference"]),
            "binned {index}: reference shares"
        );
        assert_eq!(
            c,
            floats(&case["current"]),
            "binned {index}: current shares"
        );
        close(
            &format!("binned {index} js"),
            jensen_shannon::distance(&r, &c),
            case["jensenshannon"].as_f64().unwrap(),
            TOLERANCE,
        );
        close(
            &format!("binned {index} psi"),
            psi::psi(&r, &c),
            case["psi"].as_f64().unwrap(),
            TOLERANCE,
        );
    }
    for (index, case) in fixtures["ztest"].as_array().unwrap().iter().enumerate() {
        let get = |key: &str| case[key].as_u64().unwrap();
        let result = ztest::proportions(get("hits_a"), get("n_a"), get("hits_b"), get("n_b"));
        close(
            &format!("z {index}"),
            result.p_value,
            case["p_value"].as_f64().unwrap(),
            TOLERANCE,
        );
    }
}
