//! `metrics/get-history` pages a history in MLflow's order (timestamp, then step, then value)
//! whether or not it was logged in that order, and whether the store recorded its order as it
//! was written or, as an older Cairn left it, did not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop the test with its error"
)]

mod support;

use cairn_server::Auth;
use serde_json::{Value, json};

/// A point as (timestamp, step, value).
type Point = (i64, i64, f64);

/// (timestamp, step, value) of each point of a history page after page, `per_page` at a time.
fn paged(server: &support::TestServer, run_id: &str, key: &str, per_page: usize) -> Vec<Value> {
    let mut points = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..100 {
        let mut path = format!(
            "/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key={key}&max_results={per_page}"
        );
        if let Some(token) = &token {
            path.push_str(&format!("&page_token={token}"));
        }
        let reply = server.get(&path);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let page = reply.json();
        for metric in page["metrics"].as_array().cloned().unwrap_or_default() {
            points.push(json!([
                metric["timestamp"],
                metric["step"],
                metric["value"]
            ]));
        }
        match page["next_page_token"].as_str() {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => return points,
        }
    }
    panic!("more than 100 pages");
}

#[test]
fn pages_come_in_mlflow_order_however_the_history_was_logged_and_recorded() {
    let server = support::start(Auth::None);
    let created = server.post(
        "/api/2.0/mlflow/runs/create",
        json!({"experiment_id": "0", "start_time": 1}),
    );
    let run_id = created.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // (key, points as (timestamp, step, value) in logging order)
    let histories: [(&str, Vec<Point>); 3] = [
        ("ordered", (0..10).map(|i| (100 + i, i, 0.5)).collect()),
        (
            "shuffled",
            vec![
                (105, 0, 1.0),
                (101, 2, 1.0),
                (101, 1, 3.0),
                (101, 1, 2.0),
                (109, 0, 0.0),
                (100, 7, 1.0),
                (103, 0, 1.0),
            ],
        ),
        (
            "one_swap_at_the_end",
            vec![(1, 0, 0.0), (2, 0, 0.0), (4, 0, 0.0), (3, 0, 0.0)],
        ),
    ];
    for (key, points) in &histories {
        // One call per point, as asynchronous logging delivers them.
        for (timestamp, step, value) in points {
            let logged = server.post(
                "/api/2.0/mlflow/runs/log-metric",
                json!({"run_id": run_id, "key": key, "value": value, "timestamp": timestamp,
                       "step": step}),
            );
            assert_eq!(logged.status, 200, "{}", logged.body);
        }
    }
    let expected = |points: &[Point]| -> Vec<Value> {
        let mut sorted = points.to_vec();
        sorted.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
        sorted
            .iter()
            .map(|(timestamp, step, value)| json!([timestamp, step, value]))
            .collect()
    };
    for recorded in ["as written", "not recorded, as an older Cairn left it"] {
        if recorded != "as written" {
            let database = rusqlite::Connection::open(server.dir.path().join("cairn.db")).unwrap();
            let cleared = database
                .execute("UPDATE metric_series SET in_mlflow_order = NULL", [])
                .unwrap();
            assert_eq!(cleared, histories.len());
        }
        for (key, points) in &histories {
            for per_page in [1, 2, 3, 25_000] {
                assert_eq!(
                    paged(&server, &run_id, key, per_page),
                    expected(points),
                    "{key}, pages of {per_page}, order {recorded}"
                );
            }
        }
    }
}
