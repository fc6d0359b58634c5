//! The copy phase of `create`: every planned file from Milvus's storage into the backup.
//!
//! All files, of every segment, form one queue in plan order, copied `parallelism` at a time:
//! a collection of many small segments keeps every copy slot busy instead of waiting at the end
//! of each segment for its slowest file. Because the queue is in plan order, the files in
//! flight span one or two segments, so segments still finish nearly one after another; each is
//! journaled as soon as its last file is in, and a crash loses at most the segments in flight
//! (`--resume` keeps the rest).

use super::files::{PlannedFile, segment_entry};
use super::journal::{already_copied, write_journal};
use crate::error::check_cancel;
use crate::format::SegmentBackup;
use crate::milvus::SegmentInfo;
use crate::progress::ProgressSender;
use crate::storage::{CopyMethod, CopySettings, Store, copy_file};
use crate::test_hooks;
use crate::{Error, Result};
use futures::StreamExt;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
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
    pub copy: &'a CopySettings,
    pub progress: &'a ProgressSender,
    pub cancel: &'a CancellationToken,
}

/// What the copy phase did: each segment's metadata entry (with its collection index), in plan
/// order, and how many files were reused from an earlier run.
pub struct Copied {
    pub entries: Vec<(usize, SegmentBackup)>,
    pub reused_files: u64,
    /// Files copied inside the object store (their bytes never passed through the tool).
    pub server_side_files: u64,
}

impl CopyPhase<'_> {
    pub async fn run(&self, plans: Vec<SegmentPlan<'_>>) -> Result<Copied> {
        let counts = Counts::default();
        let mut copied: Vec<Vec<(PlannedFile, u32)>> = plans.iter().map(|_| Vec::new()).collect();
        let mut entries: Vec<Option<(usize, SegmentBackup)>> = plans.iter().map(|_| None).collect();
        for (i, plan) in plans.iter().enumerate() {
            if plan.files.is_empty() {
                entries[i] = Some(self.finish_segment(plan, &[]).await?);
            }
        }
        // A collection whose copy failed: its other files are skipped, the other collections
        // go on (their segments are journaled, so `--resume` redoes only what failed).
        let failed: Mutex<BTreeMap<usize, (String, Error)>> = Mutex::default();
        let queue: Vec<_> = plans
            .iter()
            .enumerate()
            .flat_map(|(i, plan)| plan.files.iter().map(move |f| (i, plan, f.clone())))
            .map(|(i, plan, f)| {
                let (counts, failed) = (&counts, &failed);
                async move {
                    if lock(failed).contains_key(&plan.collection) {
                        return (i, None);
                    }
                    (i, Some(self.copy_one(plan, f, counts).await))
                }
            })
            .collect();
        let mut in_flight = futures::stream::iter(queue).buffer_unordered(self.parallelism.max(1));
        while let Some((i, file)) = in_flight.next().await {
            match file {
                None => {}
                Some(Ok(file)) => {
                    copied[i].push(file);
                    if copied[i].len() == plans[i].files.len() {
                        entries[i] = Some(self.finish_segment(&plans[i], &copied[i]).await?);
                    }
                }
                Some(Err(Error::Cancelled)) => return Err(Error::Cancelled),
                Some(Err(e)) => {
                    let plan = &plans[i];
                    tracing::warn!("backup of {} failed: {e}", plan.current);
                    lock(&failed)
                        .entry(plan.collection)
                        .or_insert_with(|| (plan.current.clone(), e));
                }
            }
        }
        drop(in_flight);
        let failed = failed.into_inner().unwrap_or_else(|e| e.into_inner());
        let total = plans
            .iter()
            .map(|p| p.collection)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if let Some(e) = collections_failed(self.name, failed, total) {
            return Err(e);
        }
        Ok(Copied {
            entries: entries.into_iter().flatten().collect(),
            reused_files: counts.reused.load(Ordering::Relaxed),
            server_side_files: counts.server_side.load(Ordering::Relaxed),
        })
    }

    /// A segment whose files are all in: journaled, counted, and its metadata entry made.
    async fn finish_segment(
        &self,
        plan: &SegmentPlan<'_>,
        copied: &[(PlannedFile, u32)],
    ) -> Result<(usize, SegmentBackup)> {
        write_journal(self.backups, self.name, plan.segment, copied).await?;
        self.progress.segment_done(plan.collection);
        Ok((
            plan.collection,
            segment_entry(self.milvus, plan.segment, copied),
        ))
    }

    /// Copies one file (or proves an earlier run's copy of it); returns it with its CRC-32C.
    async fn copy_one(
        &self,
        plan: &SegmentPlan<'_>,
        f: PlannedFile,
        counts: &Counts,
    ) -> Result<(PlannedFile, u32)> {
        check_cancel(self.cancel)?;
        let ci = plan.collection;
        self.progress.update(|p| {
            if p.current.as_deref() != Some(plan.current.as_str()) {
                p.current = Some(plan.current.clone());
            }
        });
        if let Some(crc) = already_copied(self.backups, self.journal, &f).await? {
            self.progress.update(|p| p.files.done += 1);
            self.progress.add_bytes(ci, f.size);
            counts.reused.fetch_add(1, Ordering::Relaxed);
            return Ok((f, crc));
        }
        let done = copy_file(
            self.milvus,
            &f.src_key,
            self.backups,
            &f.dst_key,
            Some(f.size),
            self.copy,
            |n| self.progress.add_bytes(ci, n),
        )
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
        if done.method != CopyMethod::Streamed {
            counts.server_side.fetch_add(1, Ordering::Relaxed);
        }
        self.progress.update(|p| p.files.done += 1);
        test_hooks::after_files(counts.copied.fetch_add(1, Ordering::Relaxed) + 1).await;
        Ok((f, done.crc32c))
    }
}

/// The error of a copy phase in which collections failed: the first error itself when every
/// collection failed (a storage that is down, a full disk), else one naming the collections
/// that failed and saying that the others' files are kept for `--resume`.
fn collections_failed(
    name: &str,
    failed: BTreeMap<usize, (String, Error)>,
    collections: usize,
) -> Option<Error> {
    let count = failed.len();
    let mut failed = failed.into_values();
    let (first_name, first) = failed.next()?;
    if count == collections {
        return Some(first);
    }
    let mut names = vec![first_name];
    names.extend(failed.map(|(n, _)| n));
    Some(Error::backup(
        name,
        format!(
            "the copy failed for {count} of {collections} collection(s): {} (first error: {first}); the files of the other collections are copied and kept: `create -n {name} --resume` copies only what is missing",
            names.join(", ")
        ),
    ))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Default)]
struct Counts {
    copied: AtomicU64,
    reused: AtomicU64,
    server_side: AtomicU64,
}
