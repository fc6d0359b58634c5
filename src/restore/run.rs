//! Running a restore plan: create, stage, import, verify, index, alias, load, clean up.

use super::plan::{PlannedCollection, RestoreOptions, RestorePlan};
use super::stage::{ImportSource, collection_keys, staged_key, staging_root};
use crate::error::check_cancel;
use crate::format::{BackupInfo, SegmentBackup, db_or_default};
use crate::lock::BackupLock;
use crate::milvus::{IndexInfo, MilvusClient};
use crate::progress::{CollectionProgress, Count, Phase, ProgressSender};
use crate::schema_map;
use crate::storage::{Store, copy_file};
use crate::test_hooks;
use crate::{Error, Result};
use futures::{StreamExt, TryStreamExt};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How far a collection got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CollectionOutcome {
    NotStarted,
    /// Created but its data is not (all) imported.
    Created,
    /// Data imported and row counts checked.
    Restored,
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct CollectionReport {
    pub source: String,
    pub target: String,
    pub outcome: CollectionOutcome,
    pub rows_expected: i64,
    pub rows_imported: i64,
    /// Saved rows that the backup's delete logs removed during import.
    pub rows_deleted: i64,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RestoreReport {
    pub collections: Vec<CollectionReport>,
    /// Staging files were copied and then removed (or the removal failed: see warnings).
    pub staged_bytes: u64,
    pub warnings: Vec<String>,
}

/// Polling interval and limit for one import task.
const IMPORT_POLL: Duration = Duration::from_millis(500);
const IMPORT_LIMIT: Duration = Duration::from_secs(3600);

/// Runs `plan`. Returns the per-collection report together with the first error, if any;
/// staging files are removed in every case.
pub async fn run_restore(
    client: &MilvusClient,
    backups: &Store,
    milvus: &Store,
    plan: &RestorePlan,
    opts: &RestoreOptions,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> (RestoreReport, Result<()>) {
    let mut report = RestoreReport {
        collections: plan
            .collections
            .iter()
            .map(|c| CollectionReport {
                source: c.source.qualified_name(),
                target: c.target(),
                outcome: CollectionOutcome::NotStarted,
                rows_expected: c.rows,
                rows_imported: 0,
                rows_deleted: 0,
                warnings: vec![],
            })
            .collect(),
        ..Default::default()
    };
    report.warnings.extend(plan.warnings.iter().cloned());
    // A plan that lists existing targets (made without drop_existing) never runs.
    if let Err(e) = plan.refuse_conflicts() {
        progress.phase(Phase::Failed);
        return (report, Err(e));
    }
    progress.update(|p| {
        p.collections.total = plan.collections.len() as u64;
        p.segments.total = plan.collections.iter().map(|c| c.groups as u64).sum();
        if plan.staging {
            p.files.total = plan.collections.iter().map(|c| c.files as u64).sum();
            p.bytes.total = plan.total_bytes();
        }
        p.per_collection = plan
            .collections
            .iter()
            .map(|c| CollectionProgress {
                name: c.target(),
                segments: Count {
                    done: 0,
                    total: c.groups as u64,
                },
                bytes: Count {
                    done: 0,
                    total: if plan.staging { c.bytes } else { 0 },
                },
            })
            .collect();
    });
    let lock = match BackupLock::acquire(backups, &plan.backup.name, "restore").await {
        Ok(l) => l,
        Err(e) => {
            progress.phase(Phase::Failed);
            return (report, Err(e));
        }
    };
    report.warnings.extend(lock.warning.clone());
    let imports = AtomicU64::new(0);
    let run_id = format!("{:x}", chrono::Utc::now().timestamp_micros());
    let root = staging_root(&run_id);
    let source = if plan.staging {
        ImportSource::Staged {
            milvus,
            root: root.clone(),
            backup: plan.backup.name.clone(),
        }
    } else {
        ImportSource::Direct(backups)
    };
    let mut created_dbs: Vec<String> = vec![];
    let mut result = Ok(());
    for (i, coll) in plan.collections.iter().enumerate() {
        progress.update(|p| p.current = Some(coll.target()));
        let outcome = restore_one(
            client,
            backups,
            milvus,
            plan,
            opts,
            coll,
            &source,
            &root,
            &mut created_dbs,
            &mut report.collections[i],
            &imports,
            progress,
            cancel,
        )
        .await;
        if plan.staging {
            report.staged_bytes += coll.bytes;
            cleanup(milvus, &root, &mut report.warnings, progress).await;
        }
        match outcome {
            Ok(()) => {
                report.collections[i].outcome = CollectionOutcome::Restored;
                progress.update(|p| p.collections.done += 1);
            }
            Err(e) => {
                let r = &mut report.collections[i];
                if r.outcome == CollectionOutcome::NotStarted && !matches!(e, Error::Cancelled) {
                    r.outcome = CollectionOutcome::Failed(e.to_string());
                } else if r.outcome == CollectionOutcome::Created {
                    r.outcome = CollectionOutcome::Failed(format!(
                        "created, but its data is incomplete: {e}"
                    ));
                }
                result = Err(e);
                break;
            }
        }
    }
    if let Err(e) = lock.release().await {
        report.warnings.push(format!(
            "the lock on backup '{}' was not removed: {e}",
            plan.backup.name
        ));
    }
    progress.update(|p| p.current = None);
    progress.phase(if result.is_ok() {
        Phase::Done
    } else {
        Phase::Failed
    });
    (report, result)
}

#[allow(clippy::too_many_arguments)]
async fn restore_one(
    client: &MilvusClient,
    backups: &Store,
    milvus: &Store,
    plan: &RestorePlan,
    opts: &RestoreOptions,
    coll: &PlannedCollection,
    source: &ImportSource<'_>,
    staging: &str,
    created_dbs: &mut Vec<String>,
    report: &mut CollectionReport,
    imports: &AtomicU64,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> Result<()> {
    let (db, name) = (coll.target_db.as_str(), coll.target_name.as_str());
    let src = &coll.source;
    // This collection's place in the plan, for its own progress counters.
    let index = plan
        .collections
        .iter()
        .position(|c| std::ptr::eq(c, coll))
        .unwrap_or(0);
    check_cancel(cancel)?;
    progress.phase(Phase::CreatingCollections);
    if !coll.db_exists && !created_dbs.iter().any(|d| d == db) {
        if db != "default" {
            progress.message(format!("creating database {db}"));
            client
                .create_database_with(db, &database_properties(&plan.backup, &src.db_name))
                .await?;
        }
        created_dbs.push(db.to_string());
    }
    if opts.drop_existing && client.has_collection(db, name).await? {
        progress.message(format!(
            "dropping existing collection {db}.{name} (--drop-existing)"
        ));
        // Milvus keeps an alias after its collection is dropped: remove them first, so the
        // restored collection can take them again.
        for alias in client.describe_collection(db, name).await?.aliases {
            client.drop_alias(db, &alias).await?;
        }
        client.drop_collection(db, name).await?;
    }
    let partitions = &src.partition_backups;
    let num_partitions = if coll.partition_key() {
        partitions.len() as i64
    } else {
        0
    };
    let properties: Vec<(String, String)> = src
        .properties
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    client
        .create_collection(
            db,
            name,
            &schema_map::to_proto(&src.schema, name),
            src.shards_num,
            src.consistency_level,
            &properties,
            num_partitions,
        )
        .await?;
    report.outcome = CollectionOutcome::Created;
    progress.message(format!("created collection {db}.{name}"));
    if !coll.partition_key() {
        for p in partitions.iter().filter(|p| p.partition_name != "_default") {
            client.create_partition(db, name, &p.partition_name).await?;
        }
    }

    if plan.staging {
        progress.phase(Phase::Staging);
        if let Some(limit) = &opts.copy.throttle {
            progress.message(format!(
                "bandwidth limit: {limit} for the bytes this tool moves"
            ));
        }
        let keys = collection_keys(&plan.backup.name, src);
        futures::stream::iter(keys)
            .map(|(key, size)| async move {
                check_cancel(cancel)?;
                copy_file(
                    backups,
                    &key,
                    milvus,
                    &staged_key(staging, &plan.backup.name, &key),
                    Some(size),
                    &opts.copy,
                    |n| progress.add_bytes(index, n),
                )
                .await?;
                progress.update(|p| p.files.done += 1);
                Ok::<_, Error>(())
            })
            .buffer_unordered(opts.parallelism.max(1))
            .try_collect::<Vec<_>>()
            .await?;
    }

    progress.phase(Phase::Importing);
    // (partition name, group) -> segments
    let mut groups: BTreeMap<(String, i64), Vec<&SegmentBackup>> = BTreeMap::new();
    for p in partitions {
        for s in &p.segment_backups {
            groups
                .entry((p.partition_name.clone(), s.group()))
                .or_default()
                .push(s);
        }
    }
    for ((partition, group), segs) in &groups {
        check_cancel(cancel)?;
        let expected: i64 = segs.iter().map(|s| s.num_of_rows).sum();
        let has_deltas = segs
            .iter()
            .any(|s| s.deltalogs.iter().any(|f| !f.binlogs.is_empty()));
        let has_inserts = segs
            .iter()
            .any(|s| s.binlogs.iter().any(|f| !f.binlogs.is_empty()));
        if !has_inserts {
            progress.segment_done(index);
            continue;
        }
        let seg0 = segs[0];
        let files = source.import_paths(
            &plan.backup.name,
            seg0.collection_id,
            seg0.partition_id,
            *group,
        );
        let rows = import_group(client, db, name, partition, files, progress, cancel).await?;
        // Milvus reports the rows that remain once the group's deletes are applied: fewer than
        // saved is expected with delete logs, none or more than saved is not.
        if (rows == 0 && expected > 0) || rows > expected || (rows < expected && !has_deltas) {
            return Err(Error::Verification(format!(
                "import of segment group {group} into {db}.{name} partition {partition} brought {rows} rows; the backup holds {expected}{}",
                if has_deltas { " (before deletes)" } else { "" }
            )));
        }
        report.rows_deleted += expected - rows;
        report.rows_imported += rows;
        progress.segment_done(index);
        if test_hooks::fail_after_imports(imports.fetch_add(1, Ordering::Relaxed) + 1) {
            return Err(Error::Verification(
                "test hook MBT_TEST_FAIL_AFTER_IMPORTS: failing on purpose".into(),
            ));
        }
    }
    progress.message(format!(
        "imported {} rows into {db}.{name}",
        report.rows_imported
    ));

    check_cancel(cancel)?;
    if opts.create_indexes {
        progress.phase(Phase::BuildingIndexes);
        for idx in &src.index_infos {
            let mut params: Vec<(String, String)> = idx
                .params
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !idx.index_type.is_empty() && !params.iter().any(|(k, _)| k == "index_type") {
                params.push(("index_type".into(), idx.index_type.clone()));
            }
            let info = IndexInfo {
                field_name: idx.field_name.clone(),
                index_name: idx.index_name.clone(),
                params,
            };
            client.create_index(db, name, &info).await?;
        }
    }
    for alias in &coll.aliases {
        if let Err(e) = client.create_alias(db, name, alias).await {
            let w = format!("alias {alias} was not created for {db}.{name}: {e}");
            tracing::warn!("{w}");
            report.warnings.push(w);
        }
    }
    check_cancel(cancel)?;
    if opts.load {
        client.load_collection(db, name).await?;
    }
    Ok(())
}

/// One Import call and its wait. Returns the imported row count.
async fn import_group(
    client: &MilvusClient,
    db: &str,
    coll: &str,
    partition: &str,
    files: Vec<String>,
    progress: &ProgressSender,
    cancel: &CancellationToken,
) -> Result<i64> {
    tracing::info!("import into {db}.{coll}/{partition}: {files:?}");
    let tasks = client
        .import(
            db,
            coll,
            partition,
            files.clone(),
            &[("backup".into(), "true".into())],
        )
        .await?;
    tokio::select! {
        _ = test_hooks::after_import_call() => {}
        _ = cancel.cancelled() => return Err(Error::Cancelled),
    }
    let started = tokio::time::Instant::now();
    let mut rows = 0;
    for task in tasks {
        loop {
            let st = client.import_state(task).await.map_err(|e| match e {
                // Name the collection, not only the task id.
                Error::Milvus { op, reason, .. } => Error::Milvus {
                    op,
                    target: format!("{db}.{coll} partition {partition} (import task {task})"),
                    reason,
                },
                other => other,
            })?;
            if st.failed {
                return Err(Error::Milvus {
                    op: "Import",
                    target: format!("{db}.{coll} partition {partition}"),
                    reason: format!(
                        "task {task} failed: {} (files {})",
                        st.failed_reason,
                        files.join(", ")
                    ),
                });
            }
            if st.finished {
                rows += st.row_count;
                break;
            }
            if started.elapsed() > IMPORT_LIMIT {
                return Err(Error::Milvus {
                    op: "Import",
                    target: format!("{db}.{coll}"),
                    reason: format!(
                        "task {task} still {} after {} s",
                        st.state_name(),
                        IMPORT_LIMIT.as_secs()
                    ),
                });
            }
            if let Some(pct) = st.progress_percent {
                tracing::debug!("import task {task} into {db}.{coll}: {pct}%");
                progress.update(|p| {
                    p.message = Some(format!(
                        "importing into {db}.{coll} partition {partition}: {pct}%, {rows} rows in so far"
                    ))
                });
            }
            // A cancel stops the wait at once; the task Milvus already runs is reported by the
            // caller as an incomplete collection.
            tokio::select! {
                _ = tokio::time::sleep(IMPORT_POLL) => {}
                _ = cancel.cancelled() => return Err(Error::Cancelled),
            }
        }
    }
    Ok(rows)
}

async fn cleanup(
    milvus: &Store,
    root: &str,
    warnings: &mut Vec<String>,
    progress: &ProgressSender,
) {
    progress.phase(Phase::CleaningUp);
    if let Err(e) = milvus.delete_prefix(root).await {
        let w = format!(
            "could not remove staging files under {root} in {}: {e}",
            milvus.label()
        );
        tracing::warn!("{w}");
        warnings.push(w);
    }
}

/// The recorded properties of the source database `db` (empty when the backup has none:
/// older writers, or servers before 2.4.3). milvus-backup saves them but does not restore them.
fn database_properties(backup: &BackupInfo, db: &str) -> Vec<(String, String)> {
    backup
        .database_backups
        .iter()
        .find(|d| db_or_default(&d.db_name) == db_or_default(db))
        .map(|d| {
            d.properties
                .iter()
                .map(|kv| (kv.key.clone(), kv.value.clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{DatabaseBackup, KeyValue};

    #[test]
    fn database_properties_come_from_the_source_database() {
        let backup = BackupInfo {
            database_backups: vec![
                DatabaseBackup {
                    db_name: "default".into(),
                    ..Default::default()
                },
                DatabaseBackup {
                    db_name: "sales".into(),
                    db_id: 7,
                    properties: vec![KeyValue {
                        key: "database.max.collections".into(),
                        value: "9".into(),
                    }],
                },
            ],
            ..Default::default()
        };
        assert_eq!(
            database_properties(&backup, "sales"),
            [("database.max.collections".to_string(), "9".to_string())]
        );
        assert!(database_properties(&backup, "").is_empty(), "'' is default");
        assert!(database_properties(&backup, "other").is_empty());
        assert!(database_properties(&BackupInfo::default(), "sales").is_empty());
    }
}
