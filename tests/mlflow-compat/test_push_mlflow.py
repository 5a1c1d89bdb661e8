"""`cairn push RUN... --to URL` into a REAL `mlflow server` (the venv's, SQLite backend,
`--serve-artifacts`): the demo store's runs of one experiment (git provenance and data hashes
included) and the registry versions made from them, then compared with the real mlflow client
against both sides — params, tags, every metric point, stages and aliases; a second push sends
nothing and creates nothing. A model registered the mlflow 3 way (`models:/m-...`) goes with
its LoggedModel and files and loads on the other side; the team's aliases stay put unless
`--move-aliases`."""

import json
import os
import pathlib
import subprocess
import sys

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from test_store_copy_mlflow import _free_port, _points, _start, _stop

SOURCE_RUN = "cairn.source_run_id"
ONE_SIDED = {SOURCE_RUN, "cairn.pushed_to"}

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("CAIRN_COMPAT_POSTGRES") or os.environ.get("CAIRN_COMPAT_ARTIFACTS")),
    reason="independent of the backends the suite's own server runs on",
)


@pytest.fixture(scope="module")
def real_mlflow(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mlflow-push-target")
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


def _cairn(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_TRACKING")}
    done = subprocess.run(
        [os.environ["CAIRN_BIN"], *args], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_push_into_a_real_mlflow_server(real_mlflow, tmp_path):
    store = tmp_path / "laptop.db"
    _cairn("--store", str(store), "demo", "--json")
    runs = json.loads(_cairn("--store", str(store), "runs", "list", "--experiment", "mnist-cnn",
                             "--json"))  # fmt: skip
    ids = [run["run_id"] for run in runs]
    assert len(ids) > 5

    first = json.loads(_cairn("--store", str(store), "push", *ids, "--to", real_mlflow, "--json"))
    assert first["failed"] == [], first["failed"]
    assert first["totals"]["created"] == len(ids)
    assert first["totals"]["points"] > 0

    port = _free_port()
    cairn_url = f"http://127.0.0.1:{port}"
    serve = [os.environ["CAIRN_BIN"], "--store", str(store), "serve", "--port", str(port)]
    process = _start(serve, cairn_url, tmp_path, 30)
    try:
        local = MlflowClient(tracking_uri=cairn_url, registry_uri=cairn_url)
        team = MlflowClient(tracking_uri=real_mlflow, registry_uri=real_mlflow)
        experiment = team.get_experiment_by_name("mnist-cnn")
        there = {
            run.data.tags[SOURCE_RUN]: run
            for run in team.search_runs([experiment.experiment_id], max_results=1000)
        }
        assert sorted(there) == sorted(ids)
        for run_id in ids:
            mine = local.get_run(run_id)
            theirs = there[run_id]
            assert theirs.info.status == mine.info.status
            assert theirs.info.start_time == mine.info.start_time
            assert theirs.info.end_time == mine.info.end_time
            assert theirs.info.run_name == mine.info.run_name
            assert theirs.data.params == mine.data.params
            mine_tags = {k: v for k, v in mine.data.tags.items() if k not in ONE_SIDED}
            their_tags = {k: v for k, v in theirs.data.tags.items() if k not in ONE_SIDED}
            # Cairn's provenance goes as tags: everything local is there, plus those.
            assert mine_tags.items() <= their_tags.items(), (mine_tags, their_tags)
            assert "mlflow.source.git.commit" in their_tags
            assert "cairn.data_hashes" in their_tags
            assert set(theirs.data.metrics) == set(mine.data.metrics)
            for key in mine.data.metrics:
                assert _points(team.get_metric_history(theirs.info.run_id, key)) == _points(
                    local.get_metric_history(run_id, key)
                ), (run_id, key)
            pushed_to = json.loads(mine.data.tags["cairn.pushed_to"])
            assert pushed_to[real_mlflow] == theirs.info.run_id

        # The registry versions made from these runs, each once, with stage and source.
        versions = team.search_model_versions("name='mnist-classifier'")
        local_versions = [
            v for v in local.search_model_versions("name='mnist-classifier'") if v.run_id in ids
        ]
        assert len(versions) == len(local_versions) > 0
        by_source = {v.tags["cairn.source_version"]: v for v in versions}
        for version in local_versions:
            copy = by_source[str(version.version)]
            assert copy.current_stage == version.current_stage
            assert copy.run_id == there[version.run_id].info.run_id
            assert copy.source == f"runs:/{copy.run_id}/model"
    finally:
        _stop(process)

    again = json.loads(_cairn("--store", str(store), "push", *ids, "--to", real_mlflow, "--json"))
    assert again["failed"] == []
    for field in ("created", "params", "tags", "points", "files", "model_versions"):
        assert again["totals"][field] == 0, (field, again["totals"])
    assert len(team.search_model_versions("name='mnist-classifier'")) == len(versions)


class AddThree(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input + 3


@pytest.fixture
def own_uris():
    """Puts the client's global tracking and registry URIs back after a test that points them
    elsewhere (module fixtures of later tests read them)."""
    saved = mlflow.get_tracking_uri(), mlflow.get_registry_uri()
    yield
    mlflow.set_tracking_uri(saved[0])
    mlflow.set_registry_uri(saved[1])


def test_an_mlflow_3_model_goes_with_its_files_and_the_teams_alias_stays(real_mlflow, tmp_path,
                                                                          own_uris):
    team = MlflowClient(tracking_uri=real_mlflow, registry_uri=real_mlflow)
    name = "churn-pyfunc"
    # The team's own version 1, its @champion.
    team.create_registered_model(name)
    team_run = team.create_run(team.create_experiment("team-churn"))
    team.create_model_version(name, f"runs:/{team_run.info.run_id}/model", run_id=team_run.info.run_id)
    team.set_registered_model_alias(name, "champion", "1")

    # A laptop: mlflow 3's log_model with registered_model_name, into a local store file.
    store = tmp_path / "laptop.db"
    port = _free_port()
    laptop = f"http://127.0.0.1:{port}"
    serve = [os.environ["CAIRN_BIN"], "--store", str(store), "serve", "--port", str(port)]
    process = _start(serve, laptop, tmp_path, 30)
    try:
        mlflow.set_tracking_uri(laptop)
        mlflow.set_registry_uri(laptop)
        mlflow.set_experiment("laptop-churn")
        with mlflow.start_run() as run:
            info = mlflow.pyfunc.log_model(
                name="model", python_model=AddThree(), registered_model_name=name
            )
        MlflowClient(laptop, laptop).set_registered_model_alias(name, "champion", "1")
    finally:
        _stop(process)
    assert info.model_uri.startswith("models:/m-")

    first = json.loads(_cairn("--store", str(store), "push", run.info.run_id, "--to", real_mlflow,
                              "--json"))  # fmt: skip
    assert first["failed"] == [], first["failed"]
    pushed = first["runs"][0]
    assert (pushed["model_versions"], pushed["logged_models"]) == (1, 1), pushed
    assert pushed["files"] > 0
    assert any("'champion'" in note and "--move-aliases" in note for note in pushed["notes"])
    # The team's champion did not move.
    assert team.get_model_version_by_alias(name, "champion").version == "1"

    version = team.get_model_version(name, "2")
    assert version.tags["cairn.source_version"] == "1"
    assert version.run_id == pushed["remote_run_id"]
    assert version.source.startswith("models:/m-")
    model_id = version.source.removeprefix("models:/")
    assert team.get_logged_model(model_id).source_run_id == pushed["remote_run_id"]
    assert team.get_logged_model(model_id).status == "READY"
    mlflow.set_tracking_uri(real_mlflow)
    mlflow.set_registry_uri(real_mlflow)
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/2")
    assert list(loaded.predict(pd.DataFrame({"x": [1, 2]}))["x"]) == [4, 5]

    # Asked to, the push moves the alias; the model and version are not sent again.
    again = json.loads(_cairn("--store", str(store), "push", run.info.run_id, "--to", real_mlflow,
                              "--move-aliases", "--json"))  # fmt: skip
    assert again["failed"] == []
    assert (again["totals"]["model_versions"], again["runs"][0]["logged_models"]) == (0, 0)
    assert team.get_model_version_by_alias(name, "champion").version == "2"
    champion = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    assert list(champion.predict(pd.DataFrame({"x": [0]}))["x"]) == [3]
    assert len(team.search_model_versions(f"name='{name}'")) == 2
