//! Object storage: a local directory or an S3 bucket prefix, behind one [`Store`] type.
//!
//! Keys are `/`-separated and relative to the store's root. No key may climb out of the root:
//! [`checked_key`] refuses `..`, absolute keys and empty components before any I/O.

mod azblob;
mod conditional;
mod copy;
mod open;
mod s3_direct;
mod throttle;

pub use conditional::Tagged;
pub use copy::{CopiedFile, CopyMethod, CopySettings, copy_file};
pub use open::Role;
pub use s3_direct::MAX_SINGLE_COPY;
pub use throttle::{Throttle, parse_rate};

use crate::{Error, Result};
use futures::TryStreamExt;
use opendal::{ErrorKind, Operator};
use std::path::PathBuf;

/// Where a store's objects are, as Milvus or a user would name the place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Fs {
        root: PathBuf,
    },
    S3 {
        endpoint: String,
        bucket: String,
        root: String,
    },
    Azblob {
        endpoint: String,
        container: String,
        root: String,
    },
}

/// A file found by listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Relative to the store root.
    pub key: String,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub struct Store {
    op: Option<Operator>,
    location: Location,
    /// Signed requests opendal does not make (server-side copies); S3 with static keys only.
    direct: Option<s3_direct::S3Direct>,
}

impl Store {
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// A short description for messages: a directory, or `s3://bucket/root at endpoint`.
    pub fn label(&self) -> String {
        match &self.location {
            Location::Fs { root } => root.display().to_string(),
            Location::S3 {
                endpoint,
                bucket,
                root,
            } => format!("s3://{bucket}/{root} at {endpoint}"),
            Location::Azblob {
                endpoint,
                container,
                root,
            } => format!("azblob://{container}/{root} at {endpoint}"),
        }
    }

    /// Whether a copy from `src` into this store can run inside the object store (CopyObject):
    /// both are S3 buckets of the same endpoint, reached with the same static keys.
    pub fn can_copy_server_side_from(&self, src: &Store) -> bool {
        match (&self.direct, &src.direct) {
            (Some(dst), Some(src)) => dst.same_account(src),
            _ => false,
        }
    }

    /// Whether Milvus can read objects of `other` by the same path it would use for this store
    /// (same S3 endpoint and bucket, or both local directories of this host).
    pub fn shares_namespace_with(&self, other: &Store) -> bool {
        match (&self.location, &other.location) {
            (Location::Fs { .. }, Location::Fs { .. }) => true,
            (
                Location::S3 {
                    endpoint: e1,
                    bucket: b1,
                    ..
                },
                Location::S3 {
                    endpoint: e2,
                    bucket: b2,
                    ..
                },
            ) => e1 == e2 && b1 == b2,
            (
                Location::Azblob {
                    endpoint: e1,
                    container: c1,
                    ..
                },
                Location::Azblob {
                    endpoint: e2,
                    container: c2,
                    ..
                },
            ) => e1 == e2 && c1 == c2,
            _ => false,
        }
    }

    /// The name Milvus gives this object in an Import request: an absolute path for local
    /// storage, the full object key in the bucket for S3.
    pub fn server_path(&self, key: &str) -> String {
        match &self.location {
            Location::Fs { root } => root.join(key).display().to_string(),
            Location::S3 { root, .. } | Location::Azblob { root, .. } => join_key(root, key),
        }
    }

    fn op(&self, op: &'static str, path: &str) -> Result<&Operator> {
        self.op.as_ref().ok_or_else(|| Error::Storage {
            store: self.label(),
            op,
            path: path.to_string(),
            reason: "the directory does not exist".into(),
        })
    }

    fn err(&self, op: &'static str, path: &str, e: opendal::Error) -> Error {
        Error::Storage {
            store: self.label(),
            op,
            path: path.to_string(),
            reason: describe(&e),
        }
    }

    /// Every file below `prefix` (recursively) with its size. A missing prefix is empty.
    pub async fn list_files(&self, prefix: &str) -> Result<Vec<ObjectInfo>> {
        let dir = dir_key(&checked_key(prefix)?);
        let Some(op) = &self.op else {
            return Ok(vec![]);
        };
        let entries = match op.list_with(&dir).recursive(true).await {
            Ok(v) => v,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(self.err("list", &dir, e)),
        };
        let mut files = Vec::new();
        for entry in entries {
            if !entry.metadata().is_file() {
                continue;
            }
            let size = match entry.metadata().content_length() {
                0 => self.size(entry.path()).await?.unwrap_or(0),
                n => n,
            };
            files.push(ObjectInfo {
                key: entry.path().to_string(),
                size,
            });
        }
        files.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(files)
    }

    /// The names of the "directories" directly below `prefix`.
    pub async fn list_dirs(&self, prefix: &str) -> Result<Vec<String>> {
        let dir = dir_key(&checked_key(prefix)?);
        let Some(op) = &self.op else {
            return Ok(vec![]);
        };
        let entries = match op.list(&dir).await {
            Ok(v) => v,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(self.err("list", &dir, e)),
        };
        let mut names: Vec<String> = entries
            .into_iter()
            .filter(|e| e.metadata().is_dir() && e.path() != dir && e.path() != "/")
            .map(|e| e.name().trim_end_matches('/').to_string())
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        Ok(names)
    }

    /// The size of a file, or `None` if it does not exist.
    pub async fn size(&self, key: &str) -> Result<Option<u64>> {
        let key = checked_key(key)?;
        let Some(op) = &self.op else { return Ok(None) };
        match op.stat(&key).await {
            Ok(m) if m.is_file() => Ok(Some(m.content_length())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.err("stat", &key, e)),
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool> {
        Ok(self.size(key).await?.is_some())
    }

    /// A whole (small) file; `None` if it does not exist.
    pub async fn read(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let key = checked_key(key)?;
        let Some(op) = &self.op else { return Ok(None) };
        match op.read(&key).await {
            Ok(buf) => Ok(Some(buf.to_vec())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.err("read", &key, e)),
        }
    }

    pub async fn write(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        let key = checked_key(key)?;
        let op = self.op("write", &key)?;
        op.write(&key, bytes)
            .await
            .map(|_| ())
            .map_err(|e| self.err("write", &key, e))
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        let key = checked_key(key)?;
        let op = self.op("delete", &key)?;
        op.delete(&key)
            .await
            .map_err(|e| self.err("delete", &key, e))
    }

    /// Deletes every object below `prefix`. Refuses the store root itself.
    pub async fn delete_prefix(&self, prefix: &str) -> Result<()> {
        let key = checked_key(prefix)?;
        if key.is_empty() {
            return Err(Error::invalid("refusing to delete the whole storage root"));
        }
        let dir = dir_key(&key);
        let Some(op) = &self.op else { return Ok(()) };
        op.remove_all(&dir)
            .await
            .map_err(|e| self.err("delete", &dir, e))
    }

    /// Writes, reads back and deletes a small probe object: proves the credentials and the
    /// permissions, without leaving anything behind.
    pub async fn probe_write(&self, key: &str) -> Result<()> {
        let payload = b"milvus-backup-tui write probe".to_vec();
        self.write(key, payload.clone()).await?;
        let back = self.read(key).await?;
        self.delete(key).await?;
        if back.as_deref() != Some(&payload[..]) {
            return Err(Error::Storage {
                store: self.label(),
                op: "read back",
                path: key.into(),
                reason: "the probe object read back differently".into(),
            });
        }
        Ok(())
    }

    /// A byte stream of one object, for copies.
    async fn reader(
        &self,
        key: &str,
    ) -> Result<impl futures::Stream<Item = Result<bytes::Bytes>> + use<>> {
        let op = self.op("read", key)?;
        let reader = op
            .reader_with(key)
            .chunk(4 << 20)
            .concurrent(2)
            .await
            .map_err(|e| self.err("read", key, e))?;
        let stream = reader
            .into_bytes_stream(..)
            .await
            .map_err(|e| self.err("read", key, e))?;
        let (store, path) = (self.label(), key.to_string());
        Ok(stream.map_err(move |e| Error::Storage {
            store: store.clone(),
            op: "read",
            path: path.clone(),
            reason: e.to_string(),
        }))
    }
}

/// Normalises a key and refuses anything that could leave the root.
pub fn checked_key(key: &str) -> Result<String> {
    let trimmed = key.trim_matches('/');
    if key.starts_with('/') && !trimmed.is_empty() {
        return Err(Error::invalid(format!(
            "path '{key}' is absolute; expected a path inside the storage root"
        )));
    }
    for part in trimmed.split('/') {
        if part == ".."
            || part == "."
            || (part.is_empty() && !trimmed.is_empty())
            || part.contains('\\')
            || part.contains('\0')
        {
            return Err(Error::invalid(format!(
                "path '{key}' is not a plain path inside the storage root"
            )));
        }
    }
    Ok(trimmed.to_string())
}

/// `a/b` -> `a/b/`; `` stays `` (the root).
fn dir_key(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!("{key}/")
    }
}

/// Joins two key parts with exactly one `/`.
pub fn join_key(a: &str, b: &str) -> String {
    let (a, b) = (a.trim_matches('/'), b.trim_matches('/'));
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// A storage error in words a user can act on (no credentials: opendal never prints them).
fn describe(e: &opendal::Error) -> String {
    let what = match e.kind() {
        ErrorKind::NotFound => "not found",
        ErrorKind::PermissionDenied => {
            "permission denied (check the access key, secret key and bucket policy)"
        }
        ErrorKind::ConfigInvalid => "invalid storage configuration",
        ErrorKind::RateLimited => "rate limited by the server",
        _ => "",
    };
    let detail = e.to_string();
    let detail = detail.lines().next().unwrap_or_default().to_string();
    if what.is_empty() {
        detail
    } else {
        format!("{what}: {detail}")
    }
}

#[cfg(test)]
mod tests;
