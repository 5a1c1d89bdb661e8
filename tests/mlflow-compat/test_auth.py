"""`cairn serve --auth users` with the real mlflow client: users made and granted through MLflow's
own AuthServiceClient, runs logged with MLFLOW_TRACKING_USERNAME/PASSWORD and with
MLFLOW_TRACKING_TOKEN, and a user without permission refused and shown nothing. Runs on the
same store kind as the rest of the pass (SQLite, or PostgreSQL in the team pass)."""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import mlflow
import pytest
from mlflow.exceptions import MlflowException, RestException
from mlflow.server.auth.client import AuthServiceClient
from mlflow.store.artifact import http_artifact_repo
from mlflow.tracking import MlflowClient

from conftest import _free_port

ADMIN, ADMIN_PASSWORD = "root", "root passphrase"


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("team")
    port = _free_port()
    command = [os.environ["CAIRN_BIN"], "--store", str(store_dir / "cairn.db"), "serve",
               "--port", str(port), "--auth", "users", "--default-permission", "NO_PERMISSIONS"]
    admin = os.environ.get("CAIRN_COMPAT_POSTGRES")
    if admin:
        database = f"auth_{os.getpid()}_{int(time.time())}"
        subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {database}"], check=True)
        command[1:3] = ["--database", admin.rsplit("/", 1)[0] + "/" + database]
    env = dict(os.environ, CAIRN_ADMIN_USERNAME=ADMIN, CAIRN_ADMIN_PASSWORD=ADMIN_PASSWORD)
    log = open(store_dir / "serve.log", "w+")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=store_dir)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1):
                break
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            log.seek(0)
            raise RuntimeError("cairn serve --auth users did not start:\n" + log.read())
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.seek(0)
    assert ADMIN_PASSWORD not in log.read(), "a password reached the server's log"


def as_user(monkeypatch, username, password):
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", username)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)


def as_token(monkeypatch, token):
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)


def test_users_log_with_passwords_and_tokens_and_see_only_what_they_may(team, monkeypatch):
    mlflow.set_tracking_uri(team)
    mlflow.set_registry_uri(team)
    as_user(monkeypatch, ADMIN, ADMIN_PASSWORD)
    auth = AuthServiceClient(team)
    ana = auth.create_user("ana", "ana passphrase")
    assert ana.username == "ana" and not ana.is_admin
    auth.create_user("bo", "bo passphrase")
    assert auth.get_user("bo").username == "bo"

    as_user(monkeypatch, "ana", "ana passphrase")
    client = MlflowClient(team)
    experiment_id = client.create_experiment("ana-churn")
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_param("lr", 0.1)
        mlflow.log_metric("loss", 0.25, step=1)
    logged = client.get_run(run.info.run_id)
    assert logged.data.tags["mlflow.user"] == "ana"
    assert logged.data.metrics["loss"] == 0.25

    # bo gets nothing by default: refused, and the experiment is not in his searches.
    as_user(monkeypatch, "bo", "bo passphrase")
    with pytest.raises(MlflowException) as refused:
        MlflowClient(team).get_run(run.info.run_id)
    assert "PERMISSION_DENIED" in str(refused.value) or "403" in str(refused.value)
    names = [e.name for e in MlflowClient(team).search_experiments()]
    assert "ana-churn" not in names

    # ana (MANAGE as the creator) grants bo READ through MLflow's client.
    as_user(monkeypatch, "ana", "ana passphrase")
    AuthServiceClient(team).grant_user_permission("bo", "experiment", experiment_id, "READ")
    as_user(monkeypatch, "bo", "bo passphrase")
    assert MlflowClient(team).get_run(run.info.run_id).data.params["lr"] == "0.1"
    with pytest.raises(MlflowException):
        MlflowClient(team).log_param(run.info.run_id, "x", "1")

    # A personal token works as MLFLOW_TRACKING_TOKEN.
    request = urllib.request.Request(
        team + "/api/2.0/cairn/tokens/create", data=json.dumps({"name": "ci"}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    request.add_header("Authorization", "Basic " + __import__("base64").b64encode(b"ana:ana passphrase").decode())
    token = json.load(urllib.request.urlopen(request))["secret"]
    as_token(monkeypatch, token)
    with mlflow.start_run(experiment_id=experiment_id) as second:
        mlflow.log_metric("loss", 0.2)
    assert MlflowClient(team).get_run(second.info.run_id).data.tags["mlflow.user"] == "ana"

    # The admin's other client methods: password and admin changes, deletion.
    as_user(monkeypatch, ADMIN, ADMIN_PASSWORD)
    auth = AuthServiceClient(team)
    auth.update_user_password("bo", "bo's new passphrase")
    auth.update_user_admin("bo", True)
    assert auth.get_user("bo").is_admin
    as_user(monkeypatch, "bo", "bo's new passphrase")
    assert "ana-churn" in [e.name for e in MlflowClient(team).search_experiments()]
    as_user(monkeypatch, ADMIN, ADMIN_PASSWORD)
    auth.delete_user("bo")
    with pytest.raises(MlflowException):
        auth.get_user("bo")
    as_user(monkeypatch, "bo", "bo's new passphrase")
    with pytest.raises(MlflowException):
        MlflowClient(team).search_experiments()

    # A wrong password is refused without echoing it.
    as_user(monkeypatch, "ana", "not the passphrase")
    with pytest.raises(MlflowException) as wrong:
        MlflowClient(team).get_run(run.info.run_id)
    assert "not the passphrase" not in str(wrong.value)


def test_ranged_downloads_carry_the_callers_credential_and_permission(team, monkeypatch,
                                                                       tmp_path):
    """With multipart downloads on, a large file is read in parallel ranges from the URL
    `presigned` hands out, with the caller's own credential; a user who may not read the experiment gets no URL."""
    mlflow.set_tracking_uri(team)
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE", str(1024 * 1024))
    as_user(monkeypatch, ADMIN, ADMIN_PASSWORD)
    auth = AuthServiceClient(team)
    auth.create_user("cy", "cy passphrase")
    auth.create_user("di", "di passphrase")
    as_user(monkeypatch, "cy", "cy passphrase")
    experiment_id = MlflowClient(team).create_experiment("cy-weights")
    weights = tmp_path / "weights.bin"
    weights.write_bytes(os.urandom(3 * 1024 * 1024 + 5))
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_artifact(str(weights))
    chunk_headers = []
    original_chunk = http_artifact_repo.download_chunk

    def recording_chunk(**kwargs):
        chunk_headers.append(kwargs["headers"])
        return original_chunk(**kwargs)

    monkeypatch.setattr(http_artifact_repo, "download_chunk", recording_chunk)
    back = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="weights.bin", dst_path=str(tmp_path / "cy"))
    assert open(back, "rb").read() == weights.read_bytes()
    assert len(chunk_headers) == 4 and all("Authorization" in h for h in chunk_headers)

    root = run.info.artifact_uri.removeprefix("mlflow-artifacts:/")
    presigned = f"{team}/api/2.0/mlflow-artifacts/presigned/{root}/weights.bin"
    basic = "Basic " + __import__("base64").b64encode(b"cy:cy passphrase").decode()
    answer = json.load(urllib.request.urlopen(
        urllib.request.Request(presigned, headers={"Authorization": basic})))
    assert answer["headers"] == {"Authorization": basic}
    assert answer["file_size"] == 3 * 1024 * 1024 + 5
    # The URL is the artifact route itself: without a credential it is refused.
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(answer["url"])
    assert anonymous.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(presigned)
    assert anonymous.value.code == 401

    di = "Basic " + __import__("base64").b64encode(b"di:di passphrase").decode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(presigned, headers={"Authorization": di}))
    assert refused.value.code == 403
    as_user(monkeypatch, "di", "di passphrase")
    with pytest.raises(Exception) as client_refused:
        mlflow.artifacts.download_artifacts(
            run_id=run.info.run_id, artifact_path="weights.bin", dst_path=str(tmp_path / "di"))
    assert "PERMISSION_DENIED" in str(client_refused.value) or "403" in str(
        client_refused.value)
