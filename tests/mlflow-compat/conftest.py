"""Starts a real `cairn serve` (binary from $CAIRN_BIN) on a free loopback port with a store in a
temp dir, and points the real mlflow client at it."""

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
    store = tmp_path_factory.mktemp("store") / "cairn.db"
    port = _free_port()
    log = open(tmp_path_factory.mktemp("log") / "serve.log", "w+")
    process = subprocess.Popen(
        [binary, "--store", str(store), "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
