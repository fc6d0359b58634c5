//! The copy phase of `create`: every planned file from Milvus's storage into the backup.
//!
//! Files are copied `parallelism` at a time across all segments, not segment by segment: a
//! collection of many small segments keeps every copy slot busy instead of waiting at the end
//! of each segment for its slowest file. Segments are still finished (journaled, counted) one
//! by one, in plan order, as soon as their last file is in.

use super::files::{PlannedFile, segment_entry};
use super::journal::{already_copied, write_journal};
use crate::error::check_cancel;
use crate::format::SegmentBackup;
use crate::milvus::SegmentInfo;
use crate::progress::ProgressSender;
use crate::storage::{Store, copy_file};
use crate::test_hooks;
use crate::{Error, Result};
use futures::{StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// One segment to copy: the index of its collection, the segment, its files.
pub struct SegmentPlan<'a> {
    pub collection: usize,
    /// The collection's `db.name`, shown as the current item while the segment is copied.
    pub current: String,
    pub segment: &'a SegmentInfo,
    pub files: Vec<PlannedFile>,
}

pub struct CopyPhase<'a> {
    pub milvus: &'a Store,
    pub backups: &'a Store,
    pub name: &'a str,
    /// What an earlier, interrupted run recorded (empty unless resuming).
    pub journal: &'a HashMap<String, (u64, u32)>,
    pub parallelism: usize,
    pub progress: &'a ProgressSender,
    pub cancel: &'a CancellationToken,
}

/// What the copy phase did: each segment's metadata entry (with its collection index), in plan
/// order, and how many files were reused from an earlier run.
pub struct Copied {
    pub entries: Vec<(usize, SegmentBackup)>,
    pub reused_files: u64,
}

impl CopyPhase<'_> {
    pub async fn run(&self, plans: Vec<SegmentPlan<'_>>) -> Result<Copied> {
        let slots = Semaphore::new(self.parallelism.max(1));
        let counts = Counts::default();
        // (The futures are made first: a stream that maps borrowed plans is not `Send` enough.)
        let segments: Vec<_> = plans
            .into_iter()
            .map(|plan| self.copy_segment(plan, &slots, &counts))
            .collect();
        let entries = futures::stream::iter(segments)
            .buffered(self.parallelism.max(1))
            .try_collect()
            .await?;
        Ok(Copied {
            entries,
            reused_files: counts.reused.load(Ordering::Relaxed),
        })
    }

    async fn copy_segment(
        &self,
        plan: SegmentPlan<'_>,
        slots: &Semaphore,
        counts: &Counts,
    ) -> Result<(usize, SegmentBackup)> {
        check_cancel(self.cancel)?;
        let ci = plan.collection;
        let current = plan.current;
        self.progress.update(|p| p.current = Some(current));
        let copied: Vec<(PlannedFile, u32)> = futures::stream::iter(plan.files)
            .map(|f| async move {
                let _slot = slots
                    .acquire()
                    .await
                    .expect("the semaphore is never closed");
                self.copy_one(ci, f, counts).await
            })
            .buffer_unordered(self.parallelism.max(1))
            .try_collect()
            .await?;
        write_journal(self.backups, self.name, plan.segment, &copied).await?;
        self.progress.segment_done(ci);
        Ok((ci, segment_entry(self.milvus, plan.segment, &copied)))
    }

    /// Copies one file (or proves an earlier run's copy of it); returns it with its CRC-32C.
    async fn copy_one(
        &self,
        ci: usize,
        f: PlannedFile,
        counts: &Counts,
    ) -> Result<(PlannedFile, u32)> {
        check_cancel(self.cancel)?;
        if let Some(crc) = already_copied(self.backups, self.journal, &f).await? {
            self.progress.update(|p| p.files.done += 1);
            self.progress.add_bytes(ci, f.size);
            counts.reused.fetch_add(1, Ordering::Relaxed);
            return Ok((f, crc));
        }
        let done = copy_file(self.milvus, &f.src_key, self.backups, &f.dst_key, |n| {
            self.progress.add_bytes(ci, n)
        })
        .await?;
        if done.size != f.size {
            return Err(Error::Storage {
                store: self.milvus.label(),
                op: "copy",
                path: f.src_key.clone(),
                reason: format!(
                    "the file changed during the backup ({} bytes listed, {} copied)",
                    f.size, done.size
                ),
            });
        }
        self.progress.update(|p| p.files.done += 1);
        test_hooks::after_files(counts.copied.fetch_add(1, Ordering::Relaxed) + 1).await;
        Ok((f, done.crc32c))
    }
}

#[derive(Default)]
struct Counts {
    copied: AtomicU64,
    reused: AtomicU64,
}
