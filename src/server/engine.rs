//! The engine calls a request needs before a job starts: open the stores, connect with a time
//! limit, plan a restore. One place for the open-and-connect sequence of the server (the CLI's
//! `Context` and the UI's executor have their own; they could use these).

use milvus_backup_tui::config::{Config, MilvusConfig};
use milvus_backup_tui::milvus::MilvusClient;
use milvus_backup_tui::progress::ProgressSender;
use milvus_backup_tui::restore::{RestoreOptions, RestorePlan, check_backup, plan_restore_checked};
use milvus_backup_tui::storage::{Role, Store};
use milvus_backup_tui::{Error, Result};
use std::time::Duration;

/// How long a connection attempt may take.
pub const CONNECT_LIMIT: Duration = Duration::from_secs(15);

pub fn backup_store(config: &Config) -> Result<Store> {
    Store::open(&config.backup.storage, Role::Backup)
}

pub async fn connect(cfg: &MilvusConfig) -> Result<MilvusClient> {
    match tokio::time::timeout(CONNECT_LIMIT, MilvusClient::connect(cfg)).await {
        Ok(r) => r,
        Err(_) => Err(Error::Connect {
            address: cfg.address.clone(),
            reason: format!("no answer within {} s", CONNECT_LIMIT.as_secs()),
        }),
    }
}

/// What a restore would do, refused (having changed nothing) when the backup is missing,
/// incomplete or damaged, the version pair is refused, names collide, or targets exist without
/// `drop_existing`. The job plans again when it starts, so a target changed since is caught.
pub async fn plan_restore(
    config: &Config,
    target: &MilvusConfig,
    opts: &RestoreOptions,
) -> Result<RestorePlan> {
    let backups = backup_store(config)?;
    let milvus = Store::open(&target.storage, Role::Milvus)?;
    // The backup first: a backup that cannot be restored is refused without touching Milvus.
    let checked = check_backup(&backups, opts, &ProgressSender::discard()).await?;
    let client = connect(target).await?;
    let plan = plan_restore_checked(&client, &backups, &milvus, opts, checked).await?;
    plan.refuse_conflicts()?;
    Ok(plan)
}

/// `check`: Milvus answers, both storages open, the backup root exists.
pub async fn check(config: &Config, target: &MilvusConfig) -> Result<serde_json::Value> {
    let backups = backup_store(config)?;
    let milvus = Store::open(&target.storage, Role::Milvus)?;
    let client = connect(target).await?;
    Ok(serde_json::json!({
        "milvus_address": client.address(),
        "milvus_version": client.server_version(),
        "milvus_storage": milvus.label(),
        "milvus_storage_root_exists": milvus.root_exists(),
        "backup_storage": backups.label(),
        "backup_storage_root_exists": backups.root_exists(),
    }))
}
