//! `verify` and `unlock`

use super::args::{UnlockArgs, VerifyArgs};
use super::context::Context;
use super::output::bytes;
use super::progress_view::show_while;
use milvus_backup_tui::lock::break_lock;
use milvus_backup_tui::progress::ProgressSender;
use milvus_backup_tui::verify::{VerifyMode, verify_backup};
use milvus_backup_tui::{Error, Result};

pub async fn run(ctx: &Context, args: &VerifyArgs) -> Result<()> {
    milvus_backup_tui::names::validate_backup_name(&args.name)?;
    let store = ctx.backup_store()?;
    let mode = if args.quick {
        VerifyMode::Quick
    } else {
        VerifyMode::Full
    };
    let (tx, watch) = ProgressSender::new();
    let parallelism = ctx.config.backup.parallelism;
    let report = show_while(
        watch,
        ctx.quiet || args.json,
        verify_backup(&store, &args.name, mode, parallelism, &tx),
    )
    .await?;
    let what = match mode {
        VerifyMode::Quick => "existence and size",
        VerifyMode::Full => "size and CRC-32C",
    };
    if args.json {
        let v = serde_json::json!({
            "name": report.name,
            "mode": if args.quick { "quick" } else { "full" },
            "files": report.files,
            "bytes": report.bytes,
            "without_checksum": report.without_checksum,
            "ok": report.is_ok(),
            "problems": report.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        for p in &report.problems {
            println!("{p}");
        }
        if report.without_checksum > 0 && !args.quick {
            println!(
                "note: {} of {} file(s) have no recorded checksum (the backup was written by another tool, e.g. milvus-backup): only their sizes were checked",
                report.without_checksum, report.files
            );
        }
    }
    if report.is_ok() {
        if !args.json {
            println!(
                "backup {} verified ({what}): {} file(s), {} in {}",
                report.name,
                report.files,
                bytes(report.bytes),
                store.label()
            );
        }
        Ok(())
    } else {
        Err(Error::backup(
            &report.name,
            format!(
                "verification ({what}) failed: {} of {} file(s) are missing, truncated or altered",
                report.problems.len(),
                report.files
            ),
        ))
    }
}

pub async fn unlock(ctx: &Context, args: &UnlockArgs) -> Result<()> {
    let store = ctx.backup_store()?;
    match break_lock(&store, &args.name).await? {
        None => println!("backup {} is not locked", args.name),
        Some(Ok(info)) => println!(
            "removed the lock of backup {} held by {}",
            args.name,
            info.describe()
        ),
        Some(Err(reason)) => println!(
            "removed the unreadable lock of backup {} ({reason})",
            args.name
        ),
    }
    Ok(())
}
