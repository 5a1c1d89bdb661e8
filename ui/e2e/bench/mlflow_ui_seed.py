"""Logs the side-by-side UI bench's runs through the real mlflow client into one tracking server.

Two experiments, the same contents on every server the bench seeds:

- `ui-bench-table`: RUNS runs (default 10,000), each with 3 params and 3 metrics (one point each),
  made by `MlflowClient.create_run` and one `log_batch` per run, from 8 threads;
- `ui-bench-compare`: 10 runs, each with `loss` and `accuracy` over 2,000 steps (`log_batch` of
  1,000 points at a time).

Everything goes through MLflow's REST API (the client's own requests), so `cairn serve` and
`mlflow server` get the same requests. Prints one JSON line: the experiments' ids and the compare
runs' ids. Run with the repository's venv (scripts/mlflow-venv.sh):

    .venv/bin/python ui/e2e/bench/mlflow_ui_seed.py --tracking-uri http://127.0.0.1:5000 --runs 10000
"""

import argparse
import concurrent.futures
import json
import math
import sys
import time

from mlflow.entities import Metric, Param
from mlflow.tracking import MlflowClient

OPTIMIZERS = ["adam", "adamw", "sgd", "rmsprop"]


def table_run(client, experiment_id, index, start_ms):
    run = client.create_run(experiment_id, start_time=start_ms + index, run_name=f"sweep-{index:05d}")
    run_id = run.info.run_id
    stamp = start_ms + index
    lr = 10 ** -(1 + index % 4)
    params = [
        Param("lr", str(lr)),
        Param("optimizer", OPTIMIZERS[index % len(OPTIMIZERS)]),
        Param("batch_size", str(32 << (index % 3))),
    ]
    metrics = [
        Metric("val_loss", 1.0 / (1 + index % 97), stamp, 0),
        Metric("val_acc", (index * 7919 % 1000) / 1000, stamp, 0),
        Metric("epochs", float(5 + index % 20), stamp, 0),
    ]
    client.log_batch(run_id, metrics=metrics, params=params)
    return run_id


def compare_run(client, experiment_id, index, steps, start_ms):
    run = client.create_run(experiment_id, start_time=start_ms + index, run_name=f"compare-{index:02d}")
    run_id = run.info.run_id
    points = []
    for step in range(steps):
        stamp = start_ms + step
        loss = 2.0 / (1 + step * (0.002 + index * 0.0004)) + 0.05 * math.sin(step / (7 + index))
        points.append(Metric("loss", loss, stamp, step))
        points.append(Metric("accuracy", 1 - loss / 2.2, stamp, step))
    for at in range(0, len(points), 1000):
        client.log_batch(run_id, metrics=points[at : at + 1000])
    client.log_batch(run_id, params=[Param("lr", str(10 ** -(1 + index % 4))), Param("seed", str(index))])
    client.set_terminated(run_id)
    return run_id


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--compare-runs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    client = MlflowClient(tracking_uri=args.tracking_uri)
    start_ms = 1_764_000_000_000
    began = time.monotonic()
    table = client.create_experiment("ui-bench-table")
    compare = client.create_experiment("ui-bench-compare")
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(lambda i: table_run(client, table, i, start_ms), range(args.runs)))
        compare_ids = list(
            pool.map(lambda i: compare_run(client, compare, i, args.steps, start_ms), range(args.compare_runs))
        )
    print(
        f"seeded {args.tracking_uri} in {time.monotonic() - began:.1f} s",
        file=sys.stderr,
    )
    print(json.dumps({"table_experiment": table, "compare_experiment": compare, "compare_runs": compare_ids}))


if __name__ == "__main__":
    main()
