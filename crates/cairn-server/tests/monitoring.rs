//! `/api/2.0/cairn/monitoring`: a version's reference and production batches sent as CSV,
//! Parquet-looking garbage and MLflow's scoring JSON; drift and performance judged and listed;
//! the gauges on `/metrics`; bad input refused naming what is wrong, with nothing stored; and on
//! a team server, reading needs READ and sending needs EDIT on the registered model.
#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the support module is not #[test] code"
)]

mod support;

use base64::Engine as _;
use cairn_core::model::Permission;
use cairn_core::{AccountStore as _, SqliteStore};
use cairn_server::Auth;
use cairn_server::accounts::secrets;
use serde_json::{Value, json};
use support::{Reply, TestServer, start};

/// A deterministic sample: `rows` rows of age (numeric), plan (categorical), label and, when
/// `accuracy` is given, a prediction right that often. `shift` moves age and plan.
fn csv(rows: usize, shift: f64, accuracy: Option<f64>, seed: u64) -> String {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut out = String::from(if accuracy.is_some() {
        "age,plan,label,prediction\n"
    } else {
        "age,plan,label\n"
    });
    for _ in 0..rows {
        // A sum of uniforms: roughly normal around 40 (+ 15 per unit of shift).
        let age = 40.0 + 15.0 * shift + 20.0 * ((next() + next() + next()) / 3.0 - 0.5);
        let plan = if next() < 0.5 - 0.4 * shift {
            "basic"
        } else if next() < 0.5 {
            "pro"
        } else {
            "team"
        };
        let label = u8::from(next() < 0.3);
        out.push_str(&format!("{age:.2},{plan},{label}"));
        if let Some(accuracy) = accuracy {
            let prediction = if next() < accuracy { label } else { 1 - label };
            out.push_str(&format!(",{prediction}"));
        }
        out.push('\n');
    }
    out
}

fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn refused(reply: &Reply, status: u16, words: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let message = reply.json()["message"].as_str().unwrap_or("").to_owned();
    assert!(message.contains(words), "'{message}' should say '{words}'");
}

fn send_csv(server: &TestServer, path: &str, body: &str, auth: Option<&str>) -> Reply {
    let mut headers = vec![("Content-Type", "text/csv")];
    if let Some(auth) = auth {
        headers.push(("Authorization", auth));
    }
    server.send("POST", path, &headers, body.as_bytes())
}

/// A registered model `churn` with one version made from a run.
fn churn(server: &TestServer, auth: Option<&str>) {
    let mut json_headers = vec![("Content-Type", "application/json")];
    if let Some(auth) = auth {
        json_headers.push(("Authorization", auth));
    }
    let post = |path: &str, body: Value| {
        ok(server.send("POST", path, &json_headers, body.to_string().as_bytes()))
    };
    let experiment = post(
        "/api/2.0/mlflow/experiments/create",
        json!({"name": "churn"}),
    )["experiment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = post(
        "/api/2.0/mlflow/runs/create",
        json!({"experiment_id": experiment}),
    );
    let run_id = run["run"]["info"]["run_id"].as_str().unwrap().to_owned();
    post(
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "churn"}),
    );
    post(
        "/api/2.0/mlflow/model-versions/create",
        json!({"name": "churn", "source": format!("runs:/{run_id}/model"), "run_id": run_id}),
    );
}

#[test]
fn batches_are_judged_listed_and_exported() {
    let server = start(Auth::None);
    churn(&server, None);
    assert_eq!(
        ok(server.get("/api/2.0/cairn/monitoring/reference?name=churn&version=1")),
        json!({})
    );
    refused(
        &send_csv(
            &server,
            "/api/2.0/cairn/monitoring/batches?name=churn&version=1",
            &csv(100, 0.0, None, 1),
            None,
        ),
        404,
        "cairn monitor reference models:/churn/1",
    );
    let reference = ok(send_csv(
        &server,
        "/api/2.0/cairn/monitoring/reference?name=churn&version=1&source=train.csv&alert=accuracy%3E%3D0.8",
        &csv(3000, 0.0, None, 2),
        None,
    ));
    assert_eq!(reference["reference"]["rows"], 3000);
    assert_eq!(reference["reference"]["source"], "train.csv");
    assert_eq!(
        reference["reference"]["settings"]["alerts"][0],
        json!({"metric": "accuracy", "op": ">=", "value": 0.8})
    );

    let steady = ok(send_csv(
        &server,
        "/api/2.0/cairn/monitoring/batches?name=churn&version=1&label=monday.csv",
        &csv(1500, 0.0, Some(0.9), 3),
        None,
    ));
    assert_eq!(steady["batch"]["dataset_drift"], false, "{steady}");
    assert_eq!(steady["batch"]["label"], "monday.csv");
    let accuracy = steady["batch"]["metrics"]["accuracy"].as_f64().unwrap();
    assert!((0.85..0.95).contains(&accuracy), "{accuracy}");
    assert!(steady["batch"]["metrics"]["auc"].is_number());
    assert_eq!(steady["alerts"], json!([]));

    // The same kind of rows as MLflow's scoring server takes them, shifted and badly predicted.
    let shifted = csv(1500, 1.0, Some(0.55), 4);
    let mut lines = shifted.lines();
    let columns: Vec<&str> = lines.next().unwrap().split(',').collect();
    let data: Vec<Value> = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            json!([
                cells[0].parse::<f64>().unwrap(),
                cells[1],
                cells[2].parse::<i64>().unwrap(),
                cells[3].parse::<i64>().unwrap()
            ])
        })
        .collect();
    let drifted = ok(server.post(
        "/api/2.0/cairn/monitoring/batches",
        json!({"name": "churn", "alias": null, "version": "1", "label": "tuesday",
               "dataframe_split": {"columns": columns, "data": data}}),
    ));
    assert_eq!(drifted["batch"]["dataset_drift"], true, "{drifted}");
    let drifted_columns: Vec<&str> = drifted["batch"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|column| column["drifted"] == true)
        .map(|column| column["column"].as_str().unwrap())
        .collect();
    assert!(
        drifted_columns.contains(&"age") && drifted_columns.contains(&"plan"),
        "{drifted_columns:?}"
    );
    assert!(
        drifted["alerts"][0]
            .as_str()
            .unwrap()
            .starts_with("accuracy")
    );

    let listed = ok(server.get("/api/2.0/cairn/monitoring/batches?name=churn&version=1"));
    let batches = listed["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[1]["label"], "tuesday");
    let last =
        ok(server.get("/api/2.0/cairn/monitoring/batches?name=churn&version=1&max_results=1"));
    assert_eq!(last["batches"][0]["label"], "tuesday");
    let id = batches[0]["id"].as_str().unwrap();
    let whole = ok(server.get(&format!(
        "/api/2.0/cairn/monitoring/batches/get?name=churn&version=1&id={id}"
    )));
    let report = &whole["batch"]["report"];
    assert_eq!(report["drift"]["columns"][0]["name"], "age");
    assert!(report["drift"]["columns"][0]["distribution"]["edges"].is_array());
    assert_eq!(report["performance"]["task"], "classification");

    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    for line in [
        "cairn_drift_share{model=\"churn\",version=\"1\"} ",
        "cairn_drift_detected{model=\"churn\",version=\"1\"} 1",
        "cairn_drift_score{model=\"churn\",version=\"1\",column=\"age\",test=\"wasserstein\"} ",
        "cairn_model_metric{model=\"churn\",version=\"1\",metric=\"accuracy\"} ",
        "# TYPE cairn_model_metric gauge",
    ] {
        assert!(
            metrics.body.contains(line),
            "/metrics lacks {line}:\n{}",
            metrics.body
        );
    }
}

#[test]
fn bad_monitoring_input_is_refused_naming_it_and_stores_nothing() {
    let server = start(Auth::None);
    churn(&server, None);
    let reference = "/api/2.0/cairn/monitoring/reference?name=churn&version=1";
    let batches = "/api/2.0/cairn/monitoring/batches?name=churn&version=1";
    ok(send_csv(&server, reference, &csv(200, 0.0, None, 5), None));
    let cases: Vec<(Reply, u16, &str)> = vec![
        (send_csv(&server, "/api/2.0/cairn/monitoring/batches?name=churn&version=7", "a\n1\n", None), 404, "version=7"),
        (send_csv(&server, "/api/2.0/cairn/monitoring/batches?name=nope&version=1", "a\n1\n", None), 404, "nope"),
        (send_csv(&server, "/api/2.0/cairn/monitoring/batches?name=churn&version=one", "a\n1\n", None), 400, "not a number"),
        (send_csv(&server, "/api/2.0/cairn/monitoring/batches?name=churn&version=1&alias=x", "a\n1\n", None), 400, "not both"),
        (send_csv(&server, batches, "age,plan\n1,a\n2\n", None), 400, "row 3"),
        (send_csv(&server, batches, "PAR1 this is no parquet", None), 400, "Parquet"),
        (send_csv(&server, batches, "", None), 400, "header"),
        (send_csv(&server, &format!("{reference}&alert=accuracy%3E0.8"), "a\n1\n", None), 400, "alert"),
        (send_csv(&server, &format!("{reference}&test=bogus"), "a\n1\n", None), 400, "bogus"),
        (send_csv(&server, &format!("{reference}&share=2"), "a\n1\n", None), 400, "share"),
        (send_csv(&server, reference, "a,b\n", None), 400, "no rows"),
        (server.post("/api/2.0/cairn/monitoring/batches", json!({"name": "churn", "version": "1"})), 400, "no rows"),
        (server.post("/api/2.0/cairn/monitoring/batches", json!({"name": "churn", "version": "1", "dataframe_split": {"columns": ["age"], "data": [[1, 2]]}})), 400, "data[0]"),
        (server.post("/api/2.0/cairn/monitoring/batches", json!({"name": "churn", "version": "1", "dataframe_records": [{"age": 30, "plan": "pro"}], "label_column": "truth"})), 400, "truth"),
        (server.get("/api/2.0/cairn/monitoring/batches/get?name=churn&version=1&id=99"), 404, "no monitoring batch 99"),
        (server.get("/api/2.0/cairn/monitoring/batches?name=churn&version=1&max_results=0"), 400, "max_results"),
    ];
    for (reply, status, words) in &cases {
        refused(reply, *status, words);
    }
    let listed = ok(server.get("/api/2.0/cairn/monitoring/batches?name=churn&version=1"));
    assert_eq!(listed["batches"], json!([]), "nothing refused was stored");
    let kept = ok(server.get(reference));
    assert_eq!(kept["reference"]["rows"], 200, "the reference is unchanged");
}

#[test]
fn on_a_team_server_reading_needs_read_and_sending_needs_edit() {
    let server = start(Auth::Users {
        default_permission: Permission::NoPermissions,
    });
    let store = SqliteStore::open(&server.dir.path().join("cairn.db")).unwrap();
    let password = "a long passphrase";
    let hash = secrets::hash_password(password).unwrap();
    for user in ["owner", "reader", "stranger"] {
        store.create_user(user, &hash, false).unwrap();
    }
    let auth = |user: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    };
    let owner = auth("owner");
    churn(&server, Some(&owner));
    let grant = server.send(
        "POST",
        "/api/2.0/mlflow/registered-models/permissions/create",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &owner),
        ],
        json!({"name": "churn", "username": "reader", "permission": "READ"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(grant.status, 200, "{}", grant.body);
    let reference = "/api/2.0/cairn/monitoring/reference?name=churn&version=1";
    let batches = "/api/2.0/cairn/monitoring/batches?name=churn&version=1";
    ok(send_csv(
        &server,
        reference,
        &csv(100, 0.0, None, 6),
        Some(&owner),
    ));
    ok(send_csv(
        &server,
        batches,
        &csv(100, 0.0, None, 7),
        Some(&owner),
    ));
    let reader = auth("reader");
    let stranger = auth("stranger");
    let get = |path: &str, who: &str| server.send("GET", path, &[("Authorization", who)], b"");
    assert_eq!(get(batches, &reader).status, 200);
    assert_eq!(get(reference, &reader).status, 200);
    assert_eq!(
        send_csv(&server, batches, &csv(50, 0.0, None, 8), Some(&reader)).status,
        403
    );
    assert_eq!(
        send_csv(&server, reference, &csv(50, 0.0, None, 8), Some(&reader)).status,
        403
    );
    assert_eq!(get(batches, &stranger).status, 403);
    assert_eq!(send_csv(&server, batches, "a\n1\n", None).status, 401);
    let listed = ok(get(batches, &owner));
    assert_eq!(
        listed["batches"].as_array().unwrap().len(),
        1,
        "refused batches were not stored"
    );
}
