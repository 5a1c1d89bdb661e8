"""`cairn store copy STORE http://HOST:PORT` into a REAL `mlflow server` (the venv's, SQLite
backend, `--serve-artifacts`): experiments, runs with params, tags and full metric histories (a
NaN point included), dataset inputs, an artifact's bytes, a deleted run and a deleted
experiment, the registry's versions with stages and aliases, all checked with the real mlflow
client against the mlflow server; a second copy duplicates nothing, and a run left half-copied
is redone."""

import json
import math
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

COPIED_FROM = "cairn.copied_from"

# The copy reads a store file of its own and writes to servers of its own: the pass against
# `cairn serve` on PostgreSQL and S3 would only run the same thing again.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("CAIRN_COMPAT_POSTGRES") or os.environ.get("CAIRN_COMPAT_ARTIFACTS")),
    reason="independent of the backends the suite's own server runs on",
)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url, process, log, seconds):
    deadline = time.time() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            log.seek(0)
            raise RuntimeError(f"{url} did not start:\n" + log.read())
        time.sleep(0.2)


def _start(command, url, folder, seconds):
    log = open(folder / "server.log", "w+")
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_TRACKING")
    }
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=env)
    _wait_healthy(url, process, log, seconds)
    return process


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mlflow-server")
    port = _free_port()
    mlflow_bin = pathlib.Path(sys.executable).parent / "mlflow"
    command = [
        str(mlflow_bin), "server",
        "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
        "--serve-artifacts", "--artifacts-destination", str(folder / "artifacts"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    process = _start(command, url, folder, 180)
    yield url
    _stop(process)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A store file with `cairn demo`, plus a run logged through `cairn serve` with an artifact,
    a NaN point, a dataset input, and a deleted run; yields (store path, cairn serve URL)."""
    binary = os.environ["CAIRN_BIN"]
    folder = tmp_path_factory.mktemp("source")
    store = folder / "cairn.db"
    seed = [binary, "--store", str(store), "demo", "--json"]
    subprocess.run(seed, check=True, capture_output=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = _start([binary, "--store", str(store), "serve", "--port", str(port)], url, folder, 30)
    client = MlflowClient(tracking_uri=url, registry_uri=url)
    experiment_id = client.create_experiment("copy-extras", tags={"team": "vision"})
    run = client.create_run(experiment_id, run_name="with-artifact",
                            tags={"purpose": "copy", "draft": "yes"})  # fmt: skip
    run_id = run.info.run_id
    client.log_param(run_id, "lr", "0.01")
    for step, value in enumerate([0.5, float("nan"), 0.25, float("inf")]):
        client.log_metric(run_id, "loss", value, timestamp=1_700_000_000_000 + step, step=step)
    notes = folder / "hello.txt"
    notes.write_bytes(b"bytes that must survive the copy\n" * 100)
    client.log_artifact(run_id, str(notes), artifact_path="notes")
    frame = pd.DataFrame({"a": [1, 2, 3]})
    mlflow.set_tracking_uri(url)
    # Resuming a run checks it against the active experiment an earlier test may have set.
    fluent = mlflow.tracking.fluent
    active = fluent._active_experiment_id
    fluent._active_experiment_id = None
    try:
        with mlflow.start_run(run_id=run_id):
            mlflow.log_input(mlflow.data.from_pandas(frame, name="train-set"), context="training")
    finally:
        fluent._active_experiment_id = active
    client.set_terminated(run_id, "FINISHED")
    # mlflow 3's way to register: a LoggedModel, and a version whose source is models:/m-...
    saved_registry = mlflow.get_registry_uri()
    mlflow.set_registry_uri(url)
    try:
        with mlflow.start_run(experiment_id=experiment_id, run_name="mlflow-3-model"):
            mlflow.pyfunc.log_model(
                name="model", python_model=AddOne(), registered_model_name="copy-pyfunc"
            )
    finally:
        mlflow.set_registry_uri(saved_registry)
    # A nested run in an experiment copied before its parent's (Default comes first).
    child = client.create_run("0", run_name="child-first",
                              tags={"mlflow.parentRunId": run_id})  # fmt: skip
    client.set_terminated(child.info.run_id, "FINISHED")
    gone = client.create_run(experiment_id, run_name="deleted-one")
    client.log_metric(gone.info.run_id, "x", 1.0)
    client.set_terminated(gone.info.run_id, "KILLED")
    client.delete_run(gone.info.run_id)
    retired = client.create_experiment("copy-retired")
    old = client.create_run(retired, run_name="in-a-deleted-experiment")
    client.log_param(old.info.run_id, "kept", "yes")
    client.set_terminated(old.info.run_id, "FINISHED")
    client.delete_experiment(retired)
    yield store, url, run_id, gone.info.run_id
    _stop(process)


PARENT = "mlflow.parentRunId"


class AddOne(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input + 1


def _run_copy(store, destination, **credentials):
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_TRACKING")
    }
    return subprocess.run(
        [os.environ["CAIRN_BIN"], "store", "copy", str(store), destination, "--json"],
        capture_output=True,
        text=True,
        env={**env, **credentials},
        timeout=1200,
    )


def _copy(store, destination, **credentials):
    done = _run_copy(store, destination, **credentials)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def _value(value):
    """A point's value as both sides can agree on it: MLflow's SQL store keeps an infinity as the
    largest finite double of its sign, as it does for its own client."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value) or abs(value) == sys.float_info.max:
        return "inf" if value > 0 else "-inf"
    return value


def _points(history):
    return [(point.step, point.timestamp, _value(point.value)) for point in history]


def _all_runs(client, experiment_id):
    view = mlflow.entities.ViewType.ALL
    return client.search_runs([experiment_id], run_view_type=view, max_results=1000)


def _compare(source_client, destination_client):
    """Every source run has one copy on the destination, equal in all that MLflow keeps."""
    compared = 0
    for experiment in source_client.search_experiments(view_type=mlflow.entities.ViewType.ALL):
        there = destination_client.get_experiment_by_name(experiment.name)
        assert there is not None, experiment.name
        assert there.lifecycle_stage == experiment.lifecycle_stage
        assert {k: v for k, v in there.tags.items() if k in experiment.tags} == experiment.tags
        copies = {}
        for run in _all_runs(destination_client, there.experiment_id):
            copies.setdefault(run.data.tags.get(COPIED_FROM), []).append(run)
        for run in _all_runs(source_client, experiment.experiment_id):
            stage = run.info.lifecycle_stage
            found = [c for c in copies.get(run.info.run_id, []) if c.info.lifecycle_stage == stage]
            assert len(found) == 1, (run.info.run_id, copies.get(run.info.run_id))
            copy = found[0]
            assert copy.info.status == run.info.status
            assert copy.info.start_time == run.info.start_time
            assert copy.info.end_time == run.info.end_time
            assert copy.info.run_name == run.info.run_name
            assert copy.info.user_id == run.info.user_id
            assert copy.data.params == run.data.params
            # A parent tag names the parent's copy (checked by the test itself).
            tags = {k: v for k, v in copy.data.tags.items() if k not in (COPIED_FROM, PARENT)}
            expected = {k: v for k, v in run.data.tags.items() if k != PARENT}
            expected.setdefault("mlflow.runName", run.info.run_name)
            assert tags == expected
            assert set(copy.data.metrics) == set(run.data.metrics)
            for key in run.data.metrics:
                copied = destination_client.get_metric_history(copy.info.run_id, key)
                original = source_client.get_metric_history(run.info.run_id, key)
                assert _points(copied) == _points(original), (run.info.run_id, key)
            compared += 1
    return compared


def test_store_copy_into_a_real_mlflow_server(mlflow_server, source, tmp_path):
    store, cairn_url, run_id, deleted_id = source
    source_client = MlflowClient(tracking_uri=cairn_url, registry_uri=cairn_url)
    destination = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)

    first = _copy(store, mlflow_server)
    assert first["verified"] is True, first
    assert first["runs_skipped"] == 0
    assert first["runs_copied"] == first["source_census"]["runs"] > 40
    assert first["artifact_files_uploaded"] >= 1
    assert first["source_census"] == first["destination_census"]
    runs = _compare(source_client, destination)
    assert runs == first["runs_copied"]

    # The extra run: its NaN and infinity points, dataset input, artifact bytes; the deleted one.
    experiment = destination.get_experiment_by_name("copy-extras")
    copies = {r.data.tags[COPIED_FROM]: r for r in _all_runs(destination, experiment.experiment_id)}
    copy = destination.get_run(copies[run_id].info.run_id)
    values = [p.value for p in destination.get_metric_history(copy.info.run_id, "loss")]
    assert values[0] == 0.5 and math.isnan(values[1]) and values[2] == 0.25
    assert _value(values[3]) == "inf"
    assert [d.dataset.name for d in copy.inputs.dataset_inputs] == ["train-set"]
    assert copy.info.artifact_uri.startswith("mlflow-artifacts:")
    downloaded = destination.download_artifacts(copy.info.run_id, "notes/hello.txt", str(tmp_path))
    assert pathlib.Path(downloaded).read_bytes() == b"bytes that must survive the copy\n" * 100
    assert copies[deleted_id].info.lifecycle_stage == "deleted"
    # The nested run copied before its parent points at the parent's copy.
    default_copies = _all_runs(destination, "0")
    child_copy = [r for r in default_copies if r.info.run_name == "child-first"]
    assert len(child_copy) == 1
    assert child_copy[0].data.tags[PARENT] == copies[run_id].info.run_id
    assert destination.get_experiment_by_name("copy-retired").lifecycle_stage == "deleted"

    # The registry: each version once, its source pointing at the copied run, stage and aliases.
    def registry(client, name):
        versions = client.search_model_versions(f"name='{name}'")
        return {v.version: v for v in versions}

    source_model = source_client.get_registered_model("mnist-classifier")
    source_versions = registry(source_client, "mnist-classifier")
    copied_versions = registry(destination, "mnist-classifier")
    assert len(copied_versions) == len(source_versions) == 3
    by_origin = {v.tags[COPIED_FROM]: v for v in copied_versions.values()}
    run_copies = {}
    for name in ("mnist-cnn", "cifar10-resnet", "imdb-sentiment"):
        there = destination.get_experiment_by_name(name)
        for r in _all_runs(destination, there.experiment_id):
            run_copies[r.data.tags[COPIED_FROM]] = r.info.run_id
    for number, version in source_versions.items():
        copied = by_origin[str(number)]
        assert copied.current_stage == version.current_stage
        assert copied.run_id == run_copies[version.run_id]
        assert copied.source == f"runs:/{copied.run_id}/model"
    copied_model = destination.get_registered_model("mnist-classifier")
    assert copied_model.tags == source_model.tags
    assert set(copied_model.aliases) == set(source_model.aliases)
    for alias, number in source_model.aliases.items():
        assert copied_model.aliases[alias] == by_origin[str(number)].version
        aliased = destination.get_model_version_by_alias("mnist-classifier", alias)
        assert aliased.tags[COPIED_FROM] == str(number)

    # A version registered from a LoggedModel goes with that model and its files, and loads.
    assert first["logged_models"] == 1, first
    pyfunc = destination.get_model_version("copy-pyfunc", "1")
    assert pyfunc.source.startswith("models:/m-")
    assert destination.get_logged_model(pyfunc.source.removeprefix("models:/")).status == "READY"
    saved = mlflow.get_tracking_uri(), mlflow.get_registry_uri()
    mlflow.set_tracking_uri(mlflow_server)
    mlflow.set_registry_uri(mlflow_server)
    try:
        loaded = mlflow.pyfunc.load_model("models:/copy-pyfunc/1")
    finally:
        mlflow.set_tracking_uri(saved[0])
        mlflow.set_registry_uri(saved[1])
    assert list(loaded.predict(pd.DataFrame({"x": [1]}))["x"]) == [2]

    # Again, after the source changed: the run logged to since is brought up to date in place
    # (its copy keeps its id), a copy cut off before its end is redone, and a copy holding what
    # its source never had is copied again; nothing is duplicated.
    updated = copies[run_id].info.run_id
    destination.update_run(updated, status="RUNNING")
    source_client.log_metric(run_id, "loss", 0.125, timestamp=1_700_000_000_004, step=4)
    source_client.log_param(run_id, "batch", "32")
    source_client.set_tag(run_id, "purpose", "copy, then more")
    source_client.delete_tag(run_id, "draft")
    more = tmp_path / "more.txt"
    more.write_bytes(b"logged after the first copy\n")
    source_client.log_artifact(run_id, str(more), artifact_path="notes")
    # A copy cut off after its status but before its end (files half sent) says so in its tag.
    cut = next(r for source_id, r in copies.items() if source_id not in (run_id, deleted_id))
    destination.set_tag(cut.info.run_id, COPIED_FROM, cut.data.tags[COPIED_FROM] + " (copying)")
    odd = child_copy[0]
    destination.log_param(odd.info.run_id, "only-there", "1")
    # An update cut off (its tag says so) is finished in place, its id kept.
    cnn = destination.get_experiment_by_name("mnist-cnn").experiment_id
    interrupted = _all_runs(destination, cnn)[0]
    origin = interrupted.data.tags[COPIED_FROM]
    destination.set_tag(interrupted.info.run_id, COPIED_FROM, origin + " (updating)")
    second = _copy(store, mlflow_server)
    assert second["verified"] is True, second
    assert second["runs_updated"] == 2, second
    assert second["runs_copied"] == 2 and second["runs_discarded"] == 2, second
    assert second["runs_skipped"] == first["runs_copied"] - 4
    finished = destination.get_run(interrupted.info.run_id)
    assert finished.info.lifecycle_stage == "active"
    assert finished.data.tags[COPIED_FROM] == origin
    assert any(odd.data.tags[COPIED_FROM] in n and "only-there" in n for n in second["notes"])
    assert destination.get_run(cut.info.run_id).info.lifecycle_stage == "deleted"
    assert destination.get_run(odd.info.run_id).info.lifecycle_stage == "deleted"
    assert COPIED_FROM not in destination.get_run(odd.info.run_id).data.tags
    assert second["model_versions_copied"] == 0
    brought = destination.get_run(updated)
    assert brought.info.lifecycle_stage == "active" and brought.info.status == "FINISHED"
    assert brought.data.tags[COPIED_FROM] == run_id
    assert brought.data.params["batch"] == "32"
    assert brought.data.tags["purpose"] == "copy, then more"
    assert "draft" not in brought.data.tags
    assert [p.step for p in destination.get_metric_history(updated, "loss")] == [0, 1, 2, 3, 4]
    (tmp_path / "back").mkdir()
    fetched = destination.download_artifacts(updated, "notes/more.txt", str(tmp_path / "back"))
    assert pathlib.Path(fetched).read_bytes() == b"logged after the first copy\n"
    assert [d.dataset.name for d in brought.inputs.dataset_inputs] == ["train-set"]
    assert _compare(source_client, destination) == runs
    assert len(registry(destination, "mnist-classifier")) == 3
    # The child copied again points at its parent's copy again.
    again = [r for r in _all_runs(destination, "0") if r.info.run_name == "child-first"]
    again = [r for r in again if r.info.lifecycle_stage == "active"]
    assert len(again) == 1 and again[0].data.tags[PARENT] == updated

    third = _copy(store, mlflow_server)
    assert third["verified"] is True
    assert third["runs_copied"] == third["runs_discarded"] == third["runs_updated"] == 0


def test_store_copy_sends_the_mlflow_clients_credentials(source, tmp_path):
    """Into another MLflow-compatible endpoint (a `cairn serve` asking for a bearer token): the
    token from MLFLOW_TRACKING_TOKEN is sent; without it the command fails naming the server and
    what it was doing, never a credential."""
    store = source[0]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    binary = os.environ["CAIRN_BIN"]
    command = [binary, "--store", str(tmp_path / "dest.db"), "serve", "--port", str(port)]
    process = _start(command + ["--auth-token", "s3cret-token"], url, tmp_path, 30)
    try:
        refused = _run_copy(store, f"http://someone:other-secret@127.0.0.1:{port}")
        assert refused.returncode == 1
        assert url in refused.stderr and "401" in refused.stderr, refused.stderr
        assert "experiment" in refused.stderr
        assert "secret" not in refused.stderr + refused.stdout

        done = _copy(store, url, MLFLOW_TRACKING_TOKEN="s3cret-token")
        assert done["verified"] is True, done
        assert done["runs_copied"] == done["source_census"]["runs"]
        assert done["artifact_files_uploaded"] >= 1
        again = _copy(store, url, MLFLOW_TRACKING_TOKEN="s3cret-token")
        assert again["runs_copied"] == 0 and again["model_versions_copied"] == 0
    finally:
        _stop(process)

    closed = _run_copy(store, f"http://127.0.0.1:{_free_port()}")
    assert closed.returncode == 1 and "127.0.0.1" in closed.stderr
