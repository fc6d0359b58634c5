//! The place one lock object lives, with the three steps a lock is made of, each decided
//! atomically by the storage itself:
//! - `create`: write the lock only if there is none;
//! - `replace`: overwrite a lock only if it is still the one that was read (to break a stale
//!   lock without racing another process that breaks it too);
//! - `remove`.
//!
//! Local storage: `create` is a hard link (it fails if the name exists); `replace` runs under
//! an exclusive `flock` of the `.locks` directory (removed once empty, so the lock holder checks
//! that the directory it locked is still the one in place). S3: conditional writes
//! (`If-None-Match: *` and `If-Match: ETAG`).

use super::{LOCK_DIR, lock_key};
use crate::storage::{Location, Store, Tagged};
use crate::{Error, Result};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

pub(super) struct Slot<'a> {
    store: &'a Store,
    name: &'a str,
    /// Local storage: the lock file.
    path: Option<PathBuf>,
}

impl<'a> Slot<'a> {
    pub fn new(store: &'a Store, name: &'a str) -> Slot<'a> {
        let path = match store.location() {
            Location::Fs { root } => Some(root.join(LOCK_DIR).join(format!("{name}.json"))),
            Location::S3 { .. } | Location::Azblob { .. } => None,
        };
        Slot { store, name, path }
    }

    /// Whether the store's own answer to a conditional write should be double-checked by
    /// reading the lock back after a pause: S3 servers differ (some check the condition and
    /// write in two steps, some ignore it), a local filesystem does not.
    pub fn reads_back(&self) -> bool {
        self.path.is_none()
    }

    /// The lock as it is now, or `None`.
    pub async fn read(&self) -> Result<Option<Tagged>> {
        match &self.path {
            Some(path) => match std::fs::read(path) {
                Ok(bytes) => Ok(Some(Tagged { bytes, etag: None })),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(self.fs_err("read", e)),
            },
            None => self.store.read_tagged(&lock_key(self.name)).await,
        }
    }

    /// Writes the lock if there is none. `Ok(false)`: there is one.
    pub async fn create(&self, bytes: &[u8]) -> Result<bool> {
        let Some(path) = &self.path else {
            return (self.store)
                .write_if_absent(&lock_key(self.name), bytes.to_vec())
                .await;
        };
        let tmp = self.write_tmp(bytes)?;
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(self.fs_err("create", e)),
        }
    }

    /// Overwrites the lock if it is still `seen`. `Ok(false)`: it changed or is gone.
    pub async fn replace(&self, seen: &Tagged, bytes: &[u8]) -> Result<bool> {
        let Some(path) = &self.path else {
            let key = lock_key(self.name);
            return match seen
                .etag
                .as_ref()
                .filter(|_| self.store.can_write_if_match())
            {
                Some(etag) => self.store.write_if_match(&key, bytes.to_vec(), etag).await,
                // A server without ETags (or, like opendal's azblob, without If-Match on
                // writes): remove, then create; of two processes doing the same, the
                // second's create finds the first's lock.
                None => {
                    self.store.delete(&key).await?;
                    self.store.write_if_absent(&key, bytes.to_vec()).await
                }
            };
        };
        let dir = path.parent().expect("lock path has a parent");
        let guard = match std::fs::File::open(dir) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(self.fs_err("open", e)),
        };
        guard.lock().map_err(|e| self.fs_err("lock", e))?;
        if !same_file(&guard, dir) {
            // Emptied and removed while this process waited: the lock it saw is gone.
            return Ok(false);
        }
        let still = match std::fs::read(path) {
            Ok(now) => now == seen.bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(self.fs_err("read", e)),
        };
        if !still {
            return Ok(false);
        }
        let tmp = self.write_tmp(bytes)?;
        std::fs::rename(&tmp, path).map_err(|e| self.fs_err("replace", e))?;
        Ok(true) // the flock ends when `guard` is dropped
    }

    pub async fn remove(&self) -> Result<()> {
        match &self.path {
            Some(path) => {
                match std::fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(self.fs_err("delete", e)),
                }
                if let Some(dir) = path.parent() {
                    let _ = std::fs::remove_dir(dir); // only succeeds once empty
                }
                Ok(())
            }
            None => self.store.delete(&lock_key(self.name)).await,
        }
    }

    /// Local storage: the lock's contents in a file of this process beside the lock.
    fn write_tmp(&self, bytes: &[u8]) -> Result<PathBuf> {
        let path = self.path.as_ref().expect("local storage");
        let dir = path.parent().expect("lock path has a parent");
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{}.{}.{n}.tmp", self.name, std::process::id()));
        // Another process may remove the directory, once empty, between the two steps.
        for _ in 0..3 {
            std::fs::create_dir_all(dir).map_err(|e| self.fs_err("create directory", e))?;
            match std::fs::write(&tmp, bytes) {
                Ok(()) => return Ok(tmp),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(self.fs_err("write", e)),
            }
        }
        Err(self.fs_err(
            "write",
            std::io::Error::other("the lock directory kept disappearing"),
        ))
    }

    fn fs_err(&self, op: &'static str, e: std::io::Error) -> Error {
        Error::Storage {
            store: self.store.label(),
            op,
            path: lock_key(self.name),
            reason: e.to_string(),
        }
    }
}

/// Whether the open `file` is still what `path` names (same device and inode).
#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, _path: &std::path::Path) -> bool {
    true
}
