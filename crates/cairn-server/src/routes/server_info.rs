//! `GET /api/3.0/mlflow/server-info` (also under `/ajax-api`): how this server is set up, as
//! MLflow's client asks before it chooses how to move a large artifact. Open to anyone, as
//! MLflow's is: it names capabilities only, never an address, a credential or a user.
//!
//! Both artifact stores (a folder and an object store) take proxy multipart uploads and serve
//! byte ranges, so both are advertised; workspaces, trace archival, presigned uploads straight to
//! cloud storage and the AI gateway are not offered.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/3.0/mlflow/server-info", get(server_info))
        .route("/ajax-api/3.0/mlflow/server-info", get(server_info))
}

async fn server_info() -> Json<Value> {
    Json(json!({
        "store_type": "SqlStore",
        "workspaces_enabled": false,
        "trace_archival_enabled": false,
        "multipart_uploads_enabled": true,
        "multipart_downloads_enabled": true,
        "presigned_upload_run_id_supported": false,
        "presigned_upload_model_id_supported": false,
        "features_enabled": {"gateway": false},
    }))
}
