//! The backups in a backup storage: list, read one, delete one.

use crate::format::{self, BackupInfo, BackupState};
use crate::lock::BackupLock;
use crate::names::validate_backup_name;
use crate::storage::Store;
use crate::{Error, Result};

/// One line of `list`.
#[derive(Clone, Debug)]
pub struct BackupEntry {
    pub name: String,
    /// `None` for an incomplete backup (no `backup_meta.json`).
    pub info: Option<BackupInfo>,
    /// Why the metadata could not be read, for a backup whose metadata is corrupt.
    pub problem: Option<String>,
}

impl BackupEntry {
    pub fn state(&self) -> &'static str {
        match (&self.info, &self.problem) {
            (Some(_), _) => "complete",
            (None, Some(_)) => "unreadable",
            (None, None) => "incomplete",
        }
    }
}

/// Every backup under the storage root, complete or not, sorted by name. Directories whose
/// names are not valid backup names are not backups and are left out.
pub async fn list_backups(store: &Store) -> Result<Vec<BackupEntry>> {
    let names: Vec<String> = store
        .list_dirs("")
        .await?
        .into_iter()
        .filter(|n| validate_backup_name(n).is_ok())
        .collect();
    let reads = names.iter().map(|name| async move {
        match format::read_backup_state(store, name).await {
            Ok(BackupState::Complete(info)) => Some(BackupEntry {
                name: name.clone(),
                info: Some(*info),
                problem: None,
            }),
            Ok(BackupState::Incomplete) => Some(BackupEntry {
                name: name.clone(),
                info: None,
                problem: None,
            }),
            Ok(BackupState::Missing) => None,
            Err(e) => Some(BackupEntry {
                name: name.clone(),
                info: None,
                problem: Some(e.to_string()),
            }),
        }
    });
    let entries = futures::future::join_all(reads).await;
    Ok(entries.into_iter().flatten().collect())
}

/// A complete backup's metadata.
pub async fn get_backup(store: &Store, name: &str) -> Result<BackupInfo> {
    validate_backup_name(name)?;
    format::read_backup(store, name).await
}

/// Deletes a backup, complete or incomplete. Returns how many files were removed. Refused
/// while another operation holds the backup's lock (see [`crate::lock`]).
pub async fn delete_backup(store: &Store, name: &str) -> Result<usize> {
    validate_backup_name(name)?;
    let lock = BackupLock::acquire(store, name, "delete").await?;
    let result = delete_locked(store, name).await;
    let released = lock.release().await;
    let n = result?;
    released?;
    Ok(n)
}

async fn delete_locked(store: &Store, name: &str) -> Result<usize> {
    let files = store.list_files(name).await?;
    if files.is_empty() {
        return Err(Error::backup(name, "no such backup"));
    }
    // Metadata first: from the first deleted byte on, the backup no longer looks complete.
    store
        .delete(&format::meta_key(name, format::BACKUP_META))
        .await?;
    store.delete_prefix(name).await?;
    Ok(files.len())
}
