//! The HTTP API (`serve`) against the sandbox's Milvus 2.3.5 (`M235_LOCAL`; `M235_S3` for the
//! cancel, whose restore stages files into Milvus's bucket), over real HTTP:
//! milvus-backup's documented request bodies, async create and restore polled to the end with
//! the rows compared by pymilvus, the event stream, cancelling a restore (its staging files
//! removed), bad input refused with nothing changed, and job records across a restart.

#[path = "common/api.rs"]
mod api;
mod common;

use api::{ApiServer, Client};
use common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

const TOKEN: &str = "t0ken-for-the-api-tests";

/// A tool whose configuration keeps job records in its own directory.
fn tool_with_state(m: &Server) -> Tool {
    let tool = Tool::new(m, BackupAt::LocalDir, &[]);
    let state = tool.dir.path().join("state");
    let mut text = std::fs::read_to_string(&tool.config).unwrap();
    text.push_str(&format!(
        "\n[server]\nstate_dir = \"{}\"\n",
        state.display()
    ));
    std::fs::write(&tool.config, text).unwrap();
    tool
}

fn start(tool: &Tool, extra_env: &[(&str, &str)]) -> (ApiServer, Client) {
    let mut env = vec![("MBT_SERVER_TOKEN", TOKEN)];
    env.extend_from_slice(extra_env);
    let s = ApiServer::start(tool, &env);
    let c = Client::new(&s.base, Some(TOKEN));
    (s, c)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => todo.push(e.path()),
                Ok(_) => out.push(e.path()),
                Err(_) => {}
            }
        }
    }
    out
}

fn drop_collection(m: &Server, db: &str, coll: &str) {
    py(&["drop", "--addr", &m.addr, "--db", db, "--collection", coll]);
}

fn state_code(v: &Value) -> i64 {
    v["state_code"].as_i64().unwrap_or(-1)
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn api_async_create_and_restore_with_milvus_backup_bodies() {
    let m = server("M235_LOCAL");
    let tool = tool_with_state(&m);
    let db = "default";
    let (a, b) = (unique("apia"), unique("apib"));
    seed(&m, db, &a, "rich");
    seed(&m, db, &b, "small");
    let (_server, c) = start(&tool, &[]);

    // check: Milvus answers, both storages open.
    let (status, checked) = c.get("/api/v1/check");
    assert_eq!(status, 200, "{checked}");
    assert!(
        checked["data"]["milvus_version"]
            .as_str()
            .unwrap()
            .contains("2.3.5"),
        "{checked}"
    );
    // The OpenAPI document names every route.
    let (status, doc) = c.get("/api/v1/openapi.json");
    assert_eq!(status, 200);
    for route in [
        "create",
        "list",
        "get_backup",
        "delete",
        "restore",
        "get_restore",
        "check",
        "hello",
        "jobs",
        "jobs/{id}",
        "jobs/{id}/cancel",
        "jobs/{id}/events",
        "verify",
    ] {
        assert!(
            doc["paths"].get(format!("/api/v1/{route}")).is_some(),
            "{route} not in the document"
        );
    }

    // hello needs no token.
    let (status, hello) = Client::new(&c.base, None).get("/api/v1/hello");
    assert_eq!(status, 200);
    assert!(
        hello.as_str().unwrap().contains("milvus-backup-tui"),
        "{hello}"
    );

    // milvus-backup's documented create body, unchanged but for the names: async, one collection.
    let backup = unique("apibk");
    let (status, created) = c.post(
        "/api/v1/create",
        &format!(r#"{{"async": true, "backup_name": "{backup}", "collection_names": ["{a}"]}}"#),
    );
    assert_eq!(status, 200, "{created}");
    assert!(
        created.get("code").is_none(),
        "success has no code: {created}"
    );
    let job_id = created["data"]["id"].as_str().expect("job id").to_string();
    assert_eq!(created["data"]["name"], backup.as_str());
    // The same name again while it runs (or once it exists): refused.
    let (status, again) = c.post(
        "/api/v1/create",
        &format!(r#"{{"backup_name": "{backup}", "async": true}}"#),
    );
    assert_eq!(status, 409, "{again}");

    // The event stream of the running create: progress events, then the result, then the end.
    let events = c.events(
        &format!("/api/v1/jobs/{job_id}/events"),
        Duration::from_secs(600),
    );
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    eprintln!("events: {names:?}");
    assert!(names.len() >= 2, "{names:?}");
    assert_eq!(names.last(), Some(&"result"), "{names:?}");
    assert!(
        names[..names.len() - 1].iter().all(|n| *n == "progress"),
        "{names:?}"
    );
    let (_, last_progress) = &events[events.len() - 2];
    assert_eq!(last_progress["phase"], "done", "{last_progress}");
    assert_eq!(last_progress["progress"], 100);
    assert!(
        last_progress["bytes"]["done"].as_u64().unwrap() > 0,
        "{last_progress}"
    );
    let (_, result) = events.last().unwrap();
    assert_eq!(result["state"], "succeeded", "{result}");
    assert_eq!(result["result"]["collections"], 1, "{result}");

    // get_backup polled until done: only the filtered collection is in it.
    let info = c.poll(
        &format!("/api/v1/get_backup?backup_name={backup}"),
        Duration::from_secs(600),
        |d| state_code(d) != 1,
    );
    assert_eq!(state_code(&info), 2, "{info}");
    assert_eq!(info["progress"], 100);
    assert_eq!(info["id"], job_id.as_str());
    // The same by milvus-backup's `backup_id`, the id the create returned.
    let (status, by_id) = c.get(&format!("/api/v1/get_backup?backup_id={job_id}"));
    assert_eq!(status, 200, "{by_id}");
    assert_eq!(by_id["data"]["name"], backup.as_str());
    assert_eq!(c.get("/api/v1/get_backup?backup_id=backup_none").0, 404);
    let colls: Vec<&str> = info["collection_backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["collection_name"].as_str().unwrap())
        .collect();
    assert_eq!(colls, vec![a.as_str()]);
    let version = info["milvus_version"]
        .as_str()
        .unwrap()
        .trim_start_matches('v');
    assert!(
        version.starts_with(m.version.trim_start_matches('v')),
        "{version}"
    );

    let (status, listed) = c.get("/api/v1/list");
    assert_eq!(status, 200);
    let entry = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == backup.as_str())
        .expect("backup listed")
        .clone();
    assert_eq!(state_code(&entry), 2, "{entry}");
    assert!(entry["size"].as_i64().unwrap() > 0);

    // milvus-backup's documented restore body: async, collection_names, collection_suffix.
    let (status, started) = c.post(
        "/api/v1/restore",
        &format!(
            r#"{{"async": true, "collection_names": ["{a}"], "collection_suffix": "_api", "backup_name": "{backup}"}}"#
        ),
    );
    assert_eq!(status, 200, "{started}");
    let rid = started["data"]["id"].as_str().unwrap().to_string();
    assert!(rid.starts_with("restore_"), "{rid}");
    let done = c.poll(
        &format!("/api/v1/get_restore?id={rid}"),
        Duration::from_secs(900),
        |d| state_code(d) != 1,
    );
    assert_eq!(state_code(&done), 2, "{done}");
    assert_eq!(done["progress"], 100);
    let tasks = done["collection_restore_tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{done}");
    assert_eq!(
        tasks[0]["target_collection_name"],
        format!("{a}_api").as_str()
    );
    assert_eq!(state_code(&tasks[0]), 2);

    let source = dump(&m, db, &a);
    let restored = dump(&m, db, &format!("{a}_api"));
    assert_same_rows(&source, &restored, "restored through the API");

    // The jobs route lists both, finished.
    let (_, jobs) = c.get("/api/v1/jobs");
    let ids: Vec<&str> = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&job_id.as_str()) && ids.contains(&rid.as_str()),
        "{ids:?}"
    );
    // The stream of a finished job is just its result.
    let events = c.events(
        &format!("/api/v1/jobs/{rid}/events"),
        Duration::from_secs(30),
    );
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "result");
    assert_eq!(events[0].1["state"], "succeeded");

    // verify: every file's size and CRC-32C.
    let (status, v) = c.post(
        "/api/v1/verify",
        &format!(r#"{{"backup_name":"{backup}"}}"#),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["ok"], true, "{v}");
    assert!(v["data"]["files"].as_u64().unwrap() > 0);

    // delete, then it is gone.
    let (status, _) = c.delete(&format!("/api/v1/delete?backup_name={backup}"));
    assert_eq!(status, 200);
    let (status, gone) = c.get(&format!("/api/v1/get_backup?backup_name={backup}"));
    assert_eq!(status, 404, "{gone}");
    assert_eq!(gone["code"], 404);
    drop_collection(&m, db, &format!("{a}_api"));
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn api_bad_input_is_refused_and_changes_nothing() {
    let m = server("M235_LOCAL");
    let tool = tool_with_state(&m);
    let db = "default";
    let a = unique("apibad");
    seed(&m, db, &a, "small");
    let (_server, c) = start(&tool, &[]);
    let backup = unique("apibadbk");
    let (status, made) = c.post(
        "/api/v1/create",
        &format!(r#"{{"backup_name": "{backup}", "collection_names": ["{a}"]}}"#),
    );
    // A synchronous create answers with the backup (milvus-backup drops `data` here).
    assert_eq!(status, 200, "{made}");
    assert_eq!(state_code(&made["data"]), 2, "{made}");
    assert_eq!(made["data"]["name"], backup.as_str());
    let before_rows = dump(&m, db, &a);
    let before_list = c.get("/api/v1/list").1["data"].clone();
    let backup_files = files_under(&tool.backup_root);

    // No token, a wrong token: 401 with a clear body.
    let anon = Client::new(&c.base, None);
    let (status, v) = anon.get("/api/v1/list");
    assert_eq!(status, 401, "{v}");
    assert!(
        v["msg"].as_str().unwrap().contains("missing bearer token"),
        "{v}"
    );
    assert_eq!(v["code"], 2);
    let wrong = Client::new(&c.base, Some("nope"));
    let (status, v) = wrong.delete(&format!("/api/v1/delete?backup_name={backup}"));
    assert_eq!(status, 401, "{v}");
    assert!(
        v["msg"].as_str().unwrap().contains("wrong bearer token"),
        "{v}"
    );
    assert!(!v.to_string().contains(TOKEN), "the token is echoed: {v}");

    // Malformed JSON, a wrong type (the field is named), bad names.
    let (status, v) = c.post("/api/v1/restore", r#"{"backup_name": "#);
    assert_eq!(status, 400, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("not valid JSON"), "{v}");
    let (status, v) = c.post(
        "/api/v1/restore",
        &format!(r#"{{"backup_name":"{backup}","async":"yes"}}"#),
    );
    assert_eq!(status, 400, "{v}");
    assert!(
        v["msg"].as_str().unwrap().starts_with("field `async`"),
        "{v}"
    );
    let (status, v) = c.post("/api/v1/create", r#"{"backup_name":"has space"}"#);
    assert_eq!(status, 400, "{v}");
    assert!(
        v["msg"]
            .as_str()
            .unwrap()
            .starts_with("field `backup_name`"),
        "{v}"
    );
    let (status, v) = c.post(
        "/api/v1/restore",
        &format!(r#"{{"backup_name":"{backup}","collection_suffix":"-bad"}}"#),
    );
    assert_eq!(status, 400, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("suffix"), "{v}");
    let (status, v) = c.post("/api/v1/restore", r#"{"backup_name":""}"#);
    assert_eq!(status, 400, "{v}");

    // Unknown backup.
    let (status, v) = c.get("/api/v1/get_backup?backup_name=no_such_backup_here");
    assert_eq!(status, 404, "{v}");
    let (status, v) = c.post(
        "/api/v1/restore",
        r#"{"backup_name":"no_such_backup_here"}"#,
    );
    assert_eq!(status, 404, "{v}");
    let (status, v) = c.get("/api/v1/get_restore?id=restore_none");
    assert_eq!(status, 404, "{v}");

    // A restore onto the existing collection, and a create over an existing backup: refused.
    let (status, v) = c.post(
        "/api/v1/restore",
        &format!(r#"{{"backup_name":"{backup}"}}"#),
    );
    assert_eq!(status, 409, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("already exist"), "{v}");
    let (status, v) = c.post(
        "/api/v1/create",
        &format!(r#"{{"backup_name":"{backup}"}}"#),
    );
    assert_eq!(status, 409, "{v}");
    // An option this tool does not implement is refused, not ignored.
    let (status, v) = c.post(
        "/api/v1/restore",
        &format!(r#"{{"backup_name":"{backup}","rbac":true}}"#),
    );
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["code"], 1);

    // Nothing changed: no job started, the rows, the backup's files and the list are the same.
    let (_, jobs) = c.get("/api/v1/jobs");
    assert_eq!(
        jobs["data"].as_array().unwrap().len(),
        1,
        "only the first create: {jobs}"
    );
    assert_eq!(dump(&m, db, &a), before_rows);
    assert_eq!(c.get("/api/v1/list").1["data"], before_list);
    assert_eq!(files_under(&tool.backup_root), backup_files);
    let restored = py(&["list", "--addr", &m.addr, "--db", db]);
    assert!(
        !restored.to_string().contains(&format!("{a}_")),
        "{restored}"
    );

    // The token, right or wrong, is in no log line.
    let log = std::fs::read_to_string(tool.dir.path().join("serve.log")).unwrap_or_default();
    assert!(log.contains("wrong token"), "the refusal is logged: {log}");
    assert!(
        !log.contains(TOKEN) && !log.contains("nope"),
        "a token in the log:\n{log}"
    );

    // Beyond loopback without a token, serve refuses to start.
    let out = tool.fails(&[
        "serve",
        "--listen",
        &format!("0.0.0.0:{}", api::free_port()),
    ]);
    assert!(out.contains("without a token"), "{out}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn api_cancel_restore_removes_its_staging_files() {
    // Milvus's storage in S3 and the backups in a directory: the restore stages its files.
    let m = server("M235_S3");
    let tool = tool_with_state(&m);
    let db = "default";
    let (a, b) = (unique("apica"), unique("apicb"));
    seed(&m, db, &a, "small");
    seed(&m, db, &b, "small");
    let backup = unique("apicbk");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{a},{b}"),
    ]);
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    let staging = PathBuf::from(var("MBT_S3_DATA_DIR"))
        .join(var("MBT_M235_S3_BUCKET"))
        .join(var("MBT_M235_S3_ROOTPATH"))
        .join("mbt_staging");
    let before = files_under(&staging);

    // The hook holds the restore right after its first Import call: files are staged then.
    let (server, c) = start(
        &tool,
        &[
            ("MBT_TEST_PAUSE_AFTER_IMPORTS", "1"),
            ("MBT_TEST_PAUSE_SECS", "30"),
        ],
    );
    let (status, v) = c.post(
        "/api/v1/restore",
        &format!(r#"{{"backup_name":"{backup}","collection_suffix":"_cx","async":true}}"#),
    );
    assert_eq!(status, 200, "{v}");
    let id = v["data"]["id"].as_str().unwrap().to_string();
    server.wait_stderr("MBT_TEST_PAUSED", Duration::from_secs(600));
    let ours: Vec<PathBuf> = files_under(&staging)
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert!(
        !ours.is_empty(),
        "nothing staged under {}",
        staging.display()
    );
    let (_, running) = c.get(&format!("/api/v1/jobs/{id}"));
    assert_eq!(running["data"]["state"], "running", "{running}");
    assert_eq!(
        running["data"]["progress"]["phase"], "importing",
        "{running}"
    );

    let (status, v) = c.post(&format!("/api/v1/jobs/{id}/cancel"), "");
    assert_eq!(status, 200, "{v}");
    let end = c.poll(
        &format!("/api/v1/jobs/{id}"),
        Duration::from_secs(900),
        |d| d["state"] != "running",
    );
    assert_eq!(end["state"], "cancelled", "{end}");
    assert_eq!(state_code(&end), 3);
    let (_, r) = c.get(&format!("/api/v1/get_restore?id={id}"));
    assert_eq!(state_code(&r["data"]), 3, "{r}");
    assert!(
        r["data"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("cancelled"),
        "{r}"
    );
    let left: Vec<&PathBuf> = ours.iter().filter(|f| f.exists()).collect();
    assert!(
        left.is_empty(),
        "staging files left after the cancel: {left:?}"
    );
    // Cancelling again: it is not running.
    let (status, _) = c.post(&format!("/api/v1/jobs/{id}/cancel"), "");
    assert_eq!(status, 409);
    for coll in [&a, &b] {
        drop_collection(&m, db, &format!("{coll}_cx"));
    }
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn api_restart_keeps_finished_jobs_and_reports_killed_ones_interrupted() {
    let m = server("M235_LOCAL");
    let tool = tool_with_state(&m);
    let db = "default";
    let a = unique("apirs");
    seed(&m, db, &a, "small");

    // A finished job, then a stop.
    let (mut first, c) = start(&tool, &[]);
    let done_bk = unique("apirsok");
    let (status, v) = c.post(
        "/api/v1/create",
        &format!(r#"{{"backup_name":"{done_bk}","collection_names":["{a}"]}}"#),
    );
    assert_eq!(status, 200, "{v}");
    let done_id = v["data"]["id"].as_str().unwrap().to_string();
    first.stop();

    // A job killed with SIGKILL while it copies (held before its metadata by the test hook).
    let (mut second, c) = start(&tool, &[("MBT_TEST_PAUSE_BEFORE_METADATA", "1")]);
    let killed_bk = unique("apirskill");
    let (status, v) = c.post(
        "/api/v1/create",
        &format!(r#"{{"backup_name":"{killed_bk}","collection_names":["{a}"],"async":true}}"#),
    );
    assert_eq!(status, 200, "{v}");
    let killed_id = v["data"]["id"].as_str().unwrap().to_string();
    second.wait_stderr("MBT_TEST_PAUSED", Duration::from_secs(600));
    // While it runs, its lock refuses a delete of the same backup (nothing deleted).
    let files_before = files_under(&tool.backup_root.join(&killed_bk));
    assert!(!files_before.is_empty());
    let (status, v) = c.delete(&format!("/api/v1/delete?backup_name={killed_bk}"));
    assert_eq!(status, 409, "{v}");
    assert!(
        v["msg"].as_str().unwrap().contains("in use by create"),
        "{v}"
    );
    assert_eq!(
        files_under(&tool.backup_root.join(&killed_bk)),
        files_before
    );
    second.kill9();

    let (_third, c) = start(&tool, &[]);
    let (_, jobs) = c.get("/api/v1/jobs");
    let find = |id: &str| {
        jobs["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == id)
            .unwrap_or_else(|| panic!("job {id} not listed: {jobs}"))
            .clone()
    };
    let done = find(&done_id);
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["result"]["name"], done_bk.as_str());
    let killed = find(&killed_id);
    assert_eq!(killed["state"], "interrupted", "{killed}");
    assert!(
        killed["error"].as_str().unwrap().contains("incomplete"),
        "{killed}"
    );

    // get_backup: the finished one is complete, the killed one failed (its backup incomplete).
    let (_, v) = c.get(&format!("/api/v1/get_backup?backup_name={done_bk}"));
    assert_eq!(state_code(&v["data"]), 2, "{v}");
    let (_, v) = c.get(&format!("/api/v1/get_backup?backup_name={killed_bk}"));
    assert_eq!(state_code(&v["data"]), 3, "{v}");
    assert!(
        v["data"]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("interrupted"),
        "{v}"
    );
    let (_, listed) = c.get("/api/v1/list");
    let entry = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == killed_bk.as_str())
        .cloned()
        .unwrap_or(json!(null));
    assert_eq!(entry["state"], "incomplete", "{listed}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn api_https_with_the_configured_certificate() {
    let m = server("M235_LOCAL");
    let tool = tool_with_state(&m);
    let tls = PathBuf::from(std::env::var("MBT_TLS_DIR").expect("MBT_TLS_DIR"));
    let mut text = std::fs::read_to_string(&tool.config).unwrap();
    text.push_str(&format!(
        "tls_cert = \"{}\"\ntls_key = \"{}\"\n",
        tls.join("server.pem").display(),
        tls.join("server.key").display()
    ));
    std::fs::write(&tool.config, text).unwrap();
    let (server, _) = start(&tool, &[]);
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let ca = PathBuf::from(std::env::var("MBT_TLS_CA").expect("MBT_TLS_CA"));
    let c = Client::with_ca(&server.base, Some(TOKEN), &ca);
    let (status, hello) = c.get("/api/v1/hello");
    assert_eq!(status, 200, "{hello}");
    let (status, listed) = c.get("/api/v1/list");
    assert_eq!(status, 200, "{listed}");
    // The token is still required over TLS.
    let anon = Client::with_ca(&server.base, None, &ca);
    assert_eq!(anon.get("/api/v1/list").0, 401);
    // A client that does not trust the CA, and plain HTTP, get no answer.
    let other = PathBuf::from(std::env::var("MBT_TLS_OTHER_CA").expect("MBT_TLS_OTHER_CA"));
    let stranger = Client::with_ca(&server.base, Some(TOKEN), &other);
    assert!(stranger.get_error("/api/v1/hello").is_some());
    let plain = Client::new(&server.base.replace("https://", "http://"), Some(TOKEN));
    assert!(plain.get_error("/api/v1/hello").is_some());

    // Only one of the two files: refused at start.
    let mut text = std::fs::read_to_string(&tool.config).unwrap();
    text = text
        .lines()
        .filter(|l| !l.starts_with("tls_key"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&tool.config, text).unwrap();
    let out = tool.fails(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{}", api::free_port()),
    ]);
    assert!(out.contains("both tls_cert and tls_key"), "{out}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn api_refuses_an_incompatible_version_pair_and_changes_nothing() {
    // A backup of Milvus 2.3.5, and a server whose Milvus is 2.2.16 over the same backups.
    let m235 = server("M235_LOCAL");
    let m2216 = server("M2216");
    let source = Tool::new(&m235, BackupAt::LocalDir, &[]);
    let a = unique("apiver");
    seed(&m235, "default", &a, "small");
    let backup = unique("apiverbk");
    source.ok(&["-q", "create", "-n", &backup, "--filter", &a]);
    let tool = tool_with_state(&m2216);
    let text = std::fs::read_to_string(&tool.config).unwrap().replace(
        &tool.backup_root.display().to_string(),
        &source.backup_root.display().to_string(),
    );
    std::fs::write(&tool.config, text).unwrap();
    let (_server, c) = start(&tool, &[]);
    let before = py(&["list", "--addr", &m2216.addr, "--db", "default"]);

    let (status, v) = c.post(
        "/api/v1/restore",
        &format!(r#"{{"backup_name":"{backup}","async":true}}"#),
    );
    assert_eq!(status, 409, "{v}");
    let msg = v["msg"].as_str().unwrap();
    assert!(msg.contains("is not supported"), "{msg}");
    assert!(msg.contains("2.3") && msg.contains("2.2"), "{msg}");
    assert_eq!(c.get("/api/v1/jobs").1["data"], json!([]));
    assert_eq!(
        py(&["list", "--addr", &m2216.addr, "--db", "default"]),
        before
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn api_sigterm_cancels_a_running_restore_and_records_it() {
    let m = server("M235_S3");
    let tool = tool_with_state(&m);
    let db = "default";
    let a = unique("apiterm");
    seed(&m, db, &a, "small");
    let backup = unique("apitermbk");
    tool.ok(&["-q", "create", "-n", &backup, "--filter", &a]);
    let (mut server, c) = start(
        &tool,
        &[
            ("MBT_TEST_PAUSE_AFTER_IMPORTS", "1"),
            ("MBT_TEST_PAUSE_SECS", "5"),
        ],
    );
    let (status, v) = c.post(
        "/api/v1/restore",
        &format!(r#"{{"backup_name":"{backup}","collection_suffix":"_tm","async":true}}"#),
    );
    assert_eq!(status, 200, "{v}");
    let id = v["data"]["id"].as_str().unwrap().to_string();
    server.wait_stderr("MBT_TEST_PAUSED", Duration::from_secs(600));
    server.stop();
    assert!(
        server
            .stderr
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("cancelling running jobs")),
        "serve did not say it cancels its jobs"
    );

    // After a restart the job is recorded as cancelled (it ended before the server), not
    // interrupted.
    let (_again, c) = start(&tool, &[]);
    let (_, job) = c.get(&format!("/api/v1/jobs/{id}"));
    assert_eq!(job["data"]["state"], "cancelled", "{job}");
    let (_, r) = c.get(&format!("/api/v1/get_restore?id={id}"));
    assert_eq!(state_code(&r["data"]), 3, "{r}");
    drop_collection(&m, db, &format!("{a}_tm"));
}
