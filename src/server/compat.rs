//! The routes of milvus-backup's `/api/v1`: hello, create, list, get_backup, delete, restore,
//! get_restore, check. Same paths, fields and state codes; see docs/api.md for the differences.

use super::AppState;
use super::body::Body;
use super::engine;
use super::record::{JobRecord, Kind, State};
use super::reply::{ApiError, ok, request_id};
use super::requests;
use axum::body::Bytes;
use axum::extract::{Query, State as Ext};
use axum::http::HeaderMap;
use axum::response::Response;
use milvus_backup_tui::backup::CreateOptions;
use milvus_backup_tui::catalog::{delete_backup, list_backups};
use milvus_backup_tui::format::{self, BackupInfo, BackupState};
use milvus_backup_tui::jobs::{BackupRequest, RestoreRequest};
use milvus_backup_tui::names::validate_backup_name;
use milvus_backup_tui::restore::RestoreOptions;
use milvus_backup_tui::storage::CopySettings;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

type St = Ext<Arc<AppState>>;
type Params = Query<HashMap<String, String>>;

pub async fn hello() -> String {
    format!(
        "Hello, this is milvus-backup-tui {}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The query parameter `backup_name`, required and valid.
fn name_param(q: &HashMap<String, String>) -> Result<String, ApiError> {
    let name = q.get("backup_name").cloned().unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::bad_request(
            "query parameter `backup_name` is missing or empty",
        ));
    }
    validate_backup_name(&name).map_err(|e| ApiError::field("backup_name", &e))?;
    Ok(name)
}

pub async fn create(Ext(st): St, headers: HeaderMap, bytes: Bytes) -> Result<Response, ApiError> {
    let body = Body::parse(&bytes)?;
    let rid = request_id(&headers, Some(&body.raw()));
    let run = async {
        let c = requests::create(&body)?;
        if let Some(j) = st
            .registry
            .latest_for(Kind::Backup, &c.name)
            .filter(|j| j.state == State::Running)
        {
            return Err(ApiError::conflict(format!(
                "backup '{}' is being created by job {}: wait for it (get_backup) or cancel it",
                c.name, j.id
            )));
        }
        let store = engine::backup_store(&st.config)?;
        match format::read_backup_state(&store, &c.name).await? {
            BackupState::Missing => {}
            BackupState::Complete(_) => {
                return Err(ApiError::conflict(format!(
                    "backup '{}' already exists: choose another name or delete it first",
                    c.name
                )));
            }
            BackupState::Incomplete => {
                return Err(ApiError::conflict(format!(
                    "backup '{}' exists but is incomplete: delete it, or finish it with \
                     `milvus-backup-tui create -n {} --resume`",
                    c.name, c.name
                )));
            }
        }
        let rec = st.registry.spawn_backup(
            BackupRequest {
                milvus: st.milvus()?,
                backup_storage: st.config.backup.storage.clone(),
                options: CreateOptions {
                    name: c.name.clone(),
                    filter: c.filter,
                    parallelism: st.config.backup.parallelism,
                    milvus_parallelism: st.config.backup.milvus_parallelism,
                    resume: false,
                    copy: CopySettings::from_config(&st.config.backup, None),
                    // `rbac: true` is refused as not supported over HTTP yet (requests.rs).
                    rbac: false,
                },
            },
            body.raw(),
        );
        if c.is_async {
            return Ok(ok(
                &rid,
                "create backup is executing asynchronously",
                job_brief(&rec),
            ));
        }
        let rec = st.registry.wait(&rec.id).await.unwrap_or(rec);
        backup_reply(&st, &rid, &rec.backup_name).await
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}

pub async fn get_backup(Ext(st): St, headers: HeaderMap, q: Params) -> Result<Response, ApiError> {
    let rid = request_id(&headers, None);
    let run = async {
        // `backup_id` (milvus-backup's): the id the create returned, i.e. the job's.
        let by_id = q.get("backup_id").filter(|id| !id.is_empty());
        let name = match by_id {
            Some(id) if !q.contains_key("backup_name") => match st.registry.get(id) {
                Some(j) if j.kind == Kind::Backup => j.backup_name,
                _ => return Err(ApiError::not_found(format!("no backup with id '{id}'"))),
            },
            _ => name_param(&q)?,
        };
        backup_reply(&st, &rid, &name).await
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}

/// The state of backup `name`: a running job's progress, the complete backup's metadata, or the
/// failure of the job that made it.
async fn backup_reply(st: &AppState, rid: &str, name: &str) -> Result<Response, ApiError> {
    let job = st.registry.latest_for(Kind::Backup, name);
    if let Some(j) = job.as_ref().filter(|j| j.state == State::Running) {
        return Ok(ok(rid, "backup is executing", job_brief(j)));
    }
    let store = engine::backup_store(&st.config)?;
    match format::read_backup_state(&store, name).await? {
        BackupState::Complete(info) => Ok(ok(rid, "success", backup_data(&info, job.as_ref()))),
        state => match job.filter(|j| j.state != State::Succeeded) {
            // The job that should have made it failed: that is the answer. (A job that
            // succeeded and a backup that is gone: it was deleted since.)
            Some(j) => Ok(ok(rid, "backup failed", job_brief(&j))),
            None if matches!(state, BackupState::Incomplete) => Ok(ok(
                rid,
                "backup is incomplete",
                json!({
                    "id": name,
                    "name": name,
                    "state_code": 3,
                    "errorMessage": "the backup has no metadata: it was interrupted or is being \
                        written by another process",
                    "progress": 0,
                }),
            )),
            None => Err(ApiError::not_found(format!(
                "backup '{name}': no such backup"
            ))),
        },
    }
}

/// A complete backup as milvus-backup's `BackupInfo`, with the job's id and times if known.
fn backup_data(info: &BackupInfo, job: Option<&JobRecord>) -> Value {
    let mut v = serde_json::to_value(info).unwrap_or_else(|_| json!({}));
    let secs = (info.backup_timestamp / 1000) as i64;
    v["id"] = job
        .map_or_else(|| info.name.clone(), |j| j.id.clone())
        .into();
    v["state_code"] = 2.into();
    v["progress"] = 100.into();
    v["start_time"] = job.map_or(secs, |j| j.start_time).into();
    v["end_time"] = job.and_then(|j| j.end_time).unwrap_or(secs).into();
    v["size"] = info.size.into();
    v
}

/// A job as milvus-backup's brief: id, state, error, times, progress, and the backup's name.
pub fn job_brief(r: &JobRecord) -> Value {
    let mut v = json!({
        "id": r.id,
        "name": r.backup_name,
        "state_code": r.state.code(),
        "start_time": r.start_time,
        "progress": r.percent(),
        "state": r.state,
    });
    if let Some(e) = &r.error {
        v["errorMessage"] = e.clone().into();
    }
    if let Some(t) = r.end_time {
        v["end_time"] = t.into();
    }
    v
}

pub async fn list(Ext(st): St, headers: HeaderMap) -> Result<Response, ApiError> {
    let rid = request_id(&headers, None);
    let run = async {
        let store = engine::backup_store(&st.config)?;
        let entries = if store.root_exists() {
            list_backups(&store).await?
        } else {
            vec![]
        };
        let rows: Vec<Value> = entries
            .iter()
            .map(|e| {
                let mut v = json!({"id": e.name, "name": e.name, "state": e.state()});
                v["state_code"] = if e.info.is_some() { 2 } else { 3 }.into();
                if let Some(i) = &e.info {
                    v["size"] = i.size.into();
                    v["milvus_version"] = i.milvus_version.clone().into();
                    v["backup_timestamp"] = i.backup_timestamp.into();
                }
                if let Some(p) = &e.problem {
                    v["errorMessage"] = p.clone().into();
                }
                v
            })
            .collect();
        Ok(ok(&rid, "success", Value::Array(rows)))
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}

pub async fn delete(Ext(st): St, headers: HeaderMap, q: Params) -> Result<Response, ApiError> {
    let rid = request_id(&headers, None);
    let run = async {
        let name = name_param(&q)?;
        let store = engine::backup_store(&st.config)?;
        let files = delete_backup(&store, &name).await?;
        tracing::info!("api: deleted backup {name} ({files} files)");
        Ok(ok(
            &rid,
            &format!("deleted backup {name} ({files} files)"),
            Value::Null,
        ))
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}

pub async fn restore(Ext(st): St, headers: HeaderMap, bytes: Bytes) -> Result<Response, ApiError> {
    let body = Body::parse(&bytes)?;
    let rid = request_id(&headers, Some(&body.raw()));
    let run = async {
        let r = requests::restore(&body)?;
        let options = RestoreOptions {
            name: r.name,
            filter: r.filter,
            naming: r.naming,
            drop_existing: r.drop_existing,
            create_indexes: r.create_indexes,
            load: r.load,
            parallelism: st.config.backup.parallelism,
            skip_verify: r.skip_verify,
            copy: CopySettings::from_config(&st.config.backup, None),
        };
        let target = st.milvus()?;
        // Refused here, with nothing changed, when it cannot run.
        engine::plan_restore(&st.config, &target, &options).await?;
        let rec = st.registry.spawn_restore(
            RestoreRequest {
                target,
                backup_storage: st.config.backup.storage.clone(),
                options,
            },
            body.raw(),
        );
        if r.is_async {
            return Ok(ok(
                &rid,
                "restore backup is executing asynchronously",
                restore_data(&rec),
            ));
        }
        let rec = st.registry.wait(&rec.id).await.unwrap_or(rec);
        restore_reply(&rid, &rec)
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}

pub async fn get_restore(Ext(st): St, headers: HeaderMap, q: Params) -> Result<Response, ApiError> {
    let rid = request_id(&headers, None);
    let run = async {
        let id = q.get("id").cloned().unwrap_or_default();
        if id.is_empty() {
            return Err(ApiError::bad_request(
                "query parameter `id` is missing or empty",
            ));
        }
        match st.registry.get(&id) {
            Some(r) if r.kind == Kind::Restore => restore_reply(&rid, &r),
            _ => Err(ApiError::not_found(format!("no restore with id '{id}'"))),
        }
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}

fn restore_reply(rid: &str, r: &JobRecord) -> Result<Response, ApiError> {
    let msg = match r.state {
        State::Running => "restore is executing",
        State::Succeeded => "success",
        _ => "restore failed",
    };
    Ok(ok(rid, msg, restore_data(r)))
}

/// milvus-backup's restore task: id, state, error, times, progress, and one task per collection.
fn restore_data(r: &JobRecord) -> Value {
    let mut v = job_brief(r);
    v["backup_name"] = r.backup_name.clone().into();
    let tasks: Vec<Value> =
        if let Some(cols) = r.result.as_ref().and_then(|x| x["collections"].as_array()) {
            cols.iter().map(collection_task_done).collect()
        } else {
            r.progress
                .as_ref()
                .and_then(|p| p["per_collection"].as_array())
                .map(|cols| cols.iter().map(collection_task_running).collect())
                .unwrap_or_default()
        };
    v["collection_restore_tasks"] = tasks.into();
    v
}

fn split_target(t: &str) -> (String, String) {
    match t.split_once('.') {
        Some((d, c)) => (d.to_string(), c.to_string()),
        None => ("default".to_string(), t.to_string()),
    }
}

fn collection_task_done(c: &Value) -> Value {
    let (db, coll) = split_target(c["target"].as_str().unwrap_or(""));
    let state = match c["outcome"].as_str() {
        Some("restored") => 2,
        Some("not_started") => 0,
        _ => 3,
    };
    let mut v = json!({
        "target_db_name": db,
        "target_collection_name": coll,
        "source": c["source"],
        "state_code": state,
        "progress": if state == 2 { 100 } else { 0 },
        "restored_rows": c["rows_imported"],
        "expected_rows": c["rows_expected"],
    });
    if let Some(e) = c["error"].as_str() {
        v["errorMessage"] = e.into();
    }
    v
}

fn collection_task_running(c: &Value) -> Value {
    let (db, coll) = split_target(c["name"].as_str().unwrap_or(""));
    let done = c["bytes"]["done"].as_u64().unwrap_or(0);
    let total = c["bytes"]["total"].as_u64().unwrap_or(0);
    json!({
        "target_db_name": db,
        "target_collection_name": coll,
        "state_code": 1,
        "progress": (done.min(total) * 100).checked_div(total).unwrap_or(0),
    })
}

pub async fn check(Ext(st): St, headers: HeaderMap) -> Result<Response, ApiError> {
    let rid = request_id(&headers, None);
    let run = async {
        let data = engine::check(&st.config, &st.milvus()?).await?;
        Ok(ok(&rid, "OK: Milvus answers and both storages open", data))
    };
    run.await.map_err(|e: ApiError| e.with_request_id(&rid))
}
