"""Tracking with the real mlflow client against cairn serve."""

import math
import uuid

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_set_experiment_creates_then_reuses():
    name = unique("exp")
    first = mlflow.set_experiment(name)
    second = mlflow.set_experiment(name)
    assert first.experiment_id == second.experiment_id
    assert MlflowClient().get_experiment_by_name(name).name == name


def test_run_logging_round_trip():
    mlflow.set_experiment(unique("log"))
    with mlflow.start_run(run_name="parent") as parent:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"optimizer": "adam", "layers": 3})
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.9, "nan_metric": float("nan"), "inf_metric": float("inf")})
        mlflow.set_tag("team", "cairn")
        mlflow.set_tags({"a": "1", "b": "2"})
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_metric("child_metric", 2.0)
    client = MlflowClient()
    run = client.get_run(parent.info.run_id)
    assert run.info.run_name == "parent"
    assert run.info.status == "FINISHED"
    assert run.data.params == {"lr": "0.01", "optimizer": "adam", "layers": "3"}
    assert run.data.metrics["loss"] == pytest.approx(0.2)
    assert math.isnan(run.data.metrics["nan_metric"])
    assert run.data.metrics["inf_metric"] == float("inf")
    assert run.data.tags["team"] == "cairn"
    assert run.data.tags["b"] == "2"
    history = client.get_metric_history(parent.info.run_id, "loss")
    assert [m.step for m in history] == [0, 1, 2, 3, 4]
    assert history[0].value == 1.0
    child_run = client.get_run(child.info.run_id)
    assert child_run.data.tags["mlflow.parentRunId"] == parent.info.run_id


def test_delete_tag_and_restore_run():
    mlflow.set_experiment(unique("del"))
    with mlflow.start_run() as run:
        mlflow.set_tag("gone", "soon")
    client = MlflowClient()
    client.delete_tag(run.info.run_id, "gone")
    assert "gone" not in client.get_run(run.info.run_id).data.tags
    client.delete_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    client.restore_run(run.info.run_id)
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "active"


def test_log_input_dataset():
    import pandas as pd

    mlflow.set_experiment(unique("data"))
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(frame, name="toy")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")
    inputs = MlflowClient().get_run(run.info.run_id).inputs.dataset_inputs
    assert len(inputs) == 1
    assert inputs[0].dataset.name == "toy"
    assert inputs[0].dataset.digest == dataset.digest
    assert {t.key: t.value for t in inputs[0].tags}["mlflow.data.context"] == "training"


def test_artifacts_round_trip(tmp_path):
    mlflow.set_experiment(unique("art"))
    local = tmp_path / "notes.txt"
    local.write_text("hello artifacts")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text("b")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(local))
        mlflow.log_artifacts(str(folder), artifact_path="folder")
        mlflow.log_text("some text", "texts/t.txt")
        mlflow.log_dict({"k": [1, 2]}, "config.json")
        import numpy as np

        mlflow.log_image(np.zeros((8, 8, 3), dtype=np.uint8), "images/zero.png")
    client = MlflowClient()
    top = sorted(f.path for f in client.list_artifacts(run.info.run_id))
    assert top == ["config.json", "folder", "images", "notes.txt", "texts"]
    nested = sorted(f.path for f in client.list_artifacts(run.info.run_id, "folder"))
    assert nested == ["folder/a.txt", "folder/sub"]
    out = tmp_path / "out"
    out.mkdir()
    path = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, dst_path=str(out))
    import pathlib

    root = pathlib.Path(path)
    assert (root / "notes.txt").read_text() == "hello artifacts"
    assert (root / "folder" / "sub" / "b.txt").read_text() == "b"
    assert mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/texts/t.txt") == "some text"
    assert mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/config.json") == {"k": [1, 2]}
    assert (root / "images" / "zero.png").stat().st_size > 0


def test_search_runs_filter_order_and_paging():
    experiment = mlflow.set_experiment(unique("search"))
    for index in range(7):
        with mlflow.start_run(run_name=f"r{index}"):
            mlflow.log_param("parity", "even" if index % 2 == 0 else "odd")
            mlflow.log_metric("score", float(index))
    client = MlflowClient()
    ids = [experiment.experiment_id]
    runs = client.search_runs(ids, "params.parity = 'even' and metrics.score >= 2",
                              order_by=["metrics.score DESC"])
    assert [r.data.metrics["score"] for r in runs] == [6.0, 4.0, 2.0]
    first = client.search_runs(ids, order_by=["metrics.score ASC"], max_results=3)
    assert [r.data.metrics["score"] for r in first] == [0.0, 1.0, 2.0]
    assert first.token
    second = client.search_runs(ids, order_by=["metrics.score ASC"], max_results=3,
                                page_token=first.token)
    assert [r.data.metrics["score"] for r in second] == [3.0, 4.0, 5.0]
    third = client.search_runs(ids, order_by=["metrics.score ASC"], max_results=3,
                               page_token=second.token)
    assert [r.data.metrics["score"] for r in third] == [6.0]
    assert not third.token
    frame = mlflow.search_runs([experiment.experiment_id], filter_string="attributes.run_name = 'r3'")
    assert list(frame["tags.mlflow.runName"]) == ["r3"]


def test_long_metric_history_pages():
    mlflow.set_experiment(unique("hist"))
    client = MlflowClient()
    with mlflow.start_run() as run:
        from mlflow.entities import Metric

        for start in range(0, 30000, 1000):
            client.log_batch(run.info.run_id, metrics=[
                Metric("long", float(i), 0, i) for i in range(start, start + 1000)])
    history = client.get_metric_history(run.info.run_id, "long")
    assert len(history) == 30000
    assert history[-1].step == 29999


def test_param_change_is_rejected():
    mlflow.set_experiment(unique("err"))
    with mlflow.start_run():
        mlflow.log_param("p", "1")
        mlflow.log_param("p", "1")
        with pytest.raises(MlflowException) as error:
            mlflow.log_param("p", "2")
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"


def test_missing_run_is_resource_does_not_exist():
    with pytest.raises(MlflowException) as error:
        MlflowClient().get_run("0" * 32)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_missing_experiment_by_name_is_none():
    assert MlflowClient().get_experiment_by_name(unique("absent")) is None


def test_concurrent_writers_never_see_database_is_locked():
    from concurrent.futures import ThreadPoolExecutor

    from mlflow.entities import Metric

    experiment = mlflow.set_experiment(unique("concurrent"))
    client = MlflowClient()

    def writer(index):
        run = client.create_run(experiment.experiment_id)
        for batch in range(20):
            client.log_batch(run.info.run_id, metrics=[
                Metric("m", float(i), 0, batch * 100 + i) for i in range(100)])
        client.set_terminated(run.info.run_id)
        return run.info.run_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        run_ids = list(pool.map(writer, range(8)))
    for run_id in run_ids:
        assert len(client.get_metric_history(run_id, "m")) == 2000


def test_large_artifact_streams_both_ways(tmp_path):
    mlflow.set_experiment(unique("large"))
    payload = bytes(range(256)) * (6 * 4096)  # 6 MiB, above axum's default 2 MB body limit
    local = tmp_path / "big.bin"
    local.write_bytes(payload)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(local))
    back = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="big.bin",
                                               dst_path=str(tmp_path / "out"))
    import pathlib

    assert pathlib.Path(back).read_bytes() == payload
