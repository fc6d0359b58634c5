//! Streaming one object from a store into another, with its CRC-32C computed on the way.

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
}

/// Copies `src_key` of `src` to `dst_key` of `dst`, calling `on_bytes` with each chunk's size.
/// Fails if the bytes written differ from the source's size (a file that changed underfoot).
pub async fn copy_file(
    src: &Store,
    src_key: &str,
    dst: &Store,
    dst_key: &str,
    on_bytes: impl Fn(u64),
) -> Result<CopiedFile> {
    let src_key = checked_key(src_key)?;
    let dst_key = checked_key(dst_key)?;
    if let (Location::Fs { root: from }, Location::Fs { root: to }) = (&src.location, &dst.location)
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
    let mut stream = std::pin::pin!(src.reader(&src_key).await?);
    let op = dst.op("write", &dst_key)?;
    let mut writer = op
        .writer_with(&dst_key)
        .chunk(8 << 20)
        .await
        .map_err(|e| dst.err("write", &dst_key, e))?;
    let mut crc = 0u32;
    let mut size = 0u64;
    while let Some(chunk) = stream.try_next().await? {
        crc = crc32c::crc32c_append(crc, &chunk);
        size += chunk.len() as u64;
        on_bytes(chunk.len() as u64);
        if let Err(e) = writer.write(chunk).await {
            let _ = writer.abort().await;
            return Err(dst.err("write", &dst_key, e));
        }
    }
    writer
        .close()
        .await
        .map_err(|e| dst.err("write", &dst_key, e))?;
    let written = dst.size(&dst_key).await?.ok_or_else(|| Error::Storage {
        store: dst.label(),
        op: "verify",
        path: dst_key.clone(),
        reason: "the file is missing right after it was written".into(),
    })?;
    if written != size {
        return Err(Error::Storage {
            store: dst.label(),
            op: "verify",
            path: dst_key,
            reason: format!("wrote {size} bytes but the store holds {written}"),
        });
    }
    Ok(CopiedFile { size, crc32c: crc })
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
    Ok(CopiedFile { size, crc32c: crc })
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
        Ok(Some(CopiedFile { size, crc32c: crc }))
    }
}
