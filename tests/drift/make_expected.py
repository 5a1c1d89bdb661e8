"""Writes the drift engine's reference fixtures: generated samples and scipy's answers on them.

Run with the compat venv (scipy, numpy, pandas, pyarrow):
    .venv/bin/python tests/drift/make_expected.py [OUTDIR]
It rewrites crates/cairn-drift/tests/fixtures/{stats.json,mixed_*.csv,typed*.parquet} (or writes
them to OUTDIR); the Rust test `stats_scipy` reads the committed ones (no Python at test time)
and, when .venv exists, also runs this script into a temporary folder and checks its answers.
"""

import json
import pathlib
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

OUT = pathlib.Path(__file__).resolve().parents[2] / "crates/cairn-drift/tests/fixtures"


def sample(rng, kind, n, shift=0.0):
    if kind == "normal":
        return np.round(rng.normal(shift, 1.0, n), 6)
    if kind == "ties":
        return np.round(rng.normal(shift, 2.0, n)).astype(float)
    if kind == "exponential":
        return np.round(rng.exponential(1.0 + shift, n), 6)
    raise ValueError(kind)


def sturges_shares(ref, cur):
    """Evidently's get_binned_data for numeric columns (more than 20 distinct values)."""
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
    return (np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur))


def fill(p):
    p = p.copy()
    smallest = min(p[p != 0])
    np.place(p, p == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return p


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    rng = np.random.default_rng(20261206)
    ks_cases = []
    for n1, n2, kind, shift in [
        (20, 30, "normal", 0.0),
        (50, 50, "normal", 0.4),
        (80, 120, "ties", 0.0),
        (300, 300, "ties", 0.3),
        (500, 700, "exponential", 0.1),
        (1000, 1000, "normal", 0.05),
        (1000, 3000, "normal", 0.1),
        (200, 10500, "normal", 0.15),
        (11000, 12000, "ties", 0.05),
        (10001, 10001, "ties", 0.0),
    ]:
        a, b = sample(rng, kind, n1), sample(rng, kind, n2, shift)
        result = stats.ks_2samp(a, b)
        ks_cases.append({
            "a": a.tolist(), "b": b.tolist(),
            "statistic": float(result.statistic), "p_value": float(result.pvalue),
            "exact": max(n1, n2) <= 10000,
        })
    chi_cases = []
    for k, n in [(3, 100), (5, 1000), (12, 5000), (2, 40)]:
        ref = rng.multinomial(n, np.ones(k) / k).astype(float)
        cur = rng.multinomial(int(n * 1.3), rng.dirichlet(np.ones(k) * 20)).astype(float)
        expected = ref * (cur.sum() / ref.sum())
        result = stats.chisquare(cur, expected)
        chi_cases.append({"observed": cur.tolist(), "expected": expected.tolist(),
                          "statistic": float(result.statistic), "p_value": float(result.pvalue)})
    w_cases = []
    for n1, n2, shift in [(10, 15, 0.0), (1000, 1500, 0.3), (5000, 4000, 1.0)]:
        a, b = sample(rng, "normal", n1), sample(rng, "exponential", n2, shift)
        w_cases.append({"a": a.tolist(), "b": b.tolist(),
                        "distance": float(stats.wasserstein_distance(a, b)),
                        "normalised": float(stats.wasserstein_distance(a, b) / max(np.std(a), 0.001))})
    js_cases = []
    for p, q in [([0.1, 0.4, 0.5], [0.8, 0.15, 0.05]), ([1, 0, 3, 4], [0, 2, 3, 1]),
                 ([0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25])]:
        js_cases.append({"p": p, "q": q, "distance": float(distance.jensenshannon(p, q))})
    binned = []
    for n1, n2, shift in [(1500, 2000, 0.0), (3000, 2500, 0.5), (100, 90, 0.2)]:
        a, b = sample(rng, "normal", n1), sample(rng, "normal", n2, shift)
        r, c = sturges_shares(a, b)
        binned.append({"a": a.tolist(), "b": b.tolist(), "reference": r.tolist(), "current": c.tolist(),
                       "jensenshannon": float(distance.jensenshannon(r, c)),
                       "psi": float(np.sum((fill(r) - fill(c)) * np.log(fill(r) / fill(c))))})
    z_cases = []
    for h1, n1, h2, n2 in [(40, 100, 55, 120), (500, 1000, 500, 1000), (3, 50, 20, 60)]:
        p1, p2 = h1 / n1, h2 / n2
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z_cases.append({"hits_a": h1, "n_a": n1, "hits_b": h2, "n_b": n2,
                        "p_value": float(2 * stats.norm.sf(abs(z)))})
    out.mkdir(parents=True, exist_ok=True)
    (out / "stats.json").write_text(json.dumps({
        "scipy": __import__("scipy").__version__, "ks": ks_cases, "chisquare": chi_cases,
        "wasserstein": w_cases, "jensenshannon": js_cases, "binned": binned, "ztest": z_cases,
    }))

    # Mixed types, missing values and unseen categories.
    ref = pd.DataFrame({
        "age": [25, 31, None, 47, 52, "NA", 38, 29, 41, 33],
        "city": ["Lyon", "Paris", "Paris", "", "Lyon", "Nice", "Paris", "Lyon", "Nice", "Paris"],
        "code": ["1", "2", "x", "3", "1", "2", "3", "1", "2", "3"],
        "flag": ["true", "false", "true", "true", "false", "true", "false", "true", "true", "false"],
    })
    cur = pd.DataFrame({
        "age": [26, 30, 45, None, 51, 39, 28, 40, 34, 36],
        "city": ["Lyon", "Berlin", "Paris", "Madrid", "Lyon", "Nice", "Berlin", "Lyon", "", "Paris"],
        "code": ["1", "2", "3", "3", "1", "2", "3", "1", "2", "3"],
        "flag": ["true", "true", "true", "true", "false", "true", "true", "true", "true", "true"],
    })
    ref.to_csv(out / "mixed_reference.csv", index=False)
    cur.to_csv(out / "mixed_current.csv", index=False)
    typed = pd.DataFrame({
        "amount": pd.array([1.5, 2.25, None, 4.0, 5.5, 6.0], dtype="Float64"),
        "count": pd.array([1, 2, 3, None, 5, 6], dtype="Int64"),
        "label": ["a", "b", None, "a", "c", "b"],
    })
    typed.to_parquet(out / "typed.parquet", compression="snappy", index=False)
    # The same table with each other codec pandas users pick.
    for codec in ["gzip", "zstd", "lz4", "brotli"]:
        typed.to_parquet(out / f"typed_{codec}.parquet", compression=codec, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
