//! Backups on an S3 endpoint over HTTPS whose certificate a private CA signed (the sandbox's
//! nginx in front of s3s-fs, with the throwaway test CA): trusted through
//! `backup.storage.ca_cert`, refused without it.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| {
        panic!("{key} is not set: this test needs the sandbox servers; run it with scripts/test.sh")
    })
}

/// A configuration: M235_LOCAL as Milvus, backups under `root` in the backup bucket on the
/// HTTPS endpoint, trusting `ca` when given.
fn write_config(dir: &Path, milvus: &Server, root: &str, ca: Option<&str>) -> PathBuf {
    let mut text = format!(
        "[milvus]\naddress = \"{}\"\n\n[milvus.storage]\n{}\n[backup]\nparallelism = 4\n\n\
         [backup.storage]\nprovider = \"s3\"\nbucket = \"{}\"\nroot = \"{root}\"\n\
         endpoint = \"{}\"\nregion = \"us-east-1\"\naccess_key_id = \"{}\"\n\
         secret_access_key = \"{}\"\n",
        milvus.addr,
        milvus.storage_toml,
        env("MBT_S3_BACKUP_BUCKET"),
        env("MBT_S3_HTTPS_ENDPOINT"),
        env("MBT_S3_ACCESS_KEY"),
        env("MBT_S3_SECRET_KEY"),
    );
    if let Some(ca) = ca {
        text.push_str(&format!("ca_cert = \"{ca}\"\n"));
    }
    let path = dir.join(if ca.is_some() {
        "config.toml"
    } else {
        "config-no-ca.toml"
    });
    std::fs::write(&path, text).expect("write config");
    path
}

/// The tool with `config` in `dir`.
fn tool(dir: &tempfile::TempDir, config: PathBuf) -> Tool {
    // Tool only needs its directory for the log file; the backup_root is unused (S3).
    Tool {
        dir: tempfile::tempdir_in(dir.path()).expect("tempdir"),
        config,
        backup_root: dir.path().join("unused"),
    }
}

fn files_under(p: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn s3_https_private_ca_roundtrip() {
    let m = server("M235_LOCAL");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = unique("https");
    let ca = env("MBT_TLS_CA");
    let with_ca = tool(&dir, write_config(dir.path(), &m, &root, Some(&ca)));
    let no_ca = tool(&dir, write_config(dir.path(), &m, &root, None));
    let endpoint = env("MBT_S3_HTTPS_ENDPOINT");
    let written = PathBuf::from(env("MBT_S3_DATA_DIR"))
        .join(env("MBT_S3_BACKUP_BUCKET"))
        .join(&root);

    // Seeding first creates Milvus's local storage, which `check` wants to see.
    let db = unique("db");
    seed(&m, &db, "small", "small");

    // Without the CA: refused, with a message naming the endpoint and the certificate.
    let out = no_ca.fails(&["check"]);
    assert!(out.contains(&endpoint), "the endpoint is not named: {out}");
    assert!(
        out.to_lowercase().contains("certificate"),
        "the untrusted certificate is not mentioned: {out}"
    );
    assert!(
        !out.contains(&env("MBT_S3_SECRET_KEY")),
        "a secret leaked: {out}"
    );
    assert!(
        files_under(&written).is_empty(),
        "something was written without a trusted connection: {:?}",
        files_under(&written)
    );

    // With it: everything works through HTTPS.
    with_ca.ok(&["check"]);
    let backup = unique("b");
    with_ca.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.*"),
    ]);
    assert!(
        !files_under(&written).is_empty(),
        "the backup is not in the bucket behind the HTTPS endpoint"
    );
    let list = with_ca.json(&["list", "--json"]);
    assert!(list.to_string().contains(&backup), "{list}");

    with_ca.ok(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    assert_same_rows(
        &dump(&m, &db, "small"),
        &dump(&m, &db, "small_r"),
        "small over HTTPS S3",
    );
}
