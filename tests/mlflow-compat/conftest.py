"""Starts a real `cairn serve` (binary from $CAIRN_BIN) on a free loopback port with a store in a
temp dir, and points the real mlflow client at it.

With $CAIRN_COMPAT_POSTGRES (an admin URL of a PostgreSQL server) the server keeps its runs in a
new database there instead of a store file (`cairn serve --database`): the same tests then check
the team backend."""

import os
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
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=store_dir)
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


@pytest.fixture(autouse=True)
def tracking(server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(server)
    mlflow.set_registry_uri(server)
    yield server
    while mlflow.active_run():
        mlflow.end_run()
