//! A small job runner: backups and restores on the tokio runtime, each with an id, a
//! cancellation token and a progress watch, reporting completion as [`JobEvent`]s on a channel.
//!
//! It knows nothing of terminals: the terminal UI drives it, and so could an HTTP API. A job is
//! described by a request holding plain configuration (the job connects and opens the stores
//! itself), so the caller never shares a client or a store with a running job.

use crate::backup::{CreateOptions, CreateSummary, create_backup};
use crate::config::{MilvusConfig, StorageConfig};
use crate::milvus::MilvusClient;
use crate::progress::{Phase, ProgressSender, ProgressWatch};
use crate::restore::{RestoreOptions, RestoreReport, plan_restore, run_restore};
use crate::storage::{Role, Store};
use crate::verify::{VerifyMode, VerifyReport, verify_backup};
use std::fmt;
use std::future::Future;
use std::time::Instant;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Identifies a job within one runner, in start order from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub u64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What a job does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Create the backup `name`.
    Backup { name: String },
    /// Restore the backup `name` into `target` (a cluster label or address).
    Restore { name: String, target: String },
    /// Check the files of the backup `name` against its metadata (changes nothing).
    Verify { name: String },
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobKind::Backup { name } => write!(f, "backup {name}"),
            JobKind::Restore { name, target } => write!(f, "restore {name} into {target}"),
            JobKind::Verify { name } => write!(f, "verify {name}"),
        }
    }
}

/// What a successful job produced.
#[derive(Clone, Debug)]
pub enum JobOutput {
    Backup(CreateSummary),
    Restore(RestoreReport),
    /// The files checked and the problems found (a backup with problems is still `Ok` here:
    /// the check itself ran).
    Verify(VerifyReport),
}

/// Why a job failed: the full error text, and for a restore the report of how far each
/// collection got.
#[derive(Clone, Debug)]
pub struct JobFailure {
    pub error: String,
    pub hint: Option<String>,
    pub cancelled: bool,
    pub report: Option<RestoreReport>,
}

impl JobFailure {
    pub fn from_error(e: &crate::Error, cancelled: bool) -> JobFailure {
        JobFailure {
            error: e.to_string(),
            hint: e.hint().map(str::to_string),
            cancelled,
            report: None,
        }
    }
}

pub type JobResult = Result<JobOutput, JobFailure>;

/// Sent once per job, when it ends.
#[derive(Clone, Debug)]
pub struct JobEvent {
    pub id: JobId,
    pub result: JobResult,
}

/// The caller's handle on a started job.
#[derive(Clone)]
pub struct JobHandle {
    pub id: JobId,
    pub kind: JobKind,
    pub progress: ProgressWatch,
    pub cancel: CancellationToken,
    pub started: Instant,
}

/// A backup to take: where to read from and write to, and what.
pub struct BackupRequest {
    pub milvus: MilvusConfig,
    pub backup_storage: StorageConfig,
    pub options: CreateOptions,
}

/// A restore to run: the target Milvus, the backup storage, and the options. The plan is made
/// again inside the job, so a target that changed since the user saw the plan is caught.
pub struct RestoreRequest {
    pub target: MilvusConfig,
    pub backup_storage: StorageConfig,
    pub options: RestoreOptions,
}

/// A backup to verify, read from the backup storage.
pub struct VerifyRequest {
    pub backup_storage: StorageConfig,
    pub name: String,
    pub mode: VerifyMode,
    pub parallelism: usize,
}

/// Starts jobs on a runtime and reports their ends on one channel.
pub struct JobRunner {
    runtime: Handle,
    next: u64,
    events: mpsc::UnboundedSender<JobEvent>,
}

impl JobRunner {
    /// A runner spawning on `runtime`; job ends arrive on the returned receiver.
    pub fn new(runtime: Handle) -> (JobRunner, mpsc::UnboundedReceiver<JobEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            JobRunner {
                runtime,
                next: 1,
                events: tx,
            },
            rx,
        )
    }

    /// Starts any job: `work` gets the progress sender and the cancellation token and returns
    /// the job's result. Progress ends in [`Phase::Done`] or [`Phase::Failed`] whatever `work`
    /// left it at.
    pub fn spawn<F, Fut>(&mut self, kind: JobKind, work: F) -> JobHandle
    where
        F: FnOnce(ProgressSender, CancellationToken) -> Fut,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        let id = JobId(self.next);
        self.next += 1;
        let (tx, watch) = ProgressSender::new();
        let cancel = CancellationToken::new();
        let fut = work(tx.clone(), cancel.clone());
        let events = self.events.clone();
        let label = kind.to_string();
        self.runtime.spawn(async move {
            tracing::info!("job {id} started: {label}");
            let result = fut.await;
            match &result {
                Ok(_) => {
                    tx.phase(Phase::Done);
                    tracing::info!("job {id} finished: {label}");
                }
                Err(f) => {
                    tx.phase(Phase::Failed);
                    tracing::error!("job {id} failed: {label}: {}", f.error);
                }
            }
            // The receiver may be gone (the caller quit): nothing left to tell.
            let _ = events.send(JobEvent { id, result });
        });
        JobHandle {
            id,
            kind,
            progress: watch,
            cancel,
            started: Instant::now(),
        }
    }

    /// Starts a backup.
    pub fn spawn_backup(&mut self, req: BackupRequest) -> JobHandle {
        let kind = JobKind::Backup {
            name: req.options.name.clone(),
        };
        self.spawn(kind, move |progress, cancel| async move {
            run_backup(req, &progress, &cancel)
                .await
                .map(JobOutput::Backup)
                .map_err(|e| JobFailure::from_error(&e, cancel.is_cancelled()))
        })
    }

    /// Starts a verification; a cancel stops it at once (it only reads).
    pub fn spawn_verify(&mut self, req: VerifyRequest) -> JobHandle {
        let kind = JobKind::Verify {
            name: req.name.clone(),
        };
        self.spawn(kind, move |progress, cancel| async move {
            let work = async {
                let store = Store::open(&req.backup_storage, Role::Backup)?;
                verify_backup(&store, &req.name, req.mode, req.parallelism, &progress).await
            };
            tokio::select! {
                r = work => r
                    .map(JobOutput::Verify)
                    .map_err(|e| JobFailure::from_error(&e, false)),
                _ = cancel.cancelled() => {
                    Err(JobFailure::from_error(&crate::Error::Cancelled, true))
                }
            }
        })
    }

    /// Starts a restore.
    pub fn spawn_restore(&mut self, req: RestoreRequest) -> JobHandle {
        let kind = JobKind::Restore {
            name: req.options.name.clone(),
            target: req.target.address.clone(),
        };
        self.spawn(kind, move |progress, cancel| async move {
            restore_job(req, &progress, &cancel).await
        })
    }
}

async fn run_backup(
    req: BackupRequest,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> crate::Result<CreateSummary> {
    progress.phase(Phase::Connecting);
    let milvus = Store::open(&req.milvus.storage, Role::Milvus)?;
    let mut backups = Store::open(&req.backup_storage, Role::Backup)?;
    let client = MilvusClient::connect(&req.milvus).await?;
    create_backup(
        &client,
        &milvus,
        &mut backups,
        &req.options,
        progress,
        cancel,
    )
    .await
}

async fn restore_job(
    req: RestoreRequest,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> JobResult {
    let fail = |e: crate::Error| JobFailure::from_error(&e, cancel.is_cancelled());
    progress.phase(Phase::Connecting);
    let milvus = Store::open(&req.target.storage, Role::Milvus).map_err(fail)?;
    let backups = Store::open(&req.backup_storage, Role::Backup).map_err(fail)?;
    let client = MilvusClient::connect(&req.target).await.map_err(fail)?;
    progress.phase(Phase::ReadingMetadata);
    let plan = plan_restore(&client, &backups, &milvus, &req.options)
        .await
        .map_err(fail)?;
    let (report, result) = run_restore(
        &client,
        &backups,
        &milvus,
        &plan,
        &req.options,
        progress,
        cancel,
    )
    .await;
    match result {
        Ok(()) => Ok(JobOutput::Restore(report)),
        Err(e) => {
            let mut f = fail(e);
            f.report = Some(report);
            Err(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime")
    }

    fn summary(name: &str) -> CreateSummary {
        CreateSummary {
            name: name.into(),
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

    #[test]
    fn ids_count_up_and_kinds_read_well() {
        let rt = runtime();
        let (mut runner, _rx) = JobRunner::new(rt.handle().clone());
        let a = runner.spawn(JobKind::Backup { name: "a".into() }, |_, _| async {
            Ok(JobOutput::Backup(summary("a")))
        });
        let b = runner.spawn(
            JobKind::Restore {
                name: "a".into(),
                target: "x:1".into(),
            },
            |_, _| async { Ok(JobOutput::Restore(RestoreReport::default())) },
        );
        assert_eq!(a.id, JobId(1));
        assert_eq!(b.id, JobId(2));
        assert_eq!(b.id.to_string(), "#2");
        assert_eq!(a.kind.to_string(), "backup a");
        assert_eq!(b.kind.to_string(), "restore a into x:1");
    }

    #[test]
    fn completion_is_reported_and_progress_ends_done() {
        let rt = runtime();
        let (mut runner, mut rx) = JobRunner::new(rt.handle().clone());
        let h = runner.spawn(JobKind::Backup { name: "b".into() }, |p, _| async move {
            p.update(|p| p.files.done = 7);
            Ok(JobOutput::Backup(summary("b")))
        });
        let ev = rt.block_on(rx.recv()).expect("event");
        assert_eq!(ev.id, h.id);
        match ev.result {
            Ok(JobOutput::Backup(s)) => assert_eq!(s.name, "b"),
            other => panic!("unexpected {other:?}"),
        }
        let p = h.progress.borrow().clone();
        assert_eq!(p.phase, Phase::Done);
        assert_eq!(p.files.done, 7);
    }

    #[test]
    fn cancellation_reaches_the_job_and_failure_is_reported() {
        let rt = runtime();
        let (mut runner, mut rx) = JobRunner::new(rt.handle().clone());
        let h = runner.spawn(
            JobKind::Backup { name: "c".into() },
            |_, cancel| async move {
                cancel.cancelled().await;
                Err(JobFailure::from_error(
                    &crate::Error::Cancelled,
                    cancel.is_cancelled(),
                ))
            },
        );
        h.cancel.cancel();
        let ev = rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(5), rx.recv()).await })
            .expect("in time")
            .expect("event");
        let f = ev.result.expect_err("failed");
        assert!(f.cancelled);
        assert_eq!(h.progress.borrow().phase, Phase::Failed);
    }

    #[test]
    fn a_backup_with_a_bad_storage_fails_with_the_reason() {
        let rt = runtime();
        let (mut runner, mut rx) = JobRunner::new(rt.handle().clone());
        let mut milvus = MilvusConfig {
            address: "127.0.0.1:1".into(),
            ..MilvusConfig::default()
        };
        milvus.storage.root = Some("/nonexistent/milvus/root".into());
        let h = runner.spawn_backup(BackupRequest {
            milvus,
            backup_storage: StorageConfig {
                root: Some("/nonexistent/backups".into()),
                ..StorageConfig::default()
            },
            options: CreateOptions {
                name: "bad".into(),
                filter: crate::filter::Filter::all(),
                parallelism: 1,
                milvus_parallelism: 1,
                resume: false,
                copy: Default::default(),
                rbac: false,
            },
        });
        assert_eq!(h.kind, JobKind::Backup { name: "bad".into() });
        let ev = rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(60), rx.recv()).await })
            .expect("in time")
            .expect("event");
        let f = ev.result.expect_err("must fail");
        assert!(!f.error.is_empty());
        assert!(!f.cancelled);
    }
}
