//! The terminal UI cancels a running restore, asking first, and the cancelled restore removes
//! its staging files: the real binary in a pseudo-terminal against the sandbox's Milvus 2.3.5
//! whose storage is in S3 (`M235_S3`), with the backups in a local directory, so the restore
//! stages the backup's files into Milvus's bucket under `<rootPath>/mbt_staging/`.
//!
//! The restore is held in the import phase by the documented test hook
//! `MBT_TEST_PAUSE_AFTER_IMPORTS=1` (src/test_hooks.rs), so the cancel lands while staged files
//! exist; the backup holds two collections, so the restore has a cancellation point after the
//! first one.

mod common;
use common::*;

use common::tui::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the test hook holds the restore after its first Import call.
const PAUSE_SECS: u64 = 30;

/// Every regular file below `dir` (none when it does not exist).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => todo.push(p),
                Ok(_) => out.push(p),
                Err(_) => {}
            }
        }
    }
    out
}

/// `$MBT_S3_DATA_DIR/$MBT_M235_S3_BUCKET/$MBT_M235_S3_ROOTPATH/mbt_staging`.
fn staging_dir() -> PathBuf {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    PathBuf::from(var("MBT_S3_DATA_DIR"))
        .join(var("MBT_M235_S3_BUCKET"))
        .join(var("MBT_M235_S3_ROOTPATH"))
        .join("mbt_staging")
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tui_cancel_restore_asks_then_removes_its_staging_files() {
    let m = server("M235_S3");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let staging = staging_dir();
    let before = files_under(&staging);
    assert!(
        before.is_empty(),
        "staging files exist before the test: {before:?}"
    );
    let db = unique("tcdb");
    let (a, b) = ("rich_a", "rich_b");
    seed(&m, &db, a, "rich");
    seed(&m, &db, b, "rich");
    let backup = unique("tcbk");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.*"),
    ]);

    let pause = PAUSE_SECS.to_string();
    let mut tui = Tui::start(
        &tool.config,
        &tool.dir.path().join("tui.log"),
        &[
            ("MBT_TEST_PAUSE_AFTER_IMPORTS", "1"),
            ("MBT_TEST_PAUSE_SECS", &pause),
        ],
    );
    tui.wait_for("connected, Milvus", Duration::from_secs(120));

    // Restore the backup with a suffix through the wizard.
    tui.keys("2");
    tui.wait_for(&backup, Duration::from_secs(60));
    tui.keys("\r");
    tui.wait_for("Which collections to restore", Duration::from_secs(10));
    tui.keys("\r");
    tui.wait_for(
        "How the restored collections are named",
        Duration::from_secs(10),
    );
    tui.keys("\x15");
    tui.keys("_tc");
    tui.wait_for(&format!("{db}.{a}_tc"), Duration::from_secs(10));
    tui.keys("\r");
    tui.wait_for("Restore into", Duration::from_secs(10));
    tui.keys("\r");
    tui.wait_for("Options:", Duration::from_secs(10));
    tui.keys("\r");
    tui.wait_for("Enter starts the restore", Duration::from_secs(120));
    let plan = tui.wait_for("Nothing has been changed yet", Duration::from_secs(10));
    eprintln!("--- plan screen\n{plan}");
    tui.keys("\r");

    // The Jobs screen shows the job running; the hook holds it right after the first Import
    // call, when the first collection's files are staged.
    let running = tui.wait_for("running", Duration::from_secs(60));
    eprintln!("--- job running\n{running}");
    let importing = tui.wait_for("phase: importing", Duration::from_secs(600));
    eprintln!("--- job importing (held by the hook)\n{importing}");
    let staged = files_under(&staging);
    eprintln!("staged files while importing: {}", staged.len());
    assert!(
        !staged.is_empty(),
        "the restore is importing but nothing is staged under {}",
        staging.display()
    );

    // Cancel: the UI asks first; 'n' lets the job run, 'c' again and 'y' cancels it.
    tui.keys("c");
    let ask = tui.wait_for(
        "A cancelled restore removes its staging files",
        Duration::from_secs(10),
    );
    eprintln!("--- cancel dialog\n{ask}");
    assert!(flat(&ask).contains("Cancel job"), "{ask}");
    tui.keys("n");
    let still = tui.wait_until(
        "the dialog closed, job still running",
        Duration::from_secs(10),
        |s| !flat(s).contains("A cancelled restore removes") && flat(s).contains("running"),
    );
    assert!(!flat(&still).contains("cancelling"), "{still}");
    tui.keys("c");
    tui.wait_for(
        "A cancelled restore removes its staging files",
        Duration::from_secs(10),
    );
    tui.keys("y");
    let confirmed = Instant::now();
    let cancelling = tui.screen();
    eprintln!("--- right after confirming\n{cancelling}");
    assert!(
        flat(&cancelling).contains("cancelling") || flat(&cancelling).contains("cancelled"),
        "the job is neither cancelling nor cancelled:\n{cancelling}"
    );

    // The job ends as cancelled ("cancelled after <time>" in its details), with its outcome
    // lines below; "cancelled" is said once, never next to "failed".
    let end = tui.wait_for("cancelled after", Duration::from_secs(900));
    let took = confirmed.elapsed();
    eprintln!("--- job ended {took:?} after the confirmation\n{end}");
    assert!(!flat(&end).contains("succeeded"), "{end}");
    // The job's last progress may reach the screen a moment after its end: it must not bring
    // a "failed" phase or a repeated error with it.
    std::thread::sleep(Duration::from_secs(2));
    tui.pump();
    let end = tui.screen();
    eprintln!("--- final job screen\n{end}");
    let end_flat = flat(&end);
    assert!(!end_flat.contains("error: cancelled"), "{end}");
    assert!(!end_flat.contains("failed"), "{end}");
    assert!(
        end.lines()
            .any(|l| l.contains(&backup) && l.contains("cancelled")),
        "the job list does not show the job cancelled:\n{end}"
    );
    assert!(!end_flat.contains("succeeded"), "{end}");
    if took > Duration::from_secs(10) {
        eprintln!(
            "NOTE: the cancel took {took:?} to land: the hook's pause ({PAUSE_SECS} s) and the \
             import wait do not observe the cancellation token"
        );
    }

    let left = files_under(&staging);
    assert!(
        left.is_empty(),
        "staging files left behind after the cancel: {left:?}"
    );

    tui.keys("q");
    assert!(tui.wait_exit(Duration::from_secs(60)), "exit status 0");
    assert!(tui.terminal_restored(), "terminal left in the UI's mode");

    // What reached Milvus: the first collection was restored before the cancel took effect.
    let listed = py(&["list", "--addr", &m.addr, "--db", &db]);
    eprintln!("collections after the cancel: {listed}");
}
