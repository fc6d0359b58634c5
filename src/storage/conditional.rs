//! Conditional writes: create an object only if its key is free, replace it only if it is
//! unchanged since it was read. S3 does both on the server (`If-None-Match: *`, `If-Match:
//! ETAG`); AWS S3 and MinIO decide them atomically, which is what makes [`crate::lock`] safe
//! between processes on different hosts.
//!
//! A refusal is `Ok(false)`, never an error: losing a race is an answer, not a fault.

use super::{Store, checked_key};
use crate::Result;
use opendal::ErrorKind;

/// An object's contents with the ETag they were read under (`None` where the store has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tagged {
    pub bytes: Vec<u8>,
    pub etag: Option<String>,
}

impl Store {
    /// Writes `key` only if no object has that key. `Ok(false)`: one already exists.
    pub async fn write_if_absent(&self, key: &str, bytes: Vec<u8>) -> Result<bool> {
        let key = checked_key(key)?;
        let op = self.op("write", &key)?;
        match op.write_with(&key, bytes).if_not_exists(true).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == ErrorKind::ConditionNotMatch => Ok(false),
            Err(e) => Err(self.err("write", &key, e)),
        }
    }

    /// Whether [`Store::write_if_match`] is available (opendal's azblob has no If-Match on
    /// writes).
    pub fn can_write_if_match(&self) -> bool {
        self.op
            .as_ref()
            .is_some_and(|op| op.info().full_capability().write_with_if_match)
    }

    /// Replaces `key` only if its ETag is still `etag`. `Ok(false)`: it changed or is gone.
    pub async fn write_if_match(&self, key: &str, bytes: Vec<u8>, etag: &str) -> Result<bool> {
        let key = checked_key(key)?;
        let op = self.op("write", &key)?;
        match op.write_with(&key, bytes).if_match(etag).await {
            Ok(_) => Ok(true),
            Err(e) if matches!(e.kind(), ErrorKind::ConditionNotMatch | ErrorKind::NotFound) => {
                Ok(false)
            }
            Err(e) => Err(self.err("write", &key, e)),
        }
    }

    /// A whole (small) object with its ETag, read consistently: if the object changes between
    /// the two requests this takes, it is read again. `None` if it does not exist.
    pub async fn read_tagged(&self, key: &str) -> Result<Option<Tagged>> {
        let key = checked_key(key)?;
        let Some(op) = &self.op else { return Ok(None) };
        for _ in 0..5 {
            let etag = match op.stat(&key).await {
                Ok(m) => m.etag().map(str::to_string),
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(self.err("stat", &key, e)),
            };
            let read = match &etag {
                Some(tag) => op.read_with(&key).if_match(tag).await,
                None => op.read(&key).await,
            };
            match read {
                Ok(buf) => {
                    return Ok(Some(Tagged {
                        bytes: buf.to_vec(),
                        etag,
                    }));
                }
                Err(e) if e.kind() == ErrorKind::ConditionNotMatch => continue,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(self.err("read", &key, e)),
            }
        }
        Err(crate::Error::Storage {
            store: self.label(),
            op: "read",
            path: key,
            reason: "the object kept changing while it was read".into(),
        })
    }
}
