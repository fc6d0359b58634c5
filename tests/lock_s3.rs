//! Locks on a real S3 server (the sandbox's s3s-fs): the conditional writes they are built on,
//! and many processes' worth of acquisitions racing for one backup name.

use milvus_backup_tui::config::{Provider, StorageConfig};
use milvus_backup_tui::lock::{BackupLock, LockInfo, lock_key, this_host};
use milvus_backup_tui::secret::Secret;
use milvus_backup_tui::storage::{Role, Store};
use std::sync::Arc;

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("{key} is not set: run scripts/test.sh"))
}

/// A store of its own (a fresh prefix of the backup bucket), as another process would open it.
fn s3_store(root: &str) -> Store {
    let cfg = StorageConfig {
        provider: Provider::S3,
        root: Some(root.to_string()),
        bucket: Some(env("MBT_S3_BACKUP_BUCKET")),
        endpoint: Some(env("MBT_S3_ENDPOINT")),
        region: Some("us-east-1".into()),
        access_key_id: Some(Secret::new(env("MBT_S3_ACCESS_KEY"))),
        secret_access_key: Some(Secret::new(env("MBT_S3_SECRET_KEY"))),
        ca_cert: None,
        ..Default::default()
    };
    Store::open(&cfg, Role::Backup).unwrap()
}

fn fresh_root(what: &str) -> String {
    format!(
        "lock-tests/{what}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap()
    )
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn s3_conditional_writes_are_honoured() {
    let s = s3_store(&fresh_root("cond"));
    assert!(s.write_if_absent("k", b"one".to_vec()).await.unwrap());
    assert!(
        !s.write_if_absent("k", b"two".to_vec()).await.unwrap(),
        "If-None-Match: * on an existing object is refused"
    );
    let seen = s.read_tagged("k").await.unwrap().unwrap();
    assert_eq!(seen.bytes, b"one", "the refused write changed nothing");
    let etag = seen.etag.expect("S3 gives an ETag");
    assert!(
        !s.write_if_match("k", b"three".to_vec(), "\"not-the-etag\"")
            .await
            .unwrap(),
        "If-Match with another ETag is refused"
    );
    assert!(
        s.write_if_match("k", b"four".to_vec(), &etag)
            .await
            .unwrap()
    );
    assert!(
        !s.write_if_match("k", b"five".to_vec(), &etag)
            .await
            .unwrap(),
        "the old ETag no longer matches"
    );
    assert_eq!(s.read("k").await.unwrap().unwrap(), b"four");
    assert!(
        !s.write_if_match("gone", b"x".to_vec(), &etag)
            .await
            .unwrap()
    );
    assert!(s.read_tagged("gone").await.unwrap().is_none());
    s.delete("k").await.unwrap();
}

/// `n` acquisitions of one name at once, each through its own store (its own connections),
/// on a multi-threaded runtime; returns the winners, after checking what each loser was told.
async fn race(root: &str, name: &str, n: usize) -> Vec<BackupLock> {
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (s, name, barrier) = (s3_store(root), name.to_string(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                BackupLock::acquire(&s, &name, "create").await
            })
        })
        .collect();
    let mut winners = vec![];
    for t in tasks {
        match t.await.unwrap() {
            Ok(held) => winners.push(held),
            Err(e) => {
                let e = e.to_string();
                assert!(
                    e.contains("is in use by create (pid") || e.contains("try again"),
                    "a loser is told who holds the lock: {e}"
                );
            }
        }
    }
    winners
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn s3_racing_acquisitions_have_exactly_one_winner() {
    let root = fresh_root("race");
    for round in 0..10 {
        let name = format!("b{round}");
        let winners = race(&root, &name, 8).await;
        assert_eq!(winners.len(), 1, "round {round}: one winner");
        // While it is held, a later operation is refused, naming it.
        let err = BackupLock::acquire(&s3_store(&root), &name, "delete")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("is in use by create"), "{err}");
        for w in winners {
            w.release().await.unwrap();
        }
        assert!(!s3_store(&root).exists(&lock_key(&name)).await.unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn s3_racing_breakers_of_one_stale_lock_have_exactly_one_winner() {
    let root = fresh_root("stale");
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = LockInfo {
        op: "create".into(),
        pid: dead,
        host: this_host(),
        started: "2020-01-01T00:00:00Z".into(),
        token: "stale".into(),
        tool: String::new(),
    };
    for round in 0..10 {
        let name = format!("b{round}");
        let s = s3_store(&root);
        s.write(&lock_key(&name), serde_json::to_vec(&stale).unwrap())
            .await
            .unwrap();
        let winners = race(&root, &name, 8).await;
        assert_eq!(winners.len(), 1, "round {round}: one winner");
        let w = winners[0].warning.clone().unwrap_or_default();
        assert!(
            w.contains(&format!("stale lock of create (pid {dead}")),
            "{w}"
        );
        for w in winners {
            w.release().await.unwrap();
        }
    }
}
