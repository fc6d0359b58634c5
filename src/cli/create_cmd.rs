//! `create`

use super::args::CreateArgs;
use super::context::Context;
use super::output::bytes;
use super::progress_view::show_while;
use milvus_backup_tui::Result;
use milvus_backup_tui::backup::{CreateOptions, create_backup};
use milvus_backup_tui::filter::Filter;
use milvus_backup_tui::names::{default_backup_name, validate_backup_name};
use milvus_backup_tui::progress::ProgressSender;
use tokio_util::sync::CancellationToken;

pub async fn run(ctx: &Context, args: &CreateArgs) -> Result<()> {
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| default_backup_name(chrono::Utc::now()));
    validate_backup_name(&name)?;
    let filter = match &args.filter {
        Some(f) => Filter::parse(f)?,
        None => Filter::all(),
    };
    let milvus = ctx.milvus_store()?;
    let mut backups = ctx.backup_store()?;
    // Every argument is checked before any server is contacted.
    let copy = ctx.copy_settings(args.max_rate.as_deref())?;
    let client = ctx.connect().await?;
    let opts = CreateOptions {
        name,
        filter,
        parallelism: ctx.config.backup.parallelism,
        milvus_parallelism: ctx.config.backup.milvus_parallelism,
        resume: args.resume,
        copy,
        rbac: args.rbac,
    };
    let (tx, watch) = ProgressSender::new();
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let summary = show_while(
        watch,
        ctx.quiet,
        create_backup(&client, &milvus, &mut backups, &opts, &tx, &cancel),
    )
    .await?;
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    if args.resume {
        println!(
            "resumed: {} file(s) were already copied and matched their checksums; {} copied now",
            summary.reused_files,
            summary.files - summary.reused_files
        );
    }
    println!(
        "backup {} created: {} collection(s), {} segment(s), {} rows, {} file(s), {} in {}",
        summary.name,
        summary.collections,
        summary.segments,
        summary.rows,
        summary.files,
        bytes(summary.bytes),
        backups.label()
    );
    if summary.server_side_files > 0 {
        println!(
            "{} file(s) were copied inside the object store (server-side): their bytes did not pass through this tool",
            summary.server_side_files
        );
    }
    Ok(())
}
