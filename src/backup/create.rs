//! `create`: the backup job.

use super::discover::{describe, select_collections};
use super::files::{PlannedFile, segment_entry, segment_files};
use crate::filter::Filter;
use crate::format::{self, BackupInfo, BackupState, STATE_SUCCESS};
use crate::milvus::{MilvusClient, SegmentInfo};
use crate::names::validate_backup_name;
use crate::progress::{Phase, ProgressSender};
use crate::storage::{Store, copy_file};
use crate::{Error, Result};
use futures::{StreamExt, TryStreamExt};
use std::collections::BTreeMap;
use tokio_util::sync::CancellationToken;

pub struct CreateOptions {
    pub name: String,
    pub filter: Filter,
    /// Files copied at once.
    pub parallelism: usize,
}

/// What a finished backup holds.
#[derive(Clone, Debug)]
pub struct CreateSummary {
    pub name: String,
    pub collections: usize,
    pub segments: usize,
    pub files: usize,
    pub bytes: u64,
    pub rows: i64,
    pub warnings: Vec<String>,
}

/// Takes a backup of the collections `opts.filter` selects. Data is copied first and the
/// metadata written last, so an interrupted run never looks like a complete backup.
pub async fn create_backup(
    client: &MilvusClient,
    milvus: &Store,
    backups: &mut Store,
    opts: &CreateOptions,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> Result<CreateSummary> {
    validate_backup_name(&opts.name)?;
    match format::read_backup_state(backups, &opts.name).await {
        Ok(BackupState::Missing) => {}
        Ok(BackupState::Complete(_)) => {
            return Err(Error::backup(
                &opts.name,
                "a backup with this name already exists; choose another name or delete it first",
            ));
        }
        Ok(BackupState::Incomplete) | Err(_) => {
            return Err(Error::backup(
                &opts.name,
                "an incomplete backup with this name exists (an earlier run was interrupted); delete it with `delete -n NAME --yes` or choose another name",
            ));
        }
    }
    if !milvus.root_exists() {
        return Err(Error::Storage {
            store: milvus.label(),
            op: "open",
            path: String::new(),
            reason: "Milvus's storage directory does not exist: set [milvus.storage] root to Milvus's localStorage.path".into(),
        });
    }
    let mut warnings = Vec::new();
    let version = client.server_version().to_string();
    if version.trim_start_matches('v').starts_with("2.2.") {
        let w = format!(
            "Milvus {version} keeps deletes of flushed segments in memory for up to dataNode.segment.syncPeriod (600 s by default): rows deleted in the last minutes may still be in this backup"
        );
        tracing::warn!("{w}");
        warnings.push(w);
    }

    progress.phase(Phase::ReadingMetadata);
    let selected = select_collections(client, &opts.filter).await?;
    if selected.is_empty() {
        return Err(Error::invalid(format!(
            "there is no collection to back up on {}",
            client.address()
        )));
    }
    progress.update(|p| p.collections.total = selected.len() as u64);
    let mut collections = Vec::new();
    for (db, coll) in &selected {
        check_cancel(cancel)?;
        progress.update(|p| p.current = Some(format!("{db}.{coll}")));
        collections.push(describe(client, db, coll).await?);
    }

    progress.phase(Phase::Flushing);
    let mut by_db: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (db, coll) in &selected {
        by_db.entry(db).or_default().push(coll.clone());
    }
    for (db, colls) in &by_db {
        check_cancel(cancel)?;
        progress.message(format!(
            "flushing {} collection(s) of database {db}",
            colls.len()
        ));
        client.flush(db, colls).await?;
    }

    progress.phase(Phase::ListingFiles);
    let mut segments: Vec<(usize, SegmentInfo)> = Vec::new();
    for (i, c) in collections.iter().enumerate() {
        for seg in client
            .persistent_segments(&c.db_name, &c.collection_name)
            .await?
        {
            if seg.is_flushed() {
                segments.push((i, seg));
            } else {
                tracing::warn!(
                    "{}: skipping segment {} in state {}",
                    c.qualified_name(),
                    seg.id,
                    seg.state
                );
            }
        }
    }
    progress.update(|p| p.segments.total = segments.len() as u64);
    let mut plans: Vec<Vec<PlannedFile>> = Vec::new();
    for (i, seg) in &segments {
        check_cancel(cancel)?;
        let files = segment_files(milvus, &opts.name, seg).await?;
        if seg.num_rows > 0 && !files.iter().any(|f| f.field_id.is_some()) {
            return Err(Error::Storage {
                store: milvus.label(),
                op: "list",
                path: format::milvus_insert_dir(seg.collection_id, seg.partition_id, seg.id),
                reason: format!(
                    "segment {} of {} has {} rows but no insert_log files here: is [milvus.storage] root Milvus's localStorage.path (or bucket/root its minio.bucketName/minio.rootPath)?",
                    seg.id,
                    collections[*i].qualified_name(),
                    seg.num_rows
                ),
            });
        }
        plans.push(files);
    }
    let total_files: usize = plans.iter().map(Vec::len).sum();
    let total_bytes: u64 = plans.iter().flatten().map(|f| f.size).sum();
    progress.update(|p| {
        p.files.total = total_files as u64;
        p.bytes.total = total_bytes;
    });

    progress.phase(Phase::Copying);
    backups.create_root()?;
    let backups = &*backups;
    let mut entries = Vec::with_capacity(segments.len());
    for ((coll_index, seg), files) in segments.iter().zip(plans) {
        check_cancel(cancel)?;
        progress.update(|p| p.current = Some(collections[*coll_index].qualified_name()));
        let copied: Vec<(PlannedFile, u32)> = futures::stream::iter(files)
            .map(|f| async move {
                check_cancel(cancel)?;
                let done = copy_file(milvus, &f.src_key, backups, &f.dst_key, |n| {
                    progress.update(|p| p.bytes.done += n)
                })
                .await?;
                if done.size != f.size {
                    return Err(Error::Storage {
                        store: milvus.label(),
                        op: "copy",
                        path: f.src_key.clone(),
                        reason: format!(
                            "the file changed during the backup ({} bytes listed, {} copied)",
                            f.size, done.size
                        ),
                    });
                }
                progress.update(|p| p.files.done += 1);
                Ok::<_, Error>((f, done.crc32c))
            })
            .buffer_unordered(opts.parallelism.max(1))
            .try_collect()
            .await?;
        entries.push((*coll_index, segment_entry(milvus, seg, &copied)));
        progress.update(|p| p.segments.done += 1);
    }

    progress.phase(Phase::WritingMetadata);
    for (i, entry) in entries {
        let coll = &mut collections[i];
        match coll
            .partition_backups
            .iter_mut()
            .find(|p| p.partition_id == entry.partition_id)
        {
            Some(part) => part.segment_backups.push(entry),
            None => {
                return Err(Error::Verification(format!(
                    "segment {} of {} belongs to partition {} which ShowPartitions did not list",
                    entry.segment_id,
                    coll.qualified_name(),
                    entry.partition_id
                )));
            }
        }
    }
    let now = chrono::Utc::now();
    for c in &mut collections {
        for p in &mut c.partition_backups {
            p.size = p.segment_backups.iter().map(|s| s.size).sum();
        }
        c.size = c.partition_backups.iter().map(|p| p.size).sum();
        c.state_code = STATE_SUCCESS;
        c.progress = 100;
        c.backup_physical_timestamp = now.timestamp() as u64;
    }
    let info = BackupInfo {
        id: format!("{:x}", now.timestamp_nanos_opt().unwrap_or_default()),
        state_code: STATE_SUCCESS,
        start_time: progress.snapshot().started.elapsed().as_millis() as i64,
        end_time: now.timestamp_millis(),
        progress: 100,
        name: opts.name.clone(),
        backup_timestamp: now.timestamp_millis() as u64,
        size: collections.iter().map(|c| c.size).sum(),
        milvus_version: version,
        written_by: format!("milvus-backup-tui {}", env!("CARGO_PKG_VERSION")),
        collection_backups: collections,
        ..Default::default()
    };
    let info = BackupInfo {
        start_time: info.end_time - info.start_time,
        ..info
    };
    format::write_backup(backups, &opts.name, &info).await?;
    progress.update(|p| {
        p.collections.done = p.collections.total;
        p.current = None;
    });
    progress.phase(Phase::Done);
    Ok(CreateSummary {
        name: opts.name.clone(),
        collections: info.collection_backups.len(),
        segments: segments.len(),
        files: total_files,
        bytes: total_bytes,
        rows: info.total_rows(),
        warnings,
    })
}

fn check_cancel(cancel: &CancellationToken) -> Result<()> {
    if cancel.is_cancelled() {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}
