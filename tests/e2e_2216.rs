//! Backups of Milvus 2.2.16: restored into a fresh 2.3.5 (a migration) and into 2.2.16 itself.

mod common;
use common::*;

fn seed_2216(m: &Server, db: &str) -> serde_json::Value {
    let rich = seed(m, db, "rich", "rich");
    seed(m, db, "vb", "varchar_binary");
    seed(m, db, "pkey", "partition_key");
    // 2.2 writes deletes of flushed segments only every syncPeriod (set short in the sandbox).
    let period: u64 = std::env::var("MBT_M2216_SYNC_PERIOD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    std::thread::sleep(std::time::Duration::from_secs(period * 2 + 2));
    rich
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_2216_to_235() {
    let src = server("M2216");
    let dst = server("M235_TARGET");
    let tool = Tool::new(&src, BackupAt::LocalDir, &[("target", &dst)]);
    let db = unique("db");
    let rich = seed_2216(&src, &db);
    let backup = unique("b");
    let out = tool.run(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.*"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("syncPeriod"),
        "a 2.2 source draws the delete warning"
    );

    let plan = tool.ok(&["--cluster", "target", "restore", "-n", &backup, "--dry-run"]);
    assert!(plan.contains("Supported"), "{plan}");
    tool.ok(&["--cluster", "target", "-q", "restore", "-n", &backup]);
    for coll in ["rich", "vb", "pkey"] {
        assert_same_rows(
            &dump(&src, &db, coll),
            &dump(&dst, &db, coll),
            &format!("{coll} 2.2.16 -> 2.3.5"),
        );
    }
    assert_absent(
        &dump(&dst, &db, "rich"),
        "pk",
        &rich["deleted_pks"],
        "rich 2.2.16 -> 2.3.5",
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_2216_roundtrip() {
    let m = server("M2216");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    let rich = seed_2216(&m, &db);
    let backup = unique("b");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.rich,{db}.vb"),
    ]);
    tool.ok(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    let restored = dump(&m, &db, "rich_r");
    assert_same_rows(&dump(&m, &db, "rich"), &restored, "rich 2.2.16 -> 2.2.16");
    assert_absent(
        &restored,
        "pk",
        &rich["deleted_pks"],
        "rich 2.2.16 -> 2.2.16",
    );
    assert_same_rows(
        &dump(&m, &db, "vb"),
        &dump(&m, &db, "vb_r"),
        "vb 2.2.16 -> 2.2.16",
    );
}
