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

With `--team` both servers run on the same team backends instead: one throwaway PostgreSQL
cluster (scripts/test-postgres.sh; a database per server) and one SeaweedFS S3 server
(scripts/test-s3.sh; a prefix per server of one bucket), `mlflow server --backend-store-uri
postgresql+psycopg2://... --artifacts-destination s3://... --serve-artifacts` beside `cairn serve
--database postgresql://... --artifacts s3://...`. It measures log-batch, runs/search over
--runs runs (default 100,000: Cairn's all made through REST by 16 clients; MLflow's first
--mlflow-rest-runs through REST the same way, the rest inserted into MLflow's own tables in SQL,
see team_backends.py; both servers run side by side, and once both are filled the searches
are timed in turns, a request to one server then to the other, again after VACUUM ANALYZE of
both databases), get-history of a --points metric (default 1,000,000: Cairn's logged through
log-batch, MLflow's inserted in SQL), the 1 GB upload and download through each server, in
--transfer-rounds rounds (default 3) each right after the same transfer straight to SeaweedFS with
boto3 (medians reported, with each round; a download is timed first by a new client process,
mlflow's through the server and boto3's straight to SeaweedFS, then in this process, and straight
to SeaweedFS once more as one stream by a new process, the shape of mlflow's read), and, on
Cairn only, 16 concurrent writers for 60 s verified point by point. The server's peak RSS is given for each of these phases too. It needs psycopg2-binary and boto3 (benches/requirements.txt) and SeaweedFS
(scripts/s3-venv.sh):

  scripts/mlflow-venv.sh && scripts/s3-venv.sh && .venv/bin/pip install -r benches/requirements.txt
  .venv/bin/python benches/mlflow_load.py --cairn target/release/cairn --team

Everything goes to 127.0.0.1 servers this script starts and stops; every loop is bounded.
"""

import argparse
import concurrent.futures
import os
import random
import shutil
import statistics
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests

import team_backends


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


def start_mlflow(folder, team=None):
    """`mlflow server` on SQLite and a folder, or with `team` = (database URL, artifact URI,
    environment) on PostgreSQL and S3."""
    port = free_port()
    backend, artifacts, env = (f"sqlite:///{folder}/mlflow.db", f"{folder}/artifacts", {})
    if team:
        database, artifacts, env = team
        # SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3: name the driver installed.
        backend = database.replace("postgresql://", "postgresql+psycopg2://", 1)
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", backend, "--artifacts-destination", artifacts,
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ] + (["--serve-artifacts"] if team else [])
    log = open(os.path.join(folder, "mlflow.log"), "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, **env})
    return process, f"http://127.0.0.1:{port}"


def start_cairn(binary, folder, team=None):
    """`cairn serve` on a store file, or with `team` on PostgreSQL and S3."""
    port = free_port()
    command = [binary, "--store", f"{folder}/cairn.db", "serve", "--port", str(port)]
    env = {}
    if team:
        database, artifacts, env = team
        command = [binary, "--database", database, "serve", "--port", str(port),
                   "--artifacts", artifacts]
    log = open(os.path.join(folder, "cairn.log"), "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, **env})
    return process, f"http://127.0.0.1:{port}"


def median_timed(call, samples, budget_seconds):
    """Median seconds of `call()` over `samples` calls, fewer when they pass `budget_seconds`
    (at least one); answers (median, how many)."""
    times, spent = [], 0.0
    while len(times) < samples and (not times or spent < budget_seconds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
        spent += times[-1]
    return sorted(times)[len(times) // 2], len(times)


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
        # The workload running now, and the largest sampled RSS in each.
        self.phase, self.phase_peak_kib = "start", {}

    def enter(self, phase):
        """Samples once, then counts what follows toward `phase`."""
        self.sample()
        self.phase = phase

    def sample(self):
        total = 0
        for pid in process_tree(self.pid):
            rss, hwm = memory_kib(pid)
            total += rss
            self.hwm_kib[pid] = max(self.hwm_kib.get(pid, 0), hwm)
        self.peak_rss_kib = max(self.peak_rss_kib, total)
        self.phase_peak_kib[self.phase] = max(self.phase_peak_kib.get(self.phase, 0), total)

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


def fill_search_experiment(url, run_count, workers=4, rest_runs=None, seed=None):
    """A new experiment of `run_count` runs, the first `rest_runs` (default all) made through
    REST by `workers` clients and the rest by `seed(experiment_id, first, last)`; answers
    (experiment id, seconds the REST fill took, runs made through REST)."""
    session = requests.Session()
    experiment_id = new_experiment(session, url, "load-search")
    rest_runs = run_count if rest_runs is None else min(rest_runs, run_count)

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
        list(pool.map(make, range(rest_runs)))
    fill_seconds = time.perf_counter() - started
    if rest_runs < run_count:
        seed(experiment_id, rest_runs, run_count)
    return experiment_id, fill_seconds, rest_runs


def search_queries(big_page=False):
    """{label: the body's filter and order}: the searches timed over a filled experiment."""
    queries = {
        "search: metrics.m1 > 0.5 and params.p1 = 'v3', order metrics.m2 DESC": {
            "filter": "metrics.m1 > 0.5 and params.p1 = 'v3'", "order_by": ["metrics.m2 DESC"]},
        "search: no filter, order start_time DESC": {"filter": "", "order_by": []},
    }
    if big_page:
        # What mlflow.search_runs() asks: pages of 10,000 runs.
        queries["search: no filter, one page of 10,000 runs"] = {
            "filter": "", "order_by": [], "max_results": 10_000}
    return queries


def bench_search(url, run_count, workers=4, big_page=False, samples=5, budget_seconds=600):
    """Fills an experiment with `run_count` runs through REST and times the searches right
    after; answers (seconds the fill took, {query: median ms})."""
    experiment_id, fill_seconds, _ = fill_search_experiment(url, run_count, workers)
    timings = time_searches_in_turns({"": (url, experiment_id)}, search_queries(big_page), "",
                                     samples, budget_seconds)
    return fill_seconds, timings[""]


# The pause before each timed search of the servers timed in turns.
SETTLE_SECONDS = 0.05


def time_searches_in_turns(targets, queries, when, samples, budget_seconds):
    """Times each query on each of `targets` ({name: (url, experiment id)}) in turns, one
    request to each server then the next (the first alternating), so that the machine's slower
    and faster minutes fall on every server alike; answers {name: {label + when (+ decoding):
    median ms}}. A server stops being asked once its requests took `budget_seconds` (after at
    least one)."""
    sessions = {name: requests.Session() for name in targets}
    timings = {name: {} for name in targets}
    for label, query in queries.items():
        served = {name: [] for name in targets}
        decoded = {name: [] for name in targets}
        spent = dict.fromkeys(targets, 0.0)
        bodies = {name: {"experiment_ids": [experiment_id], "max_results": 100, **query}
                  for name, (_, experiment_id) in targets.items()}
        for name, (url, _) in targets.items():
            api(sessions[name], url, "POST", "runs/search", json=bodies[name])  # warm
        for sample in range(samples):
            # Each server goes first in every other sample, and each request waits for the
            # work the one before it left behind (a server's own logging and collection, its
            # PostgreSQL session's) to settle, so that no server's figure carries another's.
            order = list(targets.items())
            if sample % 2:
                order.reverse()
            for name, (url, _) in order:
                if served[name] and spent[name] >= budget_seconds:
                    continue
                time.sleep(SETTLE_SECONDS)
                taken = timed_search(sessions[name], url, bodies[name])
                served[name].append(taken[0])
                decoded[name].append(taken[1])
                spent[name] += taken[1]
        for name in targets:
            timings[name][f"{label}{when}"] = statistics.median(served[name]) * 1000
            timings[name][f"{label}{when}, and the client's JSON decoding"] = (
                statistics.median(decoded[name]) * 1000)
    return timings


def timed_search(session, url, body):
    """Seconds of one search from request to the last byte of the answer, and of the same plus
    decoding its JSON in this Python client (about 1 ms for a page of 100 runs, whichever server
    sent it: client work, which makes a fast server's figure look slower)."""
    started = time.perf_counter()
    response = session.post(f"{url}/api/2.0/mlflow/runs/search", json=body, timeout=600)
    received = time.perf_counter()
    response.raise_for_status()
    response.json()
    return received - started, time.perf_counter() - started


def bench_history(url, points, seed=None, budget_seconds=1e9):
    """Logs a `points`-point metric (through log-batch, or by `seed(run_id, key, points)`);
    answers (median ms of reading it all in pages of 25,000, median ms of the sampled read,
    how many full reads were timed)."""
    session = requests.Session()
    experiment_id = new_experiment(session, url, "load-history")
    run_id = new_run(session, url, experiment_id)
    if seed:
        seed(run_id, "long", points)
    else:
        for start in range(0, points, 1000):
            api(session, url, "POST", "runs/log-batch",
                json={"run_id": run_id, "metrics": metrics_batch("long", start, 1000)})

    def read_all():
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

    paged, reads = median_timed(read_all, 3, budget_seconds)
    bulk = []
    for _ in range(3):
        started = time.perf_counter()
        page = api(session, url, "GET", "metrics/get-history-bulk-interval",
                   params={"run_ids": [run_id], "metric_key": "long", "max_results": 2500})
        assert 0 < len(page.get("metrics", [])) <= 2 * 2500, len(page.get("metrics", []))
        bulk.append(time.perf_counter() - started)
    return paged * 1000, sorted(bulk)[1] * 1000, reads


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


# A download as a user's `mlflow artifacts download` makes it: a new client process, timed around
# the call alone (the same call in this benchmark's process, after it has made 100,000 runs from
# 16 threads, is measured too, and reported beside it).
DOWNLOAD_CLIENT = """
import sys, time
import mlflow
mlflow.set_tracking_uri(sys.argv[1])
started = time.perf_counter()
path = mlflow.artifacts.download_artifacts(run_id=sys.argv[2], artifact_path=sys.argv[3],
                                           dst_path=sys.argv[4])
print(time.perf_counter() - started, path)
"""


def download_in_new_client(url, run_id, artifact_path, folder):
    """Downloads one artifact with the real client in a new Python process; answers (seconds
    the download took, where the file is)."""
    done = subprocess.run([sys.executable, "-c", DOWNLOAD_CLIENT, url, run_id, artifact_path,
                           folder], capture_output=True, text=True, check=False, timeout=1800,
                          env={**os.environ, "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"})
    if done.returncode != 0:
        raise RuntimeError(f"the download client failed:\n{done.stderr}")
    seconds, path = done.stdout.strip().splitlines()[-1].split(" ", 1)
    return float(seconds), path


def bench_upload(url, pid, local, size_mb, download_to=None):
    """Logs the `size_mb` MiB file `local` with the real client, proxy multipart upload on, and
    with `download_to` (a folder) downloads it back with the client; answers a dict: upload and
    download MB/s, the server's RSS before and its peak sampled during each, how the parts
    travelled."""
    import mlflow
    from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

    os.environ["MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD"] = "true"
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    outcome = {}
    original = HttpArtifactRepository.create_multipart_upload

    def recording(self, local_file, num_parts=1, artifact_path=None):
        try:
            created = original(self, local_file, num_parts, artifact_path)
        except Exception as error:
            outcome["refused"] = getattr(getattr(error, "response", None), "status_code", error)
            raise
        outcome["parts"] = len(created.credentials)
        part_url = created.credentials[0].url if created.credentials else ""
        outcome["through"] = ("the server" if part_url.startswith(url) or "/mlflow-artifacts/"
                              in part_url else "straight to the S3 server (presigned)")
        return created

    HttpArtifactRepository.create_multipart_upload = recording
    mlflow.set_tracking_uri(url)
    mlflow.set_experiment("load-upload")
    megabytes = size_mb * 1024 * 1024 / 1e6
    found = {}
    try:
        with mlflow.start_run() as run:
            sampler = RssSampler(pid)
            sampler.sample()
            found["before_rss"] = sampler.peak_rss_kib / 1024
            sampler.start()
            started = time.perf_counter()
            mlflow.log_artifact(local)
            found["up"] = megabytes / (time.perf_counter() - started)
            found["up_rss"], _ = sampler.stop()
            if download_to:
                team_backends.settle_after_upload()
                sampler = RssSampler(pid)
                sampler.start()
                seconds, back = download_in_new_client(url, run.info.run_id,
                                                       os.path.basename(local), download_to)
                found["down"] = megabytes / seconds
                found["down_rss"], _ = sampler.stop()
                if os.path.getsize(back) != os.path.getsize(local):
                    raise RuntimeError(f"{back} differs in size from {local}")
                os.remove(back)
                # The same call in this process, for comparison.
                started = time.perf_counter()
                back = mlflow.artifacts.download_artifacts(
                    run_id=run.info.run_id, artifact_path=os.path.basename(local),
                    dst_path=download_to)
                found["down_here"] = megabytes / (time.perf_counter() - started)
                if os.path.getsize(back) != os.path.getsize(local):
                    raise RuntimeError(f"{back} differs in size from {local}")
                os.remove(back)
    finally:
        HttpArtifactRepository.create_multipart_upload = original
    if "parts" in outcome:
        found["how"] = f"mpu, {outcome['parts']} parts, {outcome['through']}"
    else:
        found["how"] = f"plain PUT (mpu: {outcome.get('refused', 'not tried')})"
    return found


def measure_upload(name, url, pid, args, folder):
    print(f"[{name}] upload of {args.upload_mb} MiB ...", file=sys.stderr)
    local = os.path.join(folder, "checkpoint.bin")
    write_random_file(local, args.upload_mb)
    try:
        found = bench_upload(url, pid, local, args.upload_mb)
    finally:
        os.remove(local)
    return {
        f"log_artifact of {args.upload_mb:,} MiB, proxy multipart on (MB/s)": f"{found['up']:.0f}",
        "  server RSS before it (MB)": f"{found['before_rss']:.1f}",
        "  peak sampled server RSS during it (MB)": f"{found['up_rss']:.1f}",
        "  how the bytes travelled": found["how"],
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
    paged, bulk, _ = bench_history(url, args.points)
    rows[f"get-history of a {args.points:,}-point metric, pages of 25,000 (ms)"] = f"{paged:.0f}"
    rows["get-history-bulk-interval of it, 2,500 points (ms)"] = f"{bulk:.1f}"
    return measure_history_bulk(name, url, args, rows)


class TeamServer:
    """One server of the team run: its process and backends, its RSS sampler, its rows, and the
    experiment its searches read."""

    def __init__(self, name, process, url, team, database, sampler):
        self.name, self.process, self.url = name, process, url
        self.team, self.database, self.sampler = team, database, sampler
        self.rows, self.search_experiment = {}, None


def fill_team(server, args):
    """log-batch, then the experiment the searches read (Cairn's made through REST, MLflow's
    mostly in SQL, see the module's doc)."""
    name, url, database, rows = server.name, server.url, server.database, server.rows
    seed_runs, rest_runs = None, args.runs
    if name == "mlflow":
        rest_runs = args.mlflow_rest_runs
        seed_runs = lambda e, first, last: team_backends.seed_mlflow_runs(database, e, first, last)
    print(f"[{name}] log-batch ...", file=sys.stderr)
    server.sampler.enter("log-batch")
    rows["log-batch, 1,000 metrics/request, 4 clients (metrics/s)"] = (
        f"{bench_log_batch(url, args.batches):,.0f}")
    print(f"[{name}] filling {args.runs} runs ...", file=sys.stderr)
    server.sampler.enter("runs filled, then searched")
    server.search_experiment, fill, made = fill_search_experiment(
        url, args.runs, workers=16, rest_runs=rest_runs, seed=seed_runs)
    rows["runs made through REST (5 params + 5 metrics), 16 clients; rest in SQL"] = (
        f"{made:,}; {args.runs - made:,}")
    rows["  REST runs made per second"] = f"{made / fill:,.0f}"


def search_team(servers, args):
    """The searches on every server's filled experiment, in turns: once all are filled, then
    again after `VACUUM ANALYZE` of every server's database (as a team server's database is a
    minute later, once autovacuum has been)."""
    targets = {server.name: (server.url, server.search_experiment) for server in servers}
    rounds = [(", all filled", None),
              (", after VACUUM ANALYZE",
               lambda: [team_backends.vacuum_analyze(server.database) for server in servers])]
    for when, before in rounds:
        if before:
            before()
        print(f"[search] timing in turns{when} ...", file=sys.stderr)
        # 25 samples each: a median of 5 moved by half on this kind of shared 2-core machine.
        timings = time_searches_in_turns(targets, search_queries(), when, samples=25,
                                         budget_seconds=60)
        for server in servers:
            for label, millis in timings[server.name].items():
                label = label.replace("search:", f"search {args.runs:,} runs:")
                server.rows[f"{label} (ms)"] = f"{millis:.1f}"


def measure_team_rest(server, args):
    """The workloads after the searches: the history, the 1 GB transfer, Cairn's 16 writers."""
    name, url, rows, sampler = server.name, server.url, server.rows, server.sampler
    if not args.only_upload:
        seed_history = None
        if name == "mlflow":
            seed_history = lambda run_id, key, n: team_backends.seed_mlflow_history(
                server.database, run_id, key, n)
        print(f"[{name}] history of {args.points} points ...", file=sys.stderr)
        sampler.enter("history logged, then read")
        paged, bulk, reads = bench_history(url, args.points, seed=seed_history, budget_seconds=240)
        rows[f"get-history of a {args.points:,}-point metric, pages of 25,000 (ms)"] = f"{paged:,.0f}"
        rows["  full reads timed (median taken)"] = str(reads)
        rows["  points logged through log-batch or inserted in SQL"] = (
            "SQL" if seed_history else "log-batch")
        rows["get-history-bulk-interval of it, 2,500 points (ms)"] = f"{bulk:.1f}"
    if args.upload_mb > 0:
        print(f"[{name}] upload and download of {args.upload_mb} MiB, {args.transfer_rounds} "
              "rounds ...", file=sys.stderr)
        sampler.enter("upload and download")
        rows.update(team_transfer_rounds(url, server.process.pid, args, name, server.team))
    if name == "cairn" and args.writers_seconds > 0:
        print(f"[{name}] 16 writers for {args.writers_seconds} s ...", file=sys.stderr)
        sampler.enter("16 writers")
        found = team_backends.concurrent_writers(url, api, new_experiment, new_run, writers=16,
                                                 seconds=args.writers_seconds)
        rows[f"16 writers x {args.writers_seconds} s, 100 points/request: points stored"] = (
            f"{found['points']:,}")
        rows["  points/s; requests refused or failed"] = f"{found['rate']:,.0f}; {found['errors']}"
        rows["  every acknowledged point stored once (get-history)"] = (
            "yes" if found["exact"] else "NO")


def team_transfer_rounds(url, pid, args, name, team):
    """The 1 GB upload and download through the server, each round right after the same
    transfer straight to the S3 server with boto3, so that each percentage divides two figures
    of the same moment; answers the rows: medians over the rounds, and each round."""
    rounds = []
    for index in range(args.transfer_rounds):
        print(f"[{name}] round {index + 1}: S3 alone, then through the server ...", file=sys.stderr)
        direct = team_backends.direct_transfer(args.team_backends, args.team_file, args.upload_mb)
        rounds.append((direct, team_backends_transfer(url, pid, args, name, team)))
    median = statistics.median
    rows = {}
    for label, index, key in [("log_artifact", 0, "up"), ("download_artifacts", 1, "down")]:
        through = median(found[key] for _, found in rounds)
        alone = median(direct[index] for direct, _ in rounds)
        share = median(found[key] / direct[index] for direct, found in rounds)
        rows[f"{label} of {args.upload_mb:,} MiB, median of {len(rounds)} (MB/s; of S3 alone)"] = (
            f"{through:.0f} ({100 * share:.0f}%)")
        how = ("boto3" if label == "log_artifact"
               else "boto3 in a new process, as mlflow's through the server")
        rows[f"  {label}: S3 alone with {how}, median (MB/s)"] = f"{alone:.0f}"
        rows[f"  {label}: each round, through the server / S3 alone (MB/s)"] = ", ".join(
            f"{found[key]:.0f}/{direct[index]:.0f}" for direct, found in rounds)
    rows["  download_artifacts, new process: of S3 alone read as one stream by a new process "
         "(boto3 get_object, 1 MiB writes), median"] = (
        f"{median(direct[3] for direct, _ in rounds):.0f} MB/s; "
        f"{100 * median(found['down'] / direct[3] for direct, found in rounds):.0f}%")
    rows["  download_artifacts in this benchmark's own process, median (of S3 alone in it)"] = (
        f"{median(found['down_here'] for _, found in rounds):.0f} "
        f"({100 * median(found['down_here'] / direct[2] for direct, found in rounds):.0f}%)")
    rows["  download_artifacts in this benchmark's own process, each round, through the server / "
         "S3 alone (MB/s)"] = ", ".join(
        f"{found['down_here']:.0f}/{direct[2]:.0f}" for direct, found in rounds)
    rows["  how the bytes travelled"] = rounds[0][1]["how"]
    rows["  peak sampled server RSS: upload / download (MB)"] = (
        f"{max(found['up_rss'] for _, found in rounds):.0f} / "
        f"{max(found['down_rss'] for _, found in rounds):.0f}")
    return rows


def team_backends_transfer(url, pid, args, name, team):
    folder = tempfile.mkdtemp(prefix=f"load-{name}-download-")
    try:
        return bench_upload(url, pid, args.team_file, args.upload_mb, download_to=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        args.team_backends.delete_prefix(f"{name}/")


def run_team(args):
    """Both servers on one PostgreSQL cluster and one S3 server, running side by side: each
    filled in turn, the searches timed in turns, then each server's other workloads; answers
    {server: rows}."""
    backends = team_backends.TeamBackends(free_port)
    args.team_backends = backends
    servers, folders = [], []
    try:
        if args.upload_mb > 0:
            args.team_file = os.path.join(backends.folder, "checkpoint.bin")
            write_random_file(args.team_file, args.upload_mb)
        for name in ["mlflow", "cairn"]:
            if args.only and args.only != name:
                continue
            folder = tempfile.mkdtemp(prefix=f"load-{name}-")
            folders.append(folder)
            database = backends.database(f"{name}_bench")
            team = (database, f"s3://{team_backends.BUCKET}/{name}", backends.env)
            process, url = (start_mlflow(folder, team) if name == "mlflow"
                            else start_cairn(os.path.abspath(args.cairn), folder, team))
            sampler = RssSampler(process.pid)
            servers.append(TeamServer(name, process, url, team, database, sampler))
            wait_healthy(url, process)
            sampler.start()
        # --only-upload: the transfer alone.
        if not args.only_upload:
            for server in servers:
                fill_team(server, args)
            search_team(servers, args)
        for server in servers:
            measure_team_rest(server, args)
        results = {}
        for server in servers:
            peak_rss, hwm = server.sampler.stop()
            for phase, kib in server.sampler.phase_peak_kib.items():
                server.rows[f"  peak sampled server RSS in {phase} (MB)"] = f"{kib / 1024:.1f}"
            server.rows["server memory: peak sampled RSS over all of it (MB)"] = f"{peak_rss:.1f}"
            server.rows["server memory: VmHWM, summed over its processes (MB)"] = f"{hwm:.1f}"
            results[server.name] = server.rows
        return results
    finally:
        for server in servers:
            server.process.terminate()
            try:
                server.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.process.kill()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        backends.stop()


def print_table(results):
    labels = []
    for rows in results.values():
        labels.extend(label for label in rows if label not in labels)
    width = max(len(label) for label in labels)
    names = list(results)
    column = max([14] + [len(str(value)) for rows in results.values() for value in rows.values()]
                 + [len(n) for n in names])
    print(f"{'workload':<{width}}  " + "  ".join(f"{n:>{column}}" for n in names))
    for label in labels:
        print(f"{label:<{width}}  "
              + "  ".join(f"{results[n].get(label, '-'):>{column}}" for n in names))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default="target/release/cairn", help="the cairn binary")
    parser.add_argument("--runs", type=int,
                        help="runs searched (default 10,000; with --team 100,000)")
    parser.add_argument("--points", type=int,
                        help="points of the history read (default 100,000; with --team 1,000,000)")
    parser.add_argument("--team", action="store_true",
                        help="both servers on one PostgreSQL cluster and one S3 server (SeaweedFS)")
    parser.add_argument("--mlflow-rest-runs", type=int, default=200,
                        help="with --team: MLflow's runs made through REST; the rest in SQL")
    parser.add_argument("--writers-seconds", type=int, default=60,
                        help="with --team: how long Cairn's 16 concurrent writers write (0: skip)")
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
    parser.add_argument("--transfer-rounds", type=int, default=3,
                        help="with --team: rounds of the 1 GB transfer, each beside boto3's")
    parser.add_argument("--only-upload", action="store_true",
                        help="measure only the 1 GB upload and download (with --team: skip the other workloads)")
    args = parser.parse_args()
    if args.runs is None:
        args.runs = 100_000 if args.team else 10_000
    if args.points is None:
        args.points = 1_000_000 if args.team else 100_000
    if args.team:
        print_table(run_team(args))
        return
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
    print_table(results)


if __name__ == "__main__":
    main()
