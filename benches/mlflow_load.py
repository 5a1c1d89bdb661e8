#!/usr/bin/env python3
"""Drives `mlflow server` (SQLite backend) and `cairn serve` with the same REST requests and prints
a side-by-side table:

  * log-batch throughput: 1,000 metrics per request, 4 concurrent clients;
  * runs/search over N runs (default 10,000), each with params and metrics;
  * metrics/get-history of a 100,000-point metric, paged 25,000 at a time as the client does,
    and get-history-bulk-interval of it (the UI's sampled read, 2,500 points);
  * metrics/get-history-bulk (the UI's chart read, /ajax-api only) of 10 runs x 100,000 points:
    both servers answer at most 25,000 points, the first run's, in timestamp order;
  * the server's memory: resident set size of its processes (read from /proc/PID/status:
    VmHWM, the kernel's high-water mark, and VmRSS sampled every 100 ms), over the whole run;
  * `mlflow.log_artifact` of a 1 GB file (`--upload-mb`) with the real client and
    MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true (default 10 MB parts): MB/s, the server's peak
    sampled RSS during the upload, and which way the bytes went — `mlflow server` with a local
    `--artifacts-destination` answers mpu/create with NOT_IMPLEMENTED and the client falls back
    to one proxied PUT; `--only-upload` measures just this.

Run from the repository root with the venv of scripts/test-mlflow-compat.sh:

  cargo build --release -p cairn-cli
  .venv/bin/python benches/mlflow_load.py --cairn target/release/cairn

  # only the get-history-bulk workload:
  .venv/bin/python benches/mlflow_load.py --cairn target/release/cairn --history-bulk-only

Everything goes to 127.0.0.1 servers this script starts and stops; every loop is bounded.
"""

import argparse
import concurrent.futures
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url, process, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy")


def start_mlflow(folder):
    port = free_port()
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{folder}/mlflow.db",
        "--artifacts-destination", f"{folder}/artifacts",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]
    log = open(os.path.join(folder, "mlflow.log"), "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def start_cairn(binary, folder):
    port = free_port()
    command = [binary, "--store", f"{folder}/cairn.db", "serve", "--port", str(port)]
    log = open(os.path.join(folder, "cairn.log"), "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def process_tree(pid):
    """The pid and its descendants (mlflow server runs its workers as child processes)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except OSError:
            pass
    return found


def memory_kib(pid):
    """(VmRSS, VmHWM) of one process in KiB; zeros when it is gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    fields[name] = int(value.split()[0])
    except OSError:
        pass
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


class RssSampler(threading.Thread):
    """Samples the summed VmRSS of a process tree every 100 ms and keeps each process's VmHWM."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stopped = pid, threading.Event()
        self.peak_rss_kib, self.hwm_kib = 0, {}

    def sample(self):
        total = 0
        for pid in process_tree(self.pid):
            rss, hwm = memory_kib(pid)
            total += rss
            self.hwm_kib[pid] = max(self.hwm_kib.get(pid, 0), hwm)
        self.peak_rss_kib = max(self.peak_rss_kib, total)

    def run(self):
        while not self.stopped.wait(0.1):
            self.sample()

    def stop(self):
        """(largest sampled RSS, summed VmHWM) in MB."""
        self.sample()
        self.stopped.set()
        self.join()
        return self.peak_rss_kib / 1024, sum(self.hwm_kib.values()) / 1024


def api(session, url, method, path, **kwargs):
    response = session.request(method, f"{url}/api/2.0/mlflow/{path}", timeout=600, **kwargs)
    response.raise_for_status()
    return response.json()


def new_experiment(session, url, name):
    return api(session, url, "POST", "experiments/create", json={"name": name})["experiment_id"]


def new_run(session, url, experiment_id):
    body = {"experiment_id": experiment_id, "start_time": int(time.time() * 1000)}
    return api(session, url, "POST", "runs/create", json=body)["run"]["info"]["run_id"]


def metrics_batch(key, start, count):
    now = int(time.time() * 1000)
    return [{"key": key, "value": (i % 997) / 997.0, "timestamp": now, "step": i}
            for i in range(start, start + count)]


def bench_log_batch(url, requests_per_client, clients=4):
    setup = requests.Session()
    experiment_id = new_experiment(setup, url, "load-log-batch")

    def client(index):
        session = requests.Session()
        run_id = new_run(session, url, experiment_id)
        for request_index in range(requests_per_client):
            body = {"run_id": run_id,
                    "metrics": metrics_batch("loss", request_index * 1000, 1000)}
            api(session, url, "POST", "runs/log-batch", json=body)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    return clients * requests_per_client * 1000 / elapsed


def bench_search(url, run_count, workers=4, big_page=False):
    session = requests.Session()
    experiment_id = new_experiment(session, url, "load-search")

    def make(index):
        local = requests.Session()
        run_id = new_run(local, url, experiment_id)
        body = {"run_id": run_id,
                "params": [{"key": f"p{j}", "value": f"v{(index + j) % 7}"} for j in range(5)],
                "metrics": [{"key": f"m{j}", "value": ((index * 31 + j) % 1000) / 1000.0,
                             "timestamp": 0, "step": 0} for j in range(5)]}
        api(local, url, "POST", "runs/log-batch", json=body)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(make, range(run_count)))
    fill_seconds = time.perf_counter() - started
    queries = {
        "search: metrics.m1 > 0.5 and params.p1 = 'v3', order metrics.m2 DESC": {
            "filter": "metrics.m1 > 0.5 and params.p1 = 'v3'", "order_by": ["metrics.m2 DESC"]},
        "search: no filter, order start_time DESC": {"filter": "", "order_by": []},
    }
    if big_page:
        # What mlflow.search_runs() asks: pages of 10,000 runs.
        queries["search: no filter, one page of 10,000 runs"] = {
            "filter": "", "order_by": [], "max_results": 10_000}
    timings = {}
    for label, query in queries.items():
        body = {"experiment_ids": [experiment_id], "max_results": 100, **query}
        api(session, url, "POST", "runs/search", json=body)  # warm
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            api(session, url, "POST", "runs/search", json=body)
            samples.append(time.perf_counter() - started)
        timings[label] = sorted(samples)[len(samples) // 2] * 1000
    return fill_seconds, timings


def bench_history(url, points):
    session = requests.Session()
    experiment_id = new_experiment(session, url, "load-history")
    run_id = new_run(session, url, experiment_id)
    for start in range(0, points, 1000):
        api(session, url, "POST", "runs/log-batch",
            json={"run_id": run_id, "metrics": metrics_batch("long", start, 1000)})
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        token, received = None, 0
        for _ in range(points // 25000 + 2):
            params = {"run_id": run_id, "metric_key": "long", "max_results": 25000}
            if token:
                params["page_token"] = token
            page = api(session, url, "GET", "metrics/get-history", params=params)
            received += len(page.get("metrics", []))
            token = page.get("next_page_token")
            if not token:
                break
        assert received == points, received
        samples.append(time.perf_counter() - started)
    bulk = []
    for _ in range(3):
        started = time.perf_counter()
        page = api(session, url, "GET", "metrics/get-history-bulk-interval",
                   params={"run_ids": [run_id], "metric_key": "long", "max_results": 2500})
        assert 0 < len(page.get("metrics", [])) <= 2 * 2500, len(page.get("metrics", []))
        bulk.append(time.perf_counter() - started)
    return sorted(samples)[1] * 1000, sorted(bulk)[1] * 1000


def bench_history_bulk(url, run_count, points):
    """Median ms of get-history-bulk over `run_count` runs of `points` points each (both servers
    answer MLflow's cap of 25,000 points)."""
    session = requests.Session()
    experiment_id = new_experiment(session, url, "load-history-bulk")
    run_ids = [new_run(session, url, experiment_id) for _ in range(run_count)]

    def fill(run_id):
        local = requests.Session()
        for start in range(0, points, 1000):
            api(local, url, "POST", "runs/log-batch",
                json={"run_id": run_id, "metrics": metrics_batch("curve", start, 1000)})

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(fill, run_ids))
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        response = session.get(f"{url}/ajax-api/2.0/mlflow/metrics/get-history-bulk",
                               params={"run_id": run_ids, "metric_key": "curve"}, timeout=600)
        response.raise_for_status()
        answered = len(response.json()["metrics"])
        assert answered == min(25_000, run_count * points), answered
        samples.append(time.perf_counter() - started)
    return sorted(samples)[1] * 1000


def measure_history_bulk(name, url, args, rows):
    print(f"[{name}] history bulk ...", file=sys.stderr)
    millis = bench_history_bulk(url, args.bulk_runs, args.points)
    label = (f"get-history-bulk of {args.bulk_runs} runs x {args.points:,} points, "
             f"25,000 answered (ms)")
    rows[label] = f"{millis:.0f}"
    return rows


def write_random_file(path, size_mb):
    """`size_mb` MiB of random bytes, written 16 MiB at a time."""
    rng = random.Random(15)
    with open(path, "wb") as file:
        for _ in range(0, size_mb, 16):
            file.write(rng.randbytes(16 * 1024 * 1024))


def bench_upload(url, pid, size_mb, folder):
    """Logs a `size_mb` MiB file with the real client, proxy multipart upload on; answers
    (MB/s, server RSS before it and its peak sampled during it in MB, how it travelled)."""
    import mlflow
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    os.environ["MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD"] = "true"
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    local = os.path.join(folder, "checkpoint.bin")
    write_random_file(local, size_mb)
    outcome = {}
    original = HttpArtifactRepository.create_multipart_upload

    def recording(self, local_file, num_parts=1, artifact_path=None):
        try:
            created = original(self, local_file, num_parts, artifact_path)
        except Exception as error:
            outcome["refused"] = getattr(getattr(error, "response", None), "status_code", error)
            raise
        outcome["parts"] = len(created.credentials)
        return created

    HttpArtifactRepository.create_multipart_upload = recording
    mlflow.set_tracking_uri(url)
    mlflow.set_experiment("load-upload")
    try:
        with mlflow.start_run():
            sampler = RssSampler(pid)
            sampler.sample()
            before_rss = sampler.peak_rss_kib / 1024
            sampler.start()
            started = time.perf_counter()
            mlflow.log_artifact(local)
            seconds = time.perf_counter() - started
            peak_rss, _ = sampler.stop()
    finally:
        HttpArtifactRepository.create_multipart_upload = original
        os.remove(local)
    if "parts" in outcome:
        how = f"mpu, {outcome['parts']} parts"
    else:
        how = f"plain PUT (mpu: {outcome.get('refused', 'not tried')})"
    return size_mb * 1024 * 1024 / 1e6 / seconds, before_rss, peak_rss, how


def measure_upload(name, url, pid, args, folder):
    print(f"[{name}] upload of {args.upload_mb} MiB ...", file=sys.stderr)
    rate, before_rss, peak_rss, how = bench_upload(url, pid, args.upload_mb, folder)
    return {
        f"log_artifact of {args.upload_mb:,} MiB, proxy multipart on (MB/s)": f"{rate:.0f}",
        "  server RSS before it (MB)": f"{before_rss:.1f}",
        "  peak sampled server RSS during it (MB)": f"{peak_rss:.1f}",
        "  how the bytes travelled": how,
    }


def measure(name, url, args):
    if args.history_bulk_only:
        return measure_history_bulk(name, url, args, {})
    print(f"[{name}] log-batch ...", file=sys.stderr)
    rows = {"log-batch, 1,000 metrics/request, 4 clients (metrics/s)":
            f"{bench_log_batch(url, args.batches):,.0f}"}
    print(f"[{name}] filling {args.runs} runs ...", file=sys.stderr)
    fill, searches = bench_search(url, args.runs, big_page=args.big_page)
    rows[f"create {args.runs:,} runs with 5 params + 5 metrics, 4 clients (s)"] = f"{fill:.1f}"
    for label, millis in searches.items():
        rows[f"{label} (ms)"] = f"{millis:.1f}"
    print(f"[{name}] history ...", file=sys.stderr)
    paged, bulk = bench_history(url, args.points)
    rows[f"get-history of a {args.points:,}-point metric, pages of 25,000 (ms)"] = f"{paged:.0f}"
    rows["get-history-bulk-interval of it, 2,500 points (ms)"] = f"{bulk:.1f}"
    return measure_history_bulk(name, url, args, rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default="target/release/cairn", help="the cairn binary")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=25, help="log-batch requests per client")
    parser.add_argument("--bulk-runs", type=int, default=10,
                        help="runs read by get-history-bulk, each of --points points")
    parser.add_argument("--history-bulk-only", action="store_true",
                        help="measure only get-history-bulk")
    parser.add_argument("--only", choices=["cairn", "mlflow"], help="measure one server only")
    parser.add_argument("--big-page", action="store_true",
                        help="also search one page of 10,000 runs (mlflow.search_runs's page size)")
    parser.add_argument("--upload-mb", type=int, default=1024,
                        help="size of the file logged through proxy multipart upload (0: skip)")
    parser.add_argument("--only-upload", action="store_true",
                        help="measure only the multipart upload")
    args = parser.parse_args()
    results = {}
    for name in ["mlflow", "cairn"]:
        if args.only and args.only != name:
            continue
        folder = tempfile.mkdtemp(prefix=f"load-{name}-")
        process, url = (start_mlflow(folder) if name == "mlflow"
                        else start_cairn(os.path.abspath(args.cairn), folder))
        try:
            wait_healthy(url, process)
            results[name] = {}
            if not args.only_upload:
                sampler = RssSampler(process.pid)
                sampler.start()
                results[name] = measure(name, url, args)
                peak_rss, hwm = sampler.stop()
                results[name]["server memory: peak sampled RSS (MB)"] = f"{peak_rss:.1f}"
                results[name]["server memory: VmHWM, summed over its processes (MB)"] = (
                    f"{hwm:.1f}")
            if args.upload_mb > 0 and not args.history_bulk_only:
                results[name].update(measure_upload(name, url, process.pid, args, folder))
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            shutil.rmtree(folder, ignore_errors=True)
    labels = list(next(iter(results.values())).keys())
    width = max(len(label) for label in labels)
    names = list(results)
    column = max([14] + [len(str(value)) for rows in results.values() for value in rows.values()])
    print(f"{'workload':<{width}}  " + "  ".join(f"{n:>{column}}" for n in names))
    for label in labels:
        print(f"{label:<{width}}  "
              + "  ".join(f"{results[n][label]:>{column}}" for n in names))


if __name__ == "__main__":
    main()
