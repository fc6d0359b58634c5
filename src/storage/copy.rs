//! Copying one object from a store into another, with its CRC-32C: inside the object store
//! when both are buckets of one S3 endpoint and account (the bytes never pass through the
//! tool), streamed otherwise (the CRC computed on the way, the bandwidth limit applied).

use super::s3_direct::MAX_SINGLE_COPY;
use super::throttle::Throttle;
use super::{Location, Store, checked_key};
use crate::{Error, Result};
use futures::TryStreamExt;
use std::io::{Read, Write};
use std::path::Path;

/// What a finished copy wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopiedFile {
    pub size: u64,
    /// CRC-32C (Castagnoli) of the content, as S3's `x-amz-checksum-crc32c` would give it.
    pub crc32c: u32,
    pub method: CopyMethod,
}

/// How a copy was made, and where its CRC-32C came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyMethod {
    /// Read by the tool and written again; the CRC computed from the bytes on the way.
    Streamed,
    /// Copied inside the object store; the CRC is the store's own checksum of the copy.
    ServerSide,
    /// Copied inside the object store, which gave no checksum: the copy was read once for it.
    ServerSideThenRead,
}

/// How copies are made. The default: server-side where possible, no bandwidth limit.
#[derive(Clone, Debug)]
pub struct CopySettings {
    /// Copy inside the object store when source and destination allow it.
    pub server_side: bool,
    /// Objects above this size are copied server-side part by part (S3 allows 5 GiB in one
    /// CopyObject; tests lower it to exercise UploadPartCopy).
    pub max_single_copy: u64,
    /// The bandwidth limit of streamed copies, shared by every copy of a job.
    pub throttle: Option<Throttle>,
}

impl Default for CopySettings {
    fn default() -> Self {
        CopySettings {
            server_side: true,
            max_single_copy: MAX_SINGLE_COPY,
            throttle: None,
        }
    }
}

impl CopySettings {
    /// The default settings with a bandwidth limit, if one is given.
    pub fn with_limit(bytes_per_second: Option<u64>) -> CopySettings {
        CopySettings {
            throttle: bytes_per_second.map(Throttle::new),
            ..CopySettings::default()
        }
    }

    /// What `[backup]` asks for; `max_rate` (from `--max-rate`) overrides its limit.
    pub fn from_config(backup: &crate::config::BackupConfig, max_rate: Option<u64>) -> Self {
        CopySettings {
            server_side: backup.server_side_copy,
            ..CopySettings::with_limit(max_rate.or(backup.max_bytes_per_second))
        }
    }
}

/// Copies `src_key` of `src` to `dst_key` of `dst`, calling `on_bytes` as bytes arrive.
/// `size`, when known (from a listing), saves a request. Fails if the copy's size differs from
/// the source's (a file that changed underfoot).
pub async fn copy_file(
    src: &Store,
    src_key: &str,
    dst: &Store,
    dst_key: &str,
    size: Option<u64>,
    settings: &CopySettings,
    on_bytes: impl Fn(u64),
) -> Result<CopiedFile> {
    let src_key = checked_key(src_key)?;
    let dst_key = checked_key(dst_key)?;
    if settings.server_side && dst.can_copy_server_side_from(src) {
        return copy_server_side(src, &src_key, dst, &dst_key, size, settings, on_bytes).await;
    }
    if let (Location::Fs { root: from }, Location::Fs { root: to }, None) =
        (&src.location, &dst.location, &settings.throttle)
    {
        dst.op("write", &dst_key)?;
        let (from, to) = (from.join(&src_key), to.join(&dst_key));
        let copied = tokio::task::spawn_blocking(move || copy_local(&from, &to))
            .await
            .map_err(|e| Error::Storage {
                store: dst.label(),
                op: "copy",
                path: dst_key.clone(),
                reason: e.to_string(),
            })?
            .map_err(|(op, e)| Error::Storage {
                store: if op == "read" {
                    src.label()
                } else {
                    dst.label()
                },
                op,
                path: if op == "read" {
                    src_key.clone()
                } else {
                    dst_key.clone()
                },
                reason: e.to_string(),
            })?;
        on_bytes(copied.size);
        return Ok(copied);
    }
    copy_streamed(src, &src_key, dst, &dst_key, settings, on_bytes).await
}

/// Read by the tool, written again: memory stays within a few chunks per copy in flight
/// (4 MiB read chunks, 8 MiB multipart parts), whatever the file's size.
async fn copy_streamed(
    src: &Store,
    src_key: &str,
    dst: &Store,
    dst_key: &str,
    settings: &CopySettings,
    on_bytes: impl Fn(u64),
) -> Result<CopiedFile> {
    let mut stream = std::pin::pin!(src.reader(src_key).await?);
    let op = dst.op("write", dst_key)?;
    let mut writer = op
        .writer_with(dst_key)
        .chunk(8 << 20)
        .await
        .map_err(|e| dst.err("write", dst_key, e))?;
    let mut crc = 0u32;
    let mut size = 0u64;
    while let Some(chunk) = stream.try_next().await? {
        if let Some(t) = &settings.throttle {
            t.take(chunk.len() as u64).await;
        }
        crc = crc32c::crc32c_append(crc, &chunk);
        size += chunk.len() as u64;
        on_bytes(chunk.len() as u64);
        if let Err(e) = writer.write(chunk).await {
            let _ = writer.abort().await;
            return Err(dst.err("write", dst_key, e));
        }
    }
    writer
        .close()
        .await
        .map_err(|e| dst.err("write", dst_key, e))?;
    check_written(dst, dst_key, size).await?;
    Ok(CopiedFile {
        size,
        crc32c: crc,
        method: CopyMethod::Streamed,
    })
}

/// CopyObject (UploadPartCopy above `max_single_copy`) inside one S3 endpoint. The CRC-32C is
/// the store's (from the copy's reply, else from a HeadObject asking for the stored checksum);
/// where it gives none, the copy is read once to compute it.
async fn copy_server_side(
    src: &Store,
    src_key: &str,
    dst: &Store,
    dst_key: &str,
    size: Option<u64>,
    settings: &CopySettings,
    on_bytes: impl Fn(u64),
) -> Result<CopiedFile> {
    let size = match size {
        Some(n) => n,
        None => src.size(src_key).await?.ok_or_else(|| Error::Storage {
            store: src.label(),
            op: "copy",
            path: src_key.to_string(),
            reason: "not found".into(),
        })?,
    };
    let (Some(to), Some(from)) = (&dst.direct, &src.direct) else {
        unreachable!("can_copy_server_side_from checked both");
    };
    let copy = to
        .copy_from(
            from,
            &src.server_path(src_key),
            &dst.server_path(dst_key),
            size,
            settings.max_single_copy,
        )
        .await
        .map_err(|e| Error::Storage {
            store: dst.label(),
            op: e.op,
            path: dst_key.to_string(),
            reason: format!("{} (from {} {src_key})", e.reason, src.label()),
        })?;
    check_written(dst, dst_key, size).await?;
    on_bytes(size);
    let stored = match copy.crc32c {
        Some(crc) => Some(crc),
        None => to.stored_crc32c(&dst.server_path(dst_key)).await,
    };
    let (crc32c, method) = match stored {
        Some(crc) => (crc, CopyMethod::ServerSide),
        None => {
            let read = dst.checksum(dst_key).await?.ok_or_else(|| Error::Storage {
                store: dst.label(),
                op: "verify",
                path: dst_key.to_string(),
                reason: "the file is missing right after it was copied".into(),
            })?;
            (read.crc32c, CopyMethod::ServerSideThenRead)
        }
    };
    tracing::debug!(
        "server-side copy of {src_key} ({size} bytes, {} request(s), {method:?})",
        copy.requests
    );
    Ok(CopiedFile {
        size,
        crc32c,
        method,
    })
}

/// The store holds exactly `size` bytes at `key`.
async fn check_written(dst: &Store, key: &str, size: u64) -> Result<()> {
    let written = dst.size(key).await?.ok_or_else(|| Error::Storage {
        store: dst.label(),
        op: "verify",
        path: key.to_string(),
        reason: "the file is missing right after it was written".into(),
    })?;
    if written != size {
        return Err(Error::Storage {
            store: dst.label(),
            op: "verify",
            path: key.to_string(),
            reason: format!("wrote {size} bytes but the store holds {written}"),
        });
    }
    Ok(())
}

/// Local to local: plain blocking I/O with a large buffer, the CRC on the way, and the data
/// synced to disk before the copy counts as done (metadata is written only after all copies,
/// so a crash can never leave complete-looking metadata over unwritten data).
fn copy_local(
    from: &Path,
    to: &Path,
) -> std::result::Result<CopiedFile, (&'static str, std::io::Error)> {
    let mut input = std::fs::File::open(from).map_err(|e| ("read", e))?;
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ("create directory", e))?;
    }
    let mut output = std::fs::File::create(to).map_err(|e| ("write", e))?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut crc, mut size) = (0u32, 0u64);
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(("read", e)),
        };
        crc = crc32c::crc32c_append(crc, &buf[..n]);
        output.write_all(&buf[..n]).map_err(|e| ("write", e))?;
        size += n as u64;
    }
    output.sync_data().map_err(|e| ("sync", e))?;
    Ok(CopiedFile {
        size,
        crc32c: crc,
        method: CopyMethod::Streamed,
    })
}

impl Store {
    /// Reads `key` once, start to end, and returns its size and CRC-32C; `None` if the file
    /// does not exist. Used by `verify` and by `create --resume` to prove a file's content.
    pub async fn checksum(&self, key: &str) -> Result<Option<CopiedFile>> {
        let key = checked_key(key)?;
        if self.size(&key).await?.is_none() {
            return Ok(None);
        }
        let mut stream = std::pin::pin!(self.reader(&key).await?);
        let mut crc = 0u32;
        let mut size = 0u64;
        while let Some(chunk) = stream.try_next().await? {
            crc = crc32c::crc32c_append(crc, &chunk);
            size += chunk.len() as u64;
        }
        Ok(Some(CopiedFile {
            size,
            crc32c: crc,
            method: CopyMethod::Streamed,
        }))
    }
}
