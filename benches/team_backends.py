"""The team backends of `benches/mlflow_load.py --team`: one throwaway PostgreSQL cluster (a
database per server) and one SeaweedFS S3 server (a prefix per server) that `mlflow server` and
`cairn serve` share, plus the workloads only a team setup has: seeding MLflow's own tables in
SQL, the 1 GB transfer straight to the S3 server with boto3, and 16 concurrent writers.

Everything listens on 127.0.0.1; every loop is bounded.
"""

import concurrent.futures
import os
import subprocess
import sys
import tempfile
import threading
import time

import requests

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUCKET = "cairn-test"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "cairntest", "AWS_SECRET_ACCESS_KEY": "cairntestsecret"}


def _script(name):
    return os.path.join(REPOSITORY, "scripts", name)


class TeamBackends:
    """A PostgreSQL cluster and a SeaweedFS server in a temporary folder, stopped by `stop`."""

    def __init__(self, free_port):
        self.folder = tempfile.mkdtemp(prefix="load-team-")
        self.pg_dir = os.path.join(self.folder, "pg")
        self.s3_dir = os.path.join(self.folder, "s3")
        started = subprocess.run([_script("test-postgres.sh"), "start", self.pg_dir,
                                  str(free_port())], capture_output=True, text=True, check=False)
        if started.returncode != 0:
            raise RuntimeError("PostgreSQL did not start:\n" + started.stderr)
        self.admin_url = started.stdout.strip()
        started = subprocess.run([_script("test-s3.sh"), "start", self.s3_dir, str(free_port())],
                                 env={**os.environ, **S3_CREDENTIALS}, capture_output=True,
                                 text=True, check=False)
        if started.returncode != 0:
            self.stop()
            raise RuntimeError("SeaweedFS did not start:\n" + started.stderr)
        self.endpoint = started.stdout.strip()
        self.env = {**S3_CREDENTIALS, "MLFLOW_S3_ENDPOINT_URL": self.endpoint,
                    "AWS_DEFAULT_REGION": "us-east-1"}

    def database(self, name):
        """Creates database `name`; answers its URL."""
        subprocess.run(["psql", self.admin_url, "-q", "-c", f"CREATE DATABASE {name}"],
                       check=True)
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def stop(self):
        subprocess.run([_script("test-s3.sh"), "stop", self.s3_dir], check=False)
        subprocess.run([_script("test-postgres.sh"), "stop", self.pg_dir], check=False)
        subprocess.run(["rm", "-rf", self.folder], check=False)

    def s3_client(self):
        import boto3
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def delete_prefix(self, prefix):
        """Deletes every object under `prefix` and has SeaweedFS give the space back at once
        (its master's vacuum), so that the disk holds one 1 GB copy at a time."""
        client = self.s3_client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=BUCKET, Key=item["Key"])
        with open(os.path.join(self.s3_dir, "ports")) as ports:
            master = ports.read().split()[0]
        requests.get(f"http://127.0.0.1:{master}/vol/vacuum?garbageThreshold=0.0001", timeout=300)


def settle_after_upload():
    """Lets the machine write out a 1 GB upload before the download that follows is timed: the
    first download right after one ran 10-40% slower than the next, through either route (the
    S3 server's disk still busy with the upload), whichever client made it."""
    os.sync()
    time.sleep(2)


# A download straight from the S3 server as a new client process makes it, timed around the call
# alone: the counterpart of `download_artifacts` in a new `mlflow` process through a server.
DOWNLOAD_CLIENT = """
import sys, time
import boto3
client = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
started = time.perf_counter()
client.download_file(sys.argv[2], sys.argv[3], sys.argv[4])
print(time.perf_counter() - started)
"""


# The same download as one stream, as `mlflow`'s client reads a file through a server: one GET,
# written to the file 1 MiB at a time, by a new process.
DOWNLOAD_ONE_STREAM = """
import sys, time
import boto3
client = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
started = time.perf_counter()
body = client.get_object(Bucket=sys.argv[2], Key=sys.argv[3])["Body"]
with open(sys.argv[4], "wb") as file:
    for chunk in body.iter_chunks(1024 * 1024):
        file.write(chunk)
print(time.perf_counter() - started)
"""


def direct_transfer(backends, local, size_mb):
    """Uploads then downloads `local` straight to the S3 server with boto3's managed transfer
    (its defaults: 8 MB parts, 10 threads), the download twice: first by a new Python process,
    then in this one (the order the downloads through a server are timed in); then once more
    as one stream by a new process. Answers MB/s of (upload, download by a new process, download
    in this process, one stream by a new process)."""
    client = backends.s3_client()
    key = "direct/checkpoint.bin"
    started = time.perf_counter()
    client.upload_file(local, BUCKET, key)
    up = time.perf_counter() - started
    settle_after_upload()
    back = local + ".direct"
    down_new = _download_in_new_process(DOWNLOAD_CLIENT, backends, key, back)
    same = os.path.getsize(back) == os.path.getsize(local)
    os.remove(back)
    started = time.perf_counter()
    client.download_file(BUCKET, key, back)
    down_here = time.perf_counter() - started
    same = same and os.path.getsize(back) == os.path.getsize(local)
    os.remove(back)
    down_one_stream = _download_in_new_process(DOWNLOAD_ONE_STREAM, backends, key, back)
    same = same and os.path.getsize(back) == os.path.getsize(local)
    os.remove(back)
    backends.delete_prefix("direct/")
    if not same:
        raise RuntimeError("a direct download differs in size from the upload")
    megabytes = size_mb * 1024 * 1024 / 1e6
    return (megabytes / up, megabytes / down_new, megabytes / down_here,
            megabytes / down_one_stream)


def _download_in_new_process(script, backends, key, back):
    """Seconds a new Python process running `script` took to download `key` into `back`."""
    done = subprocess.run([sys.executable, "-c", script, backends.endpoint, BUCKET, key, back],
                          capture_output=True, text=True, check=False, timeout=1800,
                          env={**os.environ, **S3_CREDENTIALS})
    if done.returncode != 0:
        raise RuntimeError(f"the direct download client failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def _sql(database_url, statements):
    import psycopg2
    connection = psycopg2.connect(database_url)
    try:
        with connection, connection.cursor() as cursor:
            for statement, values in statements:
                cursor.execute(statement, values)
    finally:
        connection.close()


def vacuum_analyze(database_url, attempts=20):
    """`VACUUM ANALYZE` of the database, as autovacuum leaves it soon after a bulk load:
    statistics for the planner, and every page of its tables marked all-visible in the
    visibility map that index-only scans read instead of the table. A vacuum right after a load
    may leave pages unmarked (a connection starting up holds back which rows count as visible to
    all), and the planner then prices index-only scans as reading the table: it is repeated
    until every page is marked, or `attempts` times."""
    import psycopg2
    connection = psycopg2.connect(database_url)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            unmarked = []
            for _ in range(attempts):
                cursor.execute("VACUUM ANALYZE")
                cursor.execute(
                    """SELECT c.relname, c.relpages - c.relallvisible, c.relpages
                       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind = 'r'
                         AND c.relallvisible < c.relpages ORDER BY c.relname""")
                unmarked = cursor.fetchall()
                if not unmarked:
                    return
                time.sleep(0.5)
            tables = ", ".join(f"{name} ({left} of {pages} pages)" for name, left, pages in unmarked)
            print(f"warning: after {attempts} vacuums, pages not all-visible in {tables}",
                  file=sys.stderr)
    finally:
        connection.close()


def seed_mlflow_runs(database_url, experiment_id, first, last):
    """Adds runs `first`..`last`-1 to MLflow's own tables, each as `bench_search`'s REST fill
    makes it (5 params `p{j}` = `v{(i+j)%7}`, 5 metrics `m{j}` = `((i*31+j)%1000)/1000` at step 0,
    in `metrics` and `latest_metrics`), its other columns and tags copied from a run MLflow made
    itself through REST in the same experiment."""
    uuid = "md5('bench-' || g)"
    _sql(database_url, [
        (f"""INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name,
                 user_id, status, start_time, end_time, source_version, lifecycle_stage,
                 artifact_uri, experiment_id, deleted_time)
             SELECT {uuid}, 'seeded-' || g, t.source_type, t.source_name, t.entry_point_name,
                 t.user_id, t.status, t.start_time + g, t.end_time, t.source_version,
                 t.lifecycle_stage, replace(t.artifact_uri, t.run_uuid, {uuid}), t.experiment_id,
                 t.deleted_time
             FROM (SELECT * FROM runs WHERE experiment_id = %(e)s LIMIT 1) t,
                  generate_series(%(first)s, %(last)s - 1) g""",
         {"e": int(experiment_id), "first": first, "last": last}),
        (f"""INSERT INTO tags (key, value, run_uuid)
             SELECT t.key, CASE WHEN t.key = 'mlflow.runName' THEN 'seeded-' || g ELSE t.value
                 END, {uuid}
             FROM (SELECT * FROM tags WHERE run_uuid =
                     (SELECT run_uuid FROM runs WHERE experiment_id = %(e)s LIMIT 1)) t,
                  generate_series(%(first)s, %(last)s - 1) g""",
         {"e": int(experiment_id), "first": first, "last": last}),
        (f"""INSERT INTO params (key, value, run_uuid)
             SELECT 'p' || j, 'v' || ((g + j) %% 7), {uuid}
             FROM generate_series(%(first)s, %(last)s - 1) g, generate_series(0, 4) j
             ORDER BY g, j""",
         {"first": first, "last": last}),
        (f"""INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
             SELECT 'm' || j, ((g * 31 + j) %% 1000) / 1000.0, 0, {uuid}, 0, false
             FROM generate_series(%(first)s, %(last)s - 1) g, generate_series(0, 4) j
             ORDER BY g, j""",
         {"first": first, "last": last}),
        (f"""INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
             SELECT 'm' || j, ((g * 31 + j) %% 1000) / 1000.0, 0, 0, false, {uuid}
             FROM generate_series(%(first)s, %(last)s - 1) g, generate_series(0, 4) j
             ORDER BY g, j""",
         {"first": first, "last": last}),
        ("ANALYZE", None),
    ])


def seed_mlflow_history(database_url, run_id, key, points):
    """Adds a `points`-point history of `key` to MLflow's `metrics` table (and its latest value to
    `latest_metrics`), the points `metrics_batch` makes: value `(i % 997) / 997`, step i."""
    now = int(time.time() * 1000)
    _sql(database_url, [
        ("""INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
            SELECT %(k)s, (i %% 997) / 997.0, %(now)s, %(r)s, i, false
            FROM generate_series(0, %(n)s - 1) i""",
         {"k": key, "now": now, "r": run_id, "n": points}),
        ("""INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
            VALUES (%(k)s, ((%(n)s - 1) %% 997) / 997.0, %(now)s, %(n)s - 1, false, %(r)s)""",
         {"k": key, "now": now, "r": run_id, "n": points}),
        ("ANALYZE metrics", None),
    ])


def concurrent_writers(url, api, new_experiment, new_run, writers=16, seconds=60, batch=100):
    """`writers` clients each log-batch `batch` points of one metric to a run of their own for
    `seconds`; then every run's history is read back. Answers a dict of figures: points/s
    acknowledged, requests refused, and whether every acknowledged point is stored exactly once
    (same count, same steps, no step twice) and nothing unacknowledged was stored."""
    setup = requests.Session()
    experiment_id = new_experiment(setup, url, "load-writers")
    run_ids = [new_run(setup, url, experiment_id) for _ in range(writers)]
    acked = [[] for _ in range(writers)]
    errors = [0] * writers
    deadline = time.perf_counter() + seconds
    start_line = threading.Barrier(writers)

    def writer(index):
        session = requests.Session()
        step = 0
        start_line.wait()
        while time.perf_counter() < deadline:
            now = int(time.time() * 1000)
            metrics = [{"key": "w", "value": float(step + i), "timestamp": now, "step": step + i}
                       for i in range(batch)]
            try:
                response = session.post(f"{url}/api/2.0/mlflow/runs/log-batch",
                                        json={"run_id": run_ids[index], "metrics": metrics},
                                        timeout=60)
                if response.status_code == 200:
                    acked[index].append(step)
                else:
                    errors[index] += 1
            except requests.RequestException:
                errors[index] += 1
            step += batch

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(writers) as pool:
        list(pool.map(writer, range(writers)))
    elapsed = time.perf_counter() - started
    exact = True
    for index, run_id in enumerate(run_ids):
        steps, token = [], None
        for _ in range(10_000):
            params = {"run_id": run_id, "metric_key": "w", "max_results": 25000}
            if token:
                params["page_token"] = token
            page = api(setup, url, "GET", "metrics/get-history", params=params)
            steps.extend(point["step"] for point in page.get("metrics", []))
            token = page.get("next_page_token")
            if not token:
                break
        expected = {first + i for first in acked[index] for i in range(batch)}
        if len(steps) != len(expected) or set(int(s) for s in steps) != expected:
            exact = False
    total = sum(len(a) for a in acked) * batch
    return {"points": total, "rate": total / elapsed, "errors": sum(errors), "exact": exact,
            "seconds": elapsed}
