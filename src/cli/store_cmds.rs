//! `list`, `get` and `delete`: the backup storage's contents.

use super::args::{DeleteArgs, GetArgs, ListArgs};
use super::context::Context;
use super::output::{bytes, time_ms};
use milvus_backup_tui::catalog::{delete_backup, get_backup, list_backups};
use milvus_backup_tui::format::{BackupInfo, db_or_default};
use milvus_backup_tui::{Error, Result};

pub async fn list(ctx: &Context, args: &ListArgs) -> Result<()> {
    let store = ctx.backup_store()?;
    let entries = list_backups(&store).await?;
    if args.json {
        let rows: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                let mut v = serde_json::json!({"name": e.name, "state": e.state()});
                if let Some(i) = &e.info {
                    v["backup_timestamp"] = i.backup_timestamp.into();
                    v["milvus_version"] = i.milvus_version.clone().into();
                    v["collections"] = i.collection_backups.len().into();
                    v["rows"] = i.total_rows().into();
                    v["size"] = i.size.into();
                }
                if let Some(p) = &e.problem {
                    v["problem"] = p.clone().into();
                }
                v
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return Ok(());
    }
    if entries.is_empty() {
        println!("no backups in {}", store.label());
        return Ok(());
    }
    println!(
        "{:<40} {:<11} {:<19} {:<14} {:>5} {:>12} {:>10}",
        "NAME", "STATE", "TIME (UTC)", "MILVUS", "COLLS", "ROWS", "SIZE"
    );
    for e in &entries {
        match &e.info {
            Some(i) => println!(
                "{:<40} {:<11} {:<19} {:<14} {:>5} {:>12} {:>10}",
                e.name,
                e.state(),
                time_ms(i.backup_timestamp),
                i.milvus_version,
                i.collection_backups.len(),
                i.total_rows(),
                bytes(i.size.max(0) as u64)
            ),
            None => println!(
                "{:<40} {:<11} {}",
                e.name,
                e.state(),
                e.problem.as_deref().unwrap_or("")
            ),
        }
    }
    Ok(())
}

pub async fn get(ctx: &Context, args: &GetArgs) -> Result<()> {
    let store = ctx.backup_store()?;
    let info = get_backup(&store, &args.name).await?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&info).unwrap_or_default()
        );
    } else {
        print_backup(&info);
    }
    Ok(())
}

fn print_backup(info: &BackupInfo) {
    println!("name:        {}", info.name);
    println!("time (UTC):  {}", time_ms(info.backup_timestamp));
    println!("milvus:      {}", info.milvus_version);
    println!("size:        {}", bytes(info.size.max(0) as u64));
    println!("rows:        {}", info.total_rows());
    println!("collections:");
    for c in &info.collection_backups {
        let segs = c.segments().count();
        println!(
            "  {}.{}  rows {}  segments {}  size {}  indexes {}{}",
            db_or_default(&c.db_name),
            c.collection_name,
            c.total_rows(),
            segs,
            bytes(c.size.max(0) as u64),
            c.index_infos.len(),
            if c.aliases.is_empty() {
                String::new()
            } else {
                format!("  aliases {}", c.aliases.join(","))
            }
        );
        for p in &c.partition_backups {
            println!(
                "    partition {}  rows {}  segments {}",
                p.partition_name,
                p.segment_backups.iter().map(|s| s.num_of_rows).sum::<i64>(),
                p.segment_backups.len()
            );
        }
    }
}

pub async fn delete(ctx: &Context, args: &DeleteArgs) -> Result<()> {
    if !args.yes {
        return Err(Error::invalid(format!(
            "delete needs --yes to confirm: `delete -n {} --yes` removes the backup for good",
            args.name
        )));
    }
    let store = ctx.backup_store()?;
    let n = delete_backup(&store, &args.name).await?;
    println!(
        "deleted backup {} ({} files) from {}",
        args.name,
        n,
        store.label()
    );
    Ok(())
}
