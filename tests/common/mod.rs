//! Shared helpers of the end-to-end tests: the sandbox servers (started by `scripts/test.sh`),
//! a configuration per test, the real binary, and the independent Python client that seeds and
//! dumps collections.
#![allow(dead_code)]

pub mod tui;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// One Milvus server of the sandbox.
pub struct Server {
    pub name: String,
    pub addr: String,
    pub version: String,
    /// `[milvus.storage]` as TOML lines.
    pub storage_toml: String,
    /// Local storage root, when local.
    pub root: Option<PathBuf>,
}

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| {
        panic!("{key} is not set: the end-to-end tests need the sandbox servers; run them with scripts/test.sh")
    })
}

pub fn server(name: &str) -> Server {
    let addr = env(&format!("MBT_{name}_ADDR"));
    let version = env(&format!("MBT_{name}_VERSION"));
    let storage = env(&format!("MBT_{name}_STORAGE"));
    let (storage_toml, root) = if storage == "local" {
        let root = env(&format!("MBT_{name}_ROOT"));
        (
            format!("provider = \"fs\"\nroot = \"{root}\"\n"),
            Some(PathBuf::from(root)),
        )
    } else {
        (
            format!(
                "provider = \"s3\"\nbucket = \"{}\"\nroot = \"{}\"\nendpoint = \"{}\"\nregion = \"us-east-1\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
                env(&format!("MBT_{name}_BUCKET")),
                env(&format!("MBT_{name}_ROOTPATH")),
                env(&format!("MBT_{name}_S3_ENDPOINT")),
                env(&format!("MBT_{name}_S3_ACCESS_KEY")),
                env(&format!("MBT_{name}_S3_SECRET_KEY")),
            ),
            None,
        )
    };
    Server {
        name: name.to_string(),
        addr,
        version,
        storage_toml,
        root,
    }
}

/// Where a test keeps its backups.
pub enum BackupAt {
    /// A fresh directory of the test.
    LocalDir,
    /// A prefix in the sandbox's backup bucket (not Milvus's bucket).
    S3Bucket,
    /// A prefix in the backup bucket of the sandbox's Garage (the production S3 store; the
    /// same endpoint and key as `M235_GARAGE`'s storage, so copies run server-side).
    GarageBucket,
}

/// A configuration file and the binary, for one test.
pub struct Tool {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub backup_root: PathBuf,
}

impl Tool {
    pub fn new(milvus: &Server, backups: BackupAt, clusters: &[(&str, &Server)]) -> Tool {
        let dir = tempfile::tempdir().expect("tempdir");
        let backup_root = dir.path().join("backups");
        let backup_toml = match backups {
            BackupAt::LocalDir => {
                format!("provider = \"fs\"\nroot = \"{}\"\n", backup_root.display())
            }
            BackupAt::S3Bucket => format!(
                "provider = \"s3\"\nbucket = \"{}\"\nroot = \"{}\"\nendpoint = \"{}\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
                env("MBT_S3_BACKUP_BUCKET"),
                unique("bk"),
                env("MBT_S3_ENDPOINT"),
                env("MBT_S3_ACCESS_KEY"),
                env("MBT_S3_SECRET_KEY"),
            ),
            BackupAt::GarageBucket => format!(
                "provider = \"s3\"\nbucket = \"{}\"\nroot = \"{}\"\nendpoint = \"{}\"\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
                env("MBT_GARAGE_BACKUP_BUCKET"),
                unique("bk"),
                env("MBT_GARAGE_ENDPOINT"),
                env("MBT_GARAGE_ACCESS_KEY"),
                env("MBT_GARAGE_SECRET_KEY"),
            ),
        };
        let mut text = format!(
            "[milvus]\naddress = \"{}\"\n\n[milvus.storage]\n{}\n[backup]\nparallelism = 4\n\n[backup.storage]\n{}\n",
            milvus.addr, milvus.storage_toml, backup_toml
        );
        for (name, s) in clusters {
            text.push_str(&format!(
                "\n[clusters.{name}.milvus]\naddress = \"{}\"\n\n[clusters.{name}.milvus.storage]\n{}",
                s.addr, s.storage_toml
            ));
        }
        let config = dir.path().join("config.toml");
        std::fs::write(&config, text).expect("write config");
        Tool {
            dir,
            config,
            backup_root,
        }
    }

    /// Runs the real binary with this configuration.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_milvus-backup-tui"))
            .arg("--config")
            .arg(&self.config)
            .arg("--log-file")
            .arg(self.dir.path().join("tool.log"))
            .args(args)
            .output()
            .expect("run milvus-backup-tui");
        eprintln!(
            "$ milvus-backup-tui {}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`{}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs and expects failure; returns stdout + stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "`{}` should have failed",
            args.join(" ")
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("JSON output")
    }
}

/// A name no other test or run uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos % 100_000
    )
}

/// Runs the independent Python client (pymilvus) and parses its JSON output.
pub fn py(args: &[&str]) -> Value {
    let out = Command::new(env("MBT_PYTHON"))
        .arg(env("MBT_DATA_SCRIPT"))
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "milvus_data.py {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("milvus_data.py {}: bad JSON ({e})", args.join(" ")))
}

/// Seeds a collection of `kind`; returns the script's report.
pub fn seed(server: &Server, db: &str, coll: &str, kind: &str) -> Value {
    py(&[
        "seed",
        "--addr",
        &server.addr,
        "--db",
        db,
        "--collection",
        coll,
        "--kind",
        kind,
    ])
}

/// Every row of a collection, canonical and sorted.
pub fn dump(server: &Server, db: &str, coll: &str) -> Vec<Value> {
    match py(&[
        "dump",
        "--addr",
        &server.addr,
        "--db",
        db,
        "--collection",
        coll,
    ]) {
        Value::Array(rows) => rows,
        other => panic!("dump returned {other}"),
    }
}

/// Asserts that two dumps hold the same rows, value by value, and names the first difference.
pub fn assert_same_rows(source: &[Value], restored: &[Value], what: &str) {
    assert!(
        !source.is_empty(),
        "{what}: the source dump is empty, the comparison would prove nothing"
    );
    for (i, (a, b)) in source.iter().zip(restored).enumerate() {
        assert_eq!(a, b, "{what}: row {i} differs");
    }
    assert_eq!(source.len(), restored.len(), "{what}: row counts differ");
}

/// Asserts that none of `deleted` primary keys appears in `rows` (field `pk_field`).
pub fn assert_absent(rows: &[Value], pk_field: &str, deleted: &Value, what: &str) {
    let deleted = deleted.as_array().expect("deleted_pks array");
    assert!(
        !deleted.is_empty(),
        "{what}: the seed deleted nothing, the check would prove nothing"
    );
    for row in rows {
        assert!(
            !deleted.contains(&row[pk_field]),
            "{what}: deleted row {} came back",
            row[pk_field]
        );
    }
}

pub fn dir_is_empty_or_missing(p: &Path) -> bool {
    std::fs::read_dir(p)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true)
}

/// The S3 storage of server `NAME` as the tool opens it (MBT_<NAME>_BUCKET, _ROOTPATH, _S3_*).
pub fn milvus_s3_storage(name: &str) -> milvus_backup_tui::storage::Store {
    use milvus_backup_tui::config::{Provider, StorageConfig};
    use milvus_backup_tui::secret::Secret;
    let cfg = StorageConfig {
        provider: Provider::S3,
        root: Some(env(&format!("MBT_{name}_ROOTPATH"))),
        bucket: Some(env(&format!("MBT_{name}_BUCKET"))),
        endpoint: Some(env(&format!("MBT_{name}_S3_ENDPOINT"))),
        region: Some("us-east-1".into()),
        access_key_id: Some(Secret::new(env(&format!("MBT_{name}_S3_ACCESS_KEY")))),
        secret_access_key: Some(Secret::new(env(&format!("MBT_{name}_S3_SECRET_KEY")))),
        ca_cert: None,
        ..Default::default()
    };
    milvus_backup_tui::storage::Store::open(&cfg, milvus_backup_tui::storage::Role::Milvus)
        .expect("open the Milvus storage")
}

/// Milvus `m` on S3 -> a backup in another bucket (`tool`'s) -> restored with a suffix (staged
/// into Milvus's bucket), compared row by row; no staging file is left. Returns what `create`
/// printed.
pub fn s3_roundtrip(m: &Server, tool: &Tool) -> String {
    let db = unique("db");
    let rich = seed(m, &db, "rich", "rich");
    seed(m, &db, "vb", "varchar_binary");
    let backup = unique("b");
    let created = tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.*"),
    ]);
    let list = tool.json(&["list", "--json"]);
    assert!(list.to_string().contains(&backup), "{list}");
    // The recorded checksums hold: a full read of every file agrees with them.
    tool.ok(&["verify", "-n", &backup]);

    let plan = tool.ok(&["restore", "-n", &backup, "-s", "_r", "--dry-run"]);
    assert!(
        plan.contains("copied from"),
        "a backup in another bucket must be staged: {plan}"
    );
    tool.ok(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    let rich_dst = dump(m, &db, "rich_r");
    let what = format!("rich on {}", m.name);
    assert_same_rows(&dump(m, &db, "rich"), &rich_dst, &what);
    assert_absent(&rich_dst, "pk", &rich["deleted_pks"], &what);
    assert_same_rows(
        &dump(m, &db, "vb"),
        &dump(m, &db, "vb_r"),
        &format!("varchar_binary on {}", m.name),
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let left = rt
        .block_on(milvus_s3_storage(&m.name).list_files("mbt_staging"))
        .expect("list the staging prefix");
    assert!(left.is_empty(), "staging files left behind: {left:?}");
    created
}
