//! Locks on Azure Blob Storage (the sandbox's Azurite): create-if-absent is atomic; opendal's
//! azblob has no If-Match on writes, so a stale lock is broken by remove + create, checked by
//! the read-back. Many acquisitions and breakers race for one name: exactly one wins.

use milvus_backup_tui::config::{Provider, StorageConfig};
use milvus_backup_tui::lock::{BackupLock, LockInfo, lock_key, this_host};
use milvus_backup_tui::secret::Secret;
use milvus_backup_tui::storage::{Role, Store};
use std::sync::Arc;

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("{key} is not set: run scripts/test.sh"))
}

fn az_store(root: &str) -> Store {
    let cfg = StorageConfig {
        provider: Provider::Azblob,
        root: Some(root.to_string()),
        container: Some(env("MBT_AZURITE_CONTAINER")),
        endpoint: Some(env("MBT_AZURITE_ENDPOINT")),
        account_name: Some(env("MBT_AZURITE_ACCOUNT")),
        account_key: Some(Secret::new(env("MBT_AZURITE_KEY"))),
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
async fn azblob_create_if_absent_is_honoured() {
    let s = az_store(&fresh_root("cond"));
    assert!(
        !s.can_write_if_match(),
        "opendal's azblob has no If-Match on writes"
    );
    assert!(s.write_if_absent("k", b"one".to_vec()).await.unwrap());
    assert!(
        !s.write_if_absent("k", b"two".to_vec()).await.unwrap(),
        "If-None-Match: * on an existing blob is refused"
    );
    assert_eq!(s.read("k").await.unwrap().unwrap(), b"one");
    s.delete("k").await.unwrap();
    assert!(s.read("k").await.unwrap().is_none());
}

async fn race(root: &str, name: &str, n: usize) -> Vec<BackupLock> {
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (s, name, barrier) = (az_store(root), name.to_string(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                BackupLock::acquire(&s, &name, "create").await
            })
        })
        .collect();
    let mut winners = vec![];
    for t in tasks {
        if let Ok(held) = t.await.unwrap() {
            winners.push(held);
        }
    }
    winners
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn azblob_racing_acquisitions_and_breakers_have_exactly_one_winner() {
    let root = fresh_root("race");
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
    for round in 0..6 {
        let name = format!("b{round}");
        if round % 2 == 1 {
            az_store(&root)
                .write(&lock_key(&name), serde_json::to_vec(&stale).unwrap())
                .await
                .unwrap();
        }
        let winners = race(&root, &name, 6).await;
        assert_eq!(winners.len(), 1, "round {round}: one winner");
        let err = BackupLock::acquire(&az_store(&root), &name, "delete")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("is in use by create"), "{err}");
        for w in winners {
            w.release().await.unwrap();
        }
        assert!(!az_store(&root).exists(&lock_key(&name)).await.unwrap());
    }
}
