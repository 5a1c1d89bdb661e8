"""Starts a real `cairn serve` (binary from $CAIRN_BIN) on a free loopback port with a store in a
temp dir, and points the real mlflow client at it.

With $CAIRN_COMPAT_POSTGRES (an admin URL of a PostgreSQL server) the server keeps its runs in a
new database there instead of a store file (`cairn serve --database`); with
CAIRN_COMPAT_ARTIFACTS=s3 it keeps its artifacts in a bucket of a real S3-compatible server
(SeaweedFS, started here with scripts/test-s3.sh and stopped after):
`cairn serve --artifacts s3://cairn-test/compat`. The same tests then check the team backends."""

import os
import pathlib
import socket
import subprocess
import time
import urllib.request

import mlflow
import pytest


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "cairntest", "AWS_SECRET_ACCESS_KEY": "cairntestsecret"}


def _start_s3(tmp_path_factory):
    """SeaweedFS on a free port; answers its folder and the variables `cairn serve` needs."""
    folder = tmp_path_factory.mktemp("s3")
    script = REPOSITORY / "scripts" / "test-s3.sh"
    started = subprocess.run(
        [str(script), "start", str(folder), str(_free_port())],
        env={**os.environ, **S3_CREDENTIALS},
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        raise RuntimeError("SeaweedFS did not start:\n" + started.stderr)
    endpoint = started.stdout.strip()
    env = {**S3_CREDENTIALS, "MLFLOW_S3_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": "us-east-1"}
    return folder, env


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    binary = os.environ.get("CAIRN_BIN")
    if not binary:
        raise RuntimeError("set CAIRN_BIN to the cairn binary (scripts/test-mlflow-compat.sh does)")
    store_dir = tmp_path_factory.mktemp("store")
    command = [binary, "--store", str(store_dir / "cairn.db"), "serve", "--port", str(_free_port())]
    admin = os.environ.get("CAIRN_COMPAT_POSTGRES")
    if admin:
        database = f"compat_{os.getpid()}_{int(time.time())}"
        subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {database}"], check=True)
        command[1:3] = ["--database", admin.rsplit("/", 1)[0] + "/" + database]
    port = int(command[-1])
    log = open(tmp_path_factory.mktemp("log") / "serve.log", "w+")
    env = dict(os.environ)
    s3_folder = None
    if os.environ.get("CAIRN_COMPAT_ARTIFACTS") == "s3":
        s3_folder, s3_env = _start_s3(tmp_path_factory)
        env.update(s3_env)
        command += ["--artifacts", "s3://cairn-test/compat"]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=store_dir)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as response:
                if response.read() == b"OK":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            log.seek(0)
            raise RuntimeError("cairn serve did not start:\n" + log.read())
        time.sleep(0.1)
    os.environ["MLFLOW_TRACKING_URI"] = url
    mlflow.set_tracking_uri(url)
    mlflow.set_registry_uri(url)
    yield url
    process.terminate()
    process.wait(timeout=10)
    if s3_folder is not None:
        subprocess.run([str(REPOSITORY / "scripts" / "test-s3.sh"), "stop", str(s3_folder)])


@pytest.fixture(autouse=True)
def tracking(server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(server)
    mlflow.set_registry_uri(server)
    yield server
    while mlflow.active_run():
        mlflow.end_run()
