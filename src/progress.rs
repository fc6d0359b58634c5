//! Structured progress of a backup or restore job.
//!
//! A job owns a [`ProgressSender`] and updates counters as it goes; any number of watchers (the
//! CLI's bar, the UI's job pane) hold a [`ProgressWatch`] and read the latest snapshot whenever
//! they redraw. The channel keeps only the newest value, so a fast job can never flood a slow
//! reader: coalescing is built in.

use std::time::Instant;
use tokio::sync::watch;

/// What a job is doing now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Connecting,
    ReadingMetadata,
    Flushing,
    ListingFiles,
    Copying,
    WritingMetadata,
    CreatingCollections,
    Staging,
    Importing,
    Verifying,
    BuildingIndexes,
    CleaningUp,
    Done,
    Failed,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Connecting => "connecting",
            Phase::ReadingMetadata => "reading metadata",
            Phase::Flushing => "flushing",
            Phase::ListingFiles => "listing files",
            Phase::Copying => "copying",
            Phase::WritingMetadata => "writing metadata",
            Phase::CreatingCollections => "creating collections",
            Phase::Staging => "staging files",
            Phase::Importing => "importing",
            Phase::Verifying => "verifying",
            Phase::BuildingIndexes => "creating indexes",
            Phase::CleaningUp => "cleaning up",
            Phase::Done => "done",
            Phase::Failed => "failed",
        }
    }
}

/// A done/total pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub done: u64,
    pub total: u64,
}

/// One collection's share of a job.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionProgress {
    /// `db.collection` (the target name for a restore).
    pub name: String,
    pub segments: Count,
    pub bytes: Count,
}

/// One snapshot of a job's progress.
#[derive(Clone, Debug)]
pub struct Progress {
    pub phase: Phase,
    pub collections: Count,
    pub segments: Count,
    pub files: Count,
    pub bytes: Count,
    /// Per collection, in the job's order (empty until the job knows its collections).
    pub per_collection: Vec<CollectionProgress>,
    /// The collection being worked on, if any.
    pub current: Option<String>,
    /// The latest human-readable event ("imported 3000 rows into books_restored").
    pub message: Option<String>,
    pub started: Instant,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            phase: Phase::Connecting,
            collections: Count::default(),
            segments: Count::default(),
            files: Count::default(),
            bytes: Count::default(),
            per_collection: Vec::new(),
            current: None,
            message: None,
            started: Instant::now(),
        }
    }
}

impl Progress {
    /// Bytes per second since the job started.
    pub fn rate(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if secs > 0.0 {
            self.bytes.done as f64 / secs
        } else {
            0.0
        }
    }
}

pub type ProgressWatch = watch::Receiver<Progress>;

/// The job's end of the progress channel.
#[derive(Clone)]
pub struct ProgressSender(watch::Sender<Progress>);

impl ProgressSender {
    pub fn new() -> (ProgressSender, ProgressWatch) {
        let (tx, rx) = watch::channel(Progress::default());
        (ProgressSender(tx), rx)
    }

    /// A sender nobody listens to, for callers that do not care.
    pub fn discard() -> ProgressSender {
        ProgressSender::new().0
    }

    pub fn update(&self, f: impl FnOnce(&mut Progress)) {
        self.0.send_modify(f);
    }

    /// Enters a phase; the previous phase's message no longer applies.
    pub fn phase(&self, phase: Phase) {
        self.update(|p| {
            if p.phase != phase {
                p.message = None;
            }
            p.phase = phase;
        });
    }

    pub fn message(&self, msg: impl Into<String>) {
        let msg = msg.into();
        tracing::info!("{msg}");
        self.update(|p| p.message = Some(msg));
    }

    /// `n` more bytes done, in the job's total and in collection `index`.
    pub fn add_bytes(&self, index: usize, n: u64) {
        self.update(|p| {
            p.bytes.done += n;
            if let Some(c) = p.per_collection.get_mut(index) {
                c.bytes.done += n;
            }
        });
    }

    /// One more segment (or import group) done, in the total and in collection `index`.
    pub fn segment_done(&self, index: usize) {
        self.update(|p| {
            p.segments.done += 1;
            if let Some(c) = p.per_collection.get_mut(index) {
                c.segments.done += 1;
            }
        });
    }

    pub fn snapshot(&self) -> Progress {
        self.0.borrow().clone()
    }
}

/// `1536` -> `1.5 KiB`: sizes as every front end prints them.
pub fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}
