"""The endpoints MLflow's UI calls (get-history-bulk, search-datasets, create-promptlab-run,
/graphql) and unknown paths, with data logged by the real mlflow client. The 3.17.2 client has no
methods for these, so they are called over HTTP as the UI calls them. Also what the client learns
from `server-info` about workspaces."""

import json
import uuid

import mlflow
import pandas as pd
import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric

AJAX = "ajax-api/2.0/mlflow"


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_get_history_bulk_returns_each_runs_points_in_mlflows_order(tracking):
    mlflow.set_experiment(unique("bulk"))
    client = MlflowClient()
    run_ids = []
    for offset in range(2):
        with mlflow.start_run() as run:
            client.log_batch(run.info.run_id, metrics=[
                Metric("loss", float(10 - i + offset), 1000 + (9 - i), i) for i in range(10)
            ])
            run_ids.append(run.info.run_id)
    response = requests.get(
        f"{tracking}/{AJAX}/metrics/get-history-bulk",
        params={"run_id": run_ids, "metric_key": "loss"},
        timeout=30,
    )
    response.raise_for_status()
    metrics = response.json()["metrics"]
    assert [m["run_id"] for m in metrics] == sorted(run_ids[:1] * 10 + run_ids[1:] * 10)
    first = [m for m in metrics if m["run_id"] == min(run_ids)]
    assert [m["timestamp"] for m in first] == sorted(m["timestamp"] for m in first)
    assert set(first[0]) == {"key", "value", "timestamp", "step", "run_id"}
    limited = requests.get(
        f"{tracking}/{AJAX}/metrics/get-history-bulk",
        params={"run_id": run_ids, "metric_key": "loss", "max_results": 3},
        timeout=30,
    )
    assert len(limited.json()["metrics"]) == 3
    too_many = requests.get(
        f"{tracking}/{AJAX}/metrics/get-history-bulk",
        params={"run_id": [f"r{i}" for i in range(101)], "metric_key": "loss"},
        timeout=30,
    )
    assert too_many.status_code == 400
    assert too_many.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "cannot specify more than 100 run_ids" in too_many.json()["message"]


def test_search_datasets_lists_what_log_input_recorded(tracking):
    experiment_id = mlflow.set_experiment(unique("datasets")).experiment_id
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [4.0, 5.0, 6.0]})
    train = mlflow.data.from_pandas(frame, name="train-set")
    evaluation = mlflow.data.from_pandas(frame.head(2), name="eval-set")
    with mlflow.start_run():
        mlflow.log_input(train, context="training")
        mlflow.log_input(evaluation, context="eval")
    with mlflow.start_run():
        mlflow.log_input(train, context="training")
    response = requests.post(
        f"{tracking}/{AJAX}/experiments/search-datasets",
        json={"experiment_ids": [experiment_id]},
        timeout=30,
    )
    response.raise_for_status()
    summaries = response.json()["dataset_summaries"]
    found = sorted((s["name"], s["digest"], s.get("context")) for s in summaries)
    assert found == sorted([
        ("train-set", train.digest, "training"),
        ("eval-set", evaluation.digest, "eval"),
    ])
    assert all(s["experiment_id"] == experiment_id for s in summaries)


def test_a_promptlab_run_is_a_finished_run_with_its_table_and_model(tracking):
    experiment_id = mlflow.set_experiment(unique("promptlab")).experiment_id
    response = requests.post(
        f"{tracking}/{AJAX}/runs/create-promptlab-run",
        json={
            "experiment_id": experiment_id,
            "run_name": "trial",
            "tags": [{"key": "team", "value": "nlp"}],
            "prompt_template": "Translate {{ word }} to French",
            "prompt_parameters": [{"key": "word", "value": "cheese"}],
            "model_route": "chat",
            "model_parameters": [{"key": "temperature", "value": 0.5}],
            "model_input": "Translate cheese to French",
            "model_output": "fromage",
            "model_output_parameters": [{"key": "latency", "value": 120}],
            "mlflow_version": mlflow.__version__,
        },
        timeout=30,
    )
    response.raise_for_status()
    run_id = response.json()["run"]["info"]["run_id"]
    run = MlflowClient().get_run(run_id)
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "trial"
    assert run.data.params == {
        "temperature": "0.5",
        "model_route": "chat",
        "prompt_template": "Translate {{ word }} to French",
    }
    assert run.data.tags["mlflow.runSourceType"] == "PROMPT_ENGINEERING"
    assert json.loads(run.data.tags["mlflow.loggedArtifacts"]) == [
        {"path": "eval_results_table.json", "type": "table"}
    ]
    table = mlflow.artifacts.load_dict(f"runs:/{run_id}/eval_results_table.json")
    assert table == {
        "columns": ["word", "prompt", "output", "latency"],
        "data": [["cheese", "Translate cheese to French", "fromage", "120"]],
    }
    model_files = {f.path for f in MlflowClient().list_artifacts(run_id, "model")}
    assert {"model/MLmodel", "model/parameters.yaml", "model/input_example.json"} <= model_files
    mlmodel = mlflow.models.Model.load(f"runs:/{run_id}/model")
    assert mlmodel.flavors["python_function"]["loader_module"] == "mlflow.prompt.promptlab_model"
    assert [c.name for c in mlmodel.signature.inputs] == ["word"]

    missing = requests.post(
        f"{tracking}/{AJAX}/runs/create-promptlab-run",
        json={"experiment_id": experiment_id},
        timeout=30,
    )
    assert missing.status_code == 400
    assert missing.json()["message"] == "CreatePromptlabRun request must specify prompt_template."


def test_graphql_answers_the_uis_get_run_query(tracking):
    mlflow.set_experiment(unique("graphql"))
    with mlflow.start_run(run_name="gql") as run:
        mlflow.log_param("lr", "0.1")
        mlflow.log_metric("loss", 0.25, step=4)
    query = """
      query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
        mlflowGetRun(input: $data) {
          apiError { code message }
          run {
            info { runName status runUuid experimentId startTime }
            experiment { name }
            data { metrics { key value step } params { key value } }
            __typename
          }
        }
      }
    """
    response = requests.post(
        f"{tracking}/graphql",
        json={"query": query, "variables": {"data": {"runId": run.info.run_id}},
              "operationName": "GetRun"},
        timeout=30,
    )
    response.raise_for_status()
    answer = response.json()
    assert answer["errors"] is None
    found = answer["data"]["mlflowGetRun"]["run"]
    assert found["__typename"] == "MlflowRunExtension"
    assert found["info"]["runName"] == "gql"
    assert found["info"]["status"] == "FINISHED"
    assert found["info"]["startTime"] == str(run.info.start_time)
    assert found["data"]["metrics"] == [{"key": "loss", "value": 0.25, "step": "4"}]
    assert found["data"]["params"] == [{"key": "lr", "value": "0.1"}]
    missing = requests.post(
        f"{tracking}/graphql",
        json={"query": '{ mlflowGetRun(input: {runId: "0123456789abcdef0123456789abcdef"}) '
                       "{ run { info { runId } } } }"},
        timeout=30,
    )
    assert missing.json()["data"] == {"mlflowGetRun": None}
    assert isinstance(missing.json()["errors"][0], str)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", [
    "no-such-page", "experiments/1", "api/2.0/mlflow/no-such", "ajax-api/graphql",
    "api/2.0/mlflow/metrics/get-history-bulk",
])
def test_unknown_paths_answer_json_404(tracking, method, path):
    response = requests.request(method, f"{tracking}/{path}", json={}, timeout=30)
    assert response.status_code == 404
    assert response.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_a_client_with_a_workspace_is_told_the_server_has_none(tracking, monkeypatch):
    """The client learns from `server-info` that this server has no workspaces, and says so
    plainly instead of that it could not find out."""
    from mlflow.exceptions import MlflowException
    from mlflow.utils import server_info

    server_info._clear_server_info_cache()
    monkeypatch.setenv("MLFLOW_WORKSPACE", "team-a")
    with pytest.raises(MlflowException) as refused:
        MlflowClient().search_experiments()
    assert "does not support workspaces" in str(refused.value)
    monkeypatch.delenv("MLFLOW_WORKSPACE")
    server_info._clear_server_info_cache()
    assert MlflowClient().search_experiments() is not None
