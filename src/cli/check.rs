//! `check`: connect to everything, probe both storages, and say plainly what is wrong.

use super::context::Context;
use milvus_backup_tui::config::{DEFAULT_MILVUS_FS_ROOT, Provider, StorageConfig};
use milvus_backup_tui::schema_support::is_milvus_lite;
use milvus_backup_tui::storage::Store;
use milvus_backup_tui::{Error, Result};

pub async fn run(ctx: &Context) -> Result<()> {
    let cfg = ctx.milvus_config()?;
    println!("configuration: {}", ctx.config.origin);
    let mut failures = 0;

    // Milvus
    let client = match ctx.connect().await {
        Ok(c) => {
            println!("ok    Milvus {} at {}", c.server_version(), c.address());
            Some(c)
        }
        Err(e) => {
            report_failure("Milvus", &e);
            failures += 1;
            None
        }
    };
    let mut collections_with_rows = 0usize;
    if let Some(client) = &client {
        match inventory(client).await {
            Ok((dbs, colls, with_rows)) => {
                collections_with_rows = with_rows;
                println!("ok    {dbs} database(s), {colls} collection(s)");
            }
            Err(e) => {
                report_failure("listing collections", &e);
                failures += 1;
            }
        }
    }

    // Milvus's storage
    let probe = format!(
        "milvus_backup_tui_probe/{}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let lite = client
        .as_ref()
        .is_some_and(|c| is_milvus_lite(c.server_version()));
    match ctx.milvus_store() {
        Ok(_) if lite => println!(
            "ok    Milvus Lite keeps no binlogs: [milvus.storage] is not used; backups of this server need the portable format (rows read through the public API)"
        ),
        Err(e) => {
            report_failure("Milvus storage", &e);
            failures += 1;
        }
        Ok(store) => {
            failures += check_milvus_store(
                &store,
                &probe,
                collections_with_rows,
                storage_configured(&cfg.storage),
            )
            .await
        }
    }

    // Backup storage
    match ctx.backup_store() {
        Err(e) => {
            report_failure("backup storage", &e);
            failures += 1;
        }
        Ok(store) => failures += check_backup_store(&store, &probe).await,
    }

    if failures == 0 {
        println!("all checks passed");
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{failures} check(s) failed (see above)"
        )))
    }
}

async fn inventory(
    client: &milvus_backup_tui::milvus::MilvusClient,
) -> Result<(usize, usize, usize)> {
    let dbs = client.list_databases().await?;
    let mut colls = 0;
    let mut with_rows = 0;
    for db in &dbs {
        for c in client.list_collections(db).await? {
            colls += 1;
            if client.row_count(db, &c).await.unwrap_or(0) > 0 {
                with_rows += 1;
            }
        }
    }
    Ok((dbs.len(), colls, with_rows))
}

/// Whether `[milvus.storage]` names a place: the loader fills an unset fs root with the
/// default, so the default root counts as "not configured".
fn storage_configured(s: &StorageConfig) -> bool {
    s.provider == Provider::S3 || s.root.as_deref() != Some(DEFAULT_MILVUS_FS_ROOT)
}

async fn check_milvus_store(
    store: &Store,
    probe: &str,
    collections_with_rows: usize,
    configured: bool,
) -> usize {
    let label = store.label();
    if !store.root_exists() && !configured {
        // Nothing configured and nothing at the default place: a server whose storage this
        // machine cannot read (a managed service, another host). Not an error.
        println!(
            "ok    Milvus storage is not configured ([milvus.storage] root unset; the default {label} does not exist): binlog backups are impossible, backups of this server need the portable format (rows read through the public API)"
        );
        return 0;
    }
    if !store.root_exists() {
        println!(
            "FAIL  Milvus storage {label} does not exist: set [milvus.storage] root to Milvus's localStorage.path"
        );
        return 1;
    }
    let mut failures = 0;
    match store.list_dirs("").await {
        Ok(dirs) => {
            let has_data = dirs.iter().any(|d| d == "insert_log");
            if has_data {
                println!("ok    Milvus storage {label} holds insert_log/");
            } else if collections_with_rows > 0 {
                println!(
                    "FAIL  Milvus storage {label} holds no insert_log/ although {collections_with_rows} collection(s) have rows: the root is wrong (for local storage: Milvus's localStorage.path; for S3: minio.bucketName and minio.rootPath)"
                );
                failures += 1;
            } else {
                println!(
                    "ok    Milvus storage {label} is reachable (no insert_log/ yet: no data flushed)"
                );
            }
        }
        Err(e) => {
            report_failure("Milvus storage", &e);
            return 1;
        }
    }
    match store.probe_write(probe).await {
        Ok(()) => {
            println!("ok    Milvus storage is writable (needed to stage restores from elsewhere)")
        }
        Err(e) => {
            println!(
                "warn  Milvus storage is not writable: restores from another storage cannot be staged ({e})"
            );
        }
    }
    failures
}

async fn check_backup_store(store: &Store, probe: &str) -> usize {
    let label = store.label();
    if !store.root_exists() {
        println!("ok    backup storage {label} does not exist yet: the first backup creates it");
        return 0;
    }
    match store.list_dirs("").await {
        Ok(dirs) => println!("ok    backup storage {label}: {} entr(ies)", dirs.len()),
        Err(e) => {
            report_failure("backup storage", &e);
            return 1;
        }
    }
    match store.probe_write(probe).await {
        Ok(()) => {
            println!("ok    backup storage is writable");
            0
        }
        Err(e) => {
            report_failure("backup storage write", &e);
            1
        }
    }
}

fn report_failure(what: &str, e: &Error) {
    println!("FAIL  {what}: {e}");
    if let Some(h) = e.hint() {
        println!("      hint: {h}");
    }
}
