//! What the user or a background task asks of the model: every change goes through an
//! [`Action`] handed to [`super::update::update`].

use super::state::{CollectionsData, Doomed, LogLine};
use milvus_backup_tui::catalog::BackupEntry;
use milvus_backup_tui::inventory::StorageSize;
use milvus_backup_tui::jobs::{JobHandle, JobId, JobResult};
use milvus_backup_tui::progress::Progress;
use milvus_backup_tui::restore::RestorePlan;
use std::time::Duration;
use tui_input::InputRequest;

use super::state::Screen;

#[derive(Debug)]
pub enum Action {
    // Movement and selection, read according to the screen or dialog in front.
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Back,
    Toggle,
    /// Tab / Shift-Tab: the next or previous pane of the screen (or field of the wizard).
    FocusNext,
    FocusPrev,
    /// `]` / `[`: the next or previous screen.
    NextScreen,
    PrevScreen,
    GoTo(Screen),
    /// Edit the text field in focus.
    Edit(InputRequest),
    /// A one-letter command (`b` back up, `d` delete, `r` refresh or retry, ...).
    Key(char),
    /// `y`/`n` in a confirmation.
    Confirm(bool),
    Help,
    Quit,
    /// Ctrl-C: quit now, cancelling running jobs.
    Interrupt,
    /// Open the back-up dialog offering this default name.
    OpenBackupDialog {
        default_name: String,
    },

    // From the background.
    Connected {
        address: String,
        version: String,
    },
    ConnectFailed {
        address: String,
        error: String,
    },
    CollectionsLoaded(CollectionsData),
    /// Load states read again for collections that were loading: `(db, collection, state)`.
    LoadStates(Vec<(String, String, String)>),
    /// The size on storage of one collection (`db.collection`, id), or why it is unknown.
    StorageSize {
        collection: String,
        id: i64,
        size: Result<StorageSize, String>,
    },
    /// The backups, and when they were listed (ms since the epoch).
    BackupsLoaded(Vec<BackupEntry>, u64),
    BackupDeleted {
        name: String,
        files: usize,
    },
    CallFailed {
        what: String,
        error: String,
    },
    /// A restore plan, and what its drop-existing would destroy.
    PlanReady(Box<RestorePlan>, Vec<Doomed>),
    PlanFailed(String),
    JobStarted(JobStartedInfo),
    JobProgress {
        id: JobId,
        progress: Box<Progress>,
        elapsed: Duration,
    },
    JobFinished {
        id: JobId,
        result: Box<JobResult>,
    },
    Log(Vec<LogLine>),
}

/// What the model keeps of a started job (the handle itself stays with the executor).
#[derive(Debug, Clone)]
pub struct JobStartedInfo {
    pub id: JobId,
    pub kind: milvus_backup_tui::jobs::JobKind,
    /// When it started (UTC).
    pub started: chrono::DateTime<chrono::Utc>,
    /// How it was asked for, beyond its kind: a restore's naming (`suffix _r`), a backup's
    /// collections.
    pub detail: String,
}

impl JobStartedInfo {
    pub fn new(h: &JobHandle, detail: String) -> Self {
        JobStartedInfo {
            id: h.id,
            kind: h.kind.clone(),
            started: chrono::Utc::now(),
            detail,
        }
    }
}
