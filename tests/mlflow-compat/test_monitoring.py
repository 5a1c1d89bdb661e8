"""Monitoring a registered model in production: a real scikit-learn model logged and registered
with the real mlflow client, its training data as the version's reference, production batches
scored by the loaded model and sent in MLflow's scoring JSON, and `/metrics` read by Prometheus'
own text-format parser."""

import io

import mlflow
import numpy as np
import pandas as pd
import requests
from mlflow import MlflowClient
from prometheus_client.parser import text_string_to_metric_families
from sklearn import metrics
from sklearn.linear_model import LogisticRegression


def churn_frame(rng, rows, shift=0.0):
    tenure = rng.gamma(2.0 + 3 * shift, 12.0, rows).round(1)
    charges = rng.normal(70 + 25 * shift, 15, rows).round(2)
    plan = rng.choice(["monthly", "yearly", "two-year"], rows, p=[0.5 + 0.4 * shift, 0.3 - 0.2 * shift, 0.2 - 0.2 * shift])
    odds = -1.2 - 0.04 * tenure + 0.03 * (charges - 70) + np.where(plan == "monthly", 1.0, -0.5)
    label = (rng.random(rows) < 1 / (1 + np.exp(-odds))).astype(int)
    return pd.DataFrame({"tenure": tenure, "charges": charges, "plan": plan, "label": label})


def features(frame):
    return pd.DataFrame({
        "tenure": frame["tenure"],
        "charges": frame["charges"],
        "monthly": (frame["plan"] == "monthly").astype(float),
    })


def test_production_batches_are_judged_and_exported(server):
    rng = np.random.default_rng(7)
    train = churn_frame(rng, 4000)
    with mlflow.start_run():
        model = LogisticRegression(max_iter=500).fit(features(train), train["label"])
        mlflow.sklearn.log_model(model, name="model", registered_model_name="churn-monitor")
    client = MlflowClient()
    client.set_registered_model_alias("churn-monitor", "champion", "1")

    sent = requests.post(
        f"{server}/api/2.0/cairn/monitoring/reference",
        params={"name": "churn-monitor", "version": "1", "source": "train.csv", "alert": "auc>=0.7"},
        data=train.to_csv(index=False).encode(),
        headers={"Content-Type": "text/csv"},
        timeout=30,
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["reference"]["rows"] == 4000

    loaded = mlflow.sklearn.load_model("models:/churn-monitor@champion")
    outcomes = []
    for day, shift in enumerate([0.0, 0.0, 0.9]):
        batch = churn_frame(rng, 1500, shift)
        batch["prediction"] = loaded.predict_proba(features(batch))[:, 1].round(6)
        reply = requests.post(
            f"{server}/api/2.0/cairn/monitoring/batches",
            json={
                "name": "churn-monitor",
                "alias": "champion",
                "label": f"day-{day}",
                "dataframe_split": batch.to_dict(orient="split", index=False),
            },
            timeout=30,
        )
        assert reply.status_code == 200, reply.text
        outcome = reply.json()["batch"]
        truth, scores = batch["label"], batch["prediction"]
        assert abs(outcome["metrics"]["auc"] - metrics.roc_auc_score(truth, scores)) < 1e-9
        hard = (scores >= 0.5).astype(int)
        assert abs(outcome["metrics"]["accuracy"] - metrics.accuracy_score(truth, hard)) < 1e-9
        assert abs(outcome["metrics"]["f1"] - metrics.f1_score(truth, hard)) < 1e-9
        outcomes.append(outcome)
    assert [outcome["dataset_drift"] for outcome in outcomes] == [False, False, True]
    drifted = {column["column"] for column in outcomes[2]["columns"] if column["drifted"]}
    assert {"tenure", "charges", "plan"} <= drifted

    listed = requests.get(
        f"{server}/api/2.0/cairn/monitoring/batches",
        params={"name": "churn-monitor", "version": "1"},
        timeout=30,
    ).json()["batches"]
    assert [batch["label"] for batch in listed] == ["day-0", "day-1", "day-2"]

    exposition = requests.get(f"{server}/metrics", timeout=30).text
    samples = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.labels.get("model") == "churn-monitor":
                key = (sample.name, sample.labels.get("column"), sample.labels.get("metric"))
                samples[key] = (sample.value, sample.labels)
    share, labels = samples[("cairn_drift_share", None, None)]
    assert labels["version"] == "1"
    assert share == outcomes[2]["drift_share"]
    assert samples[("cairn_drift_detected", None, None)][0] == 1.0
    assert samples[("cairn_model_metric", None, "auc")][0] == outcomes[2]["metrics"]["auc"]
    tenure = [column for column in outcomes[2]["columns"] if column["column"] == "tenure"][0]
    assert samples[("cairn_drift_score", "tenure", None)][0] == tenure["score"]
    assert samples[("cairn_drift_score", "tenure", None)][1]["test"] == tenure["test"]
    assert samples[("cairn_monitoring_batch_rows", None, None)][0] == 1500
