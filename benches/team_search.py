#!/usr/bin/env python3
"""`runs/search` over 100,000 runs on PostgreSQL, `mlflow server` and `cairn serve` side by
side: one throwaway PostgreSQL cluster (scripts/test-postgres.sh), a database each, and the same
runs in both — 5 params `p{j}` = `v{(i+j)%7}` and 5 metrics `m{j}` = `((i*31+j)%1000)/1000`,
the shapes `benches/mlflow_load.py --team` logs. Both stores are filled in SQL in their own
tables (MLflow's first run and Cairn's schema made by each server through REST first; then
`ANALYZE`), so the fill takes seconds instead of minutes; the searches go through each server's
REST API, median of --samples after a warm-up. Artifacts stay in a folder (no S3 needed here).
With --other-runs N, another experiment of N runs with the same params and metrics is filled
first, as the experiments of a team server share metric names.

  cargo build --release -p cairn-cli
  .venv/bin/pip install -r benches/requirements.txt
  .venv/bin/python benches/team_search.py --cairn target/release/cairn
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import team_backends  # noqa: E402
from mlflow_load import free_port, start_cairn, start_mlflow, wait_healthy  # noqa: E402

SEARCHES = [
    ("metrics.m1 > 0.5 and params.p1 = 'v3', order metrics.m2 DESC",
     {"filter": "metrics.m1 > 0.5 and params.p1 = 'v3'", "order_by": ["metrics.m2 DESC"]}),
    ("params.p1 = 'v3', order metrics.m2 DESC", {"filter": "params.p1 = 'v3'", "order_by": ["metrics.m2 DESC"]}),
    ("order metrics.m0 ASC", {"order_by": ["metrics.m0 ASC"]}),
    ("metrics.m1 > 0.5 and params.p1 = 'v3' (newest first)", {"filter": "metrics.m1 > 0.5 and params.p1 = 'v3'"}),
    ("no filter, newest first", {}),
]


def seed_cairn(database_url, experiment_id, runs, first=0):
    """Cairn's runs `first`..`first + runs - 1` in its own tables, the same params and metrics as
    MLflow's."""
    team_backends._sql(database_url, [
        ("""INSERT INTO runs (run_uuid, experiment_id, name, start_time_ms, source_kind, status)
            SELECT md5('bench-' || g), %(e)s, 'seeded-' || g, 1700000000000 + g, 'mlflow_api',
                   'FINISHED'
            FROM generate_series(%(first)s, %(first)s + %(n)s - 1) g""",
         {"e": int(experiment_id), "n": runs, "first": first}),
        ("""INSERT INTO params (run_id, key, value)
            SELECT r.id, 'p' || j, 'v' || ((substr(r.name, 8)::int + j) %% 7)
            FROM runs r, generate_series(0, 4) j WHERE r.experiment_id = %(e)s
            ORDER BY r.id, j""",
         {"e": int(experiment_id)}),
        ("""INSERT INTO metric_series (run_id, experiment_id, key, latest_value, latest_step,
                 latest_timestamp_ms, point_count)
            SELECT r.id, r.experiment_id, 'm' || j,
                   ((substr(r.name, 8)::int * 31 + j) %% 1000) / 1000.0, 0, 0, 1
            FROM runs r, generate_series(0, 4) j WHERE r.experiment_id = %(e)s
            ORDER BY r.id, j""",
         {"e": int(experiment_id)}),
    ])


def time_searches(url, experiment_id, samples):
    """Median time of each search through one kept-alive session, as the mlflow client sends
    its requests (`mlflow.utils.request_utils` keeps a `requests.Session` per process)."""
    session = requests.Session()
    found = {}
    for name, body in SEARCHES:
        request = {"experiment_ids": [experiment_id], "max_results": 100, **body}
        session.post(url + "/api/2.0/mlflow/runs/search", json=request).raise_for_status()
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            reply = session.post(url + "/api/2.0/mlflow/runs/search", json=request)
            times.append(time.perf_counter() - started)
            reply.raise_for_status()
        found[name] = (statistics.median(times) * 1000, [run["info"]["run_name"] for run in reply.json().get("runs", [])])
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cairn", default="target/release/cairn")
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--other-runs", type=int, default=0,
                        help="runs of the same shapes in another experiment, filled first")
    args = parser.parse_args()
    backends = team_backends.TeamBackends(free_port)
    folder = tempfile.mkdtemp(prefix="team-search-")
    processes = []
    try:
        mlflow_db = backends.database("mlflow_search")
        cairn_db = backends.database("cairn_search")
        mlflow, mlflow_url = start_mlflow(folder, (mlflow_db, f"{folder}/mlflow-artifacts", {}))
        processes.append(mlflow)
        cairn, cairn_url = start_cairn(os.path.abspath(args.cairn), folder, (cairn_db, f"{folder}/cairn-artifacts", {}))
        processes.append(cairn)
        wait_healthy(mlflow_url, mlflow)
        wait_healthy(cairn_url, cairn)
        started = time.perf_counter()
        # --other-runs: first an experiment of that many runs with the same params and metrics,
        # as a team server's experiments share metric names.
        for experiment, runs, first in [("other", args.other_runs, args.runs),
                                        ("search", args.runs, 0)]:
            if runs == 0:
                continue
            ids = {}
            for name, url in [("mlflow", mlflow_url), ("cairn", cairn_url)]:
                reply = requests.post(url + "/api/2.0/mlflow/experiments/create",
                                      json={"name": experiment})
                reply.raise_for_status()
                ids[name] = reply.json()["experiment_id"]
            requests.post(mlflow_url + "/api/2.0/mlflow/runs/create",
                          json={"experiment_id": ids["mlflow"],
                                "start_time": 1700000000000}).raise_for_status()
            team_backends.seed_mlflow_runs(mlflow_db, ids["mlflow"], first + 1, first + runs)
            seed_cairn(cairn_db, ids["cairn"], runs, first)
        # As autovacuum leaves them within a minute of a bulk load: statistics, and the
        # visibility map that index-only scans read instead of the table.
        team_backends.vacuum_analyze(mlflow_db)
        team_backends.vacuum_analyze(cairn_db)
        print(f"{args.runs:,} runs (and {args.other_runs:,} in another experiment) in each store "
              f"in {time.perf_counter() - started:.0f} s")
        results = {name: time_searches(url, ids[name], args.samples)
                   for name, url in [("mlflow", mlflow_url), ("cairn", cairn_url)]}
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        backends.stop()
    print(f"\n{'runs/search, page of 100':<58}{'mlflow ms':>10}{'cairn ms':>10}{'ratio':>8}")
    for name, _ in SEARCHES:
        theirs, ours = results["mlflow"][name][0], results["cairn"][name][0]
        print(f"{name:<58}{theirs:>10.1f}{ours:>10.1f}{theirs / ours:>7.1f}×")


if __name__ == "__main__":
    main()
