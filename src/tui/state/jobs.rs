//! The Jobs screen: every backup and restore of this session.

use milvus_backup_tui::jobs::{JobId, JobKind};
use milvus_backup_tui::progress::Progress;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobStatus {
    Running,
    /// Cancel asked, the job has not ended yet.
    Cancelling,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn is_active(&self) -> bool {
        matches!(self, JobStatus::Running | JobStatus::Cancelling)
    }

    pub fn label(&self) -> &'static str {
        match self {
            JobStatus::Running => "running",
            JobStatus::Cancelling => "cancelling",
            JobStatus::Succeeded => "done",
            JobStatus::Failed => "FAILED",
            JobStatus::Cancelled => "cancelled",
        }
    }
}

#[derive(Clone, Debug)]
pub struct JobView {
    pub id: JobId,
    pub kind: JobKind,
    pub status: JobStatus,
    pub progress: Progress,
    pub elapsed: Duration,
    /// The result, or the error in full, once finished.
    pub outcome: Vec<String>,
}

impl JobView {
    /// Bytes per second so far.
    pub fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.progress.bytes.done as f64 / s
        } else {
            0.0
        }
    }

    /// Time left at the current rate, when it can be told.
    pub fn eta(&self) -> Option<Duration> {
        let b = self.progress.bytes;
        let rate = self.rate();
        if !self.status.is_active() || b.total == 0 || b.done >= b.total || rate <= 0.0 {
            return None;
        }
        Some(Duration::from_secs_f64((b.total - b.done) as f64 / rate))
    }
}

#[derive(Default)]
pub struct JobsState {
    pub jobs: Vec<JobView>,
    pub cursor: usize,
}

impl JobsState {
    pub fn running(&self) -> usize {
        self.jobs.iter().filter(|j| j.status.is_active()).count()
    }

    pub fn get_mut(&mut self, id: JobId) -> Option<&mut JobView> {
        self.jobs.iter_mut().find(|j| j.id == id)
    }

    pub fn current(&self) -> Option<&JobView> {
        self.jobs.get(self.cursor)
    }
}
