//! What [`super::update::update`] asks the executor to do in the background.

use milvus_backup_tui::jobs::JobId;

/// How restored collections are named, as the wizard collected it (already validated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamingChoice {
    Same,
    Suffix(String),
    /// Rename rules, `OLD:NEW,...` (a target database is `db.*:target.*` per source database).
    Rules(String),
}

/// A restore as the wizard describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreSpec {
    pub backup: String,
    /// `db.collection` of the chosen collections; empty means all.
    pub collections: Vec<String>,
    pub naming: NamingChoice,
    /// `None`: the top-level `[milvus]`; else a `[clusters.NAME]`.
    pub cluster: Option<String>,
    pub drop_existing: bool,
    pub create_indexes: bool,
    pub load: bool,
}

impl RestoreSpec {
    /// What the restore takes and how it names them, for the job's title.
    pub fn describe(&self) -> String {
        let what = match self.collections.len() {
            0 => "all collections".to_string(),
            n => format!("{n} collection(s)"),
        };
        let naming = match &self.naming {
            NamingChoice::Same => "same names".to_string(),
            NamingChoice::Suffix(s) => format!("suffix {s}"),
            NamingChoice::Rules(r) => format!("renamed {r}"),
        };
        let drop = if self.drop_existing {
            ", DROP EXISTING"
        } else {
            ""
        };
        format!("{what}, {naming}{drop}")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Connect,
    LoadCollections,
    /// Read the size on storage of these collections (`db.collection`, id), one by one.
    LoadStorageSizes(Vec<(String, i64)>),
    LoadBackups,
    /// After a pause, read the load state of these collections (`db`, `collection`) again.
    PollLoadStates(Vec<(String, String)>),
    DeleteBackup(String),
    StartBackup {
        name: String,
        /// `db.collection` of each selected collection.
        collections: Vec<String>,
    },
    /// Verify the backup of this name (size and CRC-32C of every file) as a job.
    StartVerify(String),
    PlanRestore(RestoreSpec),
    StartRestore(RestoreSpec),
    CancelJob(JobId),
    CancelAllJobs,
    Exit,
}
