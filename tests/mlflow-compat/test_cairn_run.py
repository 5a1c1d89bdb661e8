"""`cairn run` wrapping a Python training script that logs with the real mlflow client: the
script's own calls land in the run Cairn created, next to what Cairn records itself."""

import json
import os
import subprocess
import sys
import textwrap

TRAIN = textwrap.dedent(
    """
    import sys
    import mlflow

    mlflow.log_param("epochs", 3)
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.set_tag("trained_by", "script")
    sys.exit(int(sys.argv[1]))
    """
)


def cairn(store, *args):
    return subprocess.run(
        [os.environ["CAIRN_BIN"], "--store", str(store), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_script(tmp_path, store, name, exit_code):
    script = tmp_path / "train.py"
    script.write_text(TRAIN)
    return cairn(
        store,
        "run",
        "--experiment",
        "wrapped",
        "--name",
        name,
        "--param",
        "lr=0.1",
        "--system-metrics-interval",
        "0",
        "--",
        sys.executable,
        str(script),
        str(exit_code),
    )


def only_run(store, name):
    listed = cairn(store, "runs", "list", "--filter", f"run_name = '{name}'", "--json")
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert len(runs) == 1, runs
    return runs[0]


def test_the_scripts_mlflow_calls_land_in_the_cairn_run(tmp_path):
    store = tmp_path / "cairn.db"
    finished = run_script(tmp_path, store, "scripted", 0)
    assert finished.returncode == 0, finished.stderr
    run = only_run(store, "scripted")
    assert run["status"] == "FINISHED"
    assert run["source_kind"] == "cairn_run"
    assert run["params"] == {"epochs": "3", "lr": "0.1"}
    assert run["metrics"]["loss"] == 1.0 / 3
    assert run["tags"]["trained_by"] == "script"
    shown = cairn(store, "runs", "show", run["run_id"], "--json")
    summaries = {metric["key"]: metric for metric in json.loads(shown.stdout)["metric_summaries"]}
    assert summaries["loss"]["point_count"] == 3


def test_a_failing_script_fails_the_run_and_cairn_exits_with_its_code(tmp_path):
    store = tmp_path / "cairn.db"
    failed = run_script(tmp_path, store, "broken", 3)
    assert failed.returncode == 3, failed.stderr
    assert only_run(store, "broken")["status"] == "FAILED"
