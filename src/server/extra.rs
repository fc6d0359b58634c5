//! Routes beyond milvus-backup's: the jobs (list, one, cancel, a live event stream), verify,
//! and the OpenAPI document.

use super::AppState;
use super::body::Body;
use super::engine;
use super::progress_json;
use super::record::JobRecord;
use super::reply::{ApiError, FAIL, ok, request_id};
use super::requests;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State as Ext};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use milvus_backup_tui::progress::{Phase, ProgressWatch};
use milvus_backup_tui::verify::{VerifyMode, verify_backup};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

type St = Ext<Arc<AppState>>;

/// At most this many progress events a second per stream.
const EVENT_GAP: Duration = Duration::from_millis(250);
/// A progress event at least this often, so elapsed time and ETA stay fresh.
const EVENT_REFRESH: Duration = Duration::from_secs(2);

fn job_json(r: &JobRecord) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["state_code"] = r.state.code().into();
    v["percent"] = r.percent().into();
    v
}

pub async fn jobs(Ext(st): St, headers: HeaderMap) -> Response {
    let rid = request_id(&headers, None);
    let all: Vec<Value> = st.registry.list().iter().map(job_json).collect();
    ok(&rid, "success", Value::Array(all))
}

pub async fn job(
    Ext(st): St,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let rid = request_id(&headers, None);
    match st.registry.get(&id) {
        Some(r) => Ok(ok(&rid, "success", job_json(&r))),
        None => Err(ApiError::not_found(format!("no job with id '{id}'")).with_request_id(&rid)),
    }
}

pub async fn cancel(
    Ext(st): St,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let rid = request_id(&headers, None);
    let r = st
        .registry
        .cancel(&id)
        .map_err(|e| e.with_request_id(&rid))?;
    Ok(ok(
        &rid,
        "cancellation requested: the job stops at its next safe point and cleans up",
        job_json(&r),
    ))
}

/// Where an event stream is.
enum Stage {
    /// Sending progress; `first` until the first snapshot went out.
    Progress {
        watch: ProgressWatch,
        first: bool,
    },
    /// The job's progress ended (or is not live): the result comes next.
    Result,
    End,
}

/// Server-sent events: `progress` (the structured progress) as it changes, then one `result`
/// (the job's final record), then the stream ends. A finished job's stream is its result alone.
pub async fn events(
    Ext(st): St,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Some(record) = st.registry.get(&id) else {
        return Err(ApiError::not_found(format!("no job with id '{id}'")));
    };
    // A finished job's stream is its result alone (its record holds its last progress).
    let stage = match st.registry.watch(&id) {
        Some(watch) if !record.state.is_final() => Stage::Progress { watch, first: true },
        _ => Stage::Result,
    };
    let stream = futures::stream::unfold((stage, st, id), |(stage, st, id)| async move {
        match stage {
            Stage::Progress { mut watch, first } => {
                if !first {
                    tokio::time::sleep(EVENT_GAP).await;
                    // A change, the end of the sender, or a refresh: all give a snapshot.
                    let _ = tokio::time::timeout(EVENT_REFRESH, watch.changed()).await;
                }
                let p = watch.borrow_and_update().clone();
                let ev = Event::default()
                    .event("progress")
                    .json_data(progress_json::to_json(&p))
                    .unwrap_or_default();
                let next = if matches!(p.phase, Phase::Done | Phase::Failed) {
                    Stage::Result
                } else {
                    Stage::Progress {
                        watch,
                        first: false,
                    }
                };
                Some((Ok(ev), (next, st, id)))
            }
            Stage::Result => {
                let r = st.registry.wait(&id).await?;
                let ev = Event::default()
                    .event("result")
                    .json_data(job_json(&r))
                    .unwrap_or_default();
                Some((Ok(ev), (Stage::End, st, id)))
            }
            Stage::End => None,
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// `POST /api/v1/verify {"backup_name": ..., "quick": false}`: checks the backup's files
/// (sizes, and CRC-32C unless quick). Problems found: `code` 3 and `data.ok` false.
pub async fn verify(Ext(st): St, headers: HeaderMap, bytes: Bytes) -> Result<Response, ApiError> {
    let body = Body::parse(&bytes)?;
    let rid = request_id(&headers, Some(&body.raw()));
    let run = async {
        let v = requests::verify(&body)?;
        let store = engine::backup_store(&st.config)?;
        let mode = if v.quick {
            VerifyMode::Quick
        } else {
            VerifyMode::Full
        };
        let report = verify_backup(
            &store,
            &v.name,
            mode,
            st.config.backup.parallelism,
            &milvus_backup_tui::progress::ProgressSender::discard(),
        )
        .await?;
        let data = json!({
            "name": report.name,
            "mode": if v.quick { "quick" } else { "full" },
            "files": report.files,
            "bytes": report.bytes,
            "without_checksum": report.without_checksum,
            "ok": report.is_ok(),
            "problems": report.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        if report.is_ok() {
            return Ok(ok(&rid, "verified", data));
        }
        let msg = format!(
            "verification failed: {} of {} file(s) are missing, truncated or altered",
            report.problems.len(),
            report.files
        );
        let body = json!({"requestId": rid, "code": FAIL, "msg": msg, "data": data});
        Ok(Json(body).into_response())
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}

pub async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}
