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
    pub started: chrono::DateTime<chrono::Utc>,
    /// How it was asked for, beyond its kind (see `JobStartedInfo::detail`).
    pub detail: String,
}

impl JobView {
    /// The job's title: what, how, and when it started (`HH:MM:SS` UTC).
    pub fn title(&self) -> String {
        format!(
            "{}, started {} UTC",
            self.what(),
            self.started.format("%H:%M:%S")
        )
    }

    /// What the job does and how it was asked for: `restore b into t (suffix _r)`.
    pub fn what(&self) -> String {
        if self.detail.is_empty() {
            self.kind.to_string()
        } else {
            format!("{} ({})", self.kind, self.detail)
        }
    }

    /// The phase as it goes with the status: the running phase while active, where it stopped
    /// when it failed or was cancelled, nothing once done.
    pub fn phase_text(&self) -> String {
        match self.status {
            JobStatus::Running | JobStatus::Cancelling => self.progress.phase.label().into(),
            JobStatus::Succeeded => "-".into(),
            JobStatus::Failed | JobStatus::Cancelled => match self.progress.phase {
                milvus_backup_tui::progress::Phase::Done
                | milvus_backup_tui::progress::Phase::Failed => "-".into(),
                p => format!("in {}", p.label()),
            },
        }
    }

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
