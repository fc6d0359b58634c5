//! Reading and writing a backup's metadata documents.
//!
//! Writing order is the guarantee: the level files and `full_meta.json` first,
//! `backup_meta.json` last. A backup whose `backup_meta.json` is missing is incomplete and is
//! never restored.

use super::layout::*;
use super::meta::*;
use crate::storage::Store;
use crate::{Error, Result};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// What the backup storage holds under a name.
#[derive(Debug)]
pub enum BackupState {
    Complete(Box<BackupInfo>),
    /// Data or partial metadata without `backup_meta.json`: interrupted or still being written.
    Incomplete,
    Missing,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Infos<T> {
    infos: Vec<T>,
}

/// Writes every metadata document of `info` under `name`, `backup_meta.json` last.
pub async fn write_backup(store: &Store, name: &str, info: &BackupInfo) -> Result<()> {
    let segments: Vec<SegmentBackup> = info
        .collection_backups
        .iter()
        .flat_map(|c| c.segments().cloned())
        .collect();
    let partitions: Vec<PartitionBackup> = info
        .collection_backups
        .iter()
        .flat_map(|c| c.partition_backups.iter())
        .map(|p| PartitionBackup {
            segment_backups: vec![],
            ..p.clone()
        })
        .collect();
    let collections: Vec<CollectionBackup> = info
        .collection_backups
        .iter()
        .map(|c| CollectionBackup {
            partition_backups: vec![],
            ..c.clone()
        })
        .collect();
    let top = BackupInfo {
        collection_backups: vec![],
        ..info.clone()
    };
    put(store, name, SEGMENT_META, &Infos { infos: segments }).await?;
    put(store, name, PARTITION_META, &Infos { infos: partitions }).await?;
    put(store, name, COLLECTION_META, &Infos { infos: collections }).await?;
    put(store, name, FULL_META, info).await?;
    put(store, name, BACKUP_META, &top).await
}

async fn put<T: Serialize>(store: &Store, name: &str, file: &str, value: &T) -> Result<()> {
    let bytes = serde_json::to_vec(value)
        .map_err(|e| Error::backup(name, format!("cannot encode {file}: {e}")))?;
    store.write(&meta_key(name, file), bytes).await
}

async fn get<T: DeserializeOwned>(store: &Store, name: &str, file: &str) -> Result<Option<T>> {
    let key = meta_key(name, file);
    match store.read(&key).await? {
        None => Ok(None),
        Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            Error::backup(
                name,
                format!("{key} is corrupt ({e}); the backup cannot be read"),
            )
        }),
    }
}

/// Whether `name` is a complete backup, an incomplete one, or nothing.
pub async fn read_backup_state(store: &Store, name: &str) -> Result<BackupState> {
    if store.exists(&meta_key(name, BACKUP_META)).await? {
        return Ok(BackupState::Complete(Box::new(
            read_backup(store, name).await?,
        )));
    }
    let anything = !store.list_dirs(name).await?.is_empty();
    Ok(if anything {
        BackupState::Incomplete
    } else {
        BackupState::Missing
    })
}

/// Reads a complete backup: `full_meta.json` when present, else the level files.
pub async fn read_backup(store: &Store, name: &str) -> Result<BackupInfo> {
    let Some(top) = get::<BackupInfo>(store, name, BACKUP_META).await? else {
        let reason = if store.list_dirs(name).await?.is_empty() {
            "no such backup"
        } else {
            "the backup is incomplete (meta/backup_meta.json is missing): it was interrupted or is still being written"
        };
        return Err(Error::backup(name, reason));
    };
    let mut info = match get::<BackupInfo>(store, name, FULL_META).await? {
        Some(full) => full,
        None => assemble(store, name, top.clone()).await?,
    };
    if info.name.is_empty() {
        info.name = top.name.clone();
    }
    if info.name != name {
        return Err(Error::backup(
            name,
            format!(
                "its metadata names it '{}': the directory was renamed or the metadata belongs elsewhere",
                info.name
            ),
        ));
    }
    Ok(info)
}

async fn assemble(store: &Store, name: &str, mut top: BackupInfo) -> Result<BackupInfo> {
    let missing = |file: &str| Error::backup(name, format!("{} is missing", meta_key(name, file)));
    let colls: Infos<CollectionBackup> = get(store, name, COLLECTION_META)
        .await?
        .ok_or_else(|| missing(COLLECTION_META))?;
    let parts: Infos<PartitionBackup> = get(store, name, PARTITION_META)
        .await?
        .ok_or_else(|| missing(PARTITION_META))?;
    let segs: Infos<SegmentBackup> = get(store, name, SEGMENT_META)
        .await?
        .ok_or_else(|| missing(SEGMENT_META))?;
    let mut partitions = parts.infos;
    for p in &mut partitions {
        p.segment_backups = segs
            .infos
            .iter()
            .filter(|s| s.partition_id == p.partition_id && s.collection_id == p.collection_id)
            .cloned()
            .collect();
    }
    top.collection_backups = colls
        .infos
        .into_iter()
        .map(|mut c| {
            c.partition_backups = partitions
                .iter()
                .filter(|p| p.collection_id == c.collection_id)
                .cloned()
                .collect();
            c
        })
        .collect();
    Ok(top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Provider, StorageConfig};
    use crate::storage::Role;

    fn sample() -> BackupInfo {
        let seg = SegmentBackup {
            segment_id: 3,
            collection_id: 1,
            partition_id: 2,
            num_of_rows: 10,
            binlogs: vec![FieldBinlog {
                field_id: 100,
                binlogs: vec![Binlog {
                    log_path: "insert_log/1/2/3/100/7".into(),
                    log_size: 5,
                    log_id: 7,
                    ..Default::default()
                }],
            }],
            ..Default::default()
        };
        BackupInfo {
            id: "x".into(),
            name: "b1".into(),
            state_code: STATE_SUCCESS,
            collection_backups: vec![CollectionBackup {
                collection_id: 1,
                db_name: "default".into(),
                collection_name: "c".into(),
                partition_backups: vec![PartitionBackup {
                    partition_id: 2,
                    partition_name: "_default".into(),
                    collection_id: 1,
                    segment_backups: vec![seg],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    async fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = StorageConfig {
            provider: Provider::Fs,
            root: Some(tmp.path().display().to_string()),
            ..Default::default()
        };
        let s = Store::open(&cfg, Role::Backup).unwrap();
        (tmp, s)
    }

    #[tokio::test]
    async fn round_trips_through_full_and_level_files() {
        let (tmp, store) = store().await;
        write_backup(&store, "b1", &sample()).await.unwrap();
        assert_eq!(read_backup(&store, "b1").await.unwrap(), sample());
        std::fs::remove_file(tmp.path().join("b1/meta/full_meta.json")).unwrap();
        assert_eq!(
            read_backup(&store, "b1").await.unwrap(),
            sample(),
            "level files alone suffice"
        );
        let top: serde_json::Value = serde_json::from_slice(
            &std::fs::read(tmp.path().join("b1/meta/backup_meta.json")).unwrap(),
        )
        .unwrap();
        assert!(top.get("collection_backups").is_none());
    }

    #[tokio::test]
    async fn without_backup_meta_it_is_incomplete() {
        let (tmp, store) = store().await;
        write_backup(&store, "b1", &sample()).await.unwrap();
        std::fs::remove_file(tmp.path().join("b1/meta/backup_meta.json")).unwrap();
        assert!(matches!(
            read_backup_state(&store, "b1").await.unwrap(),
            BackupState::Incomplete
        ));
        let err = read_backup(&store, "b1").await.unwrap_err().to_string();
        assert!(err.contains("incomplete"), "{err}");
        assert!(matches!(
            read_backup_state(&store, "zz").await.unwrap(),
            BackupState::Missing
        ));
    }

    #[tokio::test]
    async fn corrupt_metadata_is_named() {
        let (tmp, store) = store().await;
        write_backup(&store, "b1", &sample()).await.unwrap();
        std::fs::write(
            tmp.path().join("b1/meta/full_meta.json"),
            b"{\"collection_backups\": [",
        )
        .unwrap();
        let err = read_backup(&store, "b1").await.unwrap_err().to_string();
        assert!(err.contains("b1/meta/full_meta.json is corrupt"), "{err}");
    }
}
