#!/usr/bin/env python3
"""`runs/search` over 100,000 runs on PostgreSQL, `mlflow server` and `cairn serve` side by
side: one throwaway PostgreSQL cluster (scripts/test-postgres.sh), a database each, and the same
runs in both — 5 params `p{j}` = `v{(i+j)%7}` and 5 metrics `m{j}` = `((i*31+j)%1000)/1000`,
the shapes `benches/mlflow_load.py --team` logs. Both stores are filled in SQL in their own
tables (MLflow's first run and Cairn's schema made by each server through REST first; then
`ANALYZE`), so the fill takes seconds instead of minutes; the searches go through each server's
REST API, median of --samples after a warm-up. Artifacts stay in a folder (no S3 needed here).
With --other-runs N, another experiment of N runs with the same params and metrics is filled
first, as the experiments of a team server share metric names. With --baseline OTHER_CAIRN, a
second `cairn serve` of another build reads the same database, and the two are timed in turns
(each sample of each search goes to one, then the other), so that a change is measured against
the build before it in the same minutes; --no-mlflow leaves MLflow out. Each Cairn server's runs
view (`/app/api/list_runs`: the same searches, a page of 100 and the total above the table) is
timed after.

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
    ("metrics.m1 > 0.99 (newest first)", {"filter": "metrics.m1 > 0.99"}),
    ("attributes.run_name = 'seeded-4242'", {"filter": "attributes.run_name = 'seeded-4242'"}),
    ("order attributes.run_name ASC", {"order_by": ["attributes.run_name ASC"]}),
    ("order params.p1 DESC", {"order_by": ["params.p1 DESC"]}),
    ("attributes.run_name ILIKE '%Seeded-4242%'", {"filter": "attributes.run_name ILIKE '%Seeded-4242%'"}),
    ("attributes.run_name ILIKE '%zzz%' (no run)", {"filter": "attributes.run_name ILIKE '%zzz%'"}),
    ("attributes.run_name ILIKE '%ab%' (two letters, no run)", {"filter": "attributes.run_name ILIKE '%ab%'"}),
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


def time_in_turns(servers, samples, send, answer):
    """Median ms of each search on each server (name -> (url, experiment id)), with what
    `answer(reply)` reads from its last reply; `send(session, url, experiment_id, body)` makes
    one request. One kept-alive session per server, as the mlflow client sends its requests
    (`mlflow.utils.request_utils` keeps a `requests.Session` per process); the servers take
    turns, one sample each, after a warm-up. Answers {name: {search: (ms, answer)}}."""
    sessions = {name: requests.Session() for name in servers}
    found = {name: {} for name in servers}
    for search, body in SEARCHES:
        times = {name: [] for name in servers}
        replies = {}
        for sample in range(samples + 1):
            for name, (url, experiment_id) in servers.items():
                started = time.perf_counter()
                reply = send(sessions[name], url, experiment_id, body)
                elapsed = time.perf_counter() - started
                reply.raise_for_status()
                if sample > 0:  # the first is a warm-up
                    times[name].append(elapsed)
                replies[name] = reply
        for name in servers:
            found[name][search] = (statistics.median(times[name]) * 1000, answer(replies[name]))
    return found


def time_searches(servers, samples):
    """`runs/search`, a page of 100: each server's median and the names of the runs found."""
    def send(session, url, experiment_id, body):
        request = {"experiment_ids": [experiment_id], "max_results": 100, **body}
        return session.post(url + "/api/2.0/mlflow/runs/search", json=request)

    def answer(reply):
        return [run["info"]["run_name"] for run in reply.json().get("runs", [])]
    return time_in_turns(servers, samples, send, answer)


def time_runs_view(servers, samples):
    """Cairn's runs view (`/app/api/list_runs`: a page of 100 with the total it shows above the
    table) on each Cairn server: its median and that total."""
    def send(session, url, experiment_id, body):
        request = {"experiment_ids": [experiment_id], "max_results": 100, "offset": 0,
                   "deleted": False, "filter": body.get("filter", ""),
                   "order_by": body.get("order_by", [])}
        return session.post(url + "/app/api/list_runs", json={"request": request},
                            headers={"Origin": url})

    return time_in_turns(servers, samples, send, lambda reply: reply.json()["total_count"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cairn", default="target/release/cairn")
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--other-runs", type=int, default=0,
                        help="runs of the same shapes in another experiment, filled first")
    parser.add_argument("--baseline", help="another cairn binary, timed in turns on the same database")
    parser.add_argument("--no-mlflow", action="store_true", help="leave MLflow out")
    args = parser.parse_args()
    backends = team_backends.TeamBackends(free_port)
    folder = tempfile.mkdtemp(prefix="team-search-")
    processes = []
    try:
        urls = {}
        if not args.no_mlflow:
            mlflow_db = backends.database("mlflow_search")
            mlflow, urls["mlflow"] = start_mlflow(folder, (mlflow_db, f"{folder}/mlflow-artifacts", {}))
            processes.append(mlflow)
            wait_healthy(urls["mlflow"], mlflow)
        cairn_db = backends.database("cairn_search")
        cairn, urls["cairn"] = start_cairn(os.path.abspath(args.cairn), folder, (cairn_db, f"{folder}/cairn-artifacts", {}))
        processes.append(cairn)
        wait_healthy(urls["cairn"], cairn)
        started = time.perf_counter()
        # --other-runs: first an experiment of that many runs with the same params and metrics,
        # as a team server's experiments share metric names.
        for experiment, runs, first in [("other", args.other_runs, args.runs),
                                        ("search", args.runs, 0)]:
            if runs == 0:
                continue
            ids = {}
            for name, url in urls.items():
                reply = requests.post(url + "/api/2.0/mlflow/experiments/create",
                                      json={"name": experiment})
                reply.raise_for_status()
                ids[name] = reply.json()["experiment_id"]
            if "mlflow" in urls:
                requests.post(urls["mlflow"] + "/api/2.0/mlflow/runs/create",
                              json={"experiment_id": ids["mlflow"],
                                    "start_time": 1700000000000}).raise_for_status()
                team_backends.seed_mlflow_runs(mlflow_db, ids["mlflow"], first + 1, first + runs)
            seed_cairn(cairn_db, ids["cairn"], runs, first)
        # As autovacuum leaves them within a minute of a bulk load: statistics, and the
        # visibility map that index-only scans read instead of the table.
        if "mlflow" in urls:
            team_backends.vacuum_analyze(mlflow_db)
        team_backends.vacuum_analyze(cairn_db)
        print(f"{args.runs:,} runs (and {args.other_runs:,} in another experiment) in each store "
              f"in {time.perf_counter() - started:.0f} s")
        if args.baseline:
            baseline_folder = os.path.join(folder, "baseline")
            os.makedirs(baseline_folder)
            baseline, urls["baseline"] = start_cairn(
                os.path.abspath(args.baseline), baseline_folder,
                (cairn_db, f"{folder}/cairn-artifacts", {}))
            processes.append(baseline)
            wait_healthy(urls["baseline"], baseline)
            ids["baseline"] = ids["cairn"]
        results = time_searches({name: (url, ids[name]) for name, url in urls.items()},
                                args.samples)
        views = time_runs_view({name: (url, ids[name]) for name, url in urls.items()
                                if name != "mlflow"}, args.samples)
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        backends.stop()
    names = list(results)
    header = "".join(f"{name + ' ms':>12}" for name in names)
    ratios = [(other, "cairn") for other in ("mlflow", "baseline") if other in results]
    header += "".join(f"{other + '/cairn':>16}" for other, _ in ratios)
    print(f"\n{'runs/search, page of 100':<58}{header}")
    for search, _ in SEARCHES:
        line = "".join(f"{results[name][search][0]:>12.1f}" for name in names)
        line += "".join(f"{results[other][search][0] / results[ours][search][0]:>15.2f}×"
                        for other, ours in ratios)
        print(f"{search:<58}{line}")
    view_names = list(views)
    header = "".join(f"{name + ' ms':>12}" for name in view_names)
    if "baseline" in views:
        header += f"{'baseline/cairn':>16}"
    print(f"\n{'Cairn runs view (page of 100 and its total)':<58}{header}{'total':>10}")
    for search, _ in SEARCHES:
        line = "".join(f"{views[name][search][0]:>12.1f}" for name in view_names)
        if "baseline" in views:
            line += f"{views['baseline'][search][0] / views['cairn'][search][0]:>15.2f}×"
        print(f"{search:<58}{line}{views['cairn'][search][1]:>10,}")
    if "baseline" in results:
        for search, _ in SEARCHES:
            assert results["baseline"][search][1] == results["cairn"][search][1], search
            assert views["baseline"][search][1] == views["cairn"][search][1], search

if __name__ == "__main__":
    main()
