//! Plain results of [`super::MilvusClient`] calls.

use super::proto;

/// What `DescribeCollection` says about a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionInfo {
    /// The database it was described in (the requested one).
    pub db: String,
    /// Its name as the server reports it (2.3.5 reports the alias when described through
    /// one; the `id` is the real collection's).
    pub name: String,
    pub id: i64,
    pub schema: proto::schema::CollectionSchema,
    pub shards_num: i32,
    /// A `common.ConsistencyLevel` value.
    pub consistency_level: i32,
    pub aliases: Vec<String>,
    pub properties: Vec<(String, String)>,
    /// Hybrid timestamp of creation.
    pub created_timestamp: u64,
    /// Partition-key collections: the number of physical partitions (0 otherwise or unknown).
    pub num_partitions: i64,
}

/// What `DescribeDatabase` (2.4.3+) says about a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseInfo {
    pub id: i64,
    pub properties: Vec<(String, String)>,
}

/// One partition of a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    /// 0 when the server does not tell (Milvus Lite lists names only).
    pub id: i64,
    pub name: String,
}

/// One index as `DescribeIndex` reports it; `params` (index_type, metric_type, params, ...) go
/// back unchanged as `CreateIndex`'s `extra_params`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    pub field_name: String,
    pub index_name: String,
    pub params: Vec<(String, String)>,
}

/// One persisted segment (`GetPersistentSegmentInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentInfo {
    pub id: i64,
    pub collection_id: i64,
    pub partition_id: i64,
    pub num_rows: i64,
    /// A `common.SegmentState` value (4 = Flushed).
    pub state: i32,
}

impl SegmentInfo {
    /// `true` for a segment in state Flushed.
    pub fn is_flushed(&self) -> bool {
        self.state == proto::common::SegmentState::Flushed as i32
    }
}

/// Whether a collection is loaded into the query nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadState {
    NotExist,
    NotLoad,
    Loading,
    Loaded,
}

impl LoadState {
    pub fn as_str(self) -> &'static str {
        match self {
            LoadState::NotExist => "not exist",
            LoadState::NotLoad => "not loaded",
            LoadState::Loading => "loading",
            LoadState::Loaded => "loaded",
        }
    }
}

/// The state of one import task (`GetImportState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStatus {
    /// A `common.ImportState` value.
    pub state: i32,
    /// The task reached ImportCompleted.
    pub finished: bool,
    /// The task reached ImportFailed or ImportFailedAndCleaned.
    pub failed: bool,
    /// Rows imported (when finished) or parsed so far.
    pub row_count: i64,
    /// `infos["failed_reason"]` (empty when none).
    pub failed_reason: String,
    /// `infos["progress_percent"]` when the server reports it.
    pub progress_percent: Option<i64>,
}

impl ImportStatus {
    /// The name of `state` (`ImportPending`, `ImportCompleted`, ...), or the number if unknown.
    pub fn state_name(&self) -> String {
        proto::common::ImportState::try_from(self.state)
            .map(|s| s.as_str_name().to_string())
            .unwrap_or_else(|_| format!("ImportState({})", self.state))
    }
}
