//! Models built from fixture data, for the `update` tests and the snapshots (no server).

use super::action::{Action, JobStartedInfo};
use super::state::{
    ClusterChoice, CollectionNode, CollectionsData, DbNode, JobStatus, JobView, LogLine, Model,
    PartitionNode, PlanView, Session, StorageState, Wizard, WizardStep,
};
use super::theme::Theme;
use milvus_backup_tui::catalog::BackupEntry;
use milvus_backup_tui::compat::Matrix;
use milvus_backup_tui::format::{
    BackupInfo, CollectionBackup, IndexInfo, PartitionBackup, SegmentBackup,
};
use milvus_backup_tui::inventory::StorageSize;
use milvus_backup_tui::jobs::{JobId, JobKind};
use milvus_backup_tui::progress::{CollectionProgress, Count, Phase, Progress};
use milvus_backup_tui::restore::{PlannedCollection, RestorePlan};
use std::time::Duration;

pub fn session() -> Session {
    Session {
        cluster: "[milvus]".into(),
        address: "127.0.0.1:19530".into(),
        config_origin: "/etc/milvus-backup-tui.toml".into(),
        config_found: true,
        config_problem: None,
        backup_storage: "/srv/backups".into(),
        clusters: vec![
            ClusterChoice {
                name: None,
                address: "127.0.0.1:19530".into(),
            },
            ClusterChoice {
                name: Some("prod24".into()),
                address: "10.0.0.7:19530".into(),
            },
        ],
    }
}

fn coll(id: i64, name: &str, rows: i64, parts: &[(&str, i64)], load: &str) -> CollectionNode {
    let partitions: Vec<PartitionNode> = parts
        .iter()
        .enumerate()
        .map(|(i, (n, r))| PartitionNode {
            name: (*n).into(),
            id: id * 10 + i as i64,
            rows: *r,
            segments: 2,
        })
        .collect();
    // books: read; movies: still being read; orders: its storage cannot be read.
    let storage = match name {
        "books" => StorageState::Known(StorageSize {
            total: partitions.iter().map(|p| p.rows as u64 * 600).sum(),
            files: 24,
            partitions: partitions
                .iter()
                .map(|p| (p.id, p.rows as u64 * 600))
                .collect(),
        }),
        "orders" => StorageState::Unreadable(
            "storage error on /var/lib/milvus/data: list insert_log/3/: permission denied".into(),
        ),
        _ => StorageState::Unknown,
    };
    CollectionNode {
        name: name.into(),
        id,
        rows,
        segments: parts.len() * 2,
        partitions,
        storage,
        indexes: vec!["vector: HNSW L2".into()],
        load_state: load.into(),
        aliases: if name == "books" {
            vec!["library".into()]
        } else {
            vec![]
        },
        fields: vec![
            "id INT64 primary key".into(),
            "title VARCHAR".into(),
            "vector FLOAT_VECTOR".into(),
        ],
    }
}

pub fn collections() -> CollectionsData {
    CollectionsData {
        dbs: vec![
            DbNode {
                name: "default".into(),
                collections: vec![
                    coll(
                        1,
                        "books",
                        3000,
                        &[("_default", 2000), ("fiction", 1000)],
                        "loaded",
                    ),
                    coll(2, "movies", 1200, &[("_default", 1200)], "not loaded"),
                ],
            },
            DbNode {
                name: "shop".into(),
                collections: vec![coll(3, "orders", 52000, &[("_default", 52000)], "loaded")],
            },
        ],
    }
}

fn coll_backup(db: &str, name: &str, rows: i64) -> CollectionBackup {
    CollectionBackup {
        db_name: db.into(),
        collection_name: name.into(),
        size: rows * 600,
        index_infos: vec![IndexInfo::default()],
        partition_backups: vec![PartitionBackup {
            partition_name: "_default".into(),
            segment_backups: vec![SegmentBackup {
                num_of_rows: rows,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

pub fn backup_info(name: &str, version: &str) -> BackupInfo {
    BackupInfo {
        name: name.into(),
        milvus_version: version.into(),
        backup_timestamp: 1_767_225_600_000,
        size: 3_000_000,
        collection_backups: vec![
            coll_backup("default", "books", 3000),
            coll_backup("default", "movies", 1200),
        ],
        ..Default::default()
    }
}

pub fn backups() -> Vec<BackupEntry> {
    vec![
        BackupEntry {
            name: "nightly_0101".into(),
            info: Some(backup_info("nightly_0101", "v2.3.5")),
            problem: None,
        },
        BackupEntry {
            name: "old_22".into(),
            info: Some(backup_info("old_22", "v2.2.16")),
            problem: None,
        },
        BackupEntry {
            name: "interrupted".into(),
            info: None,
            problem: None,
        },
    ]
}

/// When the fixture backups are listed: three days after the first was taken.
pub const LISTED_AT_MS: u64 = 1_767_225_600_000 + 3 * 86_400_000;

/// A connected model with collections and backups loaded.
pub fn model() -> Model {
    let mut m = Model::new(session());
    m.theme = Theme { color: false };
    let _ = super::update::update(
        &mut m,
        Action::Connected {
            address: "127.0.0.1:19530".into(),
            version: "v2.3.5".into(),
        },
    );
    let _ = super::update::update(&mut m, Action::CollectionsLoaded(collections()));
    let _ = super::update::update(&mut m, Action::BackupsLoaded(backups(), LISTED_AT_MS));
    m
}

pub fn progress(phase: Phase) -> Progress {
    Progress {
        phase,
        collections: Count { done: 1, total: 2 },
        segments: Count { done: 3, total: 6 },
        files: Count {
            done: 40,
            total: 96,
        },
        bytes: Count {
            done: 12 << 20,
            total: 30 << 20,
        },
        per_collection: vec![
            CollectionProgress {
                name: "default.books".into(),
                segments: Count { done: 3, total: 3 },
                bytes: Count {
                    done: 10 << 20,
                    total: 10 << 20,
                },
            },
            CollectionProgress {
                name: "default.movies".into(),
                segments: Count { done: 0, total: 3 },
                bytes: Count {
                    done: 2 << 20,
                    total: 20 << 20,
                },
            },
        ],
        current: Some("default.movies".into()),
        message: Some("copying segment 4 of default.movies".into()),
        ..Progress::default()
    }
}

pub fn job(id: u64, kind: JobKind, status: JobStatus, outcome: &[&str]) -> JobView {
    JobView {
        id: JobId(id),
        kind,
        status,
        progress: progress(Phase::Copying),
        elapsed: Duration::from_secs(42),
        outcome: outcome.iter().map(|s| s.to_string()).collect(),
        started: started_at(),
        detail: String::new(),
    }
}

/// The start time of every fixture job.
pub fn started_at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
}

/// A job start as the executor reports it.
pub fn started(id: u64, kind: JobKind, detail: &str) -> JobStartedInfo {
    JobStartedInfo {
        id: JobId(id),
        kind,
        started: started_at(),
        detail: detail.into(),
    }
}

/// A model with a job running (selected) and one that failed.
pub fn model_with_jobs() -> Model {
    let mut m = model();
    let _ = super::update::update(
        &mut m,
        Action::JobStarted(started(
            1,
            JobKind::Restore {
                name: "old_22".into(),
                target: "127.0.0.1:19530".into(),
            },
            "all collections, suffix _r",
        )),
    );
    let mut failed = job(
        1,
        JobKind::Restore {
            name: "old_22".into(),
            target: "127.0.0.1:19530".into(),
        },
        JobStatus::Failed,
        &[
            "error: Milvus Import failed on default.books_r: rootcoord: collection schema mismatch",
            "hint: check that the target runs Milvus 2.2 or later",
            "default.books -> default.books_r: FAILED: import failed",
            "default.movies -> default.movies_r: not started",
        ],
    );
    failed.progress.phase = Phase::Failed;
    m.jobs.jobs[0] = failed;
    m.jobs.jobs.push(job(
        2,
        JobKind::Backup {
            name: "nightly_0102".into(),
        },
        JobStatus::Running,
        &[],
    ));
    m.jobs.cursor = 1;
    m
}

pub fn plan() -> RestorePlan {
    let info = backup_info("nightly_0101", "v2.3.5");
    let matrix = Matrix::load();
    RestorePlan {
        collections: info
            .collection_backups
            .iter()
            .map(|c| PlannedCollection {
                source: c.clone(),
                target_db: "default".into(),
                target_name: format!("{}_restored", c.collection_name),
                exists: false,
                db_exists: true,
                groups: 1,
                files: 12,
                bytes: c.size as u64,
                rows: c.total_rows(),
                aliases: vec![],
            })
            .collect(),
        backup: info,
        target_address: "127.0.0.1:19530".into(),
        target_version: "v2.3.5".into(),
        compat: matrix.verdict("2.3", "2.3"),
        staging: true,
        staging_server_side: false,
        target_storage: "/var/lib/milvus/data".into(),
        backup_storage: "/srv/backups".into(),
        warnings: vec![],
        conflicts: vec![],
    }
}

/// [`plan`] where `default.books_restored` exists already (planned without drop existing).
pub fn plan_with_conflicts() -> RestorePlan {
    let mut p = plan();
    p.collections[0].exists = true;
    p.conflicts = vec![p.collections[0].target()];
    p
}

/// The restore wizard of the first backup at `step`, with a plan when on the plan page.
pub fn wizard(step: WizardStep) -> Wizard {
    let mut w = Wizard::new(
        "nightly_0101".into(),
        "v2.3.5".into(),
        vec!["default.books".into(), "default.movies".into()],
        session().clusters,
    );
    w.step = step;
    if step == WizardStep::Plan {
        w.plan = PlanView::Ready(Box::new(plan()));
    }
    w
}

pub fn log_lines() -> Vec<LogLine> {
    let l = |level, message: &str| LogLine {
        time: "12:00:01".into(),
        level,
        target: "milvus_backup_tui".into(),
        message: message.into(),
    };
    vec![
        l(tracing::Level::INFO, "job #1 started: backup nightly_0102"),
        l(
            tracing::Level::INFO,
            "flushing 2 collection(s) of database default",
        ),
        l(
            tracing::Level::WARN,
            "default.movies: skipping segment 7 in state Growing",
        ),
        l(
            tracing::Level::ERROR,
            "job #1 failed: restore old_22: import failed",
        ),
    ]
}

/// An error as long as the tool's longest: a storage failure with its hint.
pub fn long_storage_error() -> String {
    "storage s3://mbt-backups/prod at https://s3.example.internal:9443: list of \"\" failed: \
     the server's certificate is not trusted (invalid peer certificate: UnknownIssuer). \
     Hint: if the endpoint's certificate is signed by a private CA, set [backup.storage] \
     ca_cert to that CA's PEM file; if it should be trusted by the system, check that the \
     endpoint is the one you meant (a proxy or a load balancer may present its own \
     certificate) and that the system's certificate store is up to date. Nothing was \
     written to the backup storage. The full chain the server sent is in the log file \
     (milvus-backup-tui.log) at debug level."
        .into()
}
