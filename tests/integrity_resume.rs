//! Interrupted and concurrent operations against the sandbox's Milvus 2.3.5 (local storage):
//! a create killed with SIGKILL during the copy and just before its metadata, then finished
//! with `--resume`, verified, restored and compared row by row; a second operation on a busy
//! backup refused; a failed restore completed by `--drop-existing`.

mod common;
mod integrity_common;
use common::*;
use integrity_common::*;
use std::time::Duration;

fn log_of(tool: &Tool) -> String {
    std::fs::read_to_string(tool.dir.path().join("tool.log")).unwrap_or_default()
}

const PAUSE: Duration = Duration::from_secs(300);

fn state_of(tool: &Tool, name: &str) -> String {
    let list = tool.json(&["list", "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| e["state"].as_str().unwrap().to_string())
        .unwrap_or_else(|| "absent".into())
}

/// Resumes `name`, then proves it: verify (full), restore under a suffix, compare every row.
fn resume_verify_restore(tool: &Tool, m: &Server, db: &str, name: &str) -> String {
    let out = tool.ok(&[
        "-q",
        "create",
        "-n",
        name,
        "--resume",
        "--filter",
        &format!("{db}.*"),
    ]);
    assert!(out.contains("resumed:"), "{out}");
    assert_eq!(state_of(tool, name), "complete");
    assert!(
        !tool.backup_root.join(name).join("mbt_resume").exists(),
        "the resume journal is removed once the backup is complete"
    );
    verify_restore_compare(tool, m, db, name);
    out
}

/// Proves a finished backup: verify (full), restore under a suffix, compare every row.
fn verify_restore_compare(tool: &Tool, m: &Server, db: &str, name: &str) {
    let v = tool.ok(&["verify", "-n", name]);
    assert!(v.contains("verified (size and CRC-32C)"), "{v}");
    tool.ok(&["-q", "restore", "-n", name, "-s", "_r"]);
    assert_same_rows(&dump(m, db, "rich"), &dump(m, db, "rich_r"), "rich");
    assert_same_rows(&dump(m, db, "vb"), &dump(m, db, "vb_r"), "varchar_binary");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_kill9_during_copy_then_resume() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    seed(&m, &db, "rich", "rich");
    seed(&m, &db, "vb", "varchar_binary");
    let name = unique("b");
    let filter = format!("{db}.*");

    let mut run = Running::start(
        &tool,
        &["-q", "create", "-n", &name, "--filter", &filter],
        &[("MBT_TEST_PAUSE_AFTER_FILES", "30")],
    );
    // 30 of the ~95 files: a few segments done (journaled), one in flight, the rest not begun.
    run.wait_for("MBT_TEST_PAUSED after 30 file(s)", PAUSE);
    run.kill9();

    // What a crash leaves: data without metadata, shown and treated as incomplete.
    assert!(!tool.backup_root.join(&name).join("meta").exists());
    assert!(!files_below(&tool.backup_root.join(&name).join("binlogs")).is_empty());
    assert_eq!(state_of(&tool, &name), "incomplete");
    let err = tool.fails(&["-q", "restore", "-n", &name, "-s", "_x"]);
    assert!(err.contains("incomplete"), "{err}");
    assert!(err.contains(&name), "{err}");
    // The killed run's lock is stale (its process is gone): the next create breaks it, with a
    // warning in the log, and then refuses the incomplete name without --resume.
    let err = tool.fails(&["-q", "create", "-n", &name, "--filter", &filter]);
    assert!(err.contains("--resume"), "{err}");
    assert!(log_of(&tool).contains("breaking the stale lock of create (pid"));
    let err = tool.fails(&["verify", "-n", &name]);
    assert!(err.contains("incomplete"), "{err}");

    let out = run_env(
        &tool,
        &["-q", "create", "-n", &name, "--resume", "--filter", &filter],
        &[],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    let reused: usize = said
        .split("resumed: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("resume line");
    assert!(
        reused >= 10 && !said.contains("; 0 copied now"),
        "files of the finished segments of the killed run are reused, the rest copied: {said}"
    );
    verify_restore_compare(&tool, &m, &db, &name);
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_kill9_before_metadata_then_resume_and_locks() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    seed(&m, &db, "rich", "rich");
    seed(&m, &db, "vb", "varchar_binary");
    let name = unique("b");
    let filter = format!("{db}.*");

    let mut run = Running::start(
        &tool,
        &["-q", "create", "-n", &name, "--filter", &filter],
        &[("MBT_TEST_PAUSE_BEFORE_METADATA", "1")],
    );
    run.wait_for("MBT_TEST_PAUSED before metadata", PAUSE);
    let pid = run.child.id();

    // While it runs, a second create and a delete of the same name are refused, naming it.
    let err = tool.fails(&["-q", "create", "-n", &name, "--filter", &filter]);
    assert!(
        err.contains(&format!(
            "backup '{name}' is in use by create (pid {pid} on host"
        )),
        "{err}"
    );
    let err = tool.fails(&["delete", "-n", &name, "--yes"]);
    assert!(err.contains("is in use by create"), "{err}");
    let err = tool.fails(&["-q", "create", "-n", &name, "--resume", "--filter", &filter]);
    assert!(err.contains("is in use by create"), "{err}");
    assert!(
        !files_below(&tool.backup_root.join(&name)).is_empty(),
        "nothing was deleted"
    );
    // The lock is not a backup.
    let list = tool.json(&["list", "--json"]);
    assert!(!list.to_string().contains(".locks"), "{list}");

    run.kill9();
    assert_eq!(state_of(&tool, &name), "incomplete");
    assert!(!log_of(&tool).contains("stale lock"));
    let files = files_below(&tool.backup_root.join(&name).join("binlogs")).len();
    let out = resume_verify_restore(&tool, &m, &db, &name);
    assert!(
        out.contains(&format!("resumed: {files} file(s) were already copied")),
        "every file of the killed run was kept ({files}): {out}"
    );
    assert!(
        log_of(&tool).contains(&format!(
            "breaking the stale lock of create (pid {pid} on host"
        )),
        "the resume broke the killed run's lock, with a warning"
    );
    assert!(!tool.backup_root.join(".locks").exists(), "locks released");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_failed_restore_is_completed_by_drop_existing() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    seed(&m, &db, "rich", "rich");
    let name = unique("b");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &name,
        "--filter",
        &format!("{db}.rich"),
    ]);

    let out = run_env(
        &tool,
        &["-q", "restore", "-n", &name, "-s", "_r"],
        &[("MBT_TEST_FAIL_AFTER_IMPORTS", "1")],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "{db}.rich -> {db}.rich_r: FAILED: created, but its data is incomplete"
        )),
        "per-collection outcome: {said}"
    );
    assert!(said.contains("re-run with --drop-existing"), "{said}");
    // Plain re-run is refused (the partial collection exists), --drop-existing completes it.
    let err = tool.fails(&["-q", "restore", "-n", &name, "-s", "_r"]);
    assert!(err.contains("already exist"), "{err}");
    tool.ok(&["-q", "restore", "-n", &name, "-s", "_r", "--drop-existing"]);
    assert_same_rows(&dump(&m, &db, "rich"), &dump(&m, &db, "rich_r"), "rich");
    assert!(!tool.backup_root.join(".locks").exists(), "locks released");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_lock_removed_by_hand_stops_the_first_create_before_its_metadata() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    seed(&m, &db, "small", "small");
    let name = unique("b");
    let filter = format!("{db}.small");

    let mut first = Running::start(
        &tool,
        &["-q", "create", "-n", &name, "--filter", &filter],
        &[
            ("MBT_TEST_PAUSE_BEFORE_METADATA", "1"),
            ("MBT_TEST_PAUSE_SECS", "25"),
        ],
    );
    first.wait_for("MBT_TEST_PAUSED before metadata", PAUSE);
    // A mistaken `unlock` of a live operation, and another operation on the name.
    let said = tool.ok(&["unlock", "-n", &name]);
    assert!(said.contains("held by create (pid"), "{said}");
    tool.ok(&["-q", "create", "-n", &name, "--resume", "--filter", &filter]);
    assert_eq!(state_of(&tool, &name), "complete");
    let contents = || {
        files_below(&tool.backup_root.join(&name))
            .into_iter()
            .map(|f| (std::fs::read(&f).unwrap(), f))
            .collect::<Vec<_>>()
    };
    let before = contents();

    let (ok, said, _) = first.finish(PAUSE);
    assert!(!ok, "the first create must not go on: {said}");
    assert!(
        said.contains("its lock was removed while this create ran"),
        "{said}"
    );
    assert!(
        contents() == before,
        "the first create wrote nothing after it lost the name"
    );
    let v = tool.ok(&["verify", "-n", &name]);
    assert!(v.contains("verified (size and CRC-32C)"), "{v}");
    tool.ok(&["-q", "restore", "-n", &name, "-s", "_r"]);
    assert_same_rows(&dump(&m, &db, "small"), &dump(&m, &db, "small_r"), "small");
}

/// One collection's copy fails (its files vanish from Milvus's storage after the listing): the
/// run names that collection, keeps what it copied of the others, and `--resume` (once the
/// files are back) copies only the failed collection's files.
#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_one_failing_collection_is_named_and_resume_redoes_only_it() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    seed(&m, &db, "rich", "rich");
    seed(&m, &db, "vb", "varchar_binary");
    let vb_id = py(&[
        "describe",
        "--addr",
        &m.addr,
        "--db",
        &db,
        "--collection",
        "vb",
    ])["collection_id"]
        .as_i64()
        .expect("collection_id");
    let root = m.root.clone().expect("local storage");
    let vb_dir = root.join("insert_log").join(vb_id.to_string());
    let hidden = root.join(format!("hidden_{vb_id}"));
    let name = unique("b");
    let filter = format!("{db}.*");

    // One file at a time, paused after the first (one of rich's: plan order is by name).
    let mut run = Running::start(
        &tool,
        &[
            "-q",
            "--set",
            "backup.parallelism=1",
            "create",
            "-n",
            &name,
            "--filter",
            &filter,
        ],
        &[
            ("MBT_TEST_PAUSE_AFTER_FILES", "1"),
            ("MBT_TEST_PAUSE_SECS", "6"),
        ],
    );
    run.wait_for("MBT_TEST_PAUSED after 1 file(s)", PAUSE);
    std::fs::rename(&vb_dir, &hidden).unwrap();
    let (ok, said, _) = run.finish(PAUSE);
    std::fs::rename(&hidden, &vb_dir).unwrap();
    assert!(!ok, "the run must fail: {said}");
    assert!(
        said.contains("the copy failed for 1 of 2 collection(s)")
            && said.contains(&format!("{db}.vb")),
        "the failing collection is named: {said}"
    );
    assert!(!said.contains(&format!("{db}.rich (first")), "{said}");
    assert!(said.contains("--resume"), "{said}");
    assert_eq!(state_of(&tool, &name), "incomplete");

    let out = tool.ok(&["-q", "create", "-n", &name, "--resume", "--filter", &filter]);
    let rich_files = files_below(&tool.backup_root.join(&name).join("binlogs"))
        .iter()
        .filter(|p| {
            let s = p.display().to_string();
            !s.contains(&format!("/{vb_id}/"))
        })
        .count();
    assert!(
        out.contains(&format!(
            "resumed: {rich_files} file(s) were already copied"
        )),
        "every file of rich is reused, only vb's are copied: {out}"
    );
    assert!(!out.contains("; 0 copied now"), "{out}");
    verify_restore_compare(&tool, &m, &db, &name);
}
