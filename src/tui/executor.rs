//! Runs [`Command`]s on the background runtime and sends what comes of them back as
//! [`Action`]s. It owns the connected client and the job handles; the model never sees them.

use super::action::{Action, JobStartedInfo};
use super::cluster_info::load_collections;
use super::command::{Command, NamingChoice, RestoreSpec};
use super::state::Doomed;
use milvus_backup_tui::backup::CreateOptions;
use milvus_backup_tui::catalog;
use milvus_backup_tui::config::{Config, MilvusConfig};
use milvus_backup_tui::filter::{Filter, Naming};
use milvus_backup_tui::inventory;
use milvus_backup_tui::jobs::{BackupRequest, JobHandle, JobRunner, RestoreRequest, VerifyRequest};
use milvus_backup_tui::milvus::MilvusClient;
use milvus_backup_tui::restore::{RestoreOptions, plan_restore};
use milvus_backup_tui::storage::{CopySettings, Role, Store};
use milvus_backup_tui::verify::VerifyMode;
use milvus_backup_tui::{Error, Result};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::runtime::Handle;

/// How long a connection attempt may take before the UI says it failed.
const CONNECT_LIMIT: Duration = Duration::from_secs(15);
/// How many collections' sizes are read from the storage at once.
const STORAGE_READERS: usize = 4;
/// How often the load state of collections that are loading is read again.
const LOAD_STATE_POLL: Duration = Duration::from_secs(3);
/// Elapsed time and ETA of a job that reports nothing are refreshed this often.
const QUIET_REFRESH: Duration = Duration::from_secs(1);

/// The existing targets of a plan (made with drop-existing) and what they hold now: rows and
/// size on storage, each `None` when it cannot be read.
async fn doomed_collections(
    client: &MilvusClient,
    milvus: &Store,
    plan: &milvus_backup_tui::restore::RestorePlan,
) -> Vec<Doomed> {
    let mut out = vec![];
    for c in plan.collections.iter().filter(|c| c.exists) {
        let (db, name) = (&c.target_db, &c.target_name);
        let rows = client.row_count(db, name).await.ok();
        let bytes = match client.describe_collection(db, name).await {
            Ok(info) => inventory::collection_storage_size(milvus, info.id)
                .await
                .ok(),
            Err(_) => None,
        };
        out.push(Doomed {
            target: c.target(),
            rows,
            bytes,
        });
    }
    out
}

/// Where actions go: the UI loop's channel.
pub type ActionSender = std::sync::mpsc::Sender<super::app::AppEvent>;

struct Watched {
    handle: JobHandle,
    last_sent: Option<Instant>,
    ended: bool,
}

pub struct Executor {
    runtime: Handle,
    tx: ActionSender,
    config: Arc<Config>,
    cluster: Option<String>,
    client: Arc<Mutex<Option<MilvusClient>>>,
    runner: JobRunner,
    jobs: Vec<Watched>,
}

impl Executor {
    pub fn new(runtime: Handle, tx: ActionSender, config: Config, cluster: Option<String>) -> Self {
        let (runner, mut events) = JobRunner::new(runtime.clone());
        let fwd = tx.clone();
        runtime.spawn(async move {
            while let Some(ev) = events.recv().await {
                let a = Action::JobFinished {
                    id: ev.id,
                    result: Box::new(ev.result),
                };
                if fwd.send(super::app::AppEvent::Action(a)).is_err() {
                    break;
                }
            }
        });
        Executor {
            runtime,
            tx,
            config: Arc::new(config),
            cluster,
            client: Arc::new(Mutex::new(None)),
            runner,
            jobs: Vec::new(),
        }
    }

    fn milvus_config(&self, cluster: Option<&str>) -> Result<MilvusConfig> {
        self.config.cluster(cluster).cloned()
    }

    /// Runs a command; returns the actions it produced at once (the rest arrive on the channel).
    pub fn run(&mut self, cmd: Command) -> Vec<Action> {
        match cmd {
            Command::Connect => return self.connect(),
            Command::LoadCollections => {
                let client = self.current_client();
                self.background(async move {
                    let Some(client) = client else {
                        return Action::CallFailed {
                            what: "list collections".into(),
                            error: "not connected".into(),
                        };
                    };
                    match load_collections(&client).await {
                        Ok(data) => Action::CollectionsLoaded(data),
                        Err(e) => call_failed("list collections", &e),
                    }
                });
            }
            Command::LoadStorageSizes(ids) => self.load_storage_sizes(ids),
            Command::PollLoadStates(colls) => {
                let client = self.current_client();
                self.background(async move {
                    tokio::time::sleep(LOAD_STATE_POLL).await;
                    let mut states = vec![];
                    for (db, coll) in colls {
                        let state = match &client {
                            Some(c) => c
                                .load_state(&db, &coll)
                                .await
                                .map(|l| l.as_str().to_string())
                                .unwrap_or_else(|_| "?".into()),
                            None => "?".into(),
                        };
                        states.push((db, coll, state));
                    }
                    Action::LoadStates(states)
                });
            }
            Command::LoadBackups => {
                let storage = self.config.backup.storage.clone();
                self.background(async move {
                    let listed = async {
                        let store = Store::open(&storage, Role::Backup)?;
                        if !store.root_exists() {
                            return Ok(vec![]);
                        }
                        catalog::list_backups(&store).await
                    };
                    match listed.await {
                        Ok(entries) => Action::BackupsLoaded(
                            entries,
                            chrono::Utc::now().timestamp_millis().max(0) as u64,
                        ),
                        Err(e) => call_failed("list backups", &e),
                    }
                });
            }
            Command::DeleteBackup(name) => {
                let storage = self.config.backup.storage.clone();
                self.background(async move {
                    let deleted = async {
                        let store = Store::open(&storage, Role::Backup)?;
                        catalog::delete_backup(&store, &name).await
                    };
                    match deleted.await {
                        Ok(files) => Action::BackupDeleted { name, files },
                        Err(e) => call_failed(&format!("delete backup {name}"), &e),
                    }
                });
            }
            Command::StartBackup { name, collections } => {
                return match self.start_backup(name, &collections) {
                    Ok(h) => vec![self.watch(h, format!("{} collection(s)", collections.len()))],
                    Err(e) => vec![call_failed("start the backup", &e)],
                };
            }
            Command::StartVerify(name) => {
                let h = self.runner.spawn_verify(VerifyRequest {
                    backup_storage: self.config.backup.storage.clone(),
                    name,
                    mode: VerifyMode::Full,
                    parallelism: self.config.backup.parallelism,
                });
                return vec![self.watch(h, "size and CRC-32C of every file".into())];
            }
            Command::PlanRestore(spec) => {
                let prepared = self.restore_parts(&spec);
                let config = self.config.clone();
                self.background(async move {
                    let plan = async {
                        let (target, options) = prepared?;
                        let milvus = Store::open(&target.storage, Role::Milvus)?;
                        let backups = Store::open(&config.backup.storage, Role::Backup)?;
                        let client = connect(&target).await?;
                        let plan = plan_restore(&client, &backups, &milvus, &options).await?;
                        let doomed = if options.drop_existing {
                            doomed_collections(&client, &milvus, &plan).await
                        } else {
                            vec![]
                        };
                        Ok::<_, Error>((plan, doomed))
                    };
                    match plan.await {
                        Ok((p, doomed)) => Action::PlanReady(Box::new(p), doomed),
                        Err(e) => Action::PlanFailed(with_hint(&e)),
                    }
                });
            }
            Command::StartRestore(spec) => {
                return match self.restore_parts(&spec) {
                    Ok((target, options)) => {
                        let h = self.runner.spawn_restore(RestoreRequest {
                            target,
                            backup_storage: self.config.backup.storage.clone(),
                            options,
                        });
                        vec![self.watch(h, spec.describe())]
                    }
                    Err(e) => vec![call_failed("start the restore", &e)],
                };
            }
            Command::CancelJob(id) => {
                for w in &self.jobs {
                    if w.handle.id == id {
                        w.handle.cancel.cancel();
                    }
                }
            }
            Command::CancelAllJobs => {
                for w in &self.jobs {
                    w.handle.cancel.cancel();
                }
            }
            Command::Exit => {}
        }
        vec![]
    }

    fn current_client(&self) -> Option<MilvusClient> {
        self.client.lock().ok().and_then(|c| c.clone())
    }

    fn background(&self, fut: impl Future<Output = Action> + Send + 'static) {
        let tx = self.tx.clone();
        self.runtime.spawn(async move {
            let a = fut.await;
            let _ = tx.send(super::app::AppEvent::Action(a));
        });
    }

    /// Reads the size of each collection in Milvus's storage, a few at a time, sending one
    /// action per collection as it is known.
    fn load_storage_sizes(&self, ids: Vec<(String, i64)>) {
        let storage = self
            .milvus_config(self.cluster.as_deref())
            .map(|c| c.storage);
        let tx = self.tx.clone();
        self.runtime.spawn(async move {
            use futures::StreamExt;
            let store = storage.and_then(|s| Store::open(&s, Role::Milvus));
            let store = store.as_ref();
            let mut sizes = futures::stream::iter(ids)
                .map(|(collection, id)| async move {
                    let size = match store {
                        Ok(s) => inventory::collection_storage(s, id)
                            .await
                            .map_err(|e| with_hint(&e)),
                        Err(e) => Err(with_hint(e)),
                    };
                    Action::StorageSize {
                        collection,
                        id,
                        size,
                    }
                })
                .buffer_unordered(STORAGE_READERS);
            while let Some(a) = sizes.next().await {
                if tx.send(super::app::AppEvent::Action(a)).is_err() {
                    break;
                }
            }
        });
    }

    fn connect(&mut self) -> Vec<Action> {
        let cfg = match self.milvus_config(self.cluster.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                return vec![Action::ConnectFailed {
                    address: "-".into(),
                    error: with_hint(&e),
                }];
            }
        };
        let slot = self.client.clone();
        self.background(async move {
            match connect(&cfg).await {
                Ok(client) => {
                    let a = Action::Connected {
                        address: client.address().to_string(),
                        version: client.server_version().to_string(),
                    };
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(client);
                    }
                    a
                }
                Err(e) => Action::ConnectFailed {
                    address: cfg.address.clone(),
                    error: with_hint(&e),
                },
            }
        });
        vec![]
    }

    fn start_backup(&mut self, name: String, collections: &[String]) -> Result<JobHandle> {
        let filter = Filter::parse(&collections.join(","))?;
        Ok(self.runner.spawn_backup(BackupRequest {
            milvus: self.milvus_config(self.cluster.as_deref())?,
            backup_storage: self.config.backup.storage.clone(),
            options: CreateOptions {
                name,
                filter,
                parallelism: self.config.backup.parallelism,
                milvus_parallelism: self.config.backup.milvus_parallelism,
                resume: false,
                copy: CopySettings::from_config(&self.config.backup, None),
                rbac: false,
            },
        }))
    }

    fn restore_parts(&self, spec: &RestoreSpec) -> Result<(MilvusConfig, RestoreOptions)> {
        let target = self.milvus_config(spec.cluster.as_deref())?;
        let filter = if spec.collections.is_empty() {
            Filter::all()
        } else {
            Filter::parse(&spec.collections.join(","))?
        };
        let naming = match &spec.naming {
            NamingChoice::Same => Naming::Same,
            NamingChoice::Suffix(s) => Naming::suffix(s)?,
            NamingChoice::Rules(r) => Naming::from_options(Some(r), None)?,
        };
        Ok((
            target,
            RestoreOptions {
                name: spec.backup.clone(),
                filter,
                naming,
                drop_existing: spec.drop_existing,
                create_indexes: spec.create_indexes,
                load: spec.load,
                parallelism: self.config.backup.parallelism,
                skip_verify: false,
                copy: CopySettings::from_config(&self.config.backup, None),
            },
        ))
    }

    fn watch(&mut self, handle: JobHandle, detail: String) -> Action {
        let info = JobStartedInfo::new(&handle, detail);
        self.jobs.push(Watched {
            handle,
            last_sent: None,
            ended: false,
        });
        Action::JobStarted(info)
    }

    /// Progress of the jobs that changed since the last call (or whose clock needs a refresh);
    /// called about ten times a second, which is the coalescing.
    pub fn poll_progress(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        for w in self.jobs.iter_mut().filter(|w| !w.ended) {
            let changed = w.handle.progress.has_changed().unwrap_or(false);
            let stale = w.last_sent.is_none_or(|t| t.elapsed() >= QUIET_REFRESH);
            if !(changed || stale) {
                continue;
            }
            let p = w.handle.progress.borrow_and_update().clone();
            if matches!(
                p.phase,
                milvus_backup_tui::progress::Phase::Done
                    | milvus_backup_tui::progress::Phase::Failed
            ) {
                w.ended = true;
            }
            w.last_sent = Some(Instant::now());
            out.push(Action::JobProgress {
                id: w.handle.id,
                progress: Box::new(p),
                elapsed: w.handle.started.elapsed(),
            });
        }
        out
    }
}

async fn connect(cfg: &MilvusConfig) -> Result<MilvusClient> {
    match tokio::time::timeout(CONNECT_LIMIT, MilvusClient::connect(cfg)).await {
        Ok(r) => r,
        Err(_) => Err(Error::Connect {
            address: cfg.address.clone(),
            reason: format!("no answer within {} s", CONNECT_LIMIT.as_secs()),
        }),
    }
}

fn with_hint(e: &Error) -> String {
    match e.hint() {
        Some(h) => format!("{e} (hint: {h})"),
        None => e.to_string(),
    }
}

fn call_failed(what: &str, e: &Error) -> Action {
    Action::CallFailed {
        what: what.to_string(),
        error: with_hint(e),
    }
}
