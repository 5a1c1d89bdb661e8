"""LoggedModels and the model registry with the real mlflow client against cairn serve."""

import uuid

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression


def _train():
    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.2, 0.9], [0.9, 0.1]])
    labels = np.array([0, 1, 0, 1])
    return LogisticRegression().fit(features, labels), features


@pytest.fixture(scope="module")
def registered(server, tmp_path_factory):
    """A model registered three times: versions 1, 2 and 3."""
    name = f"clf-{uuid.uuid4().hex[:8]}"
    import os

    # A module fixture runs before the per-test one that points the client at the server.
    mlflow.set_tracking_uri(server)
    mlflow.set_registry_uri(server)

    os.chdir(tmp_path_factory.mktemp("registered"))
    mlflow.set_experiment(f"registry-{name}")
    model, features = _train()
    for _ in range(3):
        with mlflow.start_run():
            mlflow.log_metric("accuracy", 1.0)
            mlflow.sklearn.log_model(model, name="model", registered_model_name=name)
    return name, features, model


def test_log_model_registers_versions(registered):
    name, _, _ = registered
    client = MlflowClient()
    versions = sorted(int(v.version) for v in client.search_model_versions(f"name = '{name}'"))
    assert versions == [1, 2, 3]
    version = client.get_model_version(name, "1")
    assert version.status == "READY"
    assert version.current_stage == "None"
    assert version.source.startswith("models:/m-")


def test_load_model_by_version_stage_and_alias(registered):
    name, features, model = registered
    client = MlflowClient()
    expected = model.predict(features)
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/1")
    assert list(loaded.predict(features)) == list(expected)

    client.transition_model_version_stage(name, "2", "production")
    assert client.get_model_version(name, "2").current_stage == "Production"
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/Production")
    assert list(loaded.predict(features)) == list(expected)

    client.set_registered_model_alias(name, "champion", "3")
    assert client.get_model_version_by_alias(name, "champion").version == "3"
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    assert list(loaded.predict(features)) == list(expected)
    assert client.get_registered_model(name).aliases == {"champion": "3"}

    client.delete_registered_model_alias(name, "champion")
    with pytest.raises(MlflowException) as error:
        client.get_model_version_by_alias(name, "champion")
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_archive_existing_versions_and_latest(registered):
    name, _, _ = registered
    client = MlflowClient()
    client.transition_model_version_stage(name, "1", "Production")
    client.transition_model_version_stage(name, "3", "Production", archive_existing_versions=True)
    stages = {v.version: v.current_stage for v in client.search_model_versions(f"name = '{name}'")}
    assert stages["3"] == "Production"
    assert stages["1"] == "Archived"
    assert stages["2"] == "Archived"
    latest = client.get_latest_versions(name, stages=["Production"])
    assert [v.version for v in latest] == ["3"]
    everything = {v.current_stage: v.version for v in client.get_latest_versions(name)}
    assert everything == {"Production": "3", "Archived": "2"}


def test_registered_model_create_twice_is_already_exists():
    name = f"dup-{uuid.uuid4().hex[:8]}"
    client = MlflowClient()
    client.create_registered_model(name)
    with pytest.raises(MlflowException) as error:
        client.create_registered_model(name)
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_deleted_version_numbers_are_not_reused():
    name = f"soft-{uuid.uuid4().hex[:8]}"
    client = MlflowClient()
    client.create_registered_model(name)
    client.create_model_version(name, "s3://models/a")
    client.create_model_version(name, "s3://models/b")
    client.delete_model_version(name, "2")
    again = client.create_model_version(name, "s3://models/c")
    assert again.version == "3"
    with pytest.raises(MlflowException) as error:
        client.get_model_version(name, "2")
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_version_sources_outside_the_run_are_refused_as_mlflow_does():
    name = f"src-{uuid.uuid4().hex[:8]}"
    client = MlflowClient()
    client.create_registered_model(name)
    with mlflow.start_run() as run:
        pass
    for source, run_id in [
        ("file:///etc/passwd", run.info.run_id),
        ("/etc", None),
        ("mlflow-artifacts:/0/../../etc", None),
        ("runs:/0123456789abcdef0123456789abcdef/model", None),
    ]:
        with pytest.raises(MlflowException) as error:
            client.create_model_version(name, source, run_id=run_id)
        assert error.value.error_code == "INVALID_PARAMETER_VALUE", source
    assert client.search_model_versions(f"name = '{name}'") == []


def test_registry_tags_rename_and_search():
    name = f"tags-{uuid.uuid4().hex[:8]}"
    client = MlflowClient()
    client.create_registered_model(name, tags={"team": "cairn"}, description="first")
    client.update_registered_model(name, description="second")
    client.set_registered_model_tag(name, "stage", "dev")
    client.create_model_version(name, "s3://models/x", tags={"v": "1"})
    client.set_model_version_tag(name, "1", "checked", "yes")
    version = client.get_model_version(name, "1")
    assert version.tags == {"v": "1", "checked": "yes"}
    client.delete_model_version_tag(name, "1", "v")
    assert client.get_model_version(name, "1").tags == {"checked": "yes"}
    model = client.get_registered_model(name)
    assert model.description == "second"
    assert model.tags == {"team": "cairn", "stage": "dev"}
    found = client.search_registered_models(filter_string=f"name = '{name}'")
    assert [m.name for m in found] == [name]
    client.rename_registered_model(name, name + "-renamed")
    assert client.get_registered_model(name + "-renamed").name == name + "-renamed"
    client.delete_registered_model(name + "-renamed")
    with pytest.raises(MlflowException):
        client.get_registered_model(name + "-renamed")


def test_register_run_artifact_by_runs_uri(tmp_path):
    name = f"runs-uri-{uuid.uuid4().hex[:8]}"
    mlflow.set_experiment(name)
    model, features = _train()
    with mlflow.start_run() as run:
        mlflow.sklearn.save_model(model, str(tmp_path / "saved"))
        mlflow.log_artifacts(str(tmp_path / "saved"), artifact_path="plain")
    version = mlflow.register_model(f"runs:/{run.info.run_id}/plain", name)
    assert version.version == "1"
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/latest")
    assert list(loaded.predict(features)) == list(model.predict(features))


def test_log_model_links_run_metrics_to_the_logged_model(registered):
    name, _, _ = registered
    client = MlflowClient()
    version = client.get_model_version(name, "1")
    # The client drops model_id from ModelVersion; the source names the LoggedModel.
    model = mlflow.get_logged_model(version.source.removeprefix("models:/"))
    assert [(m.key, m.value) for m in model.metrics] == [("accuracy", 1.0)]
    assert model.metrics[0].run_id == version.run_id
    # Re-logging for the model did not repeat the point in the run's own history.
    assert len(client.get_metric_history(version.run_id, "accuracy")) == 1


def test_sklearn_autolog_round_trip():
    mlflow.set_experiment(f"autolog-{uuid.uuid4().hex[:8]}")
    mlflow.sklearn.autolog(log_input_examples=False, silent=True)
    try:
        model, features = _train()
        run = mlflow.last_active_run()
    finally:
        mlflow.sklearn.autolog(disable=True)
    client = MlflowClient()
    fetched = client.get_run(run.info.run_id)
    assert fetched.data.params["C"] == "1.0"
    assert "training_accuracy_score" in fetched.data.metrics
    model_ids = [output.model_id for output in fetched.outputs.model_outputs]
    assert len(model_ids) == 1
    loaded = mlflow.pyfunc.load_model(f"models:/{model_ids[0]}")
    assert list(loaded.predict(features)) == list(model.predict(features))
