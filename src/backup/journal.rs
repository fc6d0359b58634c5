//! The resume journal: each segment is recorded as soon as its files are copied, with each
//! file's size and CRC-32C; `create --resume` trusts a recorded file only once it reads back to
//! both.

use super::files::PlannedFile;
use crate::milvus::SegmentInfo;
use crate::storage::Store;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Where a run records each segment as soon as its files are copied: what `--resume` trusts.
/// Inside the backup directory (so `delete` removes it) but outside `meta/` and `binlogs/`,
/// where no reader of the shared layout looks. Removed once the metadata is written.
pub fn journal_dir(name: &str) -> String {
    format!("{name}/mbt_resume")
}

/// One copied file as the journal records it.
#[derive(Serialize, Deserialize)]
struct JournalFile {
    key: String,
    size: u64,
    crc32c: u32,
}

pub async fn write_journal(
    backups: &Store,
    name: &str,
    seg: &SegmentInfo,
    copied: &[(PlannedFile, u32)],
) -> Result<()> {
    let files: Vec<JournalFile> = copied
        .iter()
        .map(|(f, crc)| JournalFile {
            key: f.dst_key.clone(),
            size: f.size,
            crc32c: *crc,
        })
        .collect();
    let bytes = serde_json::to_vec(&files)
        .map_err(|e| Error::backup(name, format!("cannot encode the resume journal: {e}")))?;
    let key = format!(
        "{}/{}_{}_{}.json",
        journal_dir(name),
        seg.collection_id,
        seg.partition_id,
        seg.id
    );
    backups.write(&key, bytes).await
}

/// Every file an earlier run recorded as copied: key -> (size, CRC-32C). Unreadable journal
/// entries are ignored (their files are copied again).
pub async fn read_journal(backups: &Store, name: &str) -> Result<HashMap<String, (u64, u32)>> {
    let mut out = HashMap::new();
    for f in backups.list_files(&journal_dir(name)).await? {
        let Some(bytes) = backups.read(&f.key).await? else {
            continue;
        };
        match serde_json::from_slice::<Vec<JournalFile>>(&bytes) {
            Ok(files) => out.extend(files.into_iter().map(|j| (j.key, (j.size, j.crc32c)))),
            Err(e) => tracing::warn!("ignoring unreadable resume journal {}: {e}", f.key),
        }
    }
    Ok(out)
}

/// The CRC-32C of `f` if an earlier run copied it completely: the journal records it with the
/// size listed now, and the file in the backup reads back to that size and checksum.
pub async fn already_copied(
    backups: &Store,
    journal: &HashMap<String, (u64, u32)>,
    f: &PlannedFile,
) -> Result<Option<u32>> {
    let Some(&(size, crc)) = journal.get(&f.dst_key) else {
        return Ok(None);
    };
    if size != f.size {
        return Ok(None);
    }
    match backups.checksum(&f.dst_key).await? {
        Some(read) if read.size == size && read.crc32c == crc => Ok(Some(crc)),
        _ => {
            tracing::info!(
                "{}: recorded copy does not read back; copying again",
                f.dst_key
            );
            Ok(None)
        }
    }
}

/// Removes data files of the backup that the current plan does not hold (segments compacted
/// away since the interrupted run).
pub async fn remove_orphans(backups: &Store, name: &str, plans: &[Vec<PlannedFile>]) -> Result<()> {
    let wanted: HashSet<&str> = plans.iter().flatten().map(|f| f.dst_key.as_str()).collect();
    for f in backups.list_files(&format!("{name}/binlogs")).await? {
        if !wanted.contains(f.key.as_str()) {
            tracing::info!("resume: removing {} (its segment no longer exists)", f.key);
            backups.delete(&f.key).await?;
        }
    }
    Ok(())
}
