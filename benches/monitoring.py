#!/usr/bin/env python3
"""What monitoring a model costs on `cairn serve`: a registered version with a 50,000-row
reference of 20 columns (16 numeric, 4 categorical), then production batches of --rows rows
(with labels and predictions) sent --batches times as CSV and as MLflow's `dataframe_split`
JSON; the median time from request to judged-and-stored answer, and rows judged per second.
Then --versions more versions, each with one batch, and the median time of a `/metrics` scrape
that exports all their gauges.

  cargo build --release -p cairn-cli
  .venv/bin/python benches/monitoring.py --cairn target/release/cairn
"""

import argparse
import io
import socket
import statistics
import subprocess
import tempfile
import time

import numpy as np
import pandas as pd
import requests


def frame(rng, rows, shift=0.0):
    data = {f"num{c:02d}": rng.normal(c + (shift if c % 4 == 0 else 0.0), 1.0, rows).round(5) for c in range(16)}
    cats = np.array(["a", "b", "c", "d", "e"])
    for c in range(4):
        data[f"cat{c}"] = cats[rng.integers(0, 5, rows)]
    label = (rng.random(rows) < 0.3).astype(int)
    data["label"] = label
    data["prediction"] = np.clip(0.3 + 0.4 * (label - 0.3) + rng.normal(0, 0.2, rows), 0, 1).round(4)
    return pd.DataFrame(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cairn", required=True)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--versions", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    with tempfile.TemporaryDirectory() as work:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([args.cairn, "--store", f"{work}/cairn.db", "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if requests.get(url + "/health", timeout=1).text == "OK":
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            api = url + "/api/2.0"
            requests.post(api + "/mlflow/registered-models/create", json={"name": "m"}).raise_for_status()
            for _ in range(args.versions + 1):
                requests.post(api + "/mlflow/model-versions/create", json={"name": "m", "source": "models:/m/x"}).raise_for_status()
            reference = frame(rng, 50_000).drop(columns=["prediction"]).to_csv(index=False).encode()
            start = time.perf_counter()
            requests.post(api + "/cairn/monitoring/reference", params={"name": "m", "version": "1"},
                          data=reference, headers={"Content-Type": "text/csv"}).raise_for_status()
            reference_seconds = time.perf_counter() - start
            results = {}
            for kind in ["csv", "json"]:
                times = []
                for index in range(args.batches):
                    batch = frame(rng, args.rows, shift=0.2 * (index % 3))
                    if kind == "csv":
                        body = {"data": batch.to_csv(index=False).encode(), "headers": {"Content-Type": "text/csv"},
                                "params": {"name": "m", "version": "1", "label": f"b{index}"}}
                    else:
                        body = {"json": {"name": "m", "version": "1", "label": f"b{index}",
                                         "dataframe_split": batch.to_dict(orient="split", index=False)}}
                    start = time.perf_counter()
                    reply = requests.post(api + "/cairn/monitoring/batches", **body)
                    times.append(time.perf_counter() - start)
                    reply.raise_for_status()
                results[kind] = statistics.median(times)
            small = frame(rng, 500).to_csv(index=False).encode()
            for version in range(2, args.versions + 2):
                requests.post(api + "/cairn/monitoring/reference", params={"name": "m", "version": str(version)},
                              data=small, headers={"Content-Type": "text/csv"}).raise_for_status()
                requests.post(api + "/cairn/monitoring/batches", params={"name": "m", "version": str(version)},
                              data=small, headers={"Content-Type": "text/csv"}).raise_for_status()
            scrapes = []
            for _ in range(20):
                start = time.perf_counter()
                text = requests.get(url + "/metrics").text
                scrapes.append(time.perf_counter() - start)
            gauges = sum(1 for line in text.splitlines() if line.startswith(("cairn_drift", "cairn_model", "cairn_monitoring")))
        finally:
            server.terminate()
            server.wait()
    print(f"reference: 50,000 rows × 19 columns set in {reference_seconds * 1000:.0f} ms")
    print(f"{'batch of ' + format(args.rows, ',') + ' rows × 20 columns':<40}{'median ms':>10}{'rows/s':>12}")
    for kind, label in [("csv", "as CSV"), ("json", "as dataframe_split JSON")]:
        print(f"{'  ' + label:<40}{results[kind] * 1000:>10.0f}{args.rows / results[kind]:>12,.0f}")
    print(f"/metrics with {args.versions + 1} monitored versions ({gauges} monitoring samples): "
          f"median {statistics.median(scrapes) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
