#!/usr/bin/env python3
"""What accounts cost: the same `cairn serve` binary on three fresh store files, one without
accounts and two with `--auth users` (a non-admin user with MANAGE on the experiment through
being its creator, default permission NO_PERMISSIONS; one server is called with Basic
credentials, the other with a token, so that each store holds one workload's data), driven
with the same REST requests:

  * log-batch throughput: 1,000 metrics per request, 4 concurrent clients, each on its own run,
    for --seconds seconds; with accounts once with Basic credentials (MLFLOW_TRACKING_USERNAME /
    PASSWORD: argon2 is verified once, then the verified pair is reused) and once with a personal
    token (MLFLOW_TRACKING_TOKEN);
  * a runs/search page: 100 of --runs runs, filtered on a metric and ordered by it, median of 200.

Each workload runs --rounds times, alternating the two servers, and the best round counts (the
machine's other work only ever slows a round down).

Run from the repository root with the venv of scripts/test-mlflow-compat.sh:

  cargo build --release -p cairn-cli
  .venv/bin/python benches/auth_overhead.py --cairn target/release/cairn
"""

import argparse
import base64
import os
import statistics
import subprocess
import tempfile
import threading
import time

import requests

from mlflow_load import free_port, wait_healthy

PASSWORD = "bench passphrase"


def start(binary, folder, accounts):
    port = free_port()
    command = [binary, "--store", f"{folder}/cairn.db", "serve", "--port", str(port)]
    env = dict(os.environ)
    if accounts:
        command += ["--auth", "users", "--default-permission", "NO_PERMISSIONS"]
        env.update(CAIRN_ADMIN_USERNAME="root", CAIRN_ADMIN_PASSWORD=PASSWORD)
    log = open(os.path.join(folder, "serve.log"), "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process)
    return process, url


def basic(user):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()}


def log_batch_rate(url, headers, experiment, seconds):
    """Metric points per second over 4 clients, each logging to its own run."""
    session = requests.Session()
    runs = [session.post(url + "/api/2.0/mlflow/runs/create", headers=headers,
                         json={"experiment_id": experiment}).json()["run"]["info"]["run_id"]
            for _ in range(4)]
    counts = [0] * 4
    stop = time.time() + seconds

    def client(index):
        own = requests.Session()
        step = 0
        while time.time() < stop:
            metrics = [{"key": f"m{k % 10}", "value": k * 0.5, "timestamp": 1_700_000_000_000 + step,
                        "step": step} for k in range(1000)]
            step += 1
            reply = own.post(url + "/api/2.0/mlflow/runs/log-batch", headers=headers,
                             json={"run_id": runs[index], "metrics": metrics})
            reply.raise_for_status()
            counts[index] += 1000

    threads = [threading.Thread(target=client, args=(index,)) for index in range(4)]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.time() - started)


def fill(url, headers, experiment, runs):
    session = requests.Session()
    for index in range(runs):
        # The user tag the mlflow client always sends (with accounts, the server sets it), so
        # that both stores hold the same runs.
        run = session.post(url + "/api/2.0/mlflow/runs/create", headers=headers, json={
            "experiment_id": experiment, "tags": [{"key": "mlflow.user", "value": "ana"}],
        }).json()["run"]["info"]["run_id"]
        session.post(url + "/api/2.0/mlflow/runs/log-batch", headers=headers, json={
            "run_id": run,
            "params": [{"key": "lr", "value": str(index % 7)}],
            "metrics": [{"key": "loss", "value": (index % 100) / 100, "timestamp": 1, "step": 0}],
        }).raise_for_status()


def search_ms(url, headers, experiment):
    session = requests.Session()
    body = {"experiment_ids": [experiment], "filter": "metrics.loss < 0.5",
            "order_by": ["metrics.loss ASC"], "max_results": 100}
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        reply = session.post(url + "/api/2.0/mlflow/runs/search", headers=headers, json=body)
        reply.raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cairn", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as open_dir, tempfile.TemporaryDirectory() as team_dir, \
            tempfile.TemporaryDirectory() as token_dir:
        plain, plain_url = start(args.cairn, open_dir, accounts=False)
        team, team_url = start(args.cairn, team_dir, accounts=True)
        tokens, token_url = start(args.cairn, token_dir, accounts=True)
        try:
            for url in (team_url, token_url):
                requests.post(url + "/api/2.0/mlflow/users/create", headers=basic("root"),
                              json={"username": "ana", "password": PASSWORD}).raise_for_status()
            token = requests.post(token_url + "/api/2.0/cairn/tokens/create", headers=basic("ana"),
                                  json={"name": "bench"}).json()["secret"]
            bearer = {"Authorization": f"Bearer {token}"}
            experiments = {}
            for name, url, headers in [("off", plain_url, {}), ("on", team_url, basic("ana")),
                                       ("token", token_url, bearer)]:
                experiments[name] = requests.post(url + "/api/2.0/mlflow/experiments/create",
                                                  headers=headers, json={"name": "bench"}).json()["experiment_id"]
            off = on_basic = on_token = 0.0
            for _ in range(args.rounds):
                off = max(off, log_batch_rate(plain_url, {}, experiments["off"], args.seconds))
                on_basic = max(on_basic, log_batch_rate(team_url, basic("ana"), experiments["on"], args.seconds))
                on_token = max(on_token, log_batch_rate(token_url, bearer, experiments["token"], args.seconds))
            rows.append(("log-batch, points/s (4 clients)", f"{off:,.0f}",
                         f"{on_basic:,.0f} (Basic)", f"{(off - on_basic) / off * 100:+.1f}% cost"))
            rows.append(("", "", f"{on_token:,.0f} (token)", f"{(off - on_token) / off * 100:+.1f}% cost"))
            fill(plain_url, {}, experiments["off"], args.runs)
            fill(team_url, basic("ana"), experiments["on"], args.runs)
            fill(token_url, bearer, experiments["token"], args.runs)
            search_off = search_basic = search_token = float("inf")
            for _ in range(args.rounds):
                search_off = min(search_off, search_ms(plain_url, {}, experiments["off"]))
                search_basic = min(search_basic, search_ms(team_url, basic("ana"), experiments["on"]))
                search_token = min(search_token, search_ms(token_url, bearer, experiments["token"]))
            rows.append((f"runs/search page (100 of {args.runs:,}), ms", f"{search_off:.2f}",
                         f"{search_basic:.2f} (Basic)", f"{(search_basic - search_off) / search_off * 100:+.1f}% cost"))
            rows.append(("", "", f"{search_token:.2f} (token)", f"{(search_token - search_off) / search_off * 100:+.1f}% cost"))
        finally:
            for process in (plain, team, tokens):
                process.terminate()
                process.wait(timeout=10)
    print(f"{'workload':40} {'accounts off':>14} {'accounts on':>22} {'':>12}")
    for row in rows:
        print(f"{row[0]:40} {row[1]:>14} {row[2]:>22} {row[3]:>12}")


if __name__ == "__main__":
    main()
