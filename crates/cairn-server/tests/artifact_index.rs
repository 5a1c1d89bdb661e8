//! The store's artifact index follows uploads and deletes through the artifact API.
#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the support module is not #[test] code"
)]

mod support;

use cairn_core::ProvenanceStore;
use cairn_server::Auth;
use support::start;

#[test]
fn uploads_to_a_run_are_indexed_in_the_store_and_deletes_forget_them() {
    use cairn_core::SqliteStore;

    let server = start(Auth::None);
    let created = server.post(
        "/api/2.0/mlflow/runs/create",
        serde_json::json!({"experiment_id": "0"}),
    );
    let run_id = created.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let base = format!("/api/2.0/mlflow-artifacts/artifacts/0/{run_id}/artifacts");
    assert_eq!(
        server
            .send("PUT", &format!("{base}/dir/a.txt"), &[], b"abc")
            .status,
        200
    );
    assert_eq!(
        server
            .send("PUT", &format!("{base}/b.txt"), &[], b"b")
            .status,
        200
    );
    let store = SqliteStore::open(&server.dir.path().join("cairn.db")).unwrap();
    let files = store.list_artifacts(&run_id).unwrap();
    let listed: Vec<(&str, u64)> = files
        .iter()
        .map(|f| (f.path.as_str(), f.size_bytes))
        .collect();
    assert_eq!(listed, vec![("b.txt", 1), ("dir/a.txt", 3)]);
    assert_eq!(
        server
            .send("DELETE", &format!("{base}/dir"), &[], b"")
            .status,
        200
    );
    let files = store.list_artifacts(&run_id).unwrap();
    assert_eq!(files.len(), 1);
    // LoggedModel files are not a run's and are not indexed.
    let model_path = "/api/2.0/mlflow-artifacts/artifacts/0/models/m-1/artifacts/MLmodel";
    assert_eq!(server.send("PUT", model_path, &[], b"x").status, 200);
}
