//! `create --rbac` / `restore --rbac` on the authenticated Milvus 2.3.5 (M235_AUTH): roles,
//! grants and users made with pymilvus are saved, dropped, and recreated; compared role by role
//! and grant by grant with what pymilvus lists. A second restore leaves existing ones alone; a
//! backup made without --rbac restores none.

mod common;
use common::*;
use serde_json::Value;

fn auth() -> (String, String) {
    (
        std::env::var("MBT_M235_AUTH_USER").expect("MBT_M235_AUTH_USER"),
        std::env::var("MBT_M235_AUTH_PASSWORD").expect("MBT_M235_AUTH_PASSWORD"),
    )
}

/// The tool's configuration with the server's credentials added.
fn tool(m: &Server) -> Tool {
    let t = Tool::new(m, BackupAt::LocalDir, &[]);
    let (user, password) = auth();
    let text = std::fs::read_to_string(&t.config).unwrap();
    let head = format!("[milvus]\naddress = \"{}\"\n", m.addr);
    assert!(text.starts_with(&head), "{text}");
    let text = text.replacen(
        &head,
        &format!("{head}user = \"{user}\"\npassword = \"{password}\"\n"),
        1,
    );
    std::fs::write(&t.config, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&t.config, std::fs::Permissions::from_mode(0o600)).unwrap();
    t
}

/// milvus_data.py `sub` against `m` as root, with `args` after the connection options.
fn py_root(m: &Server, sub: &str, args: &[&str]) -> Value {
    let (user, password) = auth();
    let mut all = vec![
        sub,
        "--addr",
        &m.addr,
        "--user",
        &user,
        "--password",
        &password,
    ];
    all.extend_from_slice(args);
    py(&all)
}

fn rbac(m: &Server, action: &str, prefix: &str) -> Value {
    py_root(m, "rbac", &["--action", action, "--prefix", prefix])
}

fn can_login(m: &Server, user: &str, password: &str) -> bool {
    let args = [
        "--action",
        "login",
        "--prefix",
        "-",
        "--as-user",
        user,
        "--as-password",
        password,
    ];
    py_root(m, "rbac", &args)["ok"]
        .as_bool()
        .expect("login answer")
}

fn seed_small(m: &Server, db: &str, coll: &str) {
    let args = ["--db", db, "--collection", coll, "--kind", "small"];
    py_root(m, "seed", &args);
}

/// Runs Python `code` with pymilvus's `utility` connected as root.
fn as_root(m: &Server, code: &str) {
    let (root, root_pw) = auth();
    let (host, port) = m.addr.rsplit_once(':').unwrap();
    let script = format!(
        "from pymilvus import connections, utility\n\
         connections.connect(host={host:?}, port={port:?}, user={root:?}, password={root_pw:?})\n\
         {code}\n"
    );
    let ok = std::process::Command::new(std::env::var("MBT_PYTHON").expect("MBT_PYTHON"))
        .arg("-c")
        .arg(&script)
        .status()
        .expect("run python")
        .success();
    assert!(ok, "python failed: {code}");
}

/// Asserts role by role, grant by grant and user by user that `got` equals `want`.
fn assert_same_rbac(want: &Value, got: &Value, what: &str) {
    assert_eq!(got["roles"], want["roles"], "{what}: roles differ");
    let (w, g) = (
        want["grants"].as_array().unwrap(),
        got["grants"].as_array().unwrap(),
    );
    for grant in w {
        assert!(g.contains(grant), "{what}: grant {grant} is missing");
    }
    for grant in g {
        assert!(w.contains(grant), "{what}: grant {grant} is extra");
    }
    assert_eq!(
        got["users"], want["users"],
        "{what}: users or their roles differ"
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn rbac_roundtrip_on_authenticated_2_3() {
    let m = server("M235_AUTH");
    let t = tool(&m);
    let p = unique("rb");
    let db = format!("{p}_data");
    seed_small(&m, &db, "small");

    rbac(&m, "setup", &p);
    let before = rbac(&m, "dump", &p);
    assert_eq!(before["roles"].as_array().unwrap().len(), 3, "{before}");
    assert_eq!(before["grants"].as_array().unwrap().len(), 8, "{before}");
    assert_eq!(before["users"].as_object().unwrap().len(), 3, "{before}");

    let with = format!("{p}_with");
    let without = format!("{p}_without");
    let filter = format!("{db}.*");
    t.ok(&["-q", "create", "-n", &with, "--filter", &filter, "--rbac"]);
    t.ok(&["-q", "create", "-n", &without, "--filter", &filter]);

    // The metadata holds names, roles and grants; never a password or a built-in.
    let meta = t.json(&["get", "-n", &with, "--json"]);
    let rbac_meta = meta
        .get("rbac_meta")
        .unwrap_or_else(|| panic!("no rbac_meta in {meta}"))
        .clone();
    let text = rbac_meta.to_string();
    assert!(!text.contains("password"), "{text}");
    assert!(!text.contains("Passw0rd"), "{text}");
    for builtin in ["\"root\"", "\"admin\"", "\"public\""] {
        assert!(!text.contains(builtin), "{builtin} saved: {text}");
    }
    let saved_grants: Vec<&Value> = rbac_meta["grants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["role"]["name"].as_str().unwrap().starts_with(&p))
        .collect();
    assert_eq!(saved_grants.len(), 8, "{text}");
    let plain = t.json(&["get", "-n", &without, "--json"]);
    assert!(plain.get("rbac_meta").is_none(), "{plain}");

    rbac(&m, "drop", &p);
    let empty = rbac(&m, "dump", &p);
    assert_eq!(empty["roles"], serde_json::json!([]), "{empty}");
    assert_eq!(empty["users"], serde_json::json!({}), "{empty}");

    // Without --rbac nothing of it comes back; --rbac on that backup is refused.
    t.ok(&["-q", "restore", "-n", &without, "-s", "_r0"]);
    assert_same_rbac(&empty, &rbac(&m, "dump", &p), "restore without --rbac");
    let refused = t.fails(&["restore", "-n", &without, "-s", "_rx", "--rbac"]);
    assert!(refused.contains("without --rbac"), "{refused}");

    let out = t.ok(&["restore", "-n", &with, "-s", "_r1", "--rbac"]);
    assert_same_rbac(&before, &rbac(&m, "dump", &p), "restore --rbac");
    assert!(out.contains("WITHOUT their old password"), "{out}");
    assert!(!out.contains("Passw0rd"), "{out}");
    let alice = format!("{p}_alice");
    assert!(
        !can_login(&m, &alice, "Passw0rd!"),
        "a restored user must not have its old password"
    );

    // Second restore: an existing user keeps its password, a missing grant comes back, and
    // what exists is counted as such.
    rbac(&m, "revoke", &p);
    let changed = rbac(&m, "dump", &p);
    assert_eq!(changed["grants"].as_array().unwrap().len(), 7, "{changed}");
    // alice again, by hand, with a password of her own.
    as_root(
        &m,
        &format!("utility.delete_user({alice:?})\nutility.create_user({alice:?}, 'Own-pass1')"),
    );
    let out = t.ok(&["restore", "-n", &with, "-s", "_r2", "--rbac"]);
    assert!(out.contains("1 grant(s) created, 7 already there"), "{out}");
    assert!(out.contains("0 role(s) created, 3 already there"), "{out}");
    assert!(out.contains("0 user(s) created, 3 already there"), "{out}");
    assert_same_rbac(&before, &rbac(&m, "dump", &p), "second restore --rbac");
    assert!(
        can_login(&m, &alice, "Own-pass1"),
        "an existing user's password must be left alone"
    );

    rbac(&m, "drop", &p);
}
