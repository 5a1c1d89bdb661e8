#!/usr/bin/env python3
"""Cold start of a tracking UI: from starting the command to the first 200 answer of its page,
for `cairn ui --no-browser` and `mlflow ui` side by side, each on a fresh empty store in a fresh
temp folder. Polls `GET /` every 5 ms; prints the median and range of N starts in milliseconds.

    benches/ui_cold_start.py [--cairn PATH] [--mlflow PATH] [--runs N]

Defaults: target/release/cairn (else target/debug/cairn) and .venv/bin/mlflow
(scripts/mlflow-venv.sh); a missing one is skipped.
"""

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_page_ms(command: list[str], port: int, cwd: str, env: dict) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 120
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    if reply.status == 200:
                        reply.read()
                        return (time.perf_counter() - started) * 1000
            except OSError:
                pass
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {process.returncode}")
            time.sleep(0.005)
        raise SystemExit(f"{command[0]} served no page in 120 s")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(name: str, make_command, runs: int) -> None:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            port = free_port()
            env = dict(os.environ, HOME=folder, CAIRN_CONFIG_DIR=folder, XDG_DATA_HOME=folder)
            env.pop("CAIRN_STORE", None)
            times.append(first_page_ms(make_command(folder, port), port, folder, env))
    print(f"{name}: median {statistics.median(times):,.0f} ms (min {min(times):,.0f}, max {max(times):,.0f}, {runs} starts)")


def main() -> None:
    parser = argparse.ArgumentParser()
    release = ROOT / "target/release/cairn"
    parser.add_argument("--cairn", default=str(release if release.exists() else ROOT / "target/debug/cairn"))
    parser.add_argument("--mlflow", default=str(ROOT / ".venv/bin/mlflow"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # The commands run in temp folders: relative paths are taken from here.
    args.cairn, args.mlflow = str(Path(args.cairn).resolve()), str(Path(args.mlflow).resolve())
    if Path(args.cairn).exists():
        measure(f"cairn ui ({args.cairn})",
                lambda folder, port: [args.cairn, "--store", f"{folder}/cairn.db", "ui", "--no-browser", "--port", str(port)],
                args.runs)
    if Path(args.mlflow).exists():
        measure("mlflow ui",
                lambda folder, port: [args.mlflow, "ui", "--port", str(port), "--backend-store-uri", f"sqlite:///{folder}/mlflow.db"],
                args.runs)


if __name__ == "__main__":
    main()
