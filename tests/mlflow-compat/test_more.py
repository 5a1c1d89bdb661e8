"""Experiments, LoggedModel search, the UI's bulk history route and authentication, with the real
mlflow client against cairn serve."""

import os
import subprocess
import time
import uuid

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from conftest import _free_port


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_experiment_search_rename_delete_restore():
    client = MlflowClient()
    name = unique("lifecycle")
    experiment_id = client.create_experiment(name, tags={"team": "cairn"})
    found = client.search_experiments(filter_string=f"name = '{name}'")
    assert [e.experiment_id for e in found] == [experiment_id]
    assert client.search_experiments(filter_string="tags.team = 'cairn'")
    client.rename_experiment(experiment_id, name + "-renamed")
    assert client.get_experiment(experiment_id).name == name + "-renamed"
    client.set_experiment_tag(experiment_id, "k", "v")
    assert client.get_experiment(experiment_id).tags["k"] == "v"
    client.delete_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "deleted"
    deleted = client.search_experiments(view_type=mlflow.entities.ViewType.DELETED_ONLY)
    assert experiment_id in [e.experiment_id for e in deleted]
    client.restore_experiment(experiment_id)
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"
    with pytest.raises(MlflowException) as error:
        client.create_experiment(name + "-renamed")
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_experiment_search_pages():
    client = MlflowClient()
    prefix = unique("paged")
    for index in range(5):
        client.create_experiment(f"{prefix}-{index}")
    first = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", max_results=2,
                                      order_by=["name ASC"])
    assert [e.name for e in first] == [f"{prefix}-0", f"{prefix}-1"]
    rest = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", max_results=10,
                                     order_by=["name ASC"], page_token=first.token)
    assert [e.name for e in rest] == [f"{prefix}-{i}" for i in range(2, 5)]
    assert not rest.token


def test_logged_models_search_and_finalize():
    experiment = mlflow.set_experiment(unique("logged"))
    model = mlflow.initialize_logged_model(name="m", model_type="custom")
    assert model.model_id.startswith("m-")
    assert model.artifact_location.endswith(f"/models/{model.model_id}/artifacts")
    mlflow.set_logged_model_tags(model.model_id, {"kind": "test"})
    mlflow.finalize_logged_model(model.model_id, "READY")
    fetched = mlflow.get_logged_model(model.model_id)
    assert str(fetched.status) in ("READY", "LoggedModelStatus.READY")
    assert fetched.tags["kind"] == "test"
    found = mlflow.search_logged_models(experiment_ids=[experiment.experiment_id],
                                        output_format="list")
    assert [m.model_id for m in found] == [model.model_id]


def test_bulk_interval_history_samples_each_run(tracking):
    mlflow.set_experiment(unique("bulk"))
    client = MlflowClient()
    run_ids = []
    from mlflow.entities import Metric

    for _ in range(2):
        with mlflow.start_run() as run:
            client.log_batch(run.info.run_id,
                             metrics=[Metric("x", float(i), 0, i) for i in range(1000)])
            run_ids.append(run.info.run_id)
    response = requests.get(
        f"{tracking}/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
        params={"run_ids": run_ids, "metric_key": "x", "max_results": 100},
        timeout=30,
    )
    response.raise_for_status()
    metrics = response.json()["metrics"]
    for run_id in run_ids:
        steps = [m["step"] for m in metrics if m["run_id"] == run_id]
        assert len(steps) == 100
        assert steps[0] == 0 and steps[-1] == 999


def test_nan_metric_survives_search_and_history():
    mlflow.set_experiment(unique("nan"))
    with mlflow.start_run() as run:
        mlflow.log_metric("m", float("nan"), step=0)
        mlflow.log_metric("m", float("-inf"), step=1)
    history = MlflowClient().get_metric_history(run.info.run_id, "m")
    import math

    assert math.isnan(history[0].value)
    assert history[1].value == float("-inf")


@pytest.fixture()
def token_server(tmp_path):
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen(
        [os.environ["CAIRN_BIN"], "--store", str(tmp_path / "c.db"), "serve", "--port",
         str(port), "--auth-token", "t0ken"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_client_authenticates_with_tracking_token(token_server, monkeypatch):
    client = MlflowClient(tracking_uri=token_server)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "wrong")
    with pytest.raises(MlflowException):
        client.get_experiment("0")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "t0ken")
    assert client.get_experiment("0").name == "Default"


def test_serve_refuses_public_host_without_auth(tmp_path):
    result = subprocess.run(
        [os.environ["CAIRN_BIN"], "--store", str(tmp_path / "c.db"), "serve", "--host",
         "0.0.0.0", "--port", str(_free_port())],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode != 0
    assert "--auth-token" in result.stderr
