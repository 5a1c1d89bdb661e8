"""Real libraries end to end against a real `cairn serve`: scikit-learn's autolog of a grid
search, `mlflow.models.evaluate` of a logged classifier, and `mlflow models serve` answering
predictions for a model resolved through Cairn's registry by alias. Tiny data, few grid points:
each scenario takes seconds."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier

# The model's requirements are given, so logging it starts no subprocess to infer them.
REQUIREMENTS = ["scikit-learn", "numpy", "pandas"]


def iris():
    """Iris as a frame of four features and its labels (shipped with scikit-learn)."""
    data = load_iris(as_frame=True)
    features = data.data.rename(columns=lambda name: name.replace(" (cm)", "").replace(" ", "_"))
    return features, data.target


def test_grid_search_autolog_logs_a_parent_its_candidates_and_the_best_model(
    tracking, monkeypatch
):
    # Autolog infers each model's requirements in a Python subprocess (7 s a model); the
    # flavor's defaults are what it falls back to, and Cairn stores either the same way.
    monkeypatch.setattr(
        mlflow.models,
        "infer_pip_requirements",
        lambda model_uri, flavor, fallback=None, **_: fallback,
    )
    client = MlflowClient()
    experiment_id = mlflow.set_experiment("scenario-grid-search").experiment_id
    features, labels = iris()
    grid = {"max_depth": [1, 3], "min_samples_leaf": [1, 5]}
    mlflow.sklearn.autolog(log_input_examples=False, log_datasets=False, silent=True)
    try:
        search = GridSearchCV(DecisionTreeClassifier(random_state=0), grid, cv=2)
        with mlflow.start_run(run_name="grid") as parent:
            search.fit(features, labels)
    finally:
        mlflow.sklearn.autolog(disable=True)

    run = client.get_run(parent.info.run_id)
    assert run.info.status == "FINISHED"
    for key, value in search.best_params_.items():
        assert run.data.params[f"best_{key}"] == str(value)
    assert run.data.metrics["best_cv_score"] == pytest.approx(search.best_score_)
    assert "training_accuracy_score" in run.data.metrics
    artifacts = {artifact.path for artifact in client.list_artifacts(run.info.run_id)}
    assert "cv_results.csv" in artifacts

    children = client.search_runs(
        [experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run.info.run_id}'"
    )
    assert len(children) == 4
    candidates = {
        (child.data.params["max_depth"], child.data.params["min_samples_leaf"])
        for child in children
    }
    assert candidates == {("1", "1"), ("1", "5"), ("3", "1"), ("3", "5")}
    assert all("mean_test_score" in child.data.metrics for child in children)

    models = client.search_logged_models(
        experiment_ids=[experiment_id], filter_string=f"source_run_id = '{run.info.run_id}'"
    )
    assert {model.name for model in models} >= {"model", "best_estimator"}
    best = next(model for model in models if model.name == "best_estimator")
    loaded = mlflow.sklearn.load_model(best.model_uri)
    sample = features.head(5)
    assert loaded.predict(sample).tolist() == search.best_estimator_.predict(sample).tolist()


def logged_classifier(name):
    """Fits a small logistic regression on iris and logs it in an open run."""
    features, labels = iris()
    classifier = LogisticRegression(max_iter=500).fit(features, labels)
    info = mlflow.sklearn.log_model(
        classifier,
        name=name,
        input_example=features.head(2),
        pip_requirements=REQUIREMENTS,
    )
    return classifier, info, features, labels


def test_evaluate_stores_metrics_artifacts_and_the_evaluation_dataset(tracking):
    client = MlflowClient()
    mlflow.set_experiment("scenario-evaluate")
    with mlflow.start_run() as run:
        classifier, info, features, labels = logged_classifier("classifier")
        evaluation_data = features.assign(label=labels)
        result = mlflow.models.evaluate(
            info.model_uri,
            evaluation_data,
            targets="label",
            model_type="classifier",
            evaluators=["default"],
        )

    stored = client.get_run(run.info.run_id)
    expected_accuracy = float(np.mean(classifier.predict(features) == labels))
    assert stored.data.metrics["accuracy_score"] == pytest.approx(expected_accuracy)
    for key, value in result.metrics.items():
        if isinstance(value, float) and key in stored.data.metrics:
            assert stored.data.metrics[key] == pytest.approx(value, nan_ok=True)
    assert {"accuracy_score", "f1_score", "precision_score", "recall_score"} <= set(
        stored.data.metrics
    )
    files = {artifact.path for artifact in client.list_artifacts(run.info.run_id)}
    assert "confusion_matrix.png" in files, files
    with open(mlflow.artifacts.download_artifacts(run_id=run.info.run_id,
                                                  artifact_path="confusion_matrix.png"),
              "rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"

    datasets = stored.inputs.dataset_inputs
    assert len(datasets) == 1
    assert datasets[0].dataset.digest
    assert json.loads(datasets[0].dataset.schema)["mlflow_colspec"], datasets[0].dataset.schema


def test_evaluate_records_the_evaluated_model_as_a_run_input(tracking):
    client = MlflowClient()
    mlflow.set_experiment("scenario-evaluate-inputs")
    with mlflow.start_run() as run:
        _, info, features, labels = logged_classifier("classifier")
        mlflow.models.evaluate(
            info.model_uri,
            features.assign(label=labels),
            targets="label",
            model_type="classifier",
            evaluators=["default"],
        )
    model_inputs = client.get_run(run.info.run_id).inputs.model_inputs
    assert [model.model_id for model in model_inputs] == [info.model_id]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, log, seconds):
    deadline = time.time() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            log.seek(0)
            raise AssertionError(f"mlflow models serve did not come up at {url}:\n{log.read()}")
        time.sleep(0.25)


def test_models_serve_answers_predictions_for_a_model_resolved_by_alias(tracking, tmp_path):
    client = MlflowClient()
    mlflow.set_experiment("scenario-serve")
    with mlflow.start_run():
        classifier, info, features, _ = logged_classifier("served")
    version = mlflow.register_model(info.model_uri, "scenario-served-iris")
    client.set_registered_model_alias("scenario-served-iris", "champion", version.version)

    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "models",
            "serve",
            "-m",
            "models:/scenario-served-iris@champion",
            "--env-manager",
            "local",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env={
            **os.environ,
            "MLFLOW_TRACKING_URI": tracking,
            "MLFLOW_DISABLE_TELEMETRY": "true",
            # The scoring server is started as `uvicorn` from the PATH: this venv's.
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group: the server's workers go down with it.
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/ping", process, log, seconds=90)
        sample = features.head(4)
        body = json.dumps({"dataframe_split": sample.to_dict(orient="split")}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        assert answer["predictions"] == classifier.predict(sample).tolist()
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)
        log.close()
