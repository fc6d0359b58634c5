use super::*;
use crate::config::{Provider, StorageConfig};
use crate::storage::Role;

fn store(root: &std::path::Path) -> Store {
    let cfg = StorageConfig {
        provider: Provider::Fs,
        root: Some(root.display().to_string()),
        ..Default::default()
    };
    Store::open(&cfg, Role::Backup).unwrap()
}

#[tokio::test]
async fn a_second_operation_is_refused_naming_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(&tmp.path().join("backups"));
    let first = BackupLock::acquire(&s, "b1", "create").await.unwrap();
    assert!(first.warning.is_none());
    let err = BackupLock::acquire(&s, "b1", "delete")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("backup 'b1' is in use by create"), "{err}");
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    assert!(
        err.contains(&this_host()) && err.contains("unlock -n b1"),
        "{err}"
    );
    // Another name is independent.
    let other = BackupLock::acquire(&s, "b2", "create").await.unwrap();
    other.release().await.unwrap();
    first.release().await.unwrap();
    assert!(!tmp.path().join("backups/.locks").exists(), "cleaned up");
    let again = BackupLock::acquire(&s, "b1", "restore").await.unwrap();
    again.release().await.unwrap();
}

#[tokio::test]
async fn racing_acquisitions_have_exactly_one_winner() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    let attempts = (0..8).map(|_| BackupLock::acquire(&s, "b1", "create"));
    let results = futures::future::join_all(attempts).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
}

/// Tasks of a multi-threaded runtime race for real, as processes would.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_acquisitions_on_threads_have_exactly_one_winner() {
    for round in 0..20 {
        let tmp = tempfile::tempdir().unwrap();
        let s = store(tmp.path());
        let winners = race(&s, "b1", 8).await;
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_breakers_of_one_stale_lock_have_exactly_one_winner() {
    for round in 0..20 {
        let tmp = tempfile::tempdir().unwrap();
        let s = store(tmp.path());
        std::fs::create_dir_all(tmp.path().join(LOCK_DIR)).unwrap();
        std::fs::write(
            tmp.path().join(lock_key("b1")),
            serde_json::to_vec(&dead_lock()).unwrap(),
        )
        .unwrap();
        let winners = race(&s, "b1", 8).await;
        assert_eq!(winners, 1, "round {round}");
    }
}

/// Starts `n` acquisitions of `name` at once and counts the winners; every loser must have
/// been told who holds the lock, or to try again.
async fn race(s: &Store, name: &str, n: usize) -> usize {
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (s, name, barrier) = (s.clone(), name.to_string(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                BackupLock::acquire(&s, &name, "create").await
            })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_held) => winners += 1, // not released: the others must still see it
            Err(e) => {
                let e = e.to_string();
                assert!(
                    e.contains("in use by create") || e.contains("try again"),
                    "{e}"
                );
            }
        }
    }
    winners
}

/// A lock left by a process of this host that has exited.
fn dead_lock() -> LockInfo {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    LockInfo {
        op: "create".into(),
        pid: dead,
        host: this_host(),
        started: "2020-01-01T00:00:00Z".into(),
        token: "x".into(),
        tool: String::new(),
    }
}

#[tokio::test]
async fn a_lock_of_a_dead_process_on_this_host_is_broken_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    let stale = dead_lock();
    let dead = stale.pid;
    std::fs::create_dir_all(tmp.path().join(LOCK_DIR)).unwrap();
    std::fs::write(
        tmp.path().join(lock_key("b1")),
        serde_json::to_vec(&stale).unwrap(),
    )
    .unwrap();
    let lock = BackupLock::acquire(&s, "b1", "create --resume")
        .await
        .unwrap();
    let w = lock.warning.clone().unwrap();
    assert!(
        w.contains("stale lock of create") && w.contains(&format!("pid {dead}")),
        "{w}"
    );
    lock.release().await.unwrap();

    // The same lock from another host is never broken on a guess.
    let foreign = LockInfo {
        host: "some-other-host".into(),
        ..stale
    };
    std::fs::create_dir_all(tmp.path().join(LOCK_DIR)).unwrap();
    std::fs::write(
        tmp.path().join(lock_key("b1")),
        serde_json::to_vec(&foreign).unwrap(),
    )
    .unwrap();
    let err = BackupLock::acquire(&s, "b1", "create")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("on host some-other-host"), "{err}");
    let broken = break_lock(&s, "b1").await.unwrap().unwrap().unwrap();
    assert_eq!(broken.host, "some-other-host");
    BackupLock::acquire(&s, "b1", "create")
        .await
        .unwrap()
        .release()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unreadable_lock_is_refused_not_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    std::fs::create_dir_all(tmp.path().join(LOCK_DIR)).unwrap();
    std::fs::write(tmp.path().join(lock_key("b1")), b"{").unwrap();
    let err = BackupLock::acquire(&s, "b1", "create")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unreadable") && err.contains("unlock"),
        "{err}"
    );
}

#[tokio::test]
async fn a_lock_never_shows_up_as_a_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    let lock = BackupLock::acquire(&s, "b1", "create").await.unwrap();
    let s = store(tmp.path()); // reopen: the root now exists
    assert!(crate::catalog::list_backups(&s).await.unwrap().is_empty());
    lock.release().await.unwrap();
}

#[tokio::test]
async fn a_lock_removed_by_hand_is_noticed_before_the_step_that_needs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path());
    let first = BackupLock::acquire(&s, "b1", "create").await.unwrap();
    first.ensure_held().await.unwrap();
    break_lock(&s, "b1").await.unwrap();
    let err = first.ensure_held().await.unwrap_err().to_string();
    assert!(
        err.contains("lock was removed while this create ran"),
        "{err}"
    );
    let second = BackupLock::acquire(&s, "b1", "delete").await.unwrap();
    let err = first.ensure_held().await.unwrap_err().to_string();
    assert!(err.contains("lock was taken by delete (pid"), "{err}");
    first.release().await.unwrap(); // leaves the other's lock alone
    second.ensure_held().await.unwrap();
    second.release().await.unwrap();
}
