//! Modal dialogs: what is in front of the screens.

use super::wizard::Wizard;
use milvus_backup_tui::jobs::JobId;
use tui_input::Input;

pub struct BackupDialog {
    pub input: Input,
    /// `db.collection` of what will be backed up.
    pub collections: Vec<String>,
    /// Whether they are the selection (else the collection under the cursor, nothing being
    /// selected).
    pub from_selection: bool,
    /// What is wrong with the name as typed, checked on every key.
    pub error: Option<String>,
}

pub enum Dialog {
    Help,
    BackUp(BackupDialog),
    ConfirmDelete {
        name: String,
    },
    ConfirmCancel {
        id: JobId,
        label: String,
    },
    ConfirmQuit {
        running: usize,
    },
    /// The whole of a message too long for the banner (`e`), scrolled by `scroll` lines.
    Message {
        text: String,
        scroll: u16,
    },
    Restore(Box<Wizard>),
}
