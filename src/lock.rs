//! One operation per backup name at a time.
//!
//! `create`, `restore` and `delete` hold a lock object while they run: `.locks/NAME.json` in the
//! backup storage, outside every backup directory (`.locks` is not a valid backup name, so
//! `list` never shows it, and milvus-backup never looks there). It names the operation, the
//! process id, the host and the start time, so a refused second operation can say who holds it.
//!
//! Taking the lock:
//! - local storage: the lock file is written under a temporary name and hard-linked into place;
//!   the link fails if the lock exists, so of two racing processes exactly one wins;
//! - S3 (no create-if-absent in every server): the lock is written, and read back after a short
//!   pause; a process that finds another's token there has lost and gives up. Two processes
//!   would both win only if one's check-to-write took longer than the pause: a race narrower
//!   than any human double start, which this lock exists to stop.
//!
//! Stale locks: a process killed with SIGKILL (or a lost machine) cannot remove its lock.
//! - A lock written on this host by a process that no longer runs is broken automatically, with
//!   a warning that names it (Linux: the process is looked up in /proc).
//! - Any other lock (another host, or a process that still runs) is never broken silently:
//!   the refusal names it, and `milvus-backup-tui unlock -n NAME` removes it once the user has
//!   made sure that operation is gone.

use crate::names::validate_backup_name;
use crate::storage::{Location, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// The directory of lock objects, at the backup storage root.
pub const LOCK_DIR: &str = ".locks";

/// How long an S3 lock is left before it is read back.
const S3_SETTLE: Duration = Duration::from_millis(400);

/// What a lock object says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// `create`, `restore`, `delete`.
    pub op: String,
    pub pid: u32,
    pub host: String,
    /// RFC 3339, UTC.
    pub started: String,
    /// Unique per acquisition: a process only ever removes its own lock.
    pub token: String,
    #[serde(default)]
    pub tool: String,
}

impl LockInfo {
    /// `create (pid 42 on host db1, started 2024-05-01T10:00:00Z)`
    pub fn describe(&self) -> String {
        format!(
            "{} (pid {} on host {}, started {})",
            self.op, self.pid, self.host, self.started
        )
    }

    fn is_stale(&self) -> bool {
        self.host == this_host() && !pid_alive(self.pid)
    }
}

/// A held lock. Call [`BackupLock::release`] when the operation ends; a lock that is dropped
/// without it stays until it is found stale.
#[derive(Debug)]
pub struct BackupLock {
    store: Store,
    name: String,
    info: LockInfo,
    /// Set when a stale lock was broken to take this one.
    pub warning: Option<String>,
}

/// The lock object's key for backup `name`.
pub fn lock_key(name: &str) -> String {
    format!("{LOCK_DIR}/{name}.json")
}

impl BackupLock {
    /// Takes the lock on `name` for `op`, or fails naming the operation that holds it.
    pub async fn acquire(store: &Store, name: &str, op: &str) -> Result<BackupLock> {
        validate_backup_name(name)?;
        let info = LockInfo {
            op: op.to_string(),
            pid: std::process::id(),
            host: this_host(),
            started: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            token: format!(
                "{}-{:x}",
                std::process::id(),
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
            ),
            tool: format!("milvus-backup-tui {}", env!("CARGO_PKG_VERSION")),
        };
        let mut warning = None;
        if let Some(held) = read_lock(store, name).await? {
            match held {
                Ok(other) if other.is_stale() => {
                    let w = format!(
                        "backup '{name}': breaking the stale lock of {}: that process no longer runs",
                        other.describe()
                    );
                    tracing::warn!("{w}");
                    remove(store, name).await?;
                    warning = Some(w);
                }
                Ok(other) => return Err(in_use(name, &other)),
                Err(reason) => {
                    return Err(Error::backup(
                        name,
                        format!(
                            "its lock {} is unreadable ({reason}); if no other operation runs on it, remove the lock with `milvus-backup-tui unlock -n {name}`",
                            lock_key(name)
                        ),
                    ));
                }
            }
        }
        let bytes = serde_json::to_vec_pretty(&info)
            .map_err(|e| Error::backup(name, format!("cannot encode the lock: {e}")))?;
        match fs_path(store, name) {
            Some(path) => create_fs(store, name, &path, &bytes).await?,
            None => {
                store.write(&lock_key(name), bytes).await?;
                tokio::time::sleep(S3_SETTLE).await;
                match read_lock(store, name).await? {
                    Some(Ok(now)) if now.token == info.token => {}
                    Some(Ok(winner)) => return Err(in_use(name, &winner)),
                    _ => {
                        return Err(Error::backup(
                            name,
                            "another operation took and dropped its lock at the same moment; try again",
                        ));
                    }
                }
            }
        }
        tracing::info!("backup '{name}': locked for {}", info.describe());
        Ok(BackupLock {
            store: store.clone(),
            name: name.to_string(),
            info,
            warning,
        })
    }

    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// Removes the lock, if it is still this process's.
    pub async fn release(self) -> Result<()> {
        match read_lock(&self.store, &self.name).await? {
            Some(Ok(now)) if now.token == self.info.token => {
                remove(&self.store, &self.name).await?;
                tracing::info!("backup '{}': lock released", self.name);
            }
            _ => tracing::warn!(
                "backup '{}': the lock was no longer this process's at release",
                self.name
            ),
        }
        Ok(())
    }
}

fn in_use(name: &str, other: &LockInfo) -> Error {
    Error::Conflict(format!(
        "backup '{name}' is in use by {} and was left alone. Wait for it to end; if that process no longer runs (e.g. it was killed on another host), remove its lock with `milvus-backup-tui unlock -n {name}`",
        other.describe()
    ))
}

/// The lock on `name`: `None` if there is none, `Some(Err(reason))` if it cannot be read.
pub async fn read_lock(
    store: &Store,
    name: &str,
) -> Result<Option<std::result::Result<LockInfo, String>>> {
    let bytes = match fs_path(store, name) {
        Some(path) => match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fs_err(store, name, "read", e)),
        },
        None => match store.read(&lock_key(name)).await? {
            Some(b) => b,
            None => return Ok(None),
        },
    };
    Ok(Some(
        serde_json::from_slice::<LockInfo>(&bytes).map_err(|e| e.to_string()),
    ))
}

/// Removes the lock on `name` whoever holds it (`unlock`). Returns what it said.
pub async fn break_lock(
    store: &Store,
    name: &str,
) -> Result<Option<std::result::Result<LockInfo, String>>> {
    validate_backup_name(name)?;
    let held = read_lock(store, name).await?;
    if held.is_some() {
        remove(store, name).await?;
    }
    Ok(held)
}

async fn remove(store: &Store, name: &str) -> Result<()> {
    match fs_path(store, name) {
        Some(path) => {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(fs_err(store, name, "delete", e)),
            }
            if let Some(dir) = path.parent() {
                let _ = std::fs::remove_dir(dir); // only succeeds once empty
            }
            Ok(())
        }
        None => store.delete(&lock_key(name)).await,
    }
}

/// Local storage: the lock's file path (the store may not have created its root yet).
fn fs_path(store: &Store, name: &str) -> Option<PathBuf> {
    match store.location() {
        Location::Fs { root } => Some(root.join(LOCK_DIR).join(format!("{name}.json"))),
        Location::S3 { .. } => None,
    }
}

async fn create_fs(store: &Store, name: &str, path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("lock path has a parent");
    std::fs::create_dir_all(dir).map_err(|e| fs_err(store, name, "create directory", e))?;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| fs_err(store, name, "write", e))?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            match read_lock(store, name).await? {
                Some(Ok(winner)) => Err(in_use(name, &winner)),
                _ => Err(Error::backup(
                    name,
                    "another operation is taking its lock at this moment; try again",
                )),
            }
        }
        Err(e) => Err(fs_err(store, name, "create", e)),
    }
}

fn fs_err(store: &Store, name: &str, op: &'static str, e: std::io::Error) -> Error {
    Error::Storage {
        store: store.label(),
        op,
        path: lock_key(name),
        reason: e.to_string(),
    }
}

/// This machine's name, as the lock records it.
pub fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether process `pid` of this host still runs. Without /proc it cannot tell and says yes,
/// so that a lock is never broken on a guess.
fn pid_alive(pid: u32) -> bool {
    if !std::path::Path::new("/proc/self").exists() {
        return true;
    }
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
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

    #[tokio::test]
    async fn a_lock_of_a_dead_process_on_this_host_is_broken_with_a_warning() {
        let tmp = tempfile::tempdir().unwrap();
        let s = store(tmp.path());
        // A process that has exited: a child we waited for.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = LockInfo {
            op: "create".into(),
            pid: dead,
            host: this_host(),
            started: "2020-01-01T00:00:00Z".into(),
            token: "x".into(),
            tool: String::new(),
        };
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
}
