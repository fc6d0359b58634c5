//! Hostile and wrong input, table-driven: every case asserts the message AND that nothing in
//! the backup storage changed (a byte-for-byte snapshot before and after). Restore cases also
//! prove the target was never contacted: the configured Milvus (127.0.0.1:1) is unreachable,
//! so reaching it would print "cannot connect".
//!
//! `hostile_input_table` needs no server; `hostile_input_with_servers` runs against the
//! sandbox (S3 credentials, bucket, endpoint, root; existing targets; a version pair).

mod common;

use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const GOOD: &str = "good";
/// Content of the fixture backup's two binlogs.
const FILE_A: &[u8] = b"insert log bytes of field 100";
const FILE_B: &[u8] = b"delta log bytes";
const KEY_A: &str = "good/binlogs/insert_log/1/2/3/3/100/10";
const KEY_B: &str = "good/binlogs/delta_log/1/2/3/3/11";

fn crc(b: &[u8]) -> String {
    format!("{:08x}", crc32c::crc32c(b))
}

/// The metadata of a small complete backup, as this tool writes it.
fn full_meta(name: &str, log_path_a: &str) -> serde_json::Value {
    json!({
        "id": "1", "name": name, "state_code": 2, "backup_timestamp": 1_700_000_000_000u64,
        "milvus_version": "v2.3.5", "size": FILE_A.len() + FILE_B.len(),
        "collection_backups": [{
            "collection_id": 1, "db_name": "default", "collection_name": "coll_a",
            "schema": {"name": "coll_a", "fields": [
                {"fieldID": 100, "name": "pk", "is_primary_key": true, "data_type": 5},
                {"fieldID": 101, "name": "v", "data_type": 101,
                 "type_params": [{"key": "dim", "value": "2"}]}]},
            "partition_backups": [{
                "partition_id": 2, "partition_name": "_default", "collection_id": 1,
                "segment_backups": [{
                    "segment_id": 3, "collection_id": 1, "partition_id": 2, "num_of_rows": 1,
                    "binlogs": [{"fieldID": 100, "binlogs": [
                        {"log_path": log_path_a, "log_size": FILE_A.len(), "log_id": 10,
                         "crc32c": crc(FILE_A)}]}],
                    "deltalogs": [{"binlogs": [
                        {"log_path": "files/delta_log/1/2/3/11", "log_size": FILE_B.len(),
                         "log_id": 11, "crc32c": crc(FILE_B)}]}],
                    "size": FILE_A.len() + FILE_B.len(), "group_id": 3}]}]}]
    })
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A fresh directory: the config (unreachable Milvus, local backups) and backup `good`.
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        env.write_config(&format!(
            "[milvus]\naddress = \"127.0.0.1:1\"\n\n[backup.storage]\nprovider = \"fs\"\nroot = \"{}\"\n",
            env.backups().display()
        ));
        env.put_backup(GOOD, &full_meta(GOOD, "files/insert_log/1/2/3/100/10"));
        env
    }

    fn backups(&self) -> PathBuf {
        self.dir.path().join("backups")
    }

    fn write_config(&self, text: &str) {
        std::fs::write(self.dir.path().join("config.toml"), text).unwrap();
    }

    fn put_backup(&self, name: &str, full: &serde_json::Value) {
        let meta = self.backups().join(name).join("meta");
        std::fs::create_dir_all(&meta).unwrap();
        let mut top = full.clone();
        top.as_object_mut().unwrap().remove("collection_backups");
        std::fs::write(meta.join("full_meta.json"), full.to_string()).unwrap();
        for (file, key) in [
            ("collection_meta.json", "c"),
            ("partition_meta.json", "p"),
            ("segment_meta.json", "s"),
        ] {
            let _ = key;
            std::fs::write(meta.join(file), "{\"infos\": []}").unwrap();
        }
        std::fs::write(meta.join("backup_meta.json"), top.to_string()).unwrap();
        let keys = [
            (KEY_A.replacen(GOOD, name, 1), FILE_A),
            (KEY_B.replacen(GOOD, name, 1), FILE_B),
        ];
        for (key, content) in keys {
            let p = self.backups().join(key);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.backups().join(rel)
    }

    fn run(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_milvus-backup-tui"))
            .arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .arg("--log-file")
            .arg(self.dir.path().join("log"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }
}

/// Every file below `dir` with its content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(p, b"<dir>".to_vec());
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

type Setup = fn(&Env);

struct Case {
    name: &'static str,
    setup: Setup,
    args: Vec<String>,
    expect: Vec<String>,
}

fn case(name: &'static str, setup: Setup, args: &[&str], expect: &[&str]) -> Case {
    Case {
        name,
        setup,
        args: args.iter().map(|s| s.to_string()).collect(),
        expect: expect.iter().map(|s| s.to_string()).collect(),
    }
}

fn config(env: &Env, body: &str) {
    env.write_config(&body.replace("$BACKUPS", &env.backups().display().to_string()));
}

fn edit_full_meta(env: &Env, f: impl FnOnce(&mut serde_json::Value)) {
    let p = env.path("good/meta/full_meta.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(p, v.to_string()).unwrap();
}

fn none(_: &Env) {}

fn cases() -> Vec<Case> {
    let long = "x".repeat(129);
    let long: &'static str = Box::leak(long.into_boxed_str());
    vec![
        // --- configuration ---------------------------------------------------------------
        case(
            "unknown_section",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\n[bakup]\nparallelism = 2\n",
                )
            },
            &["list"],
            &["config.toml:3", "unknown field `bakup`"],
        ),
        case(
            "unknown_storage_key",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\n[backup.storage]\nprovder = \"fs\"\n",
                )
            },
            &["list"],
            &["config.toml:4", "provder"],
        ),
        case(
            "wrong_type_number_as_string",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\n[backup]\nparallelism = \"four\"\n",
                )
            },
            &["list"],
            &["`backup.parallelism`: invalid type: string \"four\""],
        ),
        case(
            "wrong_type_string_as_number",
            |e| config(e, "[milvus]\naddress = 19530\n"),
            &["list"],
            &["config.toml:2", "`milvus.address`: invalid type: integer"],
        ),
        case(
            "syntax_unclosed_string",
            |e| config(e, "[milvus]\naddress = \"127.0.0.1:1\n"),
            &["list"],
            &["configuration error in", "config.toml:2"],
        ),
        case(
            "syntax_duplicate_key",
            |e| config(e, "[milvus]\naddress = \"a:1\"\naddress = \"b:1\"\n"),
            &["list"],
            &["config.toml:3", "duplicate key"],
        ),
        case(
            "set_unknown_key",
            none,
            &["--set", "milvus.nope=1", "list"],
            &["--set milvus.nope", "unknown field `nope`"],
        ),
        case(
            "set_without_equals",
            none,
            &["--set", "milvus.address", "list"],
            &["has no `=`"],
        ),
        case(
            "unknown_provider",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\n[backup.storage]\nprovider = \"gcs\"\n",
                )
            },
            &["list"],
            &["unknown variant `gcs`, expected one of `fs`, `s3`, `azblob`"],
        ),
        case(
            "s3_without_bucket",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\n[backup.storage]\nprovider = \"s3\"\n",
                )
            },
            &["list"],
            &["`backup.storage.bucket` is required"],
        ),
        case(
            "half_of_the_credentials",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\n[backup.storage]\nprovider = \"s3\"\nbucket = \"b\"\naccess_key_id = \"AKID\"\n",
                )
            },
            &["list"],
            &["set both access_key_id and secret_access_key"],
        ),
        case(
            "tls_mode_unknown",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\ntls_mode = \"sometimes\"\n",
                )
            },
            &["list"],
            &["`milvus.tls_mode`: unknown variant `sometimes`"],
        ),
        case(
            "parallelism_zero",
            |e| {
                config(
                    e,
                    "[milvus]\naddress = \"127.0.0.1:1\"\n[backup]\nparallelism = 0\n[backup.storage]\nprovider = \"fs\"\nroot = \"$BACKUPS\"\n",
                )
            },
            &["verify", "-n", GOOD],
            &["`backup.parallelism` is 0"],
        ),
        case(
            "backup_root_is_a_file",
            |e| {
                config(
                    e,
                    &format!(
                        "[milvus]\naddress = \"127.0.0.1:1\"\n[backup.storage]\nprovider = \"fs\"\nroot = \"{}\"\n",
                        e.path("good/meta/backup_meta.json").display()
                    ),
                )
            },
            &["list"],
            &["backup.storage.root", "is not a directory"],
        ),
        // --- backup names (the new subcommands; create/restore/get/delete: cli_errors.rs) --
        case(
            "verify_name_with_slash",
            none,
            &["verify", "-n", "good/meta"],
            &["backup name"],
        ),
        case(
            "verify_name_dotdot",
            none,
            &["verify", "-n", ".."],
            &["backup name"],
        ),
        case(
            "verify_name_space",
            none,
            &["verify", "-n", "go od"],
            &["backup name"],
        ),
        case(
            "verify_name_unicode",
            none,
            &["verify", "-n", "gööd"],
            &["backup name"],
        ),
        case(
            "verify_name_129_chars",
            none,
            &["verify", "-n", long],
            &["backup name"],
        ),
        case(
            "unlock_name_dotdot",
            none,
            &["unlock", "-n", "../good"],
            &["backup name"],
        ),
        case(
            "resume_name_space",
            none,
            &["create", "-n", "a b", "--resume"],
            &["backup name"],
        ),
        // --- restore rules and filters (checked before Milvus is contacted) --------------
        case(
            "rename_rules_collide",
            none,
            &["restore", "-n", GOOD, "-r", "coll_a:c,coll_b:c"],
            &["would both be restored as default.c"],
        ),
        case(
            "rename_rule_two_colons",
            none,
            &["restore", "-n", GOOD, "-r", "a:b:c"],
            &["rename rule 'a:b:c' has more than one ':'"],
        ),
        case(
            "rename_rule_bad_target",
            none,
            &["restore", "-n", GOOD, "-r", "coll_a:coll-b"],
            &["collection name 'coll-b' contains '-'"],
        ),
        case(
            "suffix_and_rename_together",
            none,
            &["restore", "-n", GOOD, "-s", "_x", "-r", "coll_a:b"],
            &["cannot be used with"],
        ),
        case(
            "restore_filter_matches_nothing",
            none,
            &["restore", "-n", GOOD, "--filter", "default.nope"],
            &[
                "--filter default.nope matched no collection in backup 'good'",
                "default.coll_a",
            ],
        ),
        // --- metadata --------------------------------------------------------------------
        case(
            "backup_meta_corrupt",
            |e| std::fs::write(e.path("good/meta/backup_meta.json"), b"{\"name\": ").unwrap(),
            &["restore", "-n", GOOD],
            &["good/meta/backup_meta.json is corrupt"],
        ),
        case(
            "full_meta_truncated",
            |e| {
                let p = e.path("good/meta/full_meta.json");
                let b = std::fs::read(&p).unwrap();
                std::fs::write(&p, &b[..b.len() / 2]).unwrap();
            },
            &["verify", "-n", GOOD],
            &["good/meta/full_meta.json is corrupt"],
        ),
        case(
            "backup_meta_missing_is_incomplete",
            |e| std::fs::remove_file(e.path("good/meta/backup_meta.json")).unwrap(),
            &["restore", "-n", GOOD],
            &["backup 'good'", "incomplete"],
        ),
        case(
            "level_files_missing",
            |e| {
                std::fs::remove_file(e.path("good/meta/full_meta.json")).unwrap();
                std::fs::remove_file(e.path("good/meta/collection_meta.json")).unwrap();
            },
            &["restore", "-n", GOOD],
            &["good/meta/collection_meta.json is missing"],
        ),
        case(
            "metadata_names_another_backup",
            |e| edit_full_meta(e, |v| v["name"] = json!("other")),
            &["restore", "-n", GOOD],
            &["its metadata names it 'other'"],
        ),
        case(
            "binlog_missing_restore_refused",
            |e| std::fs::remove_file(e.path(KEY_A)).unwrap(),
            &["restore", "-n", GOOD],
            &[
                KEY_A,
                "missing",
                "failed the pre-restore check",
                "--skip-verify",
            ],
        ),
        case(
            "binlog_truncated_restore_refused",
            |e| std::fs::write(e.path(KEY_B), &FILE_B[..4]).unwrap(),
            &["restore", "-n", GOOD],
            &[KEY_B, "truncated (4 bytes"],
        ),
        case(
            "binlog_missing_verify_fails",
            |e| std::fs::remove_file(e.path(KEY_B)).unwrap(),
            &["verify", "-n", GOOD, "--quick"],
            &[KEY_B, "missing", "verification (existence and size) failed"],
        ),
        case(
            "binlog_altered_verify_fails",
            |e| {
                let mut b = FILE_A.to_vec();
                b[0] ^= 1;
                std::fs::write(e.path(KEY_A), b).unwrap();
            },
            &["verify", "-n", GOOD],
            &[KEY_A, "altered (CRC-32C"],
        ),
        case(
            "recorded_checksum_malformed",
            |e| {
                edit_full_meta(e, |v| {
                    v["collection_backups"][0]["partition_backups"][0]["segment_backups"][0]["binlogs"]
                        [0]["binlogs"][0]["crc32c"] = json!("zz")
                })
            },
            &["verify", "-n", GOOD],
            &[KEY_A, "\"zz\" is not 8 hex digits"],
        ),
        // --- locks -----------------------------------------------------------------------
        case(
            "delete_while_locked_by_a_live_process",
            |e| {
                std::fs::create_dir_all(e.path(".locks")).unwrap();
                let lock = json!({"op": "restore", "pid": std::process::id(),
                    "host": hostname(), "started": "2024-01-01T00:00:00Z", "token": "t"});
                std::fs::write(e.path(".locks/good.json"), lock.to_string()).unwrap();
            },
            &["delete", "-n", GOOD, "--yes"],
            &["backup 'good' is in use by restore (pid", "unlock -n good"],
        ),
        case(
            "delete_with_an_unreadable_lock",
            |e| {
                std::fs::create_dir_all(e.path(".locks")).unwrap();
                std::fs::write(e.path(".locks/good.json"), b"").unwrap();
            },
            &["delete", "-n", GOOD, "--yes"],
            &["lock .locks/good.json is unreadable"],
        ),
    ]
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

#[test]
fn hostile_input_table() {
    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let env = Env::new();
        (c.setup)(&env);
        let before = snapshot(&env.backups());
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let (ok, text) = env.run(&args);
        let after = snapshot(&env.backups());
        let mut why = Vec::new();
        if ok {
            why.push("succeeded".to_string());
        }
        for e in &c.expect {
            if !text.contains(e.as_str()) {
                why.push(format!("no {e:?}"));
            }
        }
        if text.contains("panicked") {
            why.push("panicked".into());
        }
        if text.contains("cannot connect") {
            why.push("contacted Milvus".into());
        }
        if before != after {
            why.push("the backup storage changed".into());
        }
        if !why.is_empty() {
            failures.push(format!("{}: {}\n{text}", c.name, why.join(", ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_sound_backup_verifies_and_recorded_paths_do_not_matter() {
    let env = Env::new();
    // A log_path that climbs out of everything, pointing at a planted file of the same size:
    // the files checked are found from ids, so the planted file is never read.
    let planted = env.dir.path().join("planted");
    std::fs::write(&planted, vec![b'!'; FILE_A.len()]).unwrap();
    env.put_backup(
        "evil",
        &full_meta("evil", &format!("../../../../..{}", planted.display())),
    );
    for name in [GOOD, "evil"] {
        let (ok, text) = env.run(&["verify", "-n", name]);
        assert!(ok, "{text}");
        assert!(
            text.contains("verified (size and CRC-32C): 2 file(s)"),
            "{text}"
        );
        let (ok, text) = env.run(&["verify", "-n", name, "--quick"]);
        assert!(
            ok && text.contains("verified (existence and size)"),
            "{text}"
        );
    }
    // Altering the planted file changes nothing; altering the backup's file is caught.
    std::fs::write(&planted, b"x").unwrap();
    assert!(env.run(&["verify", "-n", "evil"]).0);
    // Same size, other bytes: only the full check sees it.
    std::fs::write(
        env.path(&KEY_A.replacen(GOOD, "evil", 1)),
        vec![b'!'; FILE_A.len()],
    )
    .unwrap();
    assert!(env.run(&["verify", "-n", "evil", "--quick"]).0);
    let (ok, text) = env.run(&["verify", "-n", "evil", "--json"]);
    assert!(!ok);
    let report: serde_json::Value = serde_json::from_str(
        text.lines()
            .take_while(|l| !l.starts_with("error"))
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    )
    .unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(report["ok"], false);
    assert!(
        report["problems"][0].as_str().unwrap().contains("altered"),
        "{report}"
    );
}

#[test]
fn a_backup_without_checksums_gets_size_checks_and_a_note() {
    let env = Env::new();
    let mut v = full_meta("gotool", "files/insert_log/1/2/3/100/10");
    let seg = &mut v["collection_backups"][0]["partition_backups"][0]["segment_backups"][0];
    for list in ["binlogs", "deltalogs"] {
        seg[list][0]["binlogs"][0]
            .as_object_mut()
            .unwrap()
            .remove("crc32c");
    }
    env.put_backup("gotool", &v);
    let (ok, text) = env.run(&["verify", "-n", "gotool"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("2 of 2 file(s) have no recorded checksum"),
        "{text}"
    );
    std::fs::write(env.path("gotool/binlogs/delta_log/1/2/3/3/11"), b"short").unwrap();
    let (ok, text) = env.run(&["verify", "-n", "gotool"]);
    assert!(!ok && text.contains("truncated (5 bytes"), "{text}");
}

#[test]
fn unlock_removes_a_lock_and_says_whose_it_was() {
    let env = Env::new();
    std::fs::create_dir_all(env.path(".locks")).unwrap();
    let lock = json!({"op": "create", "pid": 1, "host": "elsewhere",
        "started": "2024-01-01T00:00:00Z", "token": "t"});
    std::fs::write(env.path(".locks/good.json"), lock.to_string()).unwrap();
    let (ok, text) = env.run(&["delete", "-n", GOOD, "--yes"]);
    assert!(
        !ok && text.contains("create (pid 1 on host elsewhere"),
        "{text}"
    );
    let (ok, text) = env.run(&["unlock", "-n", GOOD]);
    assert!(
        ok && text.contains("held by create (pid 1 on host elsewhere"),
        "{text}"
    );
    let (ok, text) = env.run(&["list"]);
    assert!(ok && !text.contains(".locks"), "{text}");
    let (ok, text) = env.run(&["delete", "-n", GOOD, "--yes"]);
    assert!(ok, "{text}");
}

/// Every database and collection of a server, for "nothing changed" on the target.
fn server_state(m: &common::Server) -> serde_json::Value {
    let mut v = common::py(&["list", "--addr", &m.addr]);
    if let Some(dbs) = v["databases"].as_array_mut() {
        dbs.sort_by_key(|d| d.to_string()); // the server lists them in any order
    }
    v
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn hostile_input_with_servers() {
    use common::*;
    let m = server("M235_LOCAL");
    let db = unique("db");
    seed(&m, &db, "small", "small");
    let local = Tool::new(&m, BackupAt::LocalDir, &[]);
    let name = unique("b");
    local.ok(&[
        "-q",
        "create",
        "-n",
        &name,
        "--filter",
        &format!("{db}.small"),
    ]);
    let s3 = Tool::new(&m, BackupAt::S3Bucket, &[]);
    let s3_name = unique("b");
    s3.ok(&[
        "-q",
        "create",
        "-n",
        &s3_name,
        "--filter",
        &format!("{db}.small"),
    ]);
    let s3_dir = PathBuf::from(std::env::var("MBT_S3_DATA_DIR").unwrap())
        .join(std::env::var("MBT_S3_BACKUP_BUCKET").unwrap());
    let meta = local.backup_root.join(&name).join("meta");

    struct ServerCase<'a> {
        name: &'static str,
        tool: &'a Tool,
        setup: Box<dyn Fn() + 'a>,
        args: Vec<String>,
        expect: Vec<&'static str>,
    }
    let restore_same = vec![
        "-q".to_string(),
        "restore".into(),
        "-n".into(),
        name.clone(),
    ];
    let bad_version = {
        let meta = meta.clone();
        move || {
            for f in ["backup_meta.json", "full_meta.json"] {
                let p = meta.join(f);
                let mut v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                v["milvus_version"] = json!("v2.5.0");
                std::fs::write(&p, v.to_string()).unwrap();
            }
        }
    };
    let binlog = common_first_binlog(&local.backup_root.join(&name));
    let cases = vec![
        ServerCase {
            name: "target_collection_exists",
            tool: &local,
            setup: Box::new(|| {}),
            args: restore_same.clone(),
            expect: vec!["already exist", "nothing was changed"],
        },
        ServerCase {
            name: "incompatible_version_pair",
            tool: &local,
            setup: Box::new(bad_version),
            args: [&restore_same[..], &["-s".into(), "_v".into()]].concat(),
            expect: vec!["restore from Milvus", "2.5.0", "is not supported"],
        },
        ServerCase {
            name: "binlog_missing_on_a_real_restore",
            tool: &local,
            setup: Box::new({
                let binlog = binlog.clone();
                let meta = meta.clone();
                move || {
                    // Undo the version edit of the case before, then remove one binlog.
                    for f in ["backup_meta.json", "full_meta.json"] {
                        let p = meta.join(f);
                        let mut v: serde_json::Value =
                            serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                        v["milvus_version"] = json!("v2.3.5");
                        std::fs::write(&p, v.to_string()).unwrap();
                    }
                    std::fs::remove_file(&binlog).unwrap();
                }
            }),
            args: [&restore_same[..], &["-s".into(), "_m".into()]].concat(),
            expect: vec!["missing", "failed the pre-restore check"],
        },
        ServerCase {
            name: "s3_wrong_secret_key",
            tool: &s3,
            setup: Box::new(|| {}),
            args: vec![
                "--set".into(),
                "backup.storage.secret_access_key=wrong-secret".into(),
                "list".into(),
            ],
            expect: vec!["storage s3://"],
        },
        ServerCase {
            name: "s3_wrong_bucket",
            tool: &s3,
            setup: Box::new(|| {}),
            args: vec![
                "--set".into(),
                "backup.storage.bucket=no-such-bucket".into(),
                "get".into(),
                "-n".into(),
                s3_name.clone(),
            ],
            expect: vec!["no-such-bucket"],
        },
        ServerCase {
            name: "s3_wrong_endpoint",
            tool: &s3,
            setup: Box::new(|| {}),
            args: vec![
                "--set".into(),
                format!(
                    "backup.storage.endpoint={}",
                    std::env::var("MBT_REFUSED_ADDR").unwrap()
                ),
                "list".into(),
            ],
            expect: vec!["storage s3://"],
        },
        ServerCase {
            name: "s3_wrong_root",
            tool: &s3,
            setup: Box::new(|| {}),
            args: vec![
                "--set".into(),
                "backup.storage.root=elsewhere".into(),
                "restore".into(),
                "-n".into(),
                s3_name.clone(),
                "-s".into(),
                "_w".into(),
            ],
            expect: vec!["no such backup"],
        },
        ServerCase {
            name: "unreachable_milvus_on_restore",
            tool: &local,
            setup: Box::new(|| {}),
            args: vec![
                "--set".into(),
                format!(
                    "milvus.address=\"{}\"",
                    std::env::var("MBT_REFUSED_ADDR").unwrap()
                ),
                "restore".into(),
                "-n".into(),
                name.clone(),
                "--skip-verify".into(),
            ],
            expect: vec!["cannot connect to Milvus at 127.0.0.1:19998"],
        },
    ];
    let mut failures = Vec::new();
    for c in &cases {
        (c.setup)();
        let before = (
            snapshot(&local.backup_root),
            snapshot(&s3_dir),
            server_state(&m),
        );
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let out = c.tool.run(&args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let after = (
            snapshot(&local.backup_root),
            snapshot(&s3_dir),
            server_state(&m),
        );
        let mut why = Vec::new();
        if out.status.success() {
            why.push("succeeded".to_string());
        }
        for e in &c.expect {
            if !text.contains(e) {
                why.push(format!("no {e:?}"));
            }
        }
        if before.0 != after.0 {
            why.push(format!(
                "the local backups changed: {}",
                diff(&before.0, &after.0)
            ));
        }
        if before.1 != after.1 {
            why.push(format!(
                "the S3 backups changed: {}",
                diff(&before.1, &after.1)
            ));
        }
        if before.2 != after.2 {
            why.push(format!("the server changed: {} -> {}", before.2, after.2));
        }
        if !why.is_empty() {
            failures.push(format!("{}: {}\n{text}", c.name, why.join(", ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The first insert-log file of a backup directory.
fn common_first_binlog(backup: &Path) -> PathBuf {
    let mut stack = vec![backup.join("binlogs/insert_log")];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else {
                return p;
            }
        }
    }
    panic!("no binlog in {}", backup.display());
}

/// The paths that differ between two snapshots.
fn diff(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    let keys: std::collections::BTreeSet<&PathBuf> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| k.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
