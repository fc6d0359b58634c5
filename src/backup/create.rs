//! `create`: the backup job.

use super::copy_phase::{CopyPhase, SegmentPlan};
use super::discover::{describe, describe_databases, select_collections};
use super::files::{PlannedFile, segment_files};
use super::journal::{journal_dir, read_journal, remove_orphans};
use crate::error::check_cancel;
use crate::filter::Filter;
use crate::format::{self, BackupInfo, BackupState, STATE_SUCCESS};
use crate::lock::BackupLock;
use crate::milvus::{MilvusClient, SegmentInfo};
use crate::names::validate_backup_name;
use crate::progress::{CollectionProgress, Phase, ProgressSender};
use crate::storage::{CopySettings, Store};
use crate::test_hooks;
use crate::{Error, Result};
use futures::{StreamExt, TryStreamExt};
use std::collections::{BTreeMap, HashMap};
use tokio_util::sync::CancellationToken;

pub struct CreateOptions {
    pub name: String,
    pub filter: Filter,
    /// Files copied at once.
    pub parallelism: usize,
    /// Milvus calls (describe, list segments) made at once.
    pub milvus_parallelism: usize,
    /// Finish an incomplete backup of this name instead of refusing it.
    pub resume: bool,
    /// Server-side copies and the bandwidth limit.
    pub copy: CopySettings,
    /// Also save users (names and roles), roles and grants (`rbac_meta`).
    pub rbac: bool,
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
    /// Files a resumed run found already copied (and proved by their checksum), not copied again.
    pub reused_files: usize,
    /// Files copied inside the object store (same S3 endpoint and keys): no bytes through the tool.
    pub server_side_files: usize,
    pub warnings: Vec<String>,
}

/// Takes a backup of the collections `opts.filter` selects. Data is copied first and the
/// metadata written last, so an interrupted run never looks like a complete backup. The backup
/// name is locked (see [`crate::lock`]) for the whole run.
///
/// With `opts.resume`, an incomplete backup of that name is finished: the segment list is taken
/// again, files an earlier run copied are kept when their size and CRC-32C (read back once)
/// match what that run recorded, the rest are copied, and files of segments that no longer
/// exist are removed.
pub async fn create_backup(
    client: &MilvusClient,
    milvus: &Store,
    backups: &mut Store,
    opts: &CreateOptions,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> Result<CreateSummary> {
    validate_backup_name(&opts.name)?;
    refuse_lite(client)?;
    let op = if opts.resume {
        "create --resume"
    } else {
        "create"
    };
    let lock = BackupLock::acquire(backups, &opts.name, op).await?;
    let lock_warning = lock.warning.clone();
    if let Some(w) = &lock_warning {
        progress.message(w.clone());
    }
    let result = create_locked(client, milvus, backups, opts, &lock, progress, cancel).await;
    let released = lock.release().await;
    let mut summary = result?;
    summary.warnings.splice(0..0, lock_warning);
    if let Err(e) = released {
        summary.warnings.push(format!(
            "the backup is complete, but its lock was not removed: {e}"
        ));
    }
    Ok(summary)
}

/// Milvus Lite keeps rows in its own engine, never in binlogs: say so before anything is
/// written, instead of failing later on a segment RPC it does not have.
fn refuse_lite(client: &MilvusClient) -> Result<()> {
    if !crate::schema_support::is_milvus_lite(client.server_version()) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{} at {} keeps no binlogs, so a binlog backup of it is impossible; it needs the portable format (rows read through the public API), which this build does not have yet (nothing was written)",
        client.server_version(),
        client.address()
    )))
}

async fn create_locked(
    client: &MilvusClient,
    milvus: &Store,
    backups: &mut Store,
    opts: &CreateOptions,
    lock: &BackupLock,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> Result<CreateSummary> {
    match (
        format::read_backup_state(backups, &opts.name).await,
        opts.resume,
    ) {
        (Ok(BackupState::Missing), false) | (Ok(BackupState::Incomplete), true) => {}
        (Ok(BackupState::Missing), true) => {
            // Killed before it copied anything (while connecting or flushing), or never run:
            // a resume is then simply the backup itself, so that it is safe to script.
            progress.message(format!(
                "nothing of an earlier run of {} was found: starting the backup from the beginning",
                opts.name
            ));
        }
        (Ok(BackupState::Complete(_)), _) => {
            return Err(Error::backup(
                &opts.name,
                "a backup with this name already exists; choose another name or delete it first",
            ));
        }
        (Ok(BackupState::Incomplete), false) => {
            return Err(Error::backup(
                &opts.name,
                "an incomplete backup with this name exists (an earlier run was interrupted); finish it with `create -n NAME --resume`, delete it with `delete -n NAME --yes`, or choose another name",
            ));
        }
        (Err(e), _) => {
            return Err(Error::backup(
                &opts.name,
                format!(
                    "a backup with this name exists but cannot be read ({e}); delete it with `delete -n NAME --yes` or choose another name"
                ),
            ));
        }
    }
    // Read before any copying, so that a refused RBAC call fails the backup at once.
    let rbac_meta = if opts.rbac {
        Some(crate::rbac::collect(client).await?)
    } else {
        None
    };
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
    // Thousands of collections: several described at once, in selection order.
    let describing: Vec<_> = selected
        .iter()
        .map(|(db, coll)| async move {
            check_cancel(cancel)?;
            progress.update(|p| p.current = Some(format!("{db}.{coll}")));
            describe(client, db, coll).await
        })
        .collect();
    let mut collections: Vec<_> = futures::stream::iter(describing)
        .buffered(opts.milvus_parallelism.max(1))
        .try_collect()
        .await?;

    let database_backups = describe_databases(client, &selected).await?;

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

    // A Milvus that never flushed has no storage directory yet; the flush above made it.
    let milvus = &milvus.reopened()?;
    if !milvus.root_exists() {
        return Err(Error::Storage {
            store: milvus.label(),
            op: "open",
            path: String::new(),
            reason: "Milvus's storage directory does not exist: set [milvus.storage] root to Milvus's localStorage.path".into(),
        });
    }
    progress.phase(Phase::ListingFiles);
    let listing: Vec<_> = collections
        .iter()
        .map(|c| client.persistent_segments(&c.db_name, &c.collection_name))
        .collect();
    let per_collection: Vec<Vec<SegmentInfo>> = futures::stream::iter(listing)
        .buffered(opts.milvus_parallelism.max(1))
        .try_collect()
        .await?;
    let mut segments: Vec<(usize, SegmentInfo)> = Vec::new();
    for (i, (c, found)) in collections.iter().zip(per_collection).enumerate() {
        for seg in found {
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
    // Listing a segment's files takes one or two round trips to Milvus's storage: many at once.
    // (The futures are made first: a stream that borrows `segments` is not `Send` enough.)
    let listings: Vec<_> = segments
        .iter()
        .map(|(_, seg)| segment_files(milvus, &opts.name, seg))
        .collect();
    check_cancel(cancel)?;
    let plans: Vec<Vec<PlannedFile>> = futures::stream::iter(listings)
        .buffered(opts.parallelism.max(1))
        .try_collect()
        .await?;
    for ((i, seg), files) in segments.iter().zip(&plans) {
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
    }
    let total_files: usize = plans.iter().map(Vec::len).sum();
    let total_bytes: u64 = plans.iter().flatten().map(|f| f.size).sum();
    progress.update(|p| {
        p.files.total = total_files as u64;
        p.bytes.total = total_bytes;
        p.per_collection = collections
            .iter()
            .map(|c| CollectionProgress {
                name: c.qualified_name(),
                ..Default::default()
            })
            .collect();
        for ((ci, _), files) in segments.iter().zip(&plans) {
            let c = &mut p.per_collection[*ci];
            c.segments.total += 1;
            c.bytes.total += files.iter().map(|f| f.size).sum::<u64>();
        }
    });

    progress.phase(Phase::Copying);
    if let Some(limit) = &opts.copy.throttle {
        progress.message(format!(
            "bandwidth limit: {limit} for the bytes this tool moves"
        ));
    }
    backups.create_root()?;
    let backups = &*backups;
    let journal = if opts.resume {
        read_journal(backups, &opts.name).await?
    } else {
        HashMap::new()
    };
    let plans_by_segment = segments
        .iter()
        .zip(plans.iter().cloned())
        .map(|((ci, seg), files)| SegmentPlan {
            collection: *ci,
            current: collections[*ci].qualified_name(),
            segment: seg,
            files,
        })
        .collect();
    let copied = CopyPhase {
        milvus,
        backups,
        name: &opts.name,
        journal: &journal,
        parallelism: opts.parallelism,
        copy: &opts.copy,
        progress,
        cancel,
    }
    .run(plans_by_segment)
    .await?;
    let reused_files = copied.reused_files as usize;
    let server_side_files = copied.server_side_files as usize;
    let entries = copied.entries;
    if opts.resume {
        remove_orphans(backups, &opts.name, &plans).await?;
    }
    check_cancel(cancel)?;
    test_hooks::before_metadata().await;

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
        database_backups,
        rbac_meta,
        ..Default::default()
    };
    let info = BackupInfo {
        start_time: info.end_time - info.start_time,
        ..info
    };
    // The metadata makes the backup complete: only while this run still holds the name.
    lock.ensure_held().await?;
    format::write_backup(backups, &opts.name, &info).await?;
    if let Err(e) = backups.delete_prefix(&journal_dir(&opts.name)).await {
        warnings.push(format!(
            "the backup is complete, but its resume journal {} was not removed: {e}",
            journal_dir(&opts.name)
        ));
    }
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
        reused_files,
        server_side_files,
        warnings,
    })
}
