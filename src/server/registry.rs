//! The server's jobs: the engine's [`JobRunner`] plus a record of every job, running or
//! finished, kept in the state directory. Handlers start jobs here and read them back.

use super::progress_json;
use super::record::{JobRecord, Kind, RecordDir, State};
use super::reply::ApiError;
use milvus_backup_tui::backup::CreateSummary;
use milvus_backup_tui::jobs::{
    BackupRequest, JobEvent, JobHandle, JobId, JobOutput, JobRunner, RestoreRequest,
};
use milvus_backup_tui::progress::ProgressWatch;
use milvus_backup_tui::restore::{CollectionOutcome, RestoreReport};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::runtime::Handle;
use tokio::sync::Notify;

pub struct Registry {
    dir: RecordDir,
    inner: Mutex<Inner>,
    /// Woken whenever a job ends.
    finished: Notify,
}

struct Inner {
    records: BTreeMap<String, JobRecord>,
    live: HashMap<String, JobHandle>,
    ids: HashMap<JobId, String>,
    runner: JobRunner,
}

impl Registry {
    /// Loads the records of earlier runs (a job that was running is now interrupted) and starts
    /// listening for job ends.
    pub fn start(dir: RecordDir, runtime: Handle) -> Arc<Registry> {
        let records = dir.load().into_iter().map(|r| (r.id.clone(), r)).collect();
        let (runner, mut events) = JobRunner::new(runtime.clone());
        let reg = Arc::new(Registry {
            dir,
            inner: Mutex::new(Inner {
                records,
                live: HashMap::new(),
                ids: HashMap::new(),
                runner,
            }),
            finished: Notify::new(),
        });
        let weak = Arc::downgrade(&reg);
        runtime.spawn(async move {
            while let Some(ev) = events.recv().await {
                let Some(reg) = weak.upgrade() else { break };
                reg.finish(ev);
            }
        });
        reg
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (each update is one statement).
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn spawn_backup(&self, req: BackupRequest, request: Value) -> JobRecord {
        let name = req.options.name.clone();
        self.spawn(Kind::Backup, name, request, |r| r.spawn_backup(req))
    }

    pub fn spawn_restore(&self, req: RestoreRequest, request: Value) -> JobRecord {
        let name = req.options.name.clone();
        self.spawn(Kind::Restore, name, request, |r| r.spawn_restore(req))
    }

    fn spawn(
        &self,
        kind: Kind,
        backup_name: String,
        request: Value,
        start: impl FnOnce(&mut JobRunner) -> JobHandle,
    ) -> JobRecord {
        let mut inner = self.lock();
        let id = new_id(kind, &inner.records);
        let record = JobRecord {
            id: id.clone(),
            kind,
            backup_name,
            request,
            state: State::Running,
            error: None,
            start_time: chrono::Utc::now().timestamp(),
            end_time: None,
            result: None,
            progress: None,
        };
        // Saved before the job starts: a job that runs is always on disk as running.
        self.dir.save(&record);
        inner.records.insert(id.clone(), record.clone());
        let handle = start(&mut inner.runner);
        tracing::info!("api job {id} is runner job {}", handle.id);
        inner.ids.insert(handle.id, id.clone());
        inner.live.insert(id, handle);
        record
    }

    fn finish(&self, ev: JobEvent) {
        let mut inner = self.lock();
        let Some(id) = inner.ids.get(&ev.id).cloned() else {
            return;
        };
        let progress = inner
            .live
            .get(&id)
            .map(|h| progress_json::to_json(&h.progress.borrow()));
        let Some(r) = inner.records.get_mut(&id) else {
            return;
        };
        r.end_time = Some(chrono::Utc::now().timestamp());
        r.progress = progress;
        match ev.result {
            Ok(JobOutput::Backup(s)) => {
                r.state = State::Succeeded;
                r.result = Some(summary_json(&s));
            }
            Ok(JobOutput::Restore(rep)) => {
                r.state = State::Succeeded;
                r.result = Some(report_json(&rep));
            }
            // The server checks backups synchronously (POST /verify); a verify job reaches here
            // only if a front end spawns one through the shared runner.
            Ok(JobOutput::Verify(rep)) => {
                r.state = State::Succeeded;
                r.result = Some(json!({
                    "name": rep.name,
                    "files": rep.files,
                    "bytes": rep.bytes,
                    "problems": rep.problems.len(),
                }));
            }
            Err(f) => {
                r.state = if f.cancelled {
                    State::Cancelled
                } else {
                    State::Failed
                };
                r.error = Some(match f.hint {
                    Some(h) => format!("{} (hint: {h})", f.error),
                    None => f.error,
                });
                r.result = f.report.as_ref().map(report_json);
            }
        }
        self.dir.save(r);
        drop(inner);
        self.finished.notify_waiters();
    }

    /// A job's record, with its live progress while it runs.
    pub fn get(&self, id: &str) -> Option<JobRecord> {
        let inner = self.lock();
        let mut r = inner.records.get(id)?.clone();
        if r.state == State::Running
            && let Some(h) = inner.live.get(id)
        {
            r.progress = Some(progress_json::to_json(&h.progress.borrow()));
        }
        Some(r)
    }

    /// Every job, oldest first.
    pub fn list(&self) -> Vec<JobRecord> {
        let ids: Vec<String> = {
            let inner = self.lock();
            let mut v: Vec<&JobRecord> = inner.records.values().collect();
            v.sort_by(|a, b| (a.start_time, &a.id).cmp(&(b.start_time, &b.id)));
            v.into_iter().map(|r| r.id.clone()).collect()
        };
        ids.iter().filter_map(|id| self.get(id)).collect()
    }

    /// The newest job of `kind` on backup `name`.
    pub fn latest_for(&self, kind: Kind, name: &str) -> Option<JobRecord> {
        self.list()
            .into_iter()
            .rev()
            .find(|r| r.kind == kind && r.backup_name == name)
    }

    pub fn watch(&self, id: &str) -> Option<ProgressWatch> {
        self.lock().live.get(id).map(|h| h.progress.clone())
    }

    /// Asks a running job to stop; it ends as cancelled (its own cleanup runs first).
    pub fn cancel(&self, id: &str) -> Result<JobRecord, ApiError> {
        let inner = self.lock();
        let Some(r) = inner.records.get(id) else {
            return Err(ApiError::not_found(format!("no job with id '{id}'")));
        };
        if r.state.is_final() {
            return Err(ApiError::conflict(format!(
                "job {id} is not running (it is {})",
                serde_json::to_value(r.state)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or("?")
            )));
        }
        if let Some(h) = inner.live.get(id) {
            tracing::info!("api job {id}: cancel requested");
            h.cancel.cancel();
        }
        let r = r.clone();
        drop(inner);
        Ok(self.get(id).unwrap_or(r))
    }

    /// Waits until job `id` has ended; its final record.
    pub async fn wait(&self, id: &str) -> Option<JobRecord> {
        loop {
            let woken = self.finished.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let r = self.get(id)?;
            if r.state.is_final() {
                return Some(r);
            }
            woken.await;
        }
    }
}

/// `backup_2026_12_03_18_00_00_123456789` (milvus-backup's restore ids look the same).
fn new_id(kind: Kind, taken: &BTreeMap<String, JobRecord>) -> String {
    let prefix = match kind {
        Kind::Backup => "backup",
        Kind::Restore => "restore",
    };
    let base = format!(
        "{prefix}_{}",
        chrono::Utc::now().format("%Y_%m_%d_%H_%M_%S_%9f")
    );
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains_key(&id) {
        n += 1;
        id = format!("{base}_{n}");
    }
    id
}

fn summary_json(s: &CreateSummary) -> Value {
    json!({
        "name": s.name,
        "collections": s.collections,
        "segments": s.segments,
        "files": s.files,
        "bytes": s.bytes,
        "rows": s.rows,
        "reused_files": s.reused_files,
        "server_side_files": s.server_side_files,
        "warnings": s.warnings,
    })
}

pub fn report_json(r: &RestoreReport) -> Value {
    json!({
        "collections": r.collections.iter().map(|c| {
            let (outcome, error) = match &c.outcome {
                CollectionOutcome::NotStarted => ("not_started", None),
                CollectionOutcome::Created => ("created", None),
                CollectionOutcome::Restored => ("restored", None),
                CollectionOutcome::Failed(e) => ("failed", Some(e.clone())),
            };
            json!({
                "source": c.source,
                "target": c.target,
                "outcome": outcome,
                "error": error,
                "rows_expected": c.rows_expected,
                "rows_imported": c.rows_imported,
                "rows_deleted": c.rows_deleted,
                "warnings": c.warnings,
            })
        }).collect::<Vec<_>>(),
        "staged_bytes": r.staged_bytes,
        "warnings": r.warnings,
    })
}

impl Registry {
    /// Cancels every running job and waits up to `grace` for them to end.
    pub async fn cancel_all(&self, grace: std::time::Duration) {
        let running: Vec<String> = {
            let inner = self.lock();
            inner
                .records
                .values()
                .filter(|r| r.state == State::Running)
                .map(|r| r.id.clone())
                .collect()
        };
        for id in &running {
            let _ = self.cancel(id);
        }
        let all = async {
            for id in &running {
                self.wait(id).await;
            }
        };
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!("api: jobs still running at exit; they will read as interrupted");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use milvus_backup_tui::jobs::{JobFailure, JobKind};
    use std::time::Duration;

    fn summary() -> CreateSummary {
        CreateSummary {
            name: "b".into(),
            collections: 1,
            segments: 2,
            files: 3,
            bytes: 4,
            rows: 5,
            reused_files: 0,
            server_side_files: 0,
            warnings: vec![],
        }
    }

    /// A registry over a fake job that ends when told (`go`) or cancelled.
    async fn with_job(
        dir: &std::path::Path,
    ) -> (Arc<Registry>, JobRecord, tokio::sync::oneshot::Sender<()>) {
        let reg = Registry::start(RecordDir::open(dir).unwrap(), Handle::current());
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let rec = reg.spawn(Kind::Backup, "b".into(), json!({"backup_name": "b"}), |r| {
            r.spawn(
                JobKind::Backup { name: "b".into() },
                |p, cancel| async move {
                    p.update(|p| {
                        p.files = milvus_backup_tui::progress::Count { done: 1, total: 2 }
                    });
                    tokio::select! {
                        _ = wait => Ok(JobOutput::Backup(summary())),
                        _ = cancel.cancelled() => Err(JobFailure::from_error(
                            &milvus_backup_tui::Error::Cancelled,
                            true,
                        )),
                    }
                },
            )
        });
        (reg, rec, go)
    }

    #[tokio::test]
    async fn a_job_is_running_then_succeeded_and_saved_so() {
        let dir = tempfile::tempdir().unwrap();
        let (reg, rec, go) = with_job(dir.path()).await;
        assert_eq!(rec.state, State::Running);
        let mut watch = reg.watch(&rec.id).unwrap();
        watch.wait_for(|p| p.files.done == 1).await.unwrap();
        let live = reg.get(&rec.id).unwrap();
        assert_eq!(live.progress.as_ref().unwrap()["files"]["done"], 1);
        assert_eq!(live.percent(), 50);
        go.send(()).unwrap();
        let done = tokio::time::timeout(Duration::from_secs(10), reg.wait(&rec.id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(done.state, State::Succeeded);
        assert_eq!(done.percent(), 100);
        assert_eq!(done.result.as_ref().unwrap()["rows"], 5);
        assert!(
            reg.cancel(&rec.id).is_err(),
            "a finished job cannot be cancelled"
        );
        // A new registry over the same directory reads it back as it was.
        let again = RecordDir::open(dir.path()).unwrap().load();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].state, State::Succeeded);
    }

    #[tokio::test]
    async fn cancel_ends_the_job_as_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let (reg, rec, _go) = with_job(dir.path()).await;
        assert!(reg.cancel("no_such_job").is_err());
        reg.cancel(&rec.id).unwrap();
        let done = tokio::time::timeout(Duration::from_secs(10), reg.wait(&rec.id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(done.state, State::Cancelled);
        assert_eq!(done.state.code(), 3);
        assert_eq!(done.error.as_deref(), Some("cancelled"));
        assert_eq!(reg.list().len(), 1);
        assert_eq!(
            reg.latest_for(Kind::Backup, "b").map(|r| r.id),
            Some(rec.id)
        );
    }
}
