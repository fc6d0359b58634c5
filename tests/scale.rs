//! Production-sized data: 1,000,000 rows x 128-dim float vectors (about 530 MiB of binlogs,
//! vector binlogs of ~120 MiB each) in Milvus 2.3.5 on Garage, backed up and restored:
//!
//! 1. into another bucket of the same Garage (server-side copies both ways), and
//! 2. into a local directory (streamed download), restored by staging into Garage (streamed
//!    multipart uploads).
//!
//! Each restore is checked key by key (the exact set of live primary keys) and vector by vector
//! on a 1-in-20 sample against a fresh computation, plus a full-read `verify` of each backup.

mod common;
use common::*;
use serde_json::Value;

const ROWS: u64 = 1_000_000;
const DELETE_EVERY: u64 = 1000;

/// Runs tests/support/scale_data.py (beside milvus_data.py) and parses its JSON.
fn scale(args: &[&str]) -> Value {
    let script = std::path::Path::new(&std::env::var("MBT_DATA_SCRIPT").unwrap())
        .with_file_name("scale_data.py");
    let out = std::process::Command::new(std::env::var("MBT_PYTHON").unwrap())
        .arg(script)
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run scale_data.py");
    assert!(
        out.status.success(),
        "scale_data.py {} failed",
        args.join(" ")
    );
    serde_json::from_slice(&out.stdout).expect("JSON from scale_data.py")
}

fn check_restored(m: &Server, db: &str, coll: &str, what: &str) {
    let rows = ROWS.to_string();
    let every = DELETE_EVERY.to_string();
    let r = scale(&[
        "check",
        "--addr",
        &m.addr,
        "--db",
        db,
        "--collection",
        coll,
        "--rows",
        &rows,
        "--delete-every",
        &every,
    ]);
    eprintln!("{what}: {r}");
    let expected = ROWS - ROWS / DELETE_EVERY;
    assert_eq!(r["rows"], expected, "{what}: live rows");
    assert_eq!(r["missing"], 0, "{what}: missing keys");
    assert_eq!(r["unexpected"], 0, "{what}: keys that should not be there");
    assert!(
        r["vectors_checked"].as_u64().unwrap() >= expected / 25,
        "{what}: the sample is too small to prove anything: {r}"
    );
    assert_eq!(r["vector_mismatches"], 0, "{what}: vectors differ");
}

/// The largest binlog the backup records, and the total size.
fn sizes(tool: &Tool, backup: &str) -> (u64, u64) {
    let meta = tool.json(&["get", "-n", backup, "--json"]);
    let mut largest = 0;
    let mut walk = vec![&meta];
    while let Some(v) = walk.pop() {
        match v {
            Value::Object(o) => {
                if let Some(n) = o.get("log_size").and_then(Value::as_u64) {
                    largest = largest.max(n);
                }
                walk.extend(o.values());
            }
            Value::Array(a) => walk.extend(a),
            _ => {}
        }
    }
    (largest, meta["size"].as_u64().unwrap_or(0))
}

/// Backs `db.big` up with `tool`, checks the backup's size and copy method, verifies it (a full
/// read), restores it under `suffix` and checks the restored rows; then drops the copy. Returns
/// the backup's total size and its largest binlog.
fn roundtrip(tool: &Tool, m: &Server, db: &str, suffix: &str, server_side: bool) -> (u64, u64) {
    let name = unique(&format!("big{suffix}"));
    let out = tool.ok(&[
        "-q",
        "create",
        "-n",
        &name,
        "--filter",
        &format!("{db}.big"),
    ]);
    assert_eq!(
        out.contains("copied inside the object store"),
        server_side,
        "server-side copies expected: {server_side}: {out}"
    );
    let (largest, total) = sizes(tool, &name);
    eprintln!("backup {name}: {total} bytes, largest binlog {largest} bytes");
    tool.ok(&["verify", "-n", &name]);
    tool.ok(&["-q", "restore", "-n", &name, "-s", suffix]);
    let restored = format!("big{suffix}");
    check_restored(m, db, &restored, &format!("backup and restore {suffix}"));
    py(&[
        "drop",
        "--addr",
        &m.addr,
        "--db",
        db,
        "--collection",
        &restored,
    ]);
    (total, largest)
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn scale_million_rows_on_garage_server_side_and_streamed() {
    let m = server("M235_GARAGE");
    let db = unique("scale");
    let seeded = scale(&[
        "seed",
        "--addr",
        &m.addr,
        "--db",
        &db,
        "--collection",
        "big",
        "--rows",
        &ROWS.to_string(),
        "--delete-every",
        &DELETE_EVERY.to_string(),
    ]);
    eprintln!("seeded: {seeded}");

    // 1. Same Garage, another bucket: server-side both ways.
    let garage = Tool::new(&m, BackupAt::GarageBucket, &[]);
    let (total, largest) = roundtrip(&garage, &m, &db, "_g", true);
    assert!(
        largest > 64 << 20,
        "production-sized files: largest {largest}"
    );
    assert!(total > 400 << 20, "production-sized backup: {total}");

    // 2. A local backup (streamed out of S3), restored by staging into S3 (streamed in).
    let local = Tool::new(&m, BackupAt::LocalDir, &[]);
    let (local_total, _) = roundtrip(&local, &m, &db, "_l", false);
    assert_eq!(local_total, total, "both backups hold the same bytes");
    py(&[
        "drop",
        "--addr",
        &m.addr,
        "--db",
        &db,
        "--collection",
        "big",
    ]);
}
