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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Connect,
    LoadCollections,
    /// Read the size on storage of these collections (`db.collection`, id), one by one.
    LoadStorageSizes(Vec<(String, i64)>),
    LoadBackups,
    DeleteBackup(String),
    StartBackup {
        name: String,
        /// `db.collection` of each selected collection.
        collections: Vec<String>,
    },
    PlanRestore(RestoreSpec),
    StartRestore(RestoreSpec),
    CancelJob(JobId),
    CancelAllJobs,
    Exit,
}
