"""`cairn push` throughput: RUNS runs x POINTS metric points (10 metrics) pushed from a laptop's
store file to a local team server (`cairn serve` on SQLite), timed end to end.

The laptop's store is made without Python in the hot path: an MLflow file store (mlruns/) is
written as plain text, then imported with `cairn index`. Then `cairn serve` starts on a new store
and `cairn push ... --to http://127.0.0.1:PORT --json` is timed; the push is run a second time
to time the check that finds nothing to send.

    cargo build --release -p cairn-cli
    python3 benches/push.py --runs 1000 --points 10000 [--workers 4] [--cairn target/release/cairn]
"""

import argparse
import json
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid

METRICS = 10


def write_mlruns(root, runs, points):
    experiment = root / "1"
    experiment.mkdir(parents=True)
    (experiment / "meta.yaml").write_text(
        f"artifact_location: file://{experiment}\nexperiment_id: '1'\n"
        "lifecycle_stage: active\nname: push-bench\n"
    )
    ids = []
    per_metric = points // METRICS
    for index in range(runs):
        run_id = uuid.uuid4().hex
        ids.append(run_id)
        run = experiment / run_id
        for folder in ("metrics", "params", "tags", "artifacts"):
            (run / folder).mkdir(parents=True)
        (run / "meta.yaml").write_text(
            f"run_id: {run_id}\nrun_uuid: {run_id}\nexperiment_id: '1'\nuser_id: bench\n"
            f"status: 3\nstart_time: {1_700_000_000_000 + index}\n"
            f"end_time: {1_700_000_100_000 + index}\nlifecycle_stage: active\n"
            f"artifact_uri: file://{run / 'artifacts'}\n"
        )
        (run / "tags" / "mlflow.runName").write_text(f"run-{index}")
        for p in range(8):
            (run / "params" / f"p{p}").write_text(str(p * index))
        for m in range(METRICS):
            lines = "".join(
                f"{1_700_000_000_000 + step} {0.001 * step + m} {step}\n"
                for step in range(per_metric)
            )
            (run / "metrics" / f"m{m}").write_text(lines)
    return ids


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url, process):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("cairn serve ended")
            time.sleep(0.1)
    raise RuntimeError("cairn serve did not start")


def timed_push(cairn, laptop, ids, url, workers):
    started = time.perf_counter()
    done = subprocess.run(
        [cairn, "--store", str(laptop), "push", *ids, "--to", url, "--json",
         "--workers", str(workers)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started, json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--points", type=int, default=10000, help="points per run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cairn", default="target/release/cairn")
    args = parser.parse_args()
    cairn = os.path.abspath(args.cairn)
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        started = time.perf_counter()
        ids = write_mlruns(folder / "mlruns", args.runs, args.points)
        laptop = folder / "laptop.db"
        subprocess.run([cairn, "--store", str(laptop), "index", str(folder / "mlruns")],
                       check=True, capture_output=True)  # fmt: skip
        print(f"laptop store: {args.runs} runs x {args.points} points in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [cairn, "--store", str(folder / "team.db"), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_healthy(url, server)
            seconds, report = timed_push(cairn, laptop, ids, url, args.workers)
            totals = report["totals"]
            assert not report["failed"], report["failed"][:3]
            assert totals["points"] == args.runs * (args.points // METRICS) * METRICS, totals
            print(f"push: {totals['runs']} runs, {totals['points']:,} points in {seconds:.2f} s "
                  f"= {totals['points'] / seconds:,.0f} points/s ({args.workers} workers)")  # fmt: skip
            again, report = timed_push(cairn, laptop, ids, url, args.workers)
            assert report["totals"]["points"] == 0 and report["totals"]["created"] == 0
            print(f"second push (nothing new): {again:.2f} s")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
