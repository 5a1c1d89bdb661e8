"""Artifacts as MLflow's server serves them, with the real mlflow client: download headers, the
UI's get-artifact and upload-artifact routes, a large file logged through proxy multipart upload,
large files uploaded in parts because `server-info` says the server takes them (and read in
ranges when the client asks), and a LoggedModel's files listed and read the way MLflow's UI reads them (the Python client
itself never calls `logged-models/{id}/artifacts/*`)."""

import hashlib
import os
import uuid

import mlflow
import numpy as np
import pytest
import requests
from mlflow import MlflowClient
from mlflow.store.artifact import http_artifact_repo
from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository
from sklearn.linear_model import LogisticRegression

MIB = 1024 * 1024


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(MIB), b""):
            digest.update(block)
    return digest.hexdigest()


def assert_attachment(response, content_type, filename):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_downloads_carry_mlflows_headers(tracking, tmp_path):
    mlflow.set_experiment(unique("headers"))
    page = tmp_path / "page.html"
    page.write_text("<script>alert(document.cookie)</script>")
    png = tmp_path / "plot.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    with mlflow.start_run() as run:
        mlflow.log_text("hello", "notes/hello.txt")
        mlflow.log_dict({"lr": 0.1}, "config.json")
        mlflow.log_artifact(str(page))
        mlflow.log_artifact(str(png), "plots")
    root = run.info.artifact_uri.removeprefix("mlflow-artifacts:/")
    for path, content_type in [
        ("notes/hello.txt", "text/plain"),
        ("config.json", "text/plain"),
        ("page.html", "text/plain"),
        ("plots/plot.png", "image/png"),
    ]:
        name = path.rsplit("/", 1)[-1]
        ui = requests.get(
            f"{tracking}/get-artifact", params={"path": path, "run_uuid": run.info.run_id}
        )
        assert_attachment(ui, content_type, name)
        proxied = requests.get(f"{tracking}/api/2.0/mlflow-artifacts/artifacts/{root}/{path}")
        assert_attachment(proxied, content_type, name)
        assert proxied.content == ui.content
    assert ui.content == png.read_bytes()
    back = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="notes/hello.txt", dst_path=str(tmp_path / "out")
    )
    assert open(back).read() == "hello"
    traversal = requests.get(
        f"{tracking}/get-artifact",
        params={"path": "../../../etc/passwd", "run_uuid": run.info.run_id},
    )
    assert traversal.status_code == 400
    assert traversal.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_upload_artifact_as_mlflows_ui_sends_it(tracking):
    mlflow.set_experiment(unique("ui-upload"))
    with mlflow.start_run() as run:
        pass
    reply = requests.post(
        f"{tracking}/ajax-api/2.0/mlflow/upload-artifact",
        params={"run_uuid": run.info.run_id, "path": "uploads/notes.md"},
        data=b"# from the UI",
    )
    assert reply.status_code == 200, reply.text
    listed = MlflowClient().list_artifacts(run.info.run_id, "uploads")
    assert [(f.path, f.file_size) for f in listed] == [("uploads/notes.md", 13)]
    empty = requests.post(
        f"{tracking}/ajax-api/2.0/mlflow/upload-artifact",
        params={"run_uuid": run.info.run_id, "path": "empty.md"},
        data=b"",
    )
    assert empty.status_code == 400
    assert empty.json()["message"] == "Request must specify data."


@pytest.fixture
def multipart(monkeypatch):
    """Proxy multipart upload on, with small parts; counts the client's calls."""
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(MIB))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * MIB))
    calls = {"create": 0, "part": 0, "complete": 0, "abort": 0}

    def counting(name, original):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        return wrapper

    for name, attribute in [
        ("create", "create_multipart_upload"),
        ("complete", "complete_multipart_upload"),
        ("abort", "abort_multipart_upload"),
    ]:
        original = getattr(HttpArtifactRepository, attribute)
        monkeypatch.setattr(HttpArtifactRepository, attribute, counting(name, original))
    original_part = HttpArtifactRepository._upload_part
    monkeypatch.setattr(
        HttpArtifactRepository, "_upload_part", staticmethod(counting("part", original_part))
    )
    return calls


def write_random(path, size):
    """`size` bytes: random blocks with runs of zeros between them, written without holding
    them all in memory."""
    rng = np.random.default_rng(20240615)
    with open(path, "wb") as file:
        written = 0
        while written < size:
            block = min(4 * MIB, size - written)
            data = rng.integers(0, 256, size=block, dtype=np.uint8).tobytes()
            if (written // (4 * MIB)) % 3 == 2:
                data = bytes(block)
            file.write(data)
            written += block


def test_large_checkpoint_goes_through_proxy_multipart_upload(tracking, tmp_path, multipart):
    mlflow.set_experiment(unique("mpu"))
    size = 120 * MIB + 12345  # 25 parts of 5 MiB, the last one short
    checkpoint = tmp_path / "model.ckpt"
    write_random(checkpoint, size)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(checkpoint), "checkpoints")
    assert multipart == {"create": 1, "part": 25, "complete": 1, "abort": 0}
    assert MlflowClient().get_run(run.info.run_id).info.status == "FINISHED"
    listed = MlflowClient().list_artifacts(run.info.run_id, "checkpoints")
    assert [(f.path, f.file_size) for f in listed] == [("checkpoints/model.ckpt", size)]
    back = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id,
        artifact_path="checkpoints/model.ckpt",
        dst_path=str(tmp_path / "out"),
    )
    assert os.path.getsize(back) == size
    assert sha256(back) == sha256(checkpoint)


def test_server_info_turns_on_multipart_uploads_and_ranges_come_when_asked(tracking, tmp_path,
                                                                            monkeypatch):
    """`server-info` has the client upload a large file in parts with nothing set; a client that
    turns multipart downloads on reads the file in parallel ranges from the URL the server hands
    out (its own artifact route)."""
    info = requests.get(f"{tracking}/api/3.0/mlflow/server-info", timeout=10)
    assert info.status_code == 200, info.text
    assert info.json()["multipart_uploads_enabled"] is True
    assert info.json()["multipart_downloads_enabled"] is False
    assert requests.get(f"{tracking}/ajax-api/3.0/mlflow/server-info", timeout=10).json() == \
        info.json()
    monkeypatch.delenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", raising=False)
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD", "true")
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(MIB))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * MIB))
    monkeypatch.setenv("MLFLOW_MULTIPART_DOWNLOAD_CHUNK_SIZE", str(3 * MIB))
    created = []
    original_create = HttpArtifactRepository.create_multipart_upload

    def recording_create(self, local_file, num_parts=1, artifact_path=None):
        created.append(num_parts)
        return original_create(self, local_file, num_parts, artifact_path)

    monkeypatch.setattr(HttpArtifactRepository, "create_multipart_upload", recording_create)
    ranges = []
    original_chunk = http_artifact_repo.download_chunk

    def recording_chunk(**kwargs):
        ranges.append((kwargs["range_start"], kwargs["range_end"], kwargs["http_uri"]))
        return original_chunk(**kwargs)

    monkeypatch.setattr(http_artifact_repo, "download_chunk", recording_chunk)

    mlflow.set_experiment(unique("ranges"))
    size = 20 * MIB + 777
    checkpoint = tmp_path / "weights.bin"
    write_random(checkpoint, size)
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(checkpoint), "ckpt")
        mlflow.log_text("", "empty.txt")
    assert created == [5]
    back = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="ckpt/weights.bin", dst_path=str(tmp_path / "out"))
    assert sha256(back) == sha256(checkpoint)
    assert sorted(start for start, _, _ in ranges) == list(range(0, size, 3 * MIB))
    assert max(end for _, end, _ in ranges) == size - 1
    root = run.info.artifact_uri.removeprefix("mlflow-artifacts:/")
    assert {uri for _, _, uri in ranges} == {
        f"{tracking}/api/2.0/mlflow-artifacts/artifacts/{root}/ckpt/weights.bin"}
    # An empty file has no range to read and comes back empty.
    empty = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="empty.txt", dst_path=str(tmp_path / "out"))
    assert os.path.getsize(empty) == 0

    presigned = f"{tracking}/api/2.0/mlflow-artifacts/presigned/{root}"
    answer = requests.get(f"{presigned}/ckpt/weights.bin", timeout=10)
    assert answer.json()["file_size"] == size
    assert answer.headers["Cache-Control"] == "no-store"
    missing = requests.get(f"{presigned}/ckpt/nothing.bin", timeout=10)
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert "ckpt/nothing.bin" in missing.json()["message"]
    folder = requests.get(f"{presigned}/ckpt", timeout=10)
    assert folder.status_code in (400, 404), folder.text
    hostile = requests.get(f"{presigned}/..%2F..%2Fetc%2Fpasswd", timeout=10)
    assert hostile.status_code in (400, 404), hostile.text
    assert "root:" not in hostile.text


def test_a_failed_part_aborts_the_upload_and_leaves_nothing(tracking, tmp_path, multipart,
                                                            monkeypatch):
    mlflow.set_experiment(unique("mpu-abort"))
    checkpoint = tmp_path / "broken.ckpt"
    write_random(checkpoint, 12 * MIB)
    original = HttpArtifactRepository._upload_part

    def failing(credential, local_file, size, start_byte):
        if credential.part_number == 2:
            raise OSError("network cable unplugged")
        return original(credential, local_file, size, start_byte)

    monkeypatch.setattr(HttpArtifactRepository, "_upload_part", staticmethod(failing))
    with mlflow.start_run() as run:
        with pytest.raises(Exception, match="Failed to upload at least one part"):
            mlflow.log_artifact(str(checkpoint))
    assert multipart["abort"] == 1
    assert MlflowClient().list_artifacts(run.info.run_id) == []


class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input * 2


def test_logged_model_files_are_listed_and_read_as_mlflows_ui_does(tracking, tmp_path):
    mlflow.set_experiment(unique("logged-model-files"))
    features = np.array([[0.0, 1.0], [1.0, 0.0]])
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(
            LogisticRegression().fit(features, [0, 1]), name="model"
        )
    model_id = info.model_id
    base = f"{tracking}/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts"
    listing = requests.get(f"{base}/directories")
    assert listing.status_code == 200, listing.text
    body = listing.json()
    assert body["root_uri"] == mlflow.get_logged_model(model_id).artifact_location
    files = {entry["path"]: entry for entry in body["files"]}
    assert {"MLmodel", "model.skops", "requirements.txt"} <= set(files)
    assert files["MLmodel"]["is_dir"] is False and files["MLmodel"]["file_size"] > 0
    mlmodel = requests.get(f"{base}/files", params={"artifact_file_path": "MLmodel"})
    assert_attachment(mlmodel, "text/plain", "MLmodel")
    assert "sklearn" in mlmodel.text
    assert len(mlmodel.content) == files["MLmodel"]["file_size"]
    weights = requests.get(f"{base}/files", params={"artifact_file_path": "model.skops"})
    assert_attachment(weights, "application/octet-stream", "model.skops")
    downloaded = mlflow.artifacts.download_artifacts(
        artifact_uri=f"{body['root_uri']}/model.skops", dst_path=str(tmp_path / "m")
    )
    assert open(downloaded, "rb").read() == weights.content
    hostile = requests.get(f"{base}/files", params={"artifact_file_path": "../../../cairn.db"})
    assert hostile.status_code == 400
    with mlflow.start_run():
        pyfunc_info = mlflow.pyfunc.log_model(name="doubler", python_model=Doubler())
    nested = requests.get(
        f"{tracking}/api/2.0/mlflow/logged-models/{pyfunc_info.model_id}/artifacts/directories"
    )
    assert any(entry["path"] == "python_model.pkl" for entry in nested.json()["files"])
