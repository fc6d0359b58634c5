//! Where Milvus reads a backup's files from during import, and staging them there when the
//! backup lives where the target Milvus cannot read.

use crate::format::{self, CollectionBackup, SegmentBackup};
use crate::storage::{Store, join_key};

/// The prefix inside Milvus's storage that staged files go under, one per restore run.
pub fn staging_root(run_id: &str) -> String {
    format!("{STAGING_DIR}/{run_id}")
}

/// The top directory of all staging prefixes in Milvus's storage.
pub const STAGING_DIR: &str = "mbt_staging";

/// Where a backup file is staged: below the run's root, without the backup name (keys stay
/// short: some S3 servers map whole keys onto file names of at most 255 bytes).
pub fn staged_key(root: &str, backup: &str, key: &str) -> String {
    join_key(root, key.strip_prefix(backup).unwrap_or(key))
}

/// Every file of a segment as a backup key, with its recorded size. Keys are built from ids,
/// never from the recorded `log_path`.
pub fn segment_keys(backup: &str, seg: &SegmentBackup) -> Vec<(String, u64)> {
    seg.files(backup)
        .into_iter()
        .map(|f| (f.key, f.size))
        .collect()
}

/// All files of a collection as backup keys with sizes.
pub fn collection_keys(backup: &str, coll: &CollectionBackup) -> Vec<(String, u64)> {
    coll.segments()
        .flat_map(|s| segment_keys(backup, s))
        .collect()
}

/// Where Milvus finds the backup's files: the backup store itself, or a staging prefix in
/// Milvus's own storage.
pub enum ImportSource<'a> {
    Direct(&'a Store),
    Staged {
        milvus: &'a Store,
        root: String,
        backup: String,
    },
}

impl ImportSource<'_> {
    /// The `files` of an Import call for one segment group: the insert prefix and the delta
    /// prefix, always both: given one path, Milvus takes it for a data file and answers
    /// "unsupported file type"; a delta prefix without files is fine. Prefixes end with `/`
    /// so that group 12 never picks up group 123.
    pub fn import_paths(&self, backup: &str, coll: i64, part: i64, group: i64) -> Vec<String> {
        [
            format::insert_prefix(backup, coll, part, group),
            format::delta_prefix(backup, coll, part, group),
        ]
        .into_iter()
        .map(|k| format!("{}/", self.server_path(&k)))
        .collect()
    }

    fn server_path(&self, key: &str) -> String {
        match self {
            ImportSource::Direct(store) => store.server_path(key),
            ImportSource::Staged {
                milvus,
                root,
                backup,
            } => milvus.server_path(&staged_key(root, backup, key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Binlog, FieldBinlog};

    #[test]
    fn keys_come_from_ids_never_from_recorded_paths() {
        let seg = SegmentBackup {
            segment_id: 5,
            collection_id: 1,
            partition_id: 2,
            group_id: 4,
            binlogs: vec![FieldBinlog {
                field_id: 100,
                binlogs: vec![Binlog {
                    log_path: "../../etc/passwd".into(),
                    log_id: 0,
                    log_size: 3,
                    ..Default::default()
                }],
            }],
            deltalogs: vec![FieldBinlog {
                field_id: 0,
                binlogs: vec![Binlog {
                    log_path: "files/delta_log/1/2/5/77".into(),
                    log_size: 9,
                    ..Default::default()
                }],
            }],
            ..Default::default()
        };
        assert_eq!(
            segment_keys("b", &seg),
            vec![
                ("b/binlogs/insert_log/1/2/4/5/100/0".to_string(), 3),
                ("b/binlogs/delta_log/1/2/4/5/77".to_string(), 9)
            ]
        );
    }
}
