//! One operation per backup name at a time.
//!
//! `create`, `restore` and `delete` hold a lock object while they run: `.locks/NAME.json` in the
//! backup storage, outside every backup directory (`.locks` is not a valid backup name, so
//! `list` never shows it, and milvus-backup never looks there). It names the operation, the
//! process id, the host and the start time, so a refused second operation can say who holds it.
//!
//! Taking the lock is one step the storage decides atomically (see [`slot`]): of two
//! processes that start at the same moment, on one host or two, exactly one wins.
//! - local storage: the lock file is written under a temporary name and hard-linked into place;
//!   the link fails if the lock exists;
//! - S3: a conditional write (`If-None-Match: *`), which AWS S3 and MinIO refuse atomically
//!   when the object exists. Not every S3-compatible server is that strict (some check, then
//!   write; some ignore the header), so the lock is also read back after a short pause, and a
//!   process that finds another's lock there gives up.
//!
//! Stale locks: a process killed with SIGKILL (or a lost machine) cannot remove its lock.
//! - A lock written on this host by a process that no longer runs is broken automatically, with
//!   a warning that names it (Linux: the process is looked up in /proc).
//! - Any other lock (another host, or a process that still runs) is never broken silently:
//!   the refusal names it, and `milvus-backup-tui unlock -n NAME` removes it once the user has
//!   made sure that operation is gone.

mod slot;
#[cfg(test)]
mod tests;

use crate::names::validate_backup_name;
use crate::storage::Store;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use slot::Slot;
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
        let bytes = serde_json::to_vec_pretty(&info)
            .map_err(|e| Error::backup(name, format!("cannot encode the lock: {e}")))?;
        let slot = Slot::new(store, name);
        let warning = take(&slot, name, &info, &bytes).await?;
        if slot.reads_back() {
            tokio::time::sleep(S3_SETTLE).await;
            match read_lock(store, name).await? {
                Some(Ok(now)) if now.token == info.token => {}
                Some(Ok(winner)) => return Err(in_use(name, &winner)),
                _ => return Err(busy(name)),
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

    /// Fails unless the lock is still this one: before a step that must not run under two
    /// operations (the metadata that makes a backup complete), in case the lock was removed
    /// by hand (`unlock`) and another operation took the name meanwhile.
    pub async fn ensure_held(&self) -> Result<()> {
        match read_lock(&self.store, &self.name).await? {
            Some(Ok(now)) if now.token == self.info.token => Ok(()),
            Some(Ok(other)) => Err(Error::Conflict(format!(
                "backup '{}': its lock was taken by {} while this {} ran (was it removed with `unlock`?); stopped before the step that needs it",
                self.name,
                other.describe(),
                self.info.op
            ))),
            _ => Err(Error::Conflict(format!(
                "backup '{}': its lock was removed while this {} ran (with `unlock`?); stopped before the step that needs it",
                self.name, self.info.op
            ))),
        }
    }

    /// Removes the lock, if it is still this process's.
    pub async fn release(self) -> Result<()> {
        match read_lock(&self.store, &self.name).await? {
            Some(Ok(now)) if now.token == self.info.token => {
                Slot::new(&self.store, &self.name).remove().await?;
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

/// Puts this process's lock in place; returns the warning of a stale lock it broke on the way.
/// Each round reads the lock and makes one conditional write; a lost write means another
/// process moved at the same moment, and the next round reads what it did.
async fn take(
    slot: &Slot<'_>,
    name: &str,
    info: &LockInfo,
    bytes: &[u8],
) -> Result<Option<String>> {
    for _ in 0..3 {
        let Some(seen) = slot.read().await? else {
            if slot.create(bytes).await? {
                return Ok(None);
            }
            continue;
        };
        match parse(&seen.bytes) {
            // This process's own write, whose answer was lost and retried.
            Ok(held) if held.token == info.token => return Ok(None),
            Ok(held) if held.is_stale() => {
                if slot.replace(&seen, bytes).await? {
                    let w = format!(
                        "backup '{name}': breaking the stale lock of {}: that process no longer runs",
                        held.describe()
                    );
                    tracing::warn!("{w}");
                    return Ok(Some(w));
                }
            }
            Ok(held) => return Err(in_use(name, &held)),
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
    Err(busy(name))
}

fn parse(bytes: &[u8]) -> std::result::Result<LockInfo, String> {
    serde_json::from_slice::<LockInfo>(bytes).map_err(|e| e.to_string())
}

fn in_use(name: &str, other: &LockInfo) -> Error {
    Error::Conflict(format!(
        "backup '{name}' is in use by {} and was left alone. Wait for it to end; if that process no longer runs (e.g. it was killed on another host), remove its lock with `milvus-backup-tui unlock -n {name}`",
        other.describe()
    ))
}

fn busy(name: &str) -> Error {
    Error::Conflict(format!(
        "backup '{name}': other operations are taking and dropping its lock at this moment; try again"
    ))
}

/// The lock on `name`: `None` if there is none, `Some(Err(reason))` if it cannot be read.
pub async fn read_lock(
    store: &Store,
    name: &str,
) -> Result<Option<std::result::Result<LockInfo, String>>> {
    let seen = Slot::new(store, name).read().await?;
    Ok(seen.map(|seen| parse(&seen.bytes)))
}

/// Removes the lock on `name` whoever holds it (`unlock`). Returns what it said.
pub async fn break_lock(
    store: &Store,
    name: &str,
) -> Result<Option<std::result::Result<LockInfo, String>>> {
    validate_backup_name(name)?;
    let slot = Slot::new(store, name);
    let held = slot.read().await?;
    if held.is_some() {
        slot.remove().await?;
    }
    Ok(held.map(|seen| parse(&seen.bytes)))
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
