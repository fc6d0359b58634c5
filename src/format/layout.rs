//! Keys of a backup's files, relative to the backup storage root. Every path component below
//! the backup name is a number, so no metadata value can make a key leave the backup.

pub const META_DIR: &str = "meta";
pub const BACKUP_META: &str = "backup_meta.json";
pub const COLLECTION_META: &str = "collection_meta.json";
pub const PARTITION_META: &str = "partition_meta.json";
pub const SEGMENT_META: &str = "segment_meta.json";
pub const FULL_META: &str = "full_meta.json";

/// `NAME/meta/FILE`
pub fn meta_key(backup: &str, file: &str) -> String {
    format!("{backup}/{META_DIR}/{file}")
}

/// `NAME/binlogs/insert_log/<coll>/<part>/<group>/` — one import prefix.
pub fn insert_prefix(backup: &str, coll: i64, part: i64, group: i64) -> String {
    format!("{backup}/binlogs/insert_log/{coll}/{part}/{group}")
}

/// `NAME/binlogs/delta_log/<coll>/<part>/<group>/` — the matching delete prefix.
pub fn delta_prefix(backup: &str, coll: i64, part: i64, group: i64) -> String {
    format!("{backup}/binlogs/delta_log/{coll}/{part}/{group}")
}

/// `NAME/binlogs/insert_log/<coll>/<part>/<group>/<seg>/<field>/<log>`
pub fn insert_log_key(
    backup: &str,
    coll: i64,
    part: i64,
    group: i64,
    seg: i64,
    field: i64,
    log: i64,
) -> String {
    format!(
        "{}/{seg}/{field}/{log}",
        insert_prefix(backup, coll, part, group)
    )
}

/// `NAME/binlogs/delta_log/<coll>/<part>/<group>/<seg>/<log>`
pub fn delta_log_key(backup: &str, coll: i64, part: i64, group: i64, seg: i64, log: i64) -> String {
    format!("{}/{seg}/{log}", delta_prefix(backup, coll, part, group))
}

/// In Milvus's storage: `insert_log/<coll>/<part>/<seg>` (fields below it).
pub fn milvus_insert_dir(coll: i64, part: i64, seg: i64) -> String {
    format!("insert_log/{coll}/{part}/{seg}")
}

/// In Milvus's storage: `delta_log/<coll>/<part>/<seg>` (logs below it).
pub fn milvus_delta_dir(coll: i64, part: i64, seg: i64) -> String {
    format!("delta_log/{coll}/{part}/{seg}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_shared_layout() {
        assert_eq!(meta_key("b1", BACKUP_META), "b1/meta/backup_meta.json");
        assert_eq!(
            insert_log_key("b1", 1, 2, 3, 3, 100, 9),
            "b1/binlogs/insert_log/1/2/3/3/100/9"
        );
        assert_eq!(
            delta_log_key("b1", 1, 2, 3, 3, 9),
            "b1/binlogs/delta_log/1/2/3/3/9"
        );
        assert_eq!(milvus_insert_dir(1, 2, 3), "insert_log/1/2/3");
    }
}
