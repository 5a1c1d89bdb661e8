//! `GET /api/3.0/mlflow/server-info` (also under `/ajax-api`): how this server is set up, as
//! MLflow's client asks before it chooses how to move a large artifact. Open to anyone, as
//! MLflow's is: it names capabilities only, never an address, a credential or a user.
//!
//! Both artifact stores (a folder and an object store) take proxy multipart uploads, so those
//! are advertised. Multipart downloads are not: the client reads each range whole into memory
//! before writing it, and a 1 GiB file came down at 240 MB/s that way against 600-640 MB/s as
//! one stream (docs/PERFORMANCE.md). A client that sets `MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD`
//! still gets its ranges (`super::presigned`). Workspaces, trace archival, presigned uploads
//! straight to cloud storage and the AI gateway are not offered.

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
        "multipart_downloads_enabled": false,
        "presigned_upload_run_id_supported": false,
        "presigned_upload_model_id_supported": false,
        "features_enabled": {"gateway": false},
    }))
}
