//! The target Milvus restarted during a restore, for real: the sandbox's M235_TARGET stopped
//! (SIGTERM) while an import task of the restore is in flight, and started again as
//! scripts/sandbox/start.sh started it (same data directory and ports). The restore must end
//! within a bounded time and either succeed with every row (compared row by row with the
//! source), or fail naming the collection, with the per-collection report saying it is not
//! restored, and then be completed by `--drop-existing`. Exit 0 with missing rows is never
//! accepted.
//!
//! Two moments: the server goes away while the restore polls its import task (the pause after
//! the Import call is shorter than the restart), and the server is back before the restore
//! polls again (the pause outlasts the restart: the restore asks the restarted server about a
//! task the old process was running).
//!
//! One test in this file: it stops a server, and tests of one binary run in parallel.

mod common;
mod integrity_common;
use common::*;
use integrity_common::*;
use std::time::{Duration, Instant};

/// The bound on a restore that meets a restart (and on its re-run).
const RESTORE_LIMIT: Duration = Duration::from_secs(300);

/// The restore of `backup` into `{db}.rich{suffix}` on the target, with the target restarted
/// right after Milvus accepted the restore's second Import call, the restore paused for
/// `pause_secs` there. Returns a line for the test's summary.
#[allow(clippy::too_many_arguments)]
fn restore_across_restart(
    tool: &Tool,
    src: &Server,
    dst: &Server,
    target: &MilvusServer,
    db: &str,
    backup: &str,
    suffix: &str,
    pause_secs: u64,
) -> String {
    let coll = format!("rich{suffix}");
    let stdout = tool.dir.path().join(format!("restore{suffix}.out"));
    let pause = pause_secs.to_string();
    let t0 = Instant::now();
    let mut run = Running::start_saving_stdout(
        tool,
        &[
            "--cluster",
            "target",
            "-q",
            "restore",
            "-n",
            backup,
            "-s",
            suffix,
        ],
        &[
            ("MBT_TEST_PAUSE_AFTER_IMPORTS", "2"),
            ("MBT_TEST_PAUSE_SECS", &pause),
        ],
        &stdout,
    );
    run.wait_for("MBT_TEST_PAUSED after import call 2", RESTORE_LIMIT);
    let paused_at = t0.elapsed();
    let stopped = target.stop();
    let down_at = t0.elapsed();
    let healthy_after = target.start();
    let up_at = t0.elapsed();
    let (ok, said, _) = run.finish(RESTORE_LIMIT);
    let ended_at = t0.elapsed();
    let report = std::fs::read_to_string(&stdout).unwrap_or_default();
    eprintln!("--- restore{suffix} stdout\n{report}---");
    let timing = format!(
        "paused {paused_at:?}, target stopped ({stopped:?}) at {down_at:?}, healthy again at \
         {up_at:?} ({healthy_after:?} to start), restore ended at {ended_at:?}"
    );
    assert!(
        ended_at < RESTORE_LIMIT + Duration::from_secs(60),
        "bounded: {timing}"
    );
    let line = format!("{db}.rich -> {db}.{coll}: ");
    if ok {
        // (a) Success: only with every row.
        assert!(
            report.contains(&format!("{line}restored: ")),
            "a successful restore reports the collection restored: {report}"
        );
        assert_same_rows(
            &dump(src, db, "rich"),
            &dump(dst, db, &coll),
            &format!("rich restored across a restart ({suffix})"),
        );
        format!("{suffix} (pause {pause_secs} s): (a) exit 0, rows equal; {timing}")
    } else {
        // (b) Failure: clear, naming the collection; the report says it is not restored.
        let all = format!("{report}\n{said}");
        assert!(
            report.contains(&format!(
                "{line}FAILED: created, but its data is incomplete"
            )),
            "the per-collection report says {db}.{coll} is not restored: {all}"
        );
        assert!(
            !report.contains(&format!("{line}restored")),
            "never reported restored: {all}"
        );
        assert!(
            said.contains(&format!("{db}.{coll}")) || said.contains("import task"),
            "the error names the collection or its import task: {said}"
        );
        assert!(said.contains("re-run with --drop-existing"), "{said}");
        let failure = report
            .lines()
            .find(|l| l.starts_with(&line))
            .unwrap_or_default()
            .to_string();
        let error = said
            .lines()
            .rev()
            .find(|l| l.starts_with("error"))
            .unwrap_or_default()
            .to_string();
        // The re-run replaces the partial collection and completes it.
        let t1 = Instant::now();
        let out = tool.run(&[
            "--cluster",
            "target",
            "-q",
            "restore",
            "-n",
            backup,
            "-s",
            suffix,
            "--drop-existing",
        ]);
        let rerun = t1.elapsed();
        assert!(
            out.status.success(),
            "--drop-existing completes it: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(rerun < RESTORE_LIMIT, "re-run took {rerun:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(&format!("{line}restored: ")),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_same_rows(
            &dump(src, db, "rich"),
            &dump(dst, db, &coll),
            &format!("rich re-restored with --drop-existing ({suffix})"),
        );
        format!(
            "{suffix} (pause {pause_secs} s): (b) failed: {failure:?} / {error:?}; {timing}; \
             --drop-existing re-run ok in {rerun:?}, rows equal"
        )
    }
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_milvus_restarted_during_restore() {
    let src = server("M235_LOCAL");
    let dst = server("M235_TARGET");
    let target = MilvusServer::find("M235_TARGET");
    assert!(target.healthy(), "M235_TARGET answers before the test");
    let tool = Tool::new(&src, BackupAt::LocalDir, &[("target", &dst)]);
    let db = unique("db");
    seed(&src, &db, "rich", "rich");
    let backup = unique("b");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.rich"),
    ]);
    // Several import calls, so that the restart falls between the first and the last.
    let info = tool.json(&["get", "-n", &backup, "--json"]);
    let groups: usize = info["collection_backups"][0]["partition_backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["segment_backups"].as_array().map(Vec::len).unwrap_or(0))
        .sum();
    assert!(groups >= 3, "the seed made {groups} segment(s): too few");

    let summary = [
        // The server goes away while the restore polls the task (paused 2 s; a stop takes
        // 1-10 s, a start ~10 s).
        restore_across_restart(&tool, &src, &dst, &target, &db, &backup, "_r1", 2),
        // The server is back before the restore polls again.
        restore_across_restart(&tool, &src, &dst, &target, &db, &backup, "_r2", 40),
    ];
    eprintln!("SUMMARY\n{}", summary.join("\n"));
    assert!(target.healthy(), "M235_TARGET is left running");
}
