//! The model: everything the UI shows, owned by the UI loop alone.

mod backups;
mod collections;
mod compat;
mod dialog;
mod jobs;
mod log;
mod wizard;

#[cfg(test)]
pub use backups::BackupSort;
pub use backups::BackupsState;
pub use collections::{
    CollectionNode, CollectionsData, CollectionsState, DbNode, PartitionNode, StorageState, TreeRow,
};
pub use compat::CompatState;
pub use dialog::{BackupDialog, Dialog};
pub use jobs::{JobStatus, JobView, JobsState};
pub use log::{LogLine, LogState};
pub use wizard::{Doomed, NamingMode, PlanView, Wizard, WizardStep};

/// The screens, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Collections,
    Backups,
    Jobs,
    Compat,
    Log,
}

impl Screen {
    pub const ALL: [Screen; 5] = [
        Screen::Collections,
        Screen::Backups,
        Screen::Jobs,
        Screen::Compat,
        Screen::Log,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Collections => "Collections",
            Screen::Backups => "Backups",
            Screen::Jobs => "Jobs",
            Screen::Compat => "Compatibility",
            Screen::Log => "Log",
        }
    }

    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// Whether the screen has a details pane beside (or below) its list.
    pub fn has_details(self) -> bool {
        !matches!(self, Screen::Log)
    }

    pub fn step(self, by: isize) -> Screen {
        let n = Screen::ALL.len() as isize;
        Screen::ALL[((self.index() as isize + by).rem_euclid(n)) as usize]
    }
}

/// The pane of a screen that has the keyboard: its list (or grid), or its details pane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    #[default]
    List,
    Details,
}

/// The connection to the selected cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Connected { version: String },
    Failed { error: String },
}

/// What the retry key does on the error banner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    Connect,
    Collections,
    Backups,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banner {
    pub message: String,
    pub retry: Option<Retry>,
}

/// A cluster the restore wizard can target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterChoice {
    /// `None` for the top-level `[milvus]`.
    pub name: Option<String>,
    pub address: String,
}

impl ClusterChoice {
    pub fn label(&self) -> String {
        match &self.name {
            None => format!("[milvus] {}", self.address),
            Some(n) => format!("{n} {}", self.address),
        }
    }
}

/// Where the configuration came from and what it says, for the header and the help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub cluster: String,
    pub address: String,
    pub config_origin: String,
    /// A configuration file was read (else the built-in defaults are in use).
    pub config_found: bool,
    /// Config problems to show (a bad file, warnings).
    pub config_problem: Option<String>,
    pub backup_storage: String,
    pub clusters: Vec<ClusterChoice>,
}

pub struct Model {
    pub session: Session,
    pub connection: Connection,
    pub screen: Screen,
    /// The pane in focus on the current screen (Tab moves it).
    pub focus: Pane,
    /// How far the details pane is scrolled (when it has the focus, arrows scroll it).
    pub details_scroll: u16,
    pub banner: Option<Banner>,
    /// A short note in the footer ("backup x deleted").
    pub notice: Option<String>,
    pub dialog: Option<Dialog>,
    pub collections: CollectionsState,
    pub backups: BackupsState,
    pub jobs: JobsState,
    pub compat: CompatState,
    pub log: LogState,
    pub quitting: bool,
    pub should_exit: bool,
    pub theme: crate::tui::theme::Theme,
}

impl Model {
    pub fn new(session: Session) -> Model {
        Model {
            session,
            connection: Connection::Connecting,
            screen: Screen::Collections,
            focus: Pane::List,
            details_scroll: 0,
            banner: None,
            notice: None,
            dialog: None,
            collections: CollectionsState::default(),
            backups: BackupsState::default(),
            jobs: JobsState::default(),
            compat: CompatState::new(),
            log: LogState::default(),
            quitting: false,
            should_exit: false,
            theme: crate::tui::theme::Theme::from_env(),
        }
    }

    /// Shows `screen`, its list in focus.
    pub fn show(&mut self, screen: Screen) {
        if self.screen != screen {
            self.focus = Pane::List;
            self.details_scroll = 0;
        }
        self.screen = screen;
    }

    /// The details pane of the current screen has the focus.
    pub fn details_focused(&self) -> bool {
        self.focus == Pane::Details && self.screen.has_details()
    }

    pub fn server_version(&self) -> Option<&str> {
        match &self.connection {
            Connection::Connected { version } => Some(version),
            _ => None,
        }
    }
}
