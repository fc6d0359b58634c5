//! What a restore would do, computed without changing anything.

use crate::compat::{Cell, Matrix, Verdict};
use crate::filter::{Filter, Naming};
use crate::format::{self, BackupInfo, CollectionBackup, db_or_default};
use crate::milvus::MilvusClient;
use crate::progress::ProgressSender;
use crate::storage::Store;
use crate::verify::{VerifyMode, refusal, verify_collections};
use crate::{Error, Result};

pub struct RestoreOptions {
    pub name: String,
    pub filter: Filter,
    pub naming: Naming,
    pub drop_existing: bool,
    pub create_indexes: bool,
    pub load: bool,
    pub parallelism: usize,
    /// Restore without the pre-restore check of the backup's files (existence and size).
    pub skip_verify: bool,
    /// How staging copies are made: server-side where possible, the bandwidth limit.
    pub copy: crate::storage::CopySettings,
}

/// One collection to restore.
#[derive(Clone, Debug)]
pub struct PlannedCollection {
    pub source: CollectionBackup,
    pub target_db: String,
    pub target_name: String,
    /// The target collection exists now: it will be dropped if the plan was made with
    /// `drop_existing`, else it is one of the plan's [`RestorePlan::conflicts`].
    pub exists: bool,
    pub db_exists: bool,
    /// Import calls: one per segment group.
    pub groups: usize,
    pub files: usize,
    pub bytes: u64,
    pub rows: i64,
    /// Aliases to create on the target, after renaming.
    pub aliases: Vec<String>,
}

impl PlannedCollection {
    pub fn target(&self) -> String {
        format!("{}.{}", self.target_db, self.target_name)
    }

    pub fn partition_key(&self) -> bool {
        self.source.schema.fields.iter().any(|f| f.is_partition_key)
    }
}

#[derive(Clone, Debug)]
pub struct RestorePlan {
    pub backup: BackupInfo,
    pub collections: Vec<PlannedCollection>,
    pub target_address: String,
    pub target_version: String,
    pub compat: Cell,
    /// Files must first be copied into the target's storage (the backup is elsewhere).
    pub staging: bool,
    /// That copy runs inside the object store (same S3 endpoint and keys): no bytes move
    /// through the tool.
    pub staging_server_side: bool,
    pub target_storage: String,
    pub backup_storage: String,
    pub warnings: Vec<String>,
    /// Targets (`db.collection`) that exist while the plan was made without `drop_existing`:
    /// a plan with conflicts cannot run ([`RestorePlan::refuse_conflicts`]).
    pub conflicts: Vec<String>,
}

impl RestorePlan {
    pub fn total_bytes(&self) -> u64 {
        self.collections.iter().map(|c| c.bytes).sum()
    }

    pub fn total_rows(&self) -> i64 {
        self.collections.iter().map(|c| c.rows).sum()
    }

    /// Fails with [`Error::Conflict`] if target collections exist and the plan was made without
    /// `drop_existing` (nothing has been changed then).
    pub fn refuse_conflicts(&self) -> Result<()> {
        if self.conflicts.is_empty() {
            return Ok(());
        }
        Err(Error::Conflict(format!(
            "target collection(s) already exist on {}: {} (nothing was changed)",
            self.target_address,
            self.conflicts.join(", ")
        )))
    }
}

/// Reads the backup and the target, and works out what a restore would do. Fails, having
/// changed nothing, on an incomplete backup, a backup whose files fail the quick check (unless
/// `skip_verify`), a refused version pair, and bad or colliding names. Existing target
/// collections (without `drop_existing`) do not fail the planning: they are listed in
/// [`RestorePlan::conflicts`], and [`RestorePlan::refuse_conflicts`] (which [`super::run_restore`]
/// calls too) turns them into the error.
pub async fn plan_restore(
    client: &MilvusClient,
    backups: &Store,
    milvus: &Store,
    opts: &RestoreOptions,
) -> Result<RestorePlan> {
    let checked = check_backup(backups, opts, &ProgressSender::discard()).await?;
    plan_restore_checked(client, backups, milvus, opts, checked).await
}

/// A backup read and checked for a restore, before any server is contacted.
#[derive(Clone, Debug)]
pub struct CheckedBackup {
    pub backup: BackupInfo,
    pub warnings: Vec<String>,
}

/// Everything about a restore that needs no server: the backup reads and is complete, the
/// filter and the renames fit it, and the chosen collections' files exist with their recorded
/// sizes (the quick check; `skip_verify` skips it with a warning).
pub async fn check_backup(
    backups: &Store,
    opts: &RestoreOptions,
    progress: &ProgressSender,
) -> Result<CheckedBackup> {
    crate::names::validate_backup_name(&opts.name)?;
    let backup = format::read_backup(backups, &opts.name).await?;
    let chosen = choose(&backup, opts)?;
    let mut warnings = Vec::new();
    if opts.skip_verify {
        let w = format!(
            "--skip-verify: the files of backup '{}' were not checked before this restore; a missing or damaged file will fail the import",
            opts.name
        );
        tracing::warn!("{w}");
        warnings.push(w);
    } else {
        let report = verify_collections(
            backups,
            &opts.name,
            &chosen,
            VerifyMode::Quick,
            opts.parallelism.max(1) * 4,
            progress,
        )
        .await?;
        if !report.is_ok() {
            return Err(refusal(&report));
        }
        if report.without_checksum > 0 {
            tracing::info!(
                "backup '{}': {} file(s) carry no recorded checksum (written by another tool): sizes checked",
                opts.name,
                report.without_checksum
            );
        }
    }
    Ok(CheckedBackup { backup, warnings })
}

/// The collections of `backup` that `opts` selects; refuses a filter that matches nothing and
/// renames that collide.
fn choose<'a>(backup: &'a BackupInfo, opts: &RestoreOptions) -> Result<Vec<&'a CollectionBackup>> {
    let all: Vec<(String, String)> = backup
        .collection_backups
        .iter()
        .map(|c| {
            (
                db_or_default(&c.db_name).to_string(),
                c.collection_name.clone(),
            )
        })
        .collect();
    let unmatched = opts.filter.unmatched(&all);
    if !unmatched.is_empty() {
        return Err(Error::invalid(format!(
            "--filter {} matched no collection in backup '{}' (it holds: {})",
            unmatched.join(","),
            opts.name,
            all.iter()
                .map(|(d, c)| format!("{d}.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let chosen: Vec<&CollectionBackup> = backup
        .collection_backups
        .iter()
        .filter(|c| {
            opts.filter
                .matches(db_or_default(&c.db_name), &c.collection_name)
        })
        .collect();
    if chosen.is_empty() {
        return Err(Error::backup(&opts.name, "holds no collection to restore"));
    }
    let sources: Vec<(String, String)> = chosen
        .iter()
        .map(|c| {
            (
                db_or_default(&c.db_name).to_string(),
                c.collection_name.clone(),
            )
        })
        .collect();
    opts.naming.check_collisions(&sources)?;

    Ok(chosen)
}

/// [`plan_restore`] for a backup [`check_backup`] has already read and checked.
pub async fn plan_restore_checked(
    client: &MilvusClient,
    backups: &Store,
    milvus: &Store,
    opts: &RestoreOptions,
    checked: CheckedBackup,
) -> Result<RestorePlan> {
    let CheckedBackup {
        backup,
        mut warnings,
    } = checked;
    let chosen = choose(&backup, opts)?;
    let matrix = Matrix::load();
    let compat = matrix.check(&backup.milvus_version, client.server_version())?;
    match compat.verdict {
        Verdict::Untested | Verdict::Unknown => warnings.push(format!(
            "restore from Milvus {} into {}: {}",
            empty_as_unknown(&backup.milvus_version),
            client.server_version(),
            compat.reason
        )),
        _ => {}
    }

    refuse_lite_target(client)?;
    refuse_missing_features(&chosen, client.server_version())?;

    let databases = client.list_databases().await?;
    let mut collections = Vec::new();
    let mut conflicts = Vec::new();
    for c in chosen {
        let (target_db, target_name) = opts
            .naming
            .target(db_or_default(&c.db_name), &c.collection_name);
        let db_exists = databases.iter().any(|d| d == &target_db);
        let exists = db_exists && client.has_collection(&target_db, &target_name).await?;
        if exists && !opts.drop_existing {
            conflicts.push(format!("{target_db}.{target_name}"));
        }
        let segments: Vec<_> = c.segments().collect();
        let files = segments
            .iter()
            .map(|s| {
                s.binlogs
                    .iter()
                    .chain(&s.deltalogs)
                    .map(|f| f.binlogs.len())
                    .sum::<usize>()
            })
            .sum();
        let mut groups: Vec<(i64, i64)> = segments
            .iter()
            .map(|s| (s.partition_id, s.group()))
            .collect();
        groups.sort();
        groups.dedup();
        let aliases = c
            .aliases
            .iter()
            .map(|a| match &opts.naming {
                Naming::Suffix(sfx) => format!("{a}{sfx}"),
                _ => a.clone(),
            })
            .collect();
        collections.push(PlannedCollection {
            source: c.clone(),
            target_db,
            target_name,
            exists,
            db_exists,
            groups: groups.len(),
            files,
            bytes: c.size.max(0) as u64,
            rows: c.total_rows(),
            aliases,
        });
    }
    if !opts.create_indexes && opts.load {
        warnings.push("--load without indexes: Milvus 2.2/2.3 cannot load a collection whose vector field has no index".into());
    }
    let staging = !backups.shares_namespace_with(milvus);
    Ok(RestorePlan {
        backup,
        collections,
        target_address: client.address().to_string(),
        target_version: client.server_version().to_string(),
        compat,
        staging,
        staging_server_side: staging
            && opts.copy.server_side
            && milvus.can_copy_server_side_from(backups),
        target_storage: milvus.label(),
        backup_storage: backups.label(),
        warnings,
        conflicts,
    })
}

/// Milvus Lite has no Import RPC: a binlog backup cannot go into it.
fn refuse_lite_target(client: &MilvusClient) -> Result<()> {
    if !crate::schema_support::is_milvus_lite(client.server_version()) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{} at {} has no bulk import, so a binlog backup cannot be restored into it; that needs the portable format's Insert path, which this build does not have yet (nothing was changed)",
        client.server_version(),
        client.address()
    )))
}

/// Refuses, naming every field, collections whose schema uses what the target lacks.
fn refuse_missing_features(chosen: &[&CollectionBackup], target_version: &str) -> Result<()> {
    let problems: Vec<String> = chosen
        .iter()
        .filter_map(|c| {
            let missing = crate::schema_support::missing_on(&c.schema, target_version);
            (!missing.is_empty()).then(|| {
                let what: Vec<String> = missing.iter().map(|m| m.to_string()).collect();
                format!("{}: {}", c.qualified_name(), what.join("; "))
            })
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "the target Milvus {target_version} lacks what these collections use (nothing was changed): {}",
        problems.join(" | ")
    )))
}

fn empty_as_unknown(v: &str) -> &str {
    if v.is_empty() { "(unknown version)" } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conflicts: &[&str]) -> RestorePlan {
        RestorePlan {
            backup: BackupInfo::default(),
            collections: vec![],
            target_address: "127.0.0.1:19530".into(),
            target_version: "v2.3.5".into(),
            compat: Matrix::load().verdict("2.3", "2.3"),
            staging: false,
            staging_server_side: false,
            target_storage: String::new(),
            backup_storage: String::new(),
            warnings: vec![],
            conflicts: conflicts.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn conflicts_are_listed_and_refused_with_the_cli_message() {
        assert!(plan(&[]).refuse_conflicts().is_ok());
        let e = plan(&["default.a_r", "db2.b_r"])
            .refuse_conflicts()
            .unwrap_err();
        assert!(matches!(e, Error::Conflict(_)));
        assert_eq!(
            e.to_string(),
            Error::Conflict(
                "target collection(s) already exist on 127.0.0.1:19530: default.a_r, db2.b_r (nothing was changed)"
                    .into()
            )
            .to_string()
        );
        assert!(e.hint().is_some_and(|h| h.contains("--drop-existing")));
    }
}
