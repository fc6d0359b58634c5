//! Copies every file under SRC into DST with the engine's copy path (streaming, CRC-32C,
//! size check, bounded parallelism), as `create` does. Used by scripts/bench.sh.
//!
//! Usage: cargo run --release --example copy_bench -- SRC DST [PARALLELISM]

use futures::{StreamExt, TryStreamExt};
use milvus_backup_tui::config::{Provider, StorageConfig};
use milvus_backup_tui::storage::{CopySettings, Role, Store, copy_file};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (src, dst) = match (args.get(1), args.get(2)) {
        (Some(s), Some(d)) => (s, d),
        _ => return Err("usage: copy_bench SRC DST [PARALLELISM]".into()),
    };
    let parallelism: usize = args.get(3).map(|p| p.parse()).transpose()?.unwrap_or(8);
    let fs = |root: &str| StorageConfig {
        provider: Provider::Fs,
        root: Some(root.to_string()),
        ..Default::default()
    };
    let src = Store::open(&fs(src), Role::Milvus)?;
    let mut dst = Store::open(&fs(dst), Role::Backup)?;
    dst.create_root()?;
    let files = src.list_files("").await?;
    let started = std::time::Instant::now();
    let dst = &dst;
    let src = &src;
    let settings = &CopySettings::default();
    let bytes: Vec<u64> = futures::stream::iter(files)
        .map(|f| async move {
            copy_file(src, &f.key, dst, &f.key, Some(f.size), settings, |_| {})
                .await
                .map(|c| c.size)
        })
        .buffer_unordered(parallelism)
        .try_collect()
        .await?;
    let total: u64 = bytes.iter().sum();
    println!(
        "{} files, {:.1} MiB in {:.3} s",
        bytes.len(),
        total as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
