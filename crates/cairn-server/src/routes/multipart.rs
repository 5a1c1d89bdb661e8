//! `mlflow-artifacts/mpu/create|complete|abort/<folder>` and the part uploads they hand out: the
//! HTTP side of `crate::multipart`, which does the work. The file is `<folder>/<name>`, the name
//! being that of the client's local file (the body's `path`), as in MLflow. Bodies and answers as MLflow's
//! `CreateMultipartUpload`, `CompleteMultipartUpload` and `AbortMultipartUpload`; each error
//! names the field it is about.

use axum::extract::{FromRequest as _, Path as UrlPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::artifacts::record_upload;
use crate::Shared;
use crate::args::Args;
use crate::error::{ApiError, ApiResult};
use crate::messages;
use crate::multipart::{MAX_PARTS, UploadedPart};
use crate::server_origin::ServerOrigin;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/mpu/create/{*path}", post(create))
        .route("/mpu/complete/{*path}", post(complete))
        .route("/mpu/abort/{*path}", post(abort))
}

/// The part a `PUT` to an artifact uploads, when its query names one (`upload_id` and
/// `part_number` together; either alone is 400).
pub fn part_query(query: Option<&str>) -> Result<Option<(String, u32)>, ApiError> {
    let pairs = crate::artifact_http::query_pairs(query)?;
    let find = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    match (find("upload_id"), find("part_number")) {
        (None, None) => Ok(None),
        (Some(upload_id), Some(number)) => {
            let parsed = number.parse::<i64>().map_err(|_| {
                ApiError::invalid(format!(
                    "invalid value '{number}' for parameter 'part_number': not an integer"
                ))
            })?;
            let part_number = crate::multipart::check_part_number("part_number", parsed)?;
            Ok(Some((upload_id, part_number)))
        }
        (Some(_), None) => Err(ApiError::invalid(
            "missing value for parameter 'part_number': a part upload names its upload_id and \
             part_number",
        )),
        (None, Some(_)) => Err(ApiError::invalid(
            "missing value for parameter 'upload_id': a part upload names its upload_id and \
             part_number",
        )),
    }
}

/// Stores one part; answers `{}` with the part's `ETag`.
pub async fn upload_part(
    state: &Shared,
    path: &str,
    (upload_id, part_number): (String, u32),
    request: Request,
) -> ApiResult<Response> {
    let declared_bytes = crate::args::declared_length(request.headers());
    let etag = state
        .multipart
        .upload_part(
            path,
            &upload_id,
            part_number,
            request.into_body(),
            declared_bytes,
        )
        .await?;
    let mut response = Json(json!({})).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    Ok(response)
}

async fn create(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
    request: Request,
) -> ApiResult {
    let origin = ServerOrigin::of_request(&state.auth, request.headers());
    let args = Args::from_request(request, &state).await?;
    let path = file_path(&path, &args)?;
    let num_parts = args.i64("num_parts")?.unwrap_or(0);
    let num_parts = u32::try_from(num_parts)
        .ok()
        .filter(|count| *count <= MAX_PARTS)
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "invalid value {num_parts} for parameter 'num_parts': an upload has 0 to \
                 {MAX_PARTS} parts"
            ))
        })?;
    let created = state.multipart.create(&path, num_parts, &origin).await?;
    let credentials: Vec<Value> = created
        .credentials
        .iter()
        .map(|credential| {
            json!({
                "url": credential.url,
                "part_number": credential.part_number,
                "headers": credential.headers,
            })
        })
        .collect();
    Ok(Json(
        json!({"upload_id": created.upload_id, "credentials": credentials}),
    ))
}

async fn complete(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
    args: Args,
) -> ApiResult {
    let path = file_path(&path, &args)?;
    let upload_id = args.req_str("upload_id")?;
    let parts = uploaded_parts(&args)?;
    let size_bytes = state.multipart.complete(&path, &upload_id, &parts).await?;
    record_upload(&state, &path, size_bytes).await?;
    Ok(Json(json!({})))
}

async fn abort(
    State(state): State<Shared>,
    UrlPath(path): UrlPath<String>,
    args: Args,
) -> ApiResult {
    let path = file_path(&path, &args)?;
    let upload_id = args.req_str("upload_id")?;
    state.multipart.abort(&path, &upload_id).await?;
    Ok(Json(json!({})))
}

/// The artifact an upload writes: the folder in the URL joined with the name of the client's
/// local file (the body's `path`), as MLflow's artifact repositories join them. Either separator
/// ends a folder, so a Windows client's `C:\\data\\model.ckpt` names `model.ckpt`.
fn file_path(folder: &str, args: &Args) -> Result<String, ApiError> {
    let local = args.req_str("path")?;
    let name = local.rsplit(['/', '\\']).next().unwrap_or_default();
    if name.is_empty() || name == "." || name == ".." || name.contains('\0') {
        return Err(ApiError::invalid(format!(
            "invalid value '{local}' for parameter 'path': it does not end in a file name"
        )));
    }
    let folder = folder.trim_end_matches('/');
    Ok(if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    })
}

/// `parts`: at least one, part numbers ascending without repeats, each with its etag.
fn uploaded_parts(args: &Args) -> Result<Vec<UploadedPart>, ApiError> {
    let listed = match args.get("parts") {
        Some(Value::Array(listed)) if !listed.is_empty() => listed,
        Some(Value::Array(_)) | None | Some(Value::Null) => {
            return Err(messages::missing_parameter("parts"));
        }
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "invalid value {other} for parameter 'parts': expected a list of \
                 {{part_number, etag}}"
            )));
        }
    };
    let mut parts: Vec<UploadedPart> = Vec::with_capacity(listed.len());
    for (index, value) in listed.iter().enumerate() {
        if !value.is_object() {
            return Err(ApiError::invalid(format!(
                "invalid value {value} for parameter 'parts[{index}]': expected {{part_number, \
                 etag}}"
            )));
        }
        let part = Args::object(value);
        let field = format!("parts[{index}].part_number");
        let number = match part.get("part_number") {
            None => {
                return Err(messages::missing_parameter(&field));
            }
            Some(value) => part.i64("part_number").ok().flatten().ok_or_else(|| {
                ApiError::invalid(format!(
                    "invalid value {value} for parameter '{field}': expected an integer"
                ))
            })?,
        };
        let part_number = crate::multipart::check_part_number(&field, number)?;
        if let Some(previous) = parts.last()
            && part_number <= previous.part_number
        {
            return Err(ApiError::invalid(format!(
                "invalid value {part_number} for parameter '{field}': parts must be listed in \
                 ascending part order without repeats (part {} comes before it)",
                previous.part_number
            )));
        }
        let etag = part
            .str("etag")
            .filter(|etag| !etag.is_empty())
            .ok_or_else(|| messages::missing_parameter(&format!("parts[{index}].etag")))?;
        parts.push(UploadedPart { part_number, etag });
    }
    Ok(parts)
}
