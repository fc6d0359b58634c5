//! TLS to Milvus against real Milvus 2.3.5 servers of the sandbox: `M235_TLS1` (one-way TLS,
//! `common.security.tlsMode: 1`) and `M235_TLS2` (mutual TLS, tlsMode 2), both serving a
//! certificate of the sandbox's throwaway CA (`MBT_TLS_*`). Every mismatch of the client's TLS
//! settings with the server must fail with an error naming the address, never a panic or a hang.

mod common;
use common::*;
use std::process::Output;
use std::time::{Duration, Instant};

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| {
        panic!("{key} is not set: the TLS tests need the sandbox servers; run them with scripts/test.sh")
    })
}

/// TOML string of a path or name.
fn q(s: &str) -> String {
    format!("{s:?}")
}

/// A tool whose `[milvus]` section also holds `tls_lines` (TOML lines).
fn tls_tool(m: &Server, tls_lines: &[String]) -> Tool {
    let tool = Tool::new(m, BackupAt::LocalDir, &[]);
    let text = std::fs::read_to_string(&tool.config).expect("read config");
    let address_line = format!("address = \"{}\"\n", m.addr);
    assert!(text.contains(&address_line), "unexpected config:\n{text}");
    let with_tls = text.replacen(
        &address_line,
        &format!("{address_line}{}\n", tls_lines.join("\n")),
        1,
    );
    std::fs::write(&tool.config, with_tls).expect("write config");
    tool
}

fn server_tls(ca: &str, server_name: Option<&str>) -> Vec<String> {
    let mut v = vec![
        "tls_mode = \"server\"".to_string(),
        format!("ca_cert = {}", q(ca)),
    ];
    if let Some(n) = server_name {
        v.push(format!("server_name = {}", q(n)));
    }
    v
}

fn mutual_tls() -> Vec<String> {
    vec![
        "tls_mode = \"mutual\"".to_string(),
        format!("ca_cert = {}", q(&env("MBT_TLS_CA"))),
        format!("server_name = {}", q(&env("MBT_TLS_SERVER_NAME"))),
        format!("client_cert = {}", q(&env("MBT_TLS_CLIENT_CERT"))),
        format!("client_key = {}", q(&env("MBT_TLS_CLIENT_KEY"))),
    ]
}

/// The TLS options of milvus_data.py for `m` (none for a plain server).
fn py_tls(m: &Server) -> Vec<String> {
    let mut v = Vec::new();
    if m.name == "M235_TLS1" || m.name == "M235_TLS2" {
        v.extend([
            "--tls-ca".to_string(),
            env("MBT_TLS_CA"),
            "--tls-server-name".to_string(),
            env("MBT_TLS_SERVER_NAME"),
        ]);
    }
    if m.name == "M235_TLS2" {
        v.extend([
            "--tls-cert".to_string(),
            env("MBT_TLS_CLIENT_CERT"),
            "--tls-key".to_string(),
            env("MBT_TLS_CLIENT_KEY"),
        ]);
    }
    v
}

fn py_tls_cmd(cmd: &str, m: &Server, db: &str, coll: &str, extra: &[&str]) -> serde_json::Value {
    let tls = py_tls(m);
    let mut args: Vec<&str> = vec![cmd, "--addr", &m.addr, "--db", db, "--collection", coll];
    args.extend(tls.iter().map(String::as_str));
    args.extend_from_slice(extra);
    py(&args)
}

/// `check` must fail: not a panic (exit 101), within a bounded time, naming the address.
/// Returns stdout + stderr.
fn check_fails(tool: &Tool, m: &Server) -> String {
    let t0 = Instant::now();
    let out: Output = tool.run(&["check"]);
    let took = t0.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "check should have failed:\n{text}");
    assert_ne!(out.status.code(), Some(101), "a panic:\n{text}");
    assert!(!text.contains("panicked"), "a panic:\n{text}");
    assert!(
        took < Duration::from_secs(60),
        "check took {took:?} to fail:\n{text}"
    );
    assert!(
        text.contains(&m.addr),
        "the error does not name the address {}:\n{text}",
        m.addr
    );
    eprintln!("=== user-visible error ({:?}):\n{text}===", took);
    text
}

/// Seeds a small collection over TLS (pymilvus); returns the database and the seed report.
/// A fresh server has no storage directory until its first flush, so `check` passes only
/// after this.
fn seed_small(m: &Server) -> (String, serde_json::Value) {
    let db = unique("tls");
    let seeded = py_tls_cmd("seed", m, &db, "small", &["--kind", "small"]);
    (db, seeded)
}

/// `check` passes as a whole.
fn check_passes(tool: &Tool) {
    let out = tool.ok(&["check"]);
    assert!(out.contains("all checks passed"), "{out}");
}

/// Backs the seeded database up and restores it under a suffix through `tool`, and compares
/// the rows (read back over TLS by pymilvus).
fn roundtrip(tool: &Tool, m: &Server, db: &str, seeded: &serde_json::Value) {
    let db = db.to_string();
    let backup = unique("b");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.*"),
    ]);
    let info = tool.json(&["get", "-n", &backup, "--json"]);
    assert_eq!(info["collection_backups"].as_array().unwrap().len(), 1);
    tool.ok(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    let rows = |coll: &str| match py_tls_cmd("dump", m, &db, coll, &[]) {
        serde_json::Value::Array(rows) => rows,
        other => panic!("dump returned {other}"),
    };
    let src = rows("small");
    let dst = rows("small_r");
    assert_same_rows(&src, &dst, "small over TLS");
    assert_eq!(dst.len() as u64, seeded["rows_expected"].as_u64().unwrap());
    assert_absent(
        &dst,
        seeded["pk_field"].as_str().unwrap(),
        &seeded["deleted_pks"],
        "small",
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tls_server_auth_check_and_roundtrip() {
    let m = server("M235_TLS1");
    let ca = env("MBT_TLS_CA");
    let tool = tls_tool(&m, &server_tls(&ca, Some(&env("MBT_TLS_SERVER_NAME"))));
    let (db, seeded) = seed_small(&m);
    check_passes(&tool);
    // Without server_name the host of the address (127.0.0.1, an IP SAN of the cert) is checked.
    let by_ip = tls_tool(&m, &server_tls(&ca, None));
    check_passes(&by_ip);
    roundtrip(&tool, &m, &db, &seeded);
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tls_https_address_means_server_tls() {
    let m = server("M235_TLS1");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let addr = format!("milvus.address=\"https://{}\"", m.addr);
    let ca = format!("milvus.ca_cert={}", q(&env("MBT_TLS_CA")));
    seed_small(&m);
    let out = tool.ok(&["--set", &addr, "--set", &ca, "check"]);
    assert!(out.contains("all checks passed"), "{out}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tls_disabled_against_tls_server_fails_clearly() {
    let m = server("M235_TLS1");
    let tool = tls_tool(&m, &[]);
    check_fails(&tool, &m);
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tls_against_plain_server_fails_clearly() {
    let m = server("M235_LOCAL");
    let tool = tls_tool(&m, &server_tls(&env("MBT_TLS_CA"), Some("localhost")));
    let out = check_fails(&tool, &m);
    assert!(out.to_lowercase().contains("tls"), "{out}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tls_wrong_ca_fails_clearly() {
    let m = server("M235_TLS1");
    let tool = tls_tool(
        &m,
        &server_tls(&env("MBT_TLS_OTHER_CA"), Some(&env("MBT_TLS_SERVER_NAME"))),
    );
    let out = check_fails(&tool, &m);
    assert!(out.to_lowercase().contains("certificate"), "{out}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tls_wrong_server_name_fails_clearly() {
    let m = server("M235_TLS1");
    let tool = tls_tool(&m, &server_tls(&env("MBT_TLS_CA"), Some("wrong.example")));
    let out = check_fails(&tool, &m);
    assert!(out.to_lowercase().contains("certificate"), "{out}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn mtls_with_client_cert_works() {
    let m = server("M235_TLS2");
    let tool = tls_tool(&m, &mutual_tls());
    let (db, seeded) = seed_small(&m);
    check_passes(&tool);
    roundtrip(&tool, &m, &db, &seeded);
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn mtls_without_client_cert_fails_clearly() {
    let m = server("M235_TLS2");
    let tool = tls_tool(
        &m,
        &server_tls(&env("MBT_TLS_CA"), Some(&env("MBT_TLS_SERVER_NAME"))),
    );
    let out = check_fails(&tool, &m);
    assert!(
        out.contains("tls_mode = \"mutual\" with client_cert and client_key"),
        "the advice should point at mutual TLS:\n{out}"
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tls_disabled_against_mtls_server_fails_clearly() {
    let m = server("M235_TLS2");
    let tool = tls_tool(&m, &[]);
    check_fails(&tool, &m);
}
