#!/usr/bin/env python3
"""`cairn drift` and Evidently's DataDriftPreset side by side on the same two tables: 50 columns
(40 numeric, 10 categorical; every fourth numeric column shifted and every third categorical one
skewed in the current table), --rows rows each (default 1,000,000), written as CSV.

Both use Evidently's default rules (above 1,000 reference rows: Wasserstein distance over the
reference's standard deviation for numeric columns, Jensen–Shannon distance for categorical ones,
drift at ≥ 0.1). Cairn reads the CSV files itself (`--max-rows` = every row, nothing sampled);
Evidently is timed twice: pandas reading the same files, then the report on the frames. Each
tool runs in its own process under /usr/bin/time for its peak RSS. Prints a table, and the
columns whose verdicts differ (there should be none) with both scores.

Evidently needs pandas < 3 (it imports a pandas 2 internal):

  python3 -m venv .venv-bench && .venv-bench/bin/pip install evidently 'pandas<3' pyarrow
  cargo build --release -p cairn-cli
  .venv-bench/bin/python benches/evidently_compare.py --cairn target/release/cairn
"""

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time


def write_tables(folder, rows):
    import numpy as np
    import pandas as pd

    cats = np.array(["alpha", "beta", "gamma", "delta", "eps", "zeta"])
    for name, shift, seed in [("reference.csv", 0.0, 1), ("current.csv", 0.15, 2)]:
        rng = np.random.default_rng(seed)
        path = folder / name
        with open(path, "w") as out:
            written, first = 0, True
            while written < rows:
                n = min(200_000, rows - written)
                data = {}
                for c in range(40):
                    s = shift if c % 4 == 0 else 0.0
                    data[f"num{c:02d}"] = rng.normal(s + c, 1.0 + c / 40, n)
                for c in range(10):
                    p = np.ones(6) / 6
                    if shift and c % 3 == 0:
                        p = np.array([0.3, 0.2, 0.125, 0.125, 0.125, 0.125])
                    data[f"cat{c:02d}"] = cats[rng.choice(6, n, p=p)]
                out.write(pd.DataFrame(data).to_csv(index=False, header=first, float_format="%.6f"))
                first = False
                written += n
    return folder / "reference.csv", folder / "current.csv"


def timed(command):
    """Runs `command` under /usr/bin/time -v: (seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed:\n{done.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return seconds, rss / 1024, done.stdout


def evidently_only(reference, current):
    """The Evidently side, in its own process: prints JSON of its timings and verdicts."""
    import pandas as pd
    from evidently import Report
    from evidently.presets import DataDriftPreset

    start = time.perf_counter()
    ref = pd.read_csv(reference)
    cur = pd.read_csv(current)
    read = time.perf_counter() - start
    start = time.perf_counter()
    result = Report([DataDriftPreset()]).run(cur, ref)
    report = time.perf_counter() - start
    columns = {}
    for metric in result.dict()["metrics"]:
        config = metric.get("config", {})
        if config.get("type") != "evidently:metric_v2:ValueDrift":
            continue
        name, method, threshold = config["column"], config["method"], float(config["threshold"])
        score = float(metric["value"])
        p_value = "p_value" in method.lower() or "test" in method.lower()
        columns[name] = {"score": score, "drifted": score < threshold if p_value else score >= threshold,
                         "method": method}
    print(json.dumps({"read": read, "report": report, "columns": columns}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cairn", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--evidently-only", nargs=2, metavar=("REFERENCE", "CURRENT"))
    args = parser.parse_args()
    if args.evidently_only:
        evidently_only(*args.evidently_only)
        return
    with tempfile.TemporaryDirectory() as work:
        folder = pathlib.Path(work)
        reference, current = write_tables(folder, args.rows)
        size = (reference.stat().st_size + current.stat().st_size) / 1e6
        report = folder / "cairn.json"
        cairn_seconds, cairn_rss, _ = timed([args.cairn, "drift", str(reference), str(current),
                                             "--max-rows", str(args.rows), "--report", str(report)])
        ours = {column["name"]: column for column in json.loads(report.read_text())["columns"]}
        ev_seconds, ev_rss, out = timed([sys.executable, __file__, "--cairn", args.cairn,
                                         "--evidently-only", str(reference), str(current)])
        theirs = json.loads(out.strip().splitlines()[-1])
    agree = [name for name in ours if name in theirs["columns"]
             and ours[name]["drifted"] == theirs["columns"][name]["drifted"]]
    differences = [abs(ours[name]["score"] - theirs["columns"][name]["score"]) for name in agree]
    print(f"{args.rows:,} rows × 50 columns per table, {size:,.0f} MB of CSV in all\n")
    print(f"{'tool':<42}{'seconds':>9}{'peak RSS MB':>13}")
    print(f"{'cairn drift (reads the CSV itself)':<42}{cairn_seconds:>9.1f}{cairn_rss:>13.0f}")
    print(f"{'Evidently 0.7 DataDriftPreset, in all':<42}{ev_seconds:>9.1f}{ev_rss:>13.0f}")
    print(f"{'  of which pandas read_csv':<42}{theirs['read']:>9.1f}")
    print(f"{'  of which the report':<42}{theirs['report']:>9.1f}")
    print(f"\nsame verdict on {len(agree)} of {len(ours)} columns "
          f"({sum(column['drifted'] for column in ours.values())} drifted); "
          f"largest score difference {max(differences):.2e}")
    for name in ours:
        if name not in agree:
            print(f"  differs: {name}: cairn {ours[name]['score']:.6f} "
                  f"{theirs['columns'].get(name)}")
    print(f"time ratio (Evidently in all / cairn): {ev_seconds / cairn_seconds:.1f}×")


if __name__ == "__main__":
    main()
