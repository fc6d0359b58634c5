//! Faults of an S3 backup storage, for real: the sandbox's S3 server (s3s-fs) stopped in the
//! middle of a copy, briefly and for good; and the secrets of an S3 run never printed.

mod common;
mod integrity_common;
use common::*;
use integrity_common::*;
use std::sync::Mutex;
use std::time::Duration;

/// The tests of this file share the one S3 server, and one of them stops it: they take turns.
static S3_SERVER: Mutex<()> = Mutex::new(());

fn complete(tool: &Tool, name: &str) -> bool {
    let list = tool.json(&["list", "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == name && e["state"] == "complete")
}

fn prove(tool: &Tool, m: &Server, db: &str, name: &str, suffix: &str) {
    let v = tool.ok(&["verify", "-n", name]);
    assert!(v.contains("verified (size and CRC-32C)"), "{v}");
    tool.ok(&["-q", "restore", "-n", name, "-s", suffix]);
    assert_same_rows(
        &dump(m, db, "rich"),
        &dump(m, db, &format!("rich{suffix}")),
        "rich",
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_s3_server_stopped_mid_copy() {
    let _turn = S3_SERVER.lock().unwrap_or_else(|e| e.into_inner());
    let m = server("M235_LOCAL");
    let s3 = S3Server::find();
    let tool = Tool::new(&m, BackupAt::S3Bucket, &[]);
    let db = unique("db");
    seed(&m, &db, "rich", "rich");
    let filter = format!("{db}.rich");

    // A short outage (about 2 s while the copy goes on): retries carry it, or it fails clearly.
    let short = unique("b");
    let mut run = Running::start(
        &tool,
        &["-q", "create", "-n", &short, "--filter", &filter],
        &[
            ("MBT_TEST_PAUSE_AFTER_FILES", "5"),
            ("MBT_TEST_PAUSE_SECS", "2"),
        ],
    );
    run.wait_for("MBT_TEST_PAUSED", Duration::from_secs(300));
    s3.stop();
    std::thread::sleep(Duration::from_secs(4));
    s3.start();
    let (ok, said, _) = run.finish(Duration::from_secs(300));
    if ok {
        eprintln!("short outage: the retries carried the copy through");
    } else {
        assert!(said.contains("storage s3://"), "a storage error: {said}");
        assert!(
            !complete(&tool, &short),
            "a failed run never looks complete"
        );
        tool.ok(&[
            "-q", "create", "-n", &short, "--filter", &filter, "--resume",
        ]);
    }
    assert!(complete(&tool, &short));
    prove(&tool, &m, &db, &short, "_r1");

    // A long outage: a clear error within a bounded time, and nothing that looks complete.
    let long = unique("b");
    let mut run = Running::start(
        &tool,
        &["-q", "create", "-n", &long, "--filter", &filter],
        &[
            ("MBT_TEST_PAUSE_AFTER_FILES", "5"),
            ("MBT_TEST_PAUSE_SECS", "1"),
        ],
    );
    run.wait_for("MBT_TEST_PAUSED", Duration::from_secs(300));
    s3.stop();
    let (ok, said, took) = run.finish(Duration::from_secs(400));
    s3.start();
    assert!(!ok, "no success while the backup storage is down: {said}");
    assert!(
        said.contains("storage s3://"),
        "the error names the storage: {said}"
    );
    assert!(took < Duration::from_secs(300), "gave up after {took:?}");
    eprintln!("long outage: failed after {took:?}: {said}");
    assert!(!complete(&tool, &long), "a failed run never looks complete");
    tool.ok(&["-q", "create", "-n", &long, "--filter", &filter, "--resume"]);
    assert!(complete(&tool, &long));
    prove(&tool, &m, &db, &long, "_r2");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_s3_secrets_never_printed() {
    let _turn = S3_SERVER.lock().unwrap_or_else(|e| e.into_inner());
    let m = server("M235_S3");
    let tool = Tool::new(&m, BackupAt::S3Bucket, &[]);
    let db = unique("db");
    seed(&m, &db, "small", "small");
    let name = unique("b");
    let secrets = [
        std::env::var("MBT_S3_SECRET_KEY").unwrap(),
        std::env::var("MBT_S3_ACCESS_KEY").unwrap(),
    ];
    let mut all = String::new();
    let debug = [("MBT_LOG", "debug")];
    for args in [
        vec!["check"],
        vec!["create", "-n", &name, "--filter", &format!("{db}.small")],
        vec!["list"],
        vec!["get", "-n", &name, "--json"],
        vec!["verify", "-n", &name],
        vec!["restore", "-n", &name, "-s", "_r", "--dry-run"],
        vec!["restore", "-n", &name, "-s", "_r"],
        // Failures print storage errors too.
        vec!["restore", "-n", &name, "-s", "_r"],
        vec!["--set", "backup.storage.bucket=no-such-bucket", "list"],
    ] {
        let out = run_env(&tool, &args, &debug);
        all.push_str(&text(&out));
    }
    assert_same_rows(&dump(&m, &db, "small"), &dump(&m, &db, "small_r"), "small");
    all.push_str(&std::fs::read_to_string(tool.dir.path().join("tool.log")).unwrap());
    assert!(all.len() > 1000, "output was captured");
    for s in &secrets {
        assert!(!s.is_empty());
        assert!(
            !all.contains(s.as_str()),
            "a secret appears in the output or the log"
        );
    }
}
