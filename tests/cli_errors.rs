//! Bad input gets a clear error and changes nothing. These need no server: they run in a plain
//! `cargo test` too.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(config: &str) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let text = config.replace(
            "$BACKUPS",
            &dir.path().join("backups").display().to_string(),
        );
        std::fs::write(dir.path().join("config.toml"), text).unwrap();
        Case { dir }
    }

    fn default() -> Case {
        Case::new(
            "[milvus]\naddress = \"127.0.0.1:1\"\n\n[backup.storage]\nprovider = \"fs\"\nroot = \"$BACKUPS\"\n",
        )
    }

    fn run(&self, args: &[&str]) -> (Output, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_milvus-backup-tui"))
            .arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .arg("--log-file")
            .arg(self.dir.path().join("log"))
            .args(args)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out, text)
    }

    fn fails(&self, args: &[&str], expect: &[&str]) -> String {
        let (out, text) = self.run(args);
        assert!(
            !out.status.success(),
            "`{}` should fail:\n{text}",
            args.join(" ")
        );
        for e in expect {
            assert!(
                text.contains(e),
                "`{}`: expected {e:?} in:\n{text}",
                args.join(" ")
            );
        }
        assert!(!text.contains("panicked"), "{text}");
        text
    }

    fn backups(&self) -> std::path::PathBuf {
        self.dir.path().join("backups")
    }
}

fn is_empty_or_missing(p: &Path) -> bool {
    std::fs::read_dir(p)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true)
}

#[test]
fn unreachable_milvus_is_named_quickly() {
    let case = Case::default();
    let start = Instant::now();
    case.fails(&["check"], &["127.0.0.1:1"]);
    case.fails(
        &["create", "-n", "b1"],
        &["cannot connect to Milvus at 127.0.0.1:1", "hint:"],
    );
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        is_empty_or_missing(&case.backups()),
        "a failed create left files"
    );
}

#[test]
fn bad_rates_are_refused_before_anything_happens() {
    let case = Case::default();
    for rate in ["fast", "0", "-5M", "10 parsecs"] {
        let flag = format!("--max-rate={rate}");
        for cmd in ["create", "restore"] {
            let text = case.fails(&[cmd, "-n", "b", &flag], &["--max-rate: '"]);
            assert!(
                !text.contains("cannot connect"),
                "checked before Milvus: {text}"
            );
        }
    }
    let text = case.fails(
        &["--set", "backup.max_bytes_per_second=0", "list"],
        &["`backup.max_bytes_per_second` is 0"],
    );
    assert!(!text.contains("cannot connect"), "{text}");
    assert!(is_empty_or_missing(&case.backups()));
}

#[test]
fn bad_backup_names_are_refused_before_anything_happens() {
    let case = Case::default();
    for name in [
        "a/b",
        "../x",
        "..",
        "has space",
        "ünï",
        "9starts_with_digit",
        &"x".repeat(129),
    ] {
        case.fails(&["create", "-n", name], &["backup name"]);
        case.fails(&["restore", "-n", name], &["backup name"]);
        case.fails(&["delete", "-n", name, "--yes"], &["backup name"]);
        case.fails(&["get", "-n", name], &["backup name"]);
    }
    assert!(is_empty_or_missing(&case.backups()));
}

#[test]
fn unknown_backup_is_reported() {
    let case = Case::default();
    case.fails(&["get", "-n", "nope"], &["backup 'nope'", "no such backup"]);
    case.fails(&["delete", "-n", "nope", "--yes"], &["no such backup"]);
}

#[test]
fn delete_needs_confirmation() {
    let case = Case::default();
    std::fs::create_dir_all(case.backups().join("keep/meta")).unwrap();
    std::fs::write(
        case.backups().join("keep/meta/backup_meta.json"),
        "{\"name\":\"keep\"}",
    )
    .unwrap();
    case.fails(&["delete", "-n", "keep"], &["--yes"]);
    assert!(case.backups().join("keep/meta/backup_meta.json").exists());
}

#[test]
fn config_syntax_error_names_file_and_line() {
    let case = Case::new("[milvus]\naddress = \"x\"\nuser = \n");
    let text = case.fails(&["list"], &["config.toml:3"]);
    assert!(text.contains("configuration error"), "{text}");
}

#[test]
fn unknown_config_key_is_named() {
    let case = Case::new("[milvus]\nadress = \"127.0.0.1:19530\"\n");
    case.fails(&["list"], &["adress", "config.toml:2"]);
}

#[test]
fn missing_config_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_milvus-backup-tui"))
        .args(["--config", "/nonexistent/mbt.toml", "--log-file"])
        .arg(dir.path().join("log"))
        .arg("list")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/mbt.toml"));
}

#[test]
fn malformed_rename_rules_and_filters_are_refused() {
    let case = Case::default();
    case.fails(&["restore", "-n", "b1", "-r", "a:"], &["rename"]);
    case.fails(&["restore", "-n", "b1", "-r", "db.*:db2.coll"], &["db.*"]);
    case.fails(&["restore", "-n", "b1", "-s", "bad-suffix"], &["suffix"]);
    case.fails(&["create", "-n", "b1", "--filter", "a.b.c"], &["a.b.c"]);
}

#[test]
fn secrets_stay_out_of_output() {
    let case = Case::new(
        "[milvus]\naddress = \"127.0.0.1:1\"\nuser = \"root\"\npassword = \"Sup3rSecretPw\"\n\n[backup.storage]\nprovider = \"s3\"\nbucket = \"b\"\nendpoint = \"127.0.0.1:1\"\naccess_key_id = \"AKIDSECRETID\"\nsecret_access_key = \"VerySecretKey\"\n",
    );
    for args in [&["check"][..], &["list"][..], &["create", "-n", "b1"][..]] {
        let (_, text) = case.run(args);
        for secret in ["Sup3rSecretPw", "AKIDSECRETID", "VerySecretKey"] {
            assert!(
                !text.contains(secret),
                "`{}` printed a secret:\n{text}",
                args.join(" ")
            );
        }
    }
    let log = std::fs::read_to_string(case.dir.path().join("log")).unwrap_or_default();
    for secret in ["Sup3rSecretPw", "AKIDSECRETID", "VerySecretKey"] {
        assert!(!log.contains(secret), "the log holds a secret");
    }
}

#[test]
fn compat_explains_a_refused_pair() {
    let case = Case::default();
    let (out, text) = case.run(&["compat", "--from", "2.3", "--to", "2.2"]);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Refused"), "{text}");
    let (_, json) = case.run(&["compat", "--json"]);
    let cells: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(cells.as_array().unwrap().len(), 16);
}
