#!/usr/bin/env python3
"""Where a 1 GB artifact download from `cairn serve` on S3 spends its time: one `cairn serve
--database postgresql://... --artifacts s3://...` on the team backends of `mlflow_load.py --team`
(scripts/test-postgres.sh, scripts/test-s3.sh), one file logged through proxy multipart upload,
then in each round the same file read four ways, one after the other:

  * `curl` of the artifact route (the server's stream alone, read by a C client);
  * Python `requests`, streamed in 1 MiB chunks (one Python thread reading the stream);
  * `mlflow.artifacts.download_artifacts` (what a user runs: the stream written to a file);
  * boto3's managed download straight from SeaweedFS (8 MB ranges, 10 threads): "S3 alone".

  cargo build --release -p cairn-cli
  scripts/mlflow-venv.sh && scripts/s3-venv.sh && .venv/bin/pip install -r benches/requirements.txt
  .venv/bin/python benches/team_download.py --cairn target/release/cairn --rounds 3

Everything listens on 127.0.0.1; the servers are stopped at the end.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import team_backends  # noqa: E402
from mlflow_load import free_port, start_cairn, wait_healthy, write_random_file  # noqa: E402

READERS = ["curl", "requests, 1 MiB chunks", "mlflow download_artifacts", "S3 alone (boto3)"]


def timed(megabytes, read):
    started = time.perf_counter()
    read()
    return megabytes / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cairn", default="target/release/cairn")
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import mlflow

    backends = team_backends.TeamBackends(free_port)
    folder = tempfile.mkdtemp(prefix="team-download-")
    process = None
    try:
        database = backends.database("cairn_download")
        process, url = start_cairn(os.path.abspath(args.cairn), folder,
                                   (database, f"s3://{team_backends.BUCKET}/cairn", backends.env))
        wait_healthy(url, process)
        local = os.path.join(backends.folder, "checkpoint.bin")
        write_random_file(local, args.size_mb)
        os.environ["MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD"] = "true"
        os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
        mlflow.set_tracking_uri(url)
        with mlflow.start_run() as run:
            mlflow.log_artifact(local)
        route = (f"{url}/api/2.0/mlflow-artifacts/artifacts/{run.info.experiment_id}/"
                 f"{run.info.run_id}/artifacts/checkpoint.bin")
        megabytes = args.size_mb * 1024 * 1024 / 1e6

        def with_requests():
            with requests.Session().get(route, stream=True, timeout=600) as reply:
                reply.raise_for_status()
                for _ in reply.iter_content(1024 * 1024):
                    pass

        def with_mlflow():
            target = tempfile.mkdtemp(prefix="team-download-mlflow-")
            try:
                mlflow.artifacts.download_artifacts(run_id=run.info.run_id,
                                                    artifact_path="checkpoint.bin",
                                                    dst_path=target)
            finally:
                shutil.rmtree(target, ignore_errors=True)

        rounds = []
        for index in range(args.rounds):
            print(f"round {index + 1} ...", file=sys.stderr)
            found = {
                "curl": timed(megabytes, lambda: subprocess.run(
                    ["curl", "-sf", "-o", "/dev/null", route], check=True)),
                "requests, 1 MiB chunks": timed(megabytes, with_requests),
                "mlflow download_artifacts": timed(megabytes, with_mlflow),
            }
            found["S3 alone (boto3)"] = team_backends.direct_transfer(
                backends, local, args.size_mb)[2]
            rounds.append(found)
    finally:
        if process is not None:
            process.terminate()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
        backends.stop()
    print(f"\n{'download of %d MiB (MB/s)' % args.size_mb:<30}{'median':>8}{'of S3 alone':>13}"
          f"  each round")
    alone = [found["S3 alone (boto3)"] for found in rounds]
    for reader in READERS:
        values = [found[reader] for found in rounds]
        share = statistics.median(value / base for value, base in zip(values, alone))
        print(f"{reader:<30}{statistics.median(values):>8.0f}{100 * share:>12.0f}%  "
              + ", ".join(f"{value:.0f}" for value in values))


if __name__ == "__main__":
    main()
