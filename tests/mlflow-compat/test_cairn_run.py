"""`cairn run` wrapping a Python training script that logs with the real mlflow client: the
script's own calls land in the run Cairn created, next to what Cairn records itself."""

import json
import os
import pwd
import subprocess
import sys
import textwrap

import pytest

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


@pytest.fixture(autouse=True)
def no_experiment_chosen_by_earlier_tests(monkeypatch):
    """`mlflow.set_experiment` in other tests exports the experiment it chose; `cairn run` would
    honour it, and it names an experiment of another store."""
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_NAME", raising=False)


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


# What real training scripts do: choose their experiment, let autolog open and close a run, log
# more afterwards. Each `cairn run` stays one unit: the script's first run is the wrapper, moved
# into the experiment the script chose; later runs hang under it with its provenance.

CHOOSES_EXPERIMENT = textwrap.dedent(
    """
    import mlflow

    mlflow.set_experiment("churn")
    mlflow.log_param("depth", 4)
    mlflow.log_metric("auc", 0.9)
    """
)

AUTOLOG_THEN_MORE = textwrap.dedent(
    """
    import mlflow
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    mlflow.set_experiment("churn")
    mlflow.sklearn.autolog(log_models=False, log_datasets=False)
    features = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    labels = np.array([0, 0, 0, 1, 1, 1])
    LogisticRegression(C=2.0).fit(features, labels)
    assert mlflow.active_run() is None, "autolog ends the run it opened"
    mlflow.log_metric("holdout_accuracy", 0.75)
    """
)


def wrapped(tmp_path, store, script_text, *options, env=None):
    script = tmp_path / "train.py"
    script.write_text(script_text)
    return subprocess.run(
        [
            os.environ["CAIRN_BIN"],
            "--store",
            str(store),
            "run",
            "--system-metrics-interval",
            "0",
            *options,
            "--",
            sys.executable,
            str(script),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
        env=env,
    )


def runs_in(store, experiment, *options):
    listed = cairn(store, "runs", "list", "--experiment", experiment, "--json", *options)
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def shown(store, run_id):
    detail = cairn(store, "runs", "show", run_id, "--json")
    assert detail.returncode == 0, detail.stderr
    return json.loads(detail.stdout)


def git_repo(path):
    def git(*args):
        subprocess.run(
            ["git", *args],
            cwd=path,
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "GIT_CONFIG_NOSYSTEM": "1",
                "HOME": str(path),
                "GIT_AUTHOR_NAME": "T",
                "GIT_AUTHOR_EMAIL": "t@example.com",
                "GIT_COMMITTER_NAME": "T",
                "GIT_COMMITTER_EMAIL": "t@example.com",
            },
        )

    git("init", "-q", "-b", "main")
    (path / "README").write_text("project\n")
    git("add", "README")
    git("commit", "-q", "-m", "init")
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize("options", [(), ("--experiment", "wrapped")], ids=["plain", "experiment"])
def test_a_script_that_sets_its_experiment_runs_under_cairn_run(tmp_path, options):
    store = tmp_path / "cairn.db"
    finished = wrapped(
        tmp_path, store, CHOOSES_EXPERIMENT, "--name", "chosen", "--param", "lr=0.1", *options
    )
    assert finished.returncode == 0, finished.stderr
    runs = runs_in(store, "churn")
    assert len(runs) == 1, runs
    run = runs[0]
    assert run["run_name"] == "chosen"
    assert run["status"] == "FINISHED"
    assert run["source_kind"] == "cairn_run"
    assert run["params"] == {"depth": "4", "lr": "0.1"}
    assert run["metrics"]["auc"] == 0.9
    assert run["tags"]["cairn.run"] == run["run_id"]
    assert "train.py" in run["tags"]["cairn.command"]
    if options:
        assert runs_in(store, "wrapped") == [], "the wrapper followed the script's experiment"


def test_runs_autolog_closes_are_linked_to_the_wrapper_with_its_provenance(tmp_path):
    store = tmp_path / "cairn.db"
    commit = git_repo(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.csv").write_text("x,y\n0,0\n5,1\n")
    finished = wrapped(tmp_path, store, AUTOLOG_THEN_MORE, "--data", "data")
    assert finished.returncode == 0, finished.stderr
    assert "1 more run of the command is linked to it" in finished.stderr

    runs = runs_in(store, "churn")
    assert len(runs) == 2, runs
    wrapper = next(run for run in runs if run["source_kind"] == "cairn_run")
    later = next(run for run in runs if run["run_id"] != wrapper["run_id"])
    # autolog's run is the wrapper: the estimator's params and training metrics, and Cairn's
    # provenance.
    assert wrapper["params"]["C"] == "2.0"
    assert "training_accuracy_score" in wrapper["metrics"]
    assert wrapper["status"] == "FINISHED"
    # The run the later log_metric opened hangs under it with the same provenance.
    assert later["metrics"] == {"holdout_accuracy": 0.75}
    assert later["status"] == "FINISHED"
    assert later["tags"]["mlflow.parentRunId"] == wrapper["run_id"]
    assert later["tags"]["cairn.run"] == wrapper["run_id"]
    assert later["tags"]["cairn.command"] == wrapper["tags"]["cairn.command"]
    assert later["data_hash"] == wrapper["data_hash"] is not None
    assert later["git_commit"] == wrapper["git_commit"] == commit
    assert shown(store, later["run_id"])["parent_run_id"] == wrapper["run_id"]

    unit = runs_in(store, "churn", "--filter", f"tags.cairn.run = '{wrapper['run_id']}'")
    assert {run["run_id"] for run in unit} == {wrapper["run_id"], later["run_id"]}


ENVIRONMENT = textwrap.dedent(
    """
    import json
    import os

    keys = ["MLFLOW_DISABLE_TELEMETRY", "MLFLOW_RUN_ID", "CAIRN_RUN_ID", "MLFLOW_TRACKING_URI"]
    with open("env.json", "w") as out:
        json.dump({key: os.environ.get(key) for key in keys}, out)
    """
)


def test_the_child_runs_without_telemetry_unless_the_user_chose(tmp_path):
    store = tmp_path / "cairn.db"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MLFLOW_DISABLE_TELEMETRY", "MLFLOW_RUN_ID")
    }
    finished = wrapped(tmp_path, store, ENVIRONMENT, "--name", "quiet", env=env)
    assert finished.returncode == 0, finished.stderr
    seen = json.loads((tmp_path / "env.json").read_text())
    assert seen["MLFLOW_DISABLE_TELEMETRY"] == "true"
    assert seen["MLFLOW_RUN_ID"] is None
    assert seen["CAIRN_RUN_ID"] == only_run(store, "quiet")["run_id"]
    assert seen["MLFLOW_TRACKING_URI"].startswith("http://127.0.0.1:")

    chosen = wrapped(
        tmp_path,
        store,
        ENVIRONMENT,
        "--name",
        "chosen",
        env={**env, "MLFLOW_DISABLE_TELEMETRY": "false", "MLFLOW_RUN_ID": "f" * 32},
    )
    assert chosen.returncode == 0, chosen.stderr
    seen = json.loads((tmp_path / "env.json").read_text())
    assert seen["MLFLOW_DISABLE_TELEMETRY"] == "false"
    assert seen["MLFLOW_RUN_ID"] is None, "the child is never pinned to a run"


def test_without_user_variables_mlflow_user_is_the_os_account(tmp_path):
    store = tmp_path / "cairn.db"
    env = {key: value for key, value in os.environ.items() if key not in ("USER", "LOGNAME")}
    finished = wrapped(tmp_path, store, "print('hello')\n", "--name", "nobody-set", env=env)
    assert finished.returncode == 0, finished.stderr
    run = only_run(store, "nobody-set")
    assert run["tags"]["mlflow.user"] == pwd.getpwuid(os.getuid()).pw_name


LOG_DATASET = textwrap.dedent(
    """
    import sys
    import mlflow
    import pandas as pd

    frame = pd.read_csv(sys.argv[1])
    mlflow.log_input(mlflow.data.from_pandas(frame, source=sys.argv[1], name="train"), context="training")
    """
)


def test_drift_between_runs_reads_the_files_their_logged_datasets_name(tmp_path):
    """`cairn drift --runs` with two runs whose scripts logged a dataset through the real client
    (`mlflow.log_input`, a local file as its source) and recorded no `--data`."""
    import numpy as np
    import pandas as pd

    store = tmp_path / "cairn.db"
    script = tmp_path / "log_dataset.py"
    script.write_text(LOG_DATASET)
    rng = np.random.default_rng(3)
    ids = []
    for name, shift in [("before", 0.0), ("after", 1.5)]:
        data = tmp_path / name
        data.mkdir()
        frame = pd.DataFrame({
            "amount": rng.normal(50 + 10 * shift, 10, 2000).round(2),
            "channel": rng.choice(["web", "shop", "phone"], 2000, p=[0.5, 0.3, 0.2] if not shift else [0.2, 0.3, 0.5]),
        })
        frame.to_csv(data / "train.csv", index=False)
        done = cairn(store, "run", "--experiment", "datasets", "--name", name,
                     "--system-metrics-interval", "0", "--",
                     sys.executable, str(script), str(data / "train.csv"))
        assert done.returncode == 0, done.stderr
        listed = json.loads(cairn(store, "runs", "list", "--filter", f"run_name = '{name}'", "--json").stdout)
        ids.append(listed[0]["run_id"])
    compared = cairn(store, "drift", "--runs", *ids)
    assert compared.returncode == 1, compared.stdout + compared.stderr
    assert "logged dataset source" in compared.stdout, compared.stdout
    assert "amount" in compared.stdout and "DRIFT" in compared.stdout
    (tmp_path / "after" / "train.csv").unlink()
    gone = cairn(store, "drift", "--runs", *ids)
    assert gone.returncode == 2
    assert "no longer on disk" in gone.stderr and "train" in gone.stderr, gone.stderr
