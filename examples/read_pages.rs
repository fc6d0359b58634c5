//! Reads every row of a collection with the portable reader (pk-ordered bounded pages) and
//! prints rows, pages, seconds, rows per second, MiB of answers and the process's peak RSS.
//! The collection must be loaded. Used for docs/portable.md's measurement.
//!
//! Usage: cargo run --example read_pages -- HOST:PORT DB COLLECTION [PAGE_ROWS]

use milvus_backup_tui::config::MilvusConfig;
use milvus_backup_tui::milvus::MilvusClient;
use milvus_backup_tui::portable::pages::PkPages;
use prost::Message as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (addr, db, coll) = match (args.get(1), args.get(2), args.get(3)) {
        (Some(a), Some(d), Some(c)) => (a, d, c),
        _ => return Err("usage: read_pages HOST:PORT DB COLLECTION [PAGE_ROWS]".into()),
    };
    let page_rows: usize = args.get(4).map(|p| p.parse()).transpose()?.unwrap_or(4000);
    let cfg = MilvusConfig {
        address: addr.clone(),
        ..Default::default()
    };
    let client = MilvusClient::connect(&cfg).await?;
    let info = client.describe_collection(db, coll).await?;
    let mut pages = PkPages::new(&client, db, coll, &info.schema, page_rows)?;
    let started = std::time::Instant::now();
    let (mut rows, mut count, mut bytes) = (0usize, 0usize, 0usize);
    while let Some(page) = pages.next_page().await? {
        rows += page.rows;
        count += 1;
        bytes += page.columns.iter().map(|c| c.encoded_len()).sum::<usize>();
    }
    let secs = started.elapsed().as_secs_f64();
    let rss = std::fs::read_to_string("/proc/self/status")?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
        .unwrap_or_default();
    println!(
        "rows {rows} pages {count} page_rows {page_rows} seconds {secs:.2} rows_per_s {:.0} answer_mib {:.1} peak_rss_kib {rss}",
        rows as f64 / secs,
        bytes as f64 / 1048576.0
    );
    Ok(())
}
