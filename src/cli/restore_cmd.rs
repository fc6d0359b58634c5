//! `restore`

use super::args::RestoreArgs;
use super::context::Context;
use super::output::bytes;
use super::progress_view::show_while;
use milvus_backup_tui::Result;
use milvus_backup_tui::filter::{Filter, Naming};
use milvus_backup_tui::format::RbacMeta;
use milvus_backup_tui::progress::ProgressSender;
use milvus_backup_tui::rbac::{self, RbacReport};
use milvus_backup_tui::restore::{
    CollectionOutcome, RestoreOptions, RestorePlan, check_backup, plan_restore_checked, run_restore,
};
use tokio_util::sync::CancellationToken;

pub async fn run(ctx: &Context, args: &RestoreArgs) -> Result<()> {
    milvus_backup_tui::names::validate_backup_name(&args.name)?;
    let opts = RestoreOptions {
        name: args.name.clone(),
        filter: match &args.filter {
            Some(f) => Filter::parse(f)?,
            None => Filter::all(),
        },
        naming: Naming::from_options(args.rename.as_deref(), args.suffix.as_deref())?,
        drop_existing: args.drop_existing,
        create_indexes: !args.no_index,
        load: args.load,
        parallelism: ctx.config.backup.parallelism,
        skip_verify: args.skip_verify,
        copy: ctx.copy_settings(args.max_rate.as_deref())?,
    };
    let backups = ctx.backup_store()?;
    let milvus = ctx.milvus_store()?;
    // The backup is read and its files checked before any server is contacted: a backup that
    // cannot be restored is refused without touching the target.
    let checked = check_backup(&backups, &opts, &ProgressSender::discard()).await?;
    let client = ctx.connect().await?;
    let plan = plan_restore_checked(&client, &backups, &milvus, &opts, checked).await?;
    // Existing targets are refused here, as before, with or without --dry-run.
    plan.refuse_conflicts()?;
    let rbac_meta = match (args.rbac, &plan.backup.rbac_meta) {
        (false, _) => None,
        (true, Some(meta)) => Some(meta.clone()),
        (true, None) => {
            return Err(milvus_backup_tui::Error::backup(
                &args.name,
                "this backup holds no users, roles or grants (it was made without --rbac); run restore without --rbac",
            ));
        }
    };
    if args.dry_run {
        print_plan(&plan, &opts);
        if let Some(meta) = &rbac_meta {
            println!(
                "  rbac: the backup's {} role(s), {} grant(s) and {} user(s) that the target lacks would be created",
                meta.roles.len(),
                meta.grants.len(),
                meta.users.len()
            );
        }
        println!("dry run: nothing was changed");
        return Ok(());
    }
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    let (tx, watch) = ProgressSender::new();
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let (report, result) = show_while(
        watch,
        ctx.quiet,
        run_restore(&client, &backups, &milvus, &plan, &opts, &tx, &cancel),
    )
    .await;
    for c in &report.collections {
        let state = crate::wording::collection_outcome(c);
        println!("{} -> {}: {state}", c.source, c.target);
        for w in &c.warnings {
            eprintln!("warning: {w}");
        }
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if result.is_err()
        && report
            .collections
            .iter()
            .any(|c| c.outcome != CollectionOutcome::NotStarted)
    {
        eprintln!(
            "the target may hold partly restored collections: re-run with --drop-existing to replace them"
        );
    }
    result?;
    if let Some(meta) = &rbac_meta {
        let report = rbac::restore(&client, meta).await?;
        print_rbac_report(&report, meta);
    }
    Ok(())
}

fn print_rbac_report(r: &RbacReport, meta: &RbacMeta) {
    println!(
        "rbac: {} role(s) created, {} already there; {} grant(s) created, {} already there; {} user(s) created, {} already there; {} user-role link(s) added",
        r.roles_created.len(),
        r.roles_existing,
        r.grants_created,
        r.grants_existing,
        r.users_created.len(),
        r.users_existing,
        r.user_roles_added
    );
    if r.privilege_groups_created > 0 {
        println!(
            "rbac: {} privilege group(s) created",
            r.privilege_groups_created
        );
    }
    if r.users_created.is_empty() {
        return;
    }
    println!(
        "rbac: {} user(s) were created WITHOUT their old password (a backup never holds passwords): each got a random 32-character password that was sent once to Milvus and never shown, logged or stored, so nobody can log in as them yet.",
        r.users_created.len()
    );
    println!(
        "rbac: Milvus changes a password only with the old one (unless common.security.superUsers lists you), so as root delete and recreate each user with a password of your choice, then re-add its roles, e.g. with pymilvus:"
    );
    for user in &r.users_created {
        let roles: Vec<String> = meta
            .users
            .iter()
            .filter(|u| &u.user == user)
            .flat_map(|u| u.roles.iter())
            .map(|role| format!("; Role({:?}).add_user({user:?})", role.name))
            .collect();
        println!(
            "  utility.delete_user({user:?}); utility.create_user({user:?}, NEW_PASSWORD){}",
            roles.concat()
        );
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
}

fn print_plan(plan: &RestorePlan, opts: &RestoreOptions) {
    println!(
        "restore plan for backup {} (Milvus {})",
        plan.backup.name, plan.backup.milvus_version
    );
    println!(
        "  target: {} (Milvus {})",
        plan.target_address, plan.target_version
    );
    println!(
        "  compatibility {} -> {}: {:?} — {}",
        plan.compat.from, plan.compat.to, plan.compat.verdict, plan.compat.reason
    );
    if plan.staging {
        println!(
            "  files are copied from {} into {}{} for the import, and removed afterwards",
            plan.backup_storage,
            plan.target_storage,
            if plan.staging_server_side {
                " inside the object store (server-side: no bytes through this tool)"
            } else {
                ""
            }
        );
    } else {
        println!("  Milvus imports straight from {}", plan.backup_storage);
    }
    for c in &plan.collections {
        let mut notes = Vec::new();
        if !c.db_exists && c.target_db != "default" {
            notes.push(format!("create database {}", c.target_db));
        }
        if c.exists {
            notes.push("DROP the existing collection (--drop-existing)".into());
        }
        if opts.create_indexes && !c.source.index_infos.is_empty() {
            notes.push(format!("{} index(es)", c.source.index_infos.len()));
        }
        if !c.aliases.is_empty() {
            notes.push(format!("aliases {}", c.aliases.join(",")));
        }
        if opts.load {
            notes.push("load".into());
        }
        println!(
            "  {} -> {}: {} partition(s), {} import(s), {} file(s), {}, {} rows{}",
            c.source.qualified_name(),
            c.target(),
            c.source.partition_backups.len(),
            c.groups,
            c.files,
            bytes(c.bytes),
            c.rows,
            if notes.is_empty() {
                String::new()
            } else {
                format!("; {}", notes.join("; "))
            }
        );
    }
    println!(
        "  total: {} rows, {}",
        plan.total_rows(),
        bytes(plan.total_bytes())
    );
    for w in &plan.warnings {
        println!("  warning: {w}");
    }
}
