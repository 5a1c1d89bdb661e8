"""Behaviours MLflow's own server has and clients rely on — request validation in MLflow's words,
the order histories, params and versions come back in, run model inputs, LoggedModel details —
checked with the real mlflow client (and raw REST where the client hides the answer)."""

import json
import os
import uuid

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.entities import LoggedModelInput, Metric
from mlflow.exceptions import MlflowException

DOCS = " See the API docs for more information about request parameters."


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def post(server, route, body):
    return requests.post(f"{server}/api/2.0/mlflow/{route}", json=body, timeout=10)


@pytest.mark.parametrize(
    ("route", "body", "message"),
    [
        (
            "runs/delete",
            {"run_id": 31},
            "Invalid value 31 for parameter 'run_id' supplied:  Hint: Value was of type 'int'."
            + DOCS,
        ),
        ("experiments/create", {}, "Missing value for required parameter 'name'." + DOCS),
        (
            "runs/search",
            {"experiment_ids": "0"},
            "Invalid value \"0\" for parameter 'experiment_ids' supplied:  Hint: Value was of "
            "type 'str'." + DOCS,
        ),
        (
            "registered-models/create",
            {"name": ["a"]},
            "Invalid value [\"a\"] for parameter 'name' supplied:  Hint: Value was of type 'list'."
            + DOCS,
        ),
    ],
)
def test_wrong_types_and_missing_fields_are_refused_in_mlflows_words(server, route, body, message):
    reply = post(server, route, body)
    assert reply.status_code == 400
    assert reply.json() == {"error_code": "INVALID_PARAMETER_VALUE", "message": message}


def test_int64_out_of_range_is_refused_not_saturated(server):
    run = MlflowClient().create_run(experiment_id="0")
    for step in [2**63, 1e30, -(2**63) - 1]:
        reply = post(
            server,
            "runs/log-metric",
            {"run_id": run.info.run_id, "key": "m", "value": 1.0, "timestamp": 1, "step": step},
        )
        assert reply.status_code == 400, step
        assert "for parameter 'step' supplied" in reply.json()["message"]
    assert MlflowClient().get_metric_history(run.info.run_id, "m") == []


def test_error_wording_clients_match():
    client = MlflowClient()
    with pytest.raises(MlflowException, match=r"Run 'nope' not found") as missing:
        client.get_run("nope")
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    name = unique("wording")
    with pytest.raises(MlflowException, match=rf"Registered Model with name={name} not found"):
        client.get_registered_model(name)
    client.create_registered_model(name)
    with pytest.raises(MlflowException, match=rf"Registered Model \(name={name}\) already exists"):
        client.create_registered_model(name)
    run = client.create_run(experiment_id="0")
    with pytest.raises(
        MlflowException, match=rf"No tag with name: absent in run with id {run.info.run_id}"
    ):
        client.delete_tag(run.info.run_id, "absent")
    client.delete_run(run.info.run_id)
    with pytest.raises(MlflowException, match=r"must be in the 'active' state"):
        client.set_tag(run.info.run_id, "k", "v")
    live = client.create_run(experiment_id="0")
    client.log_param(live.info.run_id, "lr", "0.1")
    with pytest.raises(MlflowException, match="Changing param values is not allowed"):
        client.log_param(live.info.run_id, "lr", "0.2")


def test_metric_history_is_sorted_by_timestamp_step_and_value():
    client = MlflowClient()
    run_id = client.create_run(experiment_id="0").info.run_id
    # Delivered out of order, as asynchronous logging can.
    logged = [(30, 2, 0.3), (10, 0, 0.5), (20, 1, 0.9), (20, 1, 0.1), (10, 0, 0.2)]
    client.log_batch(
        run_id, metrics=[Metric("loss", value, timestamp, step) for timestamp, step, value in logged]
    )
    history = client.get_metric_history(run_id, "loss")
    assert [(m.timestamp, m.step, m.value) for m in history] == sorted(logged)
    # Paged reads see the same order.
    store = mlflow.tracking._tracking_service.utils._get_store()
    first = store.get_metric_history(run_id, "loss", max_results=2)
    rest = store.get_metric_history(run_id, "loss", max_results=10, page_token=first.token)
    assert [(m.timestamp, m.step, m.value) for m in list(first) + list(rest)] == sorted(logged)


def test_params_and_tags_come_back_in_logging_order():
    client = MlflowClient()
    run_id = client.create_run(experiment_id="0").info.run_id
    keys = ["zeta", "alpha", "mid", "beta"]
    for key in keys:
        client.log_param(run_id, key, "1")
        client.set_tag(run_id, "t." + key, "1")
    run = client.get_run(run_id)
    assert list(run.data.params) == keys
    assert [key for key in run.data.tags if key.startswith("t.")] == ["t." + key for key in keys]


def test_model_version_search_order_and_no_aliases():
    client = MlflowClient()
    name = unique("ordered")
    client.create_registered_model(name)
    for _ in range(3):
        client.create_model_version(name, "s3://bucket/model")
    client.set_registered_model_alias(name, "champion", "2")
    # Version 1 changed last: MLflow's default order puts it first.
    client.update_model_version(name, "1", description="touched")
    default = client.search_model_versions(f"name = '{name}'")
    assert [v.version for v in default][0] == "1"
    assert all(v.aliases == [] for v in default)
    by_number = client.search_model_versions(f"name = '{name}'", order_by=["version_number ASC"])
    assert [v.version for v in by_number] == ["1", "2", "3"]
    assert client.get_model_version(name, "2").aliases == ["champion"]


def test_log_inputs_with_models_is_returned_as_model_inputs():
    client = MlflowClient()
    experiment_id = client.create_experiment(unique("inputs"))
    model = client.create_logged_model(experiment_id=experiment_id)
    run_id = client.create_run(experiment_id=experiment_id).info.run_id
    client.log_inputs(run_id, models=[LoggedModelInput(model_id=model.model_id)])
    inputs = client.get_run(run_id).inputs
    assert [m.model_id for m in inputs.model_inputs] == [model.model_id]


def test_logged_models_get_names_tags_and_dataset_scoped_metric_filters():
    client = MlflowClient()
    experiment_id = client.create_experiment(unique("logged"))
    unnamed = client.create_logged_model(experiment_id=experiment_id)
    assert unnamed.name  # a generated name, as MLflow gives one
    with pytest.raises(MlflowException) as missing:
        client.delete_logged_model_tag(unnamed.model_id, "absent")
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    run_id = client.create_run(experiment_id=experiment_id).info.run_id
    good = client.create_logged_model(experiment_id=experiment_id, name="good")
    bad = client.create_logged_model(experiment_id=experiment_id, name="bad")
    for model, test_accuracy, train_accuracy in [(good, 0.9, 0.9), (bad, 0.4, 0.95)]:
        client.log_batch(
            run_id,
            metrics=[
                Metric("accuracy", test_accuracy, 1, 0, model_id=model.model_id,
                       dataset_name="test", dataset_digest="d1"),
                Metric("accuracy", train_accuracy, 1, 0, model_id=model.model_id,
                       dataset_name="train", dataset_digest="d2"),
            ],
        )
    anywhere = client.search_logged_models(
        experiment_ids=[experiment_id], filter_string="metrics.accuracy > 0.8"
    )
    assert {m.name for m in anywhere} == {"good", "bad"}
    on_test = client.search_logged_models(
        experiment_ids=[experiment_id],
        filter_string="metrics.accuracy > 0.8",
        datasets=[{"dataset_name": "test"}],
    )
    assert [m.name for m in on_test] == ["good"]

    name = unique("from-logged")
    client.create_registered_model(name)
    client.create_model_version(name, f"models:/{good.model_id}", model_id=good.model_id)
    tag = client.get_logged_model(good.model_id).tags["mlflow.modelVersions"]
    assert json.loads(tag) == [{"name": name, "version": 1}]


def test_experiment_tag_not_equal_matches_only_tagged_experiments():
    client = MlflowClient()
    prefix = unique("neq")
    client.create_experiment(f"{prefix}-a", tags={"team": "nlp"})
    client.create_experiment(f"{prefix}-b", tags={"team": "vision"})
    client.create_experiment(f"{prefix}-c")
    found = client.search_experiments(
        filter_string=f"name LIKE '{prefix}%' AND tags.team != 'nlp'"
    )
    assert [e.name for e in found] == [f"{prefix}-b"]


def test_relative_artifact_location_is_made_absolute(server):
    reply = post(server, "experiments/create",
                 {"name": unique("relative"), "artifact_location": "relative/artifacts"})
    assert reply.status_code == 200
    experiment = MlflowClient().get_experiment(reply.json()["experiment_id"])
    assert os.path.isabs(experiment.artifact_location)
    assert experiment.artifact_location.endswith("/relative/artifacts")


def test_version_answers_the_mlflow_api_version(server):
    reply = requests.get(f"{server}/version", timeout=10)
    assert reply.status_code == 200
    assert reply.text == mlflow.__version__


def test_get_download_uri_returns_the_stored_source():
    client = MlflowClient()
    run_id = client.create_run(experiment_id="0").info.run_id
    name = unique("download-uri")
    client.create_registered_model(name)
    client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
    assert client.get_model_version_download_uri(name, "1") == f"runs:/{run_id}/model"
    experiment_id = client.create_experiment(unique("download-uri-logged"))
    logged = client.create_logged_model(experiment_id=experiment_id)
    client.create_model_version(name, f"models:/{logged.model_id}", model_id=logged.model_id)
    assert client.get_model_version_download_uri(name, "2") == logged.artifact_location


def test_log_model_appends_to_the_runs_model_history():
    """`runs/log-model` as MLflow 2.x clients (and Spark's flavor) call it on every log_model."""
    from mlflow.models import Model

    client = MlflowClient()
    run_id = client.create_run(experiment_id="0").info.run_id
    for path in ["first", "second"]:
        model = Model(artifact_path=path, run_id=run_id)
        model.add_flavor("python_function", loader_module="m", config={"dropped": True})
        client._record_logged_model(run_id, model)
    history = json.loads(client.get_run(run_id).data.tags["mlflow.log-model.history"])
    assert [entry["artifact_path"] for entry in history] == ["first", "second"]
    assert all(entry["run_id"] == run_id for entry in history)
    assert history[0]["flavors"] == {"python_function": {"loader_module": "m"}}
    reply = post(MlflowClient().tracking_uri, "runs/log-model",
                 {"run_id": run_id, "model_json": json.dumps({"run_id": run_id})})
    assert reply.status_code == 400
    assert reply.json()["message"].startswith("Model json is missing mandatory fields")
