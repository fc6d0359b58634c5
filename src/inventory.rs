//! What Milvus's own storage holds for a collection, read from the storage alone (no Milvus
//! call): the bytes of its insert, delete and statistics logs, in all and per partition.

use crate::storage::Store;
use crate::{Error, Result};
use std::collections::BTreeMap;

/// The top-level directories of Milvus's storage that hold a collection's files, each as
/// `<kind>/<collection id>/<partition id>/<segment id>/...`.
pub const LOG_DIRS: [&str; 3] = ["insert_log", "delta_log", "stats_log"];

/// The size of one collection's files in Milvus's storage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageSize {
    /// Bytes of every file under the collection's directories.
    pub total: u64,
    /// How many files that is.
    pub files: usize,
    /// Bytes per partition id (the directory right below the collection's).
    pub partitions: BTreeMap<i64, u64>,
}

impl StorageSize {
    /// Bytes of one partition (0 if it has no file).
    pub fn partition(&self, id: i64) -> u64 {
        self.partitions.get(&id).copied().unwrap_or(0)
    }
}

/// Sums every file under `insert_log/<id>/`, `delta_log/<id>/` and `stats_log/<id>/` of
/// Milvus's storage. A local storage whose directory does not exist is an error (a wrong
/// `[milvus.storage]` would otherwise read as an empty collection).
pub async fn collection_storage(milvus: &Store, collection_id: i64) -> Result<StorageSize> {
    if !milvus.root_exists() {
        return Err(Error::Storage {
            store: milvus.label(),
            op: "list",
            path: String::new(),
            reason:
                "the directory does not exist (is [milvus.storage] the storage this Milvus uses?)"
                    .into(),
        });
    }
    let mut size = StorageSize::default();
    for dir in LOG_DIRS {
        let prefix = format!("{dir}/{collection_id}");
        for f in milvus.list_files(&prefix).await? {
            size.total += f.size;
            size.files += 1;
            if let Some(part) = partition_of(&f.key, &prefix) {
                *size.partitions.entry(part).or_default() += f.size;
            }
        }
    }
    Ok(size)
}

/// [`collection_storage`]'s total alone.
pub async fn collection_storage_size(milvus: &Store, collection_id: i64) -> Result<u64> {
    Ok(collection_storage(milvus, collection_id).await?.total)
}

/// The partition id in `<prefix>/<partition>/...`, if the key has that shape.
fn partition_of(key: &str, prefix: &str) -> Option<i64> {
    let rest = key.trim_start_matches('/').strip_prefix(prefix)?;
    let rest = rest.strip_prefix('/')?;
    let (part, below) = rest.split_once('/')?;
    if below.is_empty() {
        return None;
    }
    part.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Provider, StorageConfig};
    use crate::storage::Role;

    fn milvus_store(root: &std::path::Path) -> Store {
        Store::open(
            &StorageConfig {
                provider: Provider::Fs,
                root: Some(root.display().to_string()),
                ..Default::default()
            },
            Role::Milvus,
        )
        .unwrap()
    }

    fn put(root: &std::path::Path, key: &str, len: usize) {
        let path = root.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, vec![7u8; len]).unwrap();
    }

    #[tokio::test]
    async fn sums_the_three_log_kinds_of_one_collection_per_partition() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        put(root, "insert_log/10/1/100/0/1", 1000);
        put(root, "insert_log/10/1/100/101/2", 500);
        put(root, "insert_log/10/2/200/0/3", 250);
        put(root, "delta_log/10/2/200/4", 40);
        put(root, "stats_log/10/1/100/0/5", 7);
        // Another collection, and one whose id starts the same: not counted.
        put(root, "insert_log/11/1/300/0/6", 9999);
        put(root, "insert_log/100/1/400/0/7", 8888);
        // Not a log directory.
        put(root, "index_files/10/1/100/8", 5555);
        let store = milvus_store(root);
        let s = collection_storage(&store, 10).await.unwrap();
        assert_eq!(s.total, 1000 + 500 + 250 + 40 + 7);
        assert_eq!(s.files, 5);
        assert_eq!(s.partition(1), 1507);
        assert_eq!(s.partition(2), 290);
        assert_eq!(s.partition(3), 0);
        assert_eq!(collection_storage_size(&store, 10).await.unwrap(), 1797);
        assert_eq!(collection_storage_size(&store, 100).await.unwrap(), 8888);
    }

    #[tokio::test]
    async fn a_collection_without_files_is_empty_and_a_missing_root_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let store = milvus_store(tmp.path());
        assert_eq!(
            collection_storage(&store, 42).await.unwrap(),
            StorageSize::default()
        );
        let missing = milvus_store(&tmp.path().join("nope"));
        let e = collection_storage_size(&missing, 42).await.unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }

    #[test]
    fn partition_ids_come_from_the_directory_below_the_collection() {
        assert_eq!(
            partition_of("insert_log/10/3/4/5/6", "insert_log/10"),
            Some(3)
        );
        assert_eq!(partition_of("/delta_log/10/3/4/5", "delta_log/10"), Some(3));
        assert_eq!(partition_of("insert_log/10/x/4", "insert_log/10"), None);
        assert_eq!(partition_of("insert_log/10/3", "insert_log/10"), None);
        assert_eq!(partition_of("insert_log/100/3/4", "insert_log/10"), None);
    }
}
