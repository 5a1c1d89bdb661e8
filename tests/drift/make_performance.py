"""Writes the performance fixtures: labelled batches and scikit-learn's metrics on them.

Run with the compat venv (numpy, pandas, scikit-learn):
    .venv/bin/python tests/drift/make_performance.py [OUTDIR]
It rewrites crates/cairn-drift/tests/fixtures/{performance.json,perf_*.csv} (or writes them to
OUTDIR); the Rust test `performance_sklearn` reads the committed ones and, when .venv exists,
runs this script into a temporary folder and checks its answers too.
"""

import json
import pathlib
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn import metrics

OUT = pathlib.Path(__file__).resolve().parents[2] / "crates/cairn-drift/tests/fixtures"


def classification(truth, predicted, scores=None, average="binary"):
    found = {
        "accuracy": metrics.accuracy_score(truth, predicted),
        "f1": metrics.f1_score(truth, predicted, average=average, zero_division=0),
    }
    if average == "binary":
        found["auc"] = metrics.roc_auc_score(truth, predicted if scores is None else scores)
    return {name: float(value) for name, value in found.items()}


def main():
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261206)
    cases = []

    def case(name, frame, label, prediction, task, expected):
        frame.to_csv(out / f"perf_{name}.csv", index=False)
        cases.append({"name": name, "file": f"perf_{name}.csv", "label": label,
                      "prediction": prediction, "task": task, "metrics": expected})

    truth = (rng.random(600) < 0.35).astype(int)
    hard = np.where(rng.random(600) < 0.8, truth, 1 - truth)
    case("binary_hard", pd.DataFrame({"label": truth, "prediction": hard}), "label",
         "prediction", "classification", classification(truth, hard))

    scores = np.clip(0.35 + 0.3 * (truth - 0.35) + rng.normal(0, 0.2, 600), 0, 1).round(4)
    case("binary_scores", pd.DataFrame({"y": truth, "proba": scores}), "y", "proba",
         "classification", classification(truth, (scores >= 0.5).astype(int), scores))

    tied = np.clip(scores.round(1), 0, 1)
    case("binary_ties", pd.DataFrame({"y": truth, "proba": tied}), "y", "proba",
         "classification", classification(truth, (tied >= 0.5).astype(int), tied))

    animals = np.array(["bird", "cat", "dog", "fish"])
    kinds = animals[rng.integers(0, 3, 500)]
    guesses = np.where(rng.random(500) < 0.7, kinds, animals[rng.integers(0, 4, 500)])
    case("multiclass", pd.DataFrame({"species": kinds, "guess": guesses}), "species", "guess",
         "classification", classification(kinds, guesses, average="macro"))

    target = rng.normal(100, 25, 700).round(3)
    estimate = (target + rng.normal(2, 10, 700)).round(3)
    case("regression", pd.DataFrame({"price": target, "estimate": estimate}), "price",
         "estimate", "regression", {
             "mae": float(metrics.mean_absolute_error(target, estimate)),
             "rmse": float(np.sqrt(metrics.mean_squared_error(target, estimate))),
         })

    partial = pd.DataFrame({"label": truth[:200].astype(float), "prediction": hard[:200]})
    partial.loc[::7, "label"] = np.nan
    kept = partial.dropna()
    case("missing_labels", partial, "label", "prediction", "classification",
         classification(kept["label"].astype(int), kept["prediction"]))

    (out / "performance.json").write_text(json.dumps({
        "sklearn": sklearn.__version__, "cases": cases}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
