//! The reply envelope of milvus-backup's API, `{requestId, code, msg, data}`, and the errors
//! handlers return. `code` is milvus-backup's (absent on success); the HTTP status says the same
//! thing in HTTP's terms (milvus-backup always answers 200: see docs/api.md).

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use milvus_backup_tui::Error;
use serde_json::{Value, json};

/// milvus-backup's response codes.
pub const NOT_SUPPORT: i32 = 1;
pub const NO_PERMISSION: i32 = 2;
pub const FAIL: i32 = 3;
pub const PARAMETER_ERROR: i32 = 400;
pub const NOT_FOUND: i32 = 404;

/// A successful reply: `data` and an optional message.
pub fn ok(request_id: &str, msg: &str, data: Value) -> Response {
    let mut body = json!({ "requestId": request_id, "msg": msg });
    if !data.is_null() {
        body["data"] = data;
    }
    (StatusCode::OK, Json(body)).into_response()
}

/// A failed request: nothing was done (or, for a synchronous job, the job failed).
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: i32,
    pub msg: String,
    pub request_id: String,
}

impl ApiError {
    fn new(status: StatusCode, code: i32, msg: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            msg: msg.into(),
            request_id: String::new(),
        }
    }

    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, PARAMETER_ERROR, msg)
    }

    pub fn not_supported(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, NOT_SUPPORT, msg)
    }

    pub fn not_found(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, NOT_FOUND, msg)
    }

    pub fn conflict(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, FAIL, msg)
    }

    pub fn unauthorized(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, NO_PERMISSION, msg)
    }

    pub fn failed(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, FAIL, msg)
    }

    /// An engine error, with its hint, mapped to the status that fits it.
    pub fn engine(e: &Error) -> ApiError {
        let msg = with_hint(e);
        match e {
            Error::Invalid(_) => ApiError::bad_request(msg),
            Error::Backup { reason, .. } if reason == "no such backup" => ApiError::not_found(msg),
            Error::Backup { reason, .. } if reason.contains("locked") => ApiError::conflict(msg),
            Error::Backup { .. } | Error::Conflict(_) | Error::Incompatible { .. } => {
                ApiError::conflict(msg)
            }
            _ => ApiError::failed(msg),
        }
    }

    pub fn with_request_id(mut self, id: &str) -> ApiError {
        self.request_id = id.to_string();
        self
    }

    /// Prefixes the message with the request field it is about.
    pub fn field(field: &str, e: &Error) -> ApiError {
        let mut a = ApiError::engine(e);
        a.msg = format!("field `{field}`: {}", a.msg);
        a
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        ApiError::engine(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "requestId": self.request_id,
            "code": self.code,
            "msg": self.msg,
        });
        let mut headers = HeaderMap::new();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, "Bearer".parse().expect("static"));
        }
        (self.status, headers, Json(body)).into_response()
    }
}

pub fn with_hint(e: &Error) -> String {
    match e.hint() {
        Some(h) => format!("{e} (hint: {h})"),
        None => e.to_string(),
    }
}

/// The request id: the `request_id` header, else the body's `requestId`, else a new one.
pub fn request_id(headers: &HeaderMap, body: Option<&Value>) -> String {
    if let Some(v) = headers.get("request_id").and_then(|v| v.to_str().ok()) {
        return v.to_string();
    }
    if let Some(s) = body
        .and_then(|b| b.get("requestid"))
        .and_then(Value::as_str)
        && !s.is_empty()
    {
        return s.to_string();
    }
    new_request_id()
}

fn new_request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:x}-{n}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    )
}
