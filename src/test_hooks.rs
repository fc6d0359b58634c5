//! Fault-injection points for the project's own fault tests. Each is read from an environment
//! variable that no user sets; unset (the production case), every hook does nothing.
//!
//! - `MBT_TEST_PAUSE_AFTER_FILES=N`: `create` pauses once N data files are copied.
//! - `MBT_TEST_PAUSE_BEFORE_METADATA=1`: `create` pauses after the last data file, before the
//!   first metadata document is written.
//! - `MBT_TEST_PAUSE_SECS=S`: how long a pause lasts (default 600 s). A paused run prints
//!   `MBT_TEST_PAUSED <where>` on stderr, so a test can kill it at exactly that point.
//! - `MBT_TEST_FAIL_AFTER_IMPORTS=N`: `restore` fails after N successful import calls.
//! - `MBT_TEST_PAUSE_AFTER_IMPORTS=N`: `restore` pauses right after Milvus accepted its N-th
//!   Import call (the task runs in Milvus), before the first poll of that task: a test can
//!   restart Milvus while an import is in flight.

use std::time::Duration;

fn var(key: &str) -> Option<u64> {
    std::env::var(key).ok().and_then(|v| v.trim().parse().ok())
}

/// Pauses if `MBT_TEST_PAUSE_AFTER_FILES` equals `copied`.
pub async fn after_files(copied: u64) {
    if var("MBT_TEST_PAUSE_AFTER_FILES") == Some(copied) {
        pause(&format!("after {copied} file(s)")).await;
    }
}

/// Pauses if `MBT_TEST_PAUSE_BEFORE_METADATA` is set.
pub async fn before_metadata() {
    if var("MBT_TEST_PAUSE_BEFORE_METADATA").unwrap_or(0) > 0 {
        pause("before metadata").await;
    }
}

/// Whether a restore should fail now, having made `imports` successful import calls.
pub fn fail_after_imports(imports: u64) -> bool {
    var("MBT_TEST_FAIL_AFTER_IMPORTS") == Some(imports)
}

/// Counts the Import calls Milvus accepted; pauses if `MBT_TEST_PAUSE_AFTER_IMPORTS` equals
/// their number.
pub async fn after_import_call() {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    if var("MBT_TEST_PAUSE_AFTER_IMPORTS") == Some(n) {
        pause(&format!("after import call {n}")).await;
    }
}

async fn pause(at: &str) {
    let secs = var("MBT_TEST_PAUSE_SECS").unwrap_or(600);
    eprintln!("MBT_TEST_PAUSED {at}: pausing {secs} s");
    tracing::warn!("test hook: paused {at} for {secs} s");
    tokio::time::sleep(Duration::from_secs(secs)).await;
}
