//! Milvus Lite 3.2.2 (the sandbox's LITE and LITE_TARGET) and servers without binlog storage:
//! `check` says backups need the portable format, `create` refuses a binlog backup before
//! writing anything, the 2.4-3.0 schema (nullable, defaults, ARRAY, sparse vectors, BM25
//! functions, analyzer params, properties) survives the metadata and CreateCollection, and a
//! restore into a server that lacks a type is refused naming the field; the portable
//! reader pages through every row once, in primary-key order, on Lite and on 2.3.5.
//! The collections are seeded and described with pymilvus 3.0.2 (tests/support/lite_data.py).

mod common;
use common::*;
use milvus_backup_tui::config::{MilvusConfig, Provider, StorageConfig};
use milvus_backup_tui::format::{self, BackupInfo, CollectionBackup, STATE_SUCCESS, Schema};
use milvus_backup_tui::milvus::MilvusClient;
use milvus_backup_tui::portable::pages::{Pk, PkPages, output_fields};
use milvus_backup_tui::schema_map;
use milvus_backup_tui::storage::{Role, Store};
use serde_json::Value;
use std::process::Command;

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("{key} is not set: run scripts/test.sh"))
}

/// A sandbox server with no `[milvus.storage]` settings at all.
fn without_storage(name: &str) -> Server {
    Server {
        name: name.to_string(),
        addr: env(&format!("MBT_{name}_ADDR")),
        version: env(&format!("MBT_{name}_VERSION")),
        storage_toml: String::new(),
        root: None,
    }
}

/// Runs tests/support/lite_data.py with pymilvus 3 and parses its JSON output.
fn lite_py(args: &[&str]) -> Value {
    let out = Command::new(env("MBT_LITE_PYTHON"))
        .arg(env("MBT_LITE_DATA_SCRIPT"))
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "lite_data.py {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("lite_data.py {}: bad JSON ({e})", args.join(" ")))
}

fn uri(name: &str) -> String {
    env(&format!("MBT_{name}_URI"))
}

async fn connect(name: &str) -> MilvusClient {
    let cfg = MilvusConfig {
        address: env(&format!("MBT_{name}_ADDR")),
        ..Default::default()
    };
    MilvusClient::connect(&cfg).await.expect("connect")
}

/// Seeds a fresh collection of every type Lite has into database `db` of LITE.
fn seed_lite(db: &str, coll: &str) {
    lite_py(&[
        "seed",
        "--uri",
        &uri("LITE"),
        "--db",
        db,
        "--collection",
        coll,
        "--rows",
        "50",
    ]);
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn lite_check_says_backups_need_the_portable_format() {
    let lite = without_storage("LITE");
    let db = unique("db");
    seed_lite(&db, "docs");
    let tool = Tool::new(&lite, BackupAt::LocalDir, &[]);
    let out = tool.ok(&["check"]);
    assert!(out.contains("Milvus Lite keeps no binlogs"), "{out}");
    assert!(out.contains("portable format"), "{out}");
    assert!(!out.contains("insert_log"), "{out}");
    assert!(out.contains("all checks passed"), "{out}");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn lite_binlog_backup_is_refused_before_anything_is_written() {
    let lite = without_storage("LITE");
    let db = unique("db");
    seed_lite(&db, "docs");
    let tool = Tool::new(&lite, BackupAt::LocalDir, &[]);
    let name = unique("b");
    let out = tool.fails(&[
        "-q",
        "create",
        "-n",
        &name,
        "--filter",
        &format!("{db}.docs"),
    ]);
    assert!(out.contains("keeps no binlogs"), "{out}");
    assert!(out.contains("milvus_lite-3.2.2"), "{out}");
    assert!(dir_is_empty_or_missing(&tool.backup_root.join(&name)));
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn check_without_milvus_storage_says_portable_instead_of_wrong_root() {
    let m = without_storage("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let out = tool.ok(&["check"]);
    assert!(out.contains("Milvus storage is not configured"), "{out}");
    assert!(out.contains("portable format"), "{out}");
    assert!(out.contains("all checks passed"), "{out}");
}

/// The schema as pymilvus 3 describes it, without what the server assigns (ids, names).
fn described_schema(server: &str, db: &str, coll: &str) -> Value {
    let mut d = lite_py(&[
        "describe",
        "--uri",
        &uri(server),
        "--db",
        db,
        "--collection",
        coll,
    ]);
    let s = d["schema"].take();
    serde_json::json!({
        "fields": s["fields"],
        "functions": s["functions"],
        "enable_dynamic_field": s["enable_dynamic_field"],
        "auto_id": s["auto_id"],
        "properties": s["properties"],
    })
}

/// Describes LITE's collection with this tool, takes it through the backup metadata (JSON),
/// and creates it on LITE_TARGET as a restore does; pymilvus 3 then describes both the same.
#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn lite_schema_survives_metadata_and_create_collection() {
    let db = unique("db");
    seed_lite(&db, "docs");
    let source = connect("LITE").await;
    let info = source.describe_collection(&db, "docs").await.unwrap();
    let parts = source.list_partitions(&db, "docs").await.unwrap();
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["_default", "p_even", "p_odd"], "names without ids");

    let json = serde_json::to_string(&schema_map::from_proto(&info.schema)).unwrap();
    assert!(json.contains("\"nullable\":true"), "{json}");
    assert!(json.contains("default_value_base64"), "{json}");
    assert!(json.contains("\"functions\""), "{json}");
    let saved: Schema = serde_json::from_str(&json).unwrap();

    let target = connect("LITE_TARGET").await;
    target.create_database(&db).await.unwrap();
    target
        .create_collection(
            &db,
            "docs",
            &schema_map::to_proto(&saved, "docs"),
            info.shards_num,
            info.consistency_level,
            &info.properties,
            0,
        )
        .await
        .unwrap();
    let want = described_schema("LITE", &db, "docs");
    let got = described_schema("LITE_TARGET", &db, "docs");
    assert_eq!(got, want);
    // The features themselves, so that a describe that drops them both cannot pass.
    let text = want.to_string();
    for feature in [
        "\"nullable\":true",
        "string_data: \\\"none\\\"",
        "\"element_type\":5",
        "\"is_function_output\":true",
        "\"enable_analyzer\":\"true\"",
        "text_bm25",
        "collection.ttl.seconds",
    ] {
        assert!(text.contains(feature), "{feature} missing from {text}");
    }
}

/// A backup whose collection has Lite's schema (sparse vectors, nullable fields, a BM25
/// function) cannot go into Milvus 2.3.5: the restore names each field and changes nothing.
#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn restore_of_types_the_target_lacks_is_refused_by_name() {
    let db = unique("db");
    seed_lite(&db, "docs");
    let source = connect("LITE").await;
    let info = source.describe_collection(&db, "docs").await.unwrap();

    let target = server("M235_TARGET");
    let tool = Tool::new(&target, BackupAt::LocalDir, &[]);
    let name = unique("b");
    std::fs::create_dir_all(&tool.backup_root).unwrap();
    let store = Store::open(
        &StorageConfig {
            provider: Provider::Fs,
            root: Some(tool.backup_root.display().to_string()),
            ..Default::default()
        },
        Role::Backup,
    )
    .unwrap();
    // Metadata only (no rows): what a backup of this collection records about its schema.
    let backup = BackupInfo {
        id: name.clone(),
        name: name.clone(),
        state_code: STATE_SUCCESS,
        milvus_version: source.server_version().to_string(),
        collection_backups: vec![CollectionBackup {
            db_name: db.clone(),
            collection_name: "docs".into(),
            collection_id: info.id,
            schema: schema_map::from_proto(&info.schema),
            shards_num: info.shards_num,
            state_code: STATE_SUCCESS,
            ..Default::default()
        }],
        ..Default::default()
    };
    format::write_backup(&store, &name, &backup).await.unwrap();

    let out = tool.fails(&[
        "-q",
        "restore",
        "-n",
        &name,
        "--filter",
        &format!("{db}.docs"),
    ]);
    for want in [
        "'sparse_vec' is a field of type SPARSE_FLOAT_VECTOR, which Milvus has from 2.4 on",
        "'bm25_vec' is a field of type SPARSE_FLOAT_VECTOR",
        "'score' is a nullable field",
        "'label' is a field with a default value",
        "'text_bm25' is a schema function",
        "nothing was changed",
    ] {
        assert!(out.contains(want), "{want:?} missing from {out}");
    }
    let listed = py(&["list", "--addr", &target.addr]);
    assert!(
        !listed["databases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == &Value::String(db.clone())),
        "the restore created database {db}: {listed}"
    );
}

/// Every primary key of `db.coll`, read with [`PkPages`] in pages of `page` rows, with the
/// page sizes; the collection is loaded for the read and released after.
async fn read_pages(server: &str, db: &str, coll: &str, page: usize) -> (Vec<Value>, Vec<usize>) {
    let client = connect(server).await;
    let info = client.describe_collection(db, coll).await.unwrap();
    client.load_collection(db, coll).await.unwrap();
    let mut pages = PkPages::new(&client, db, coll, &info.schema, page).unwrap();
    let (mut pks, mut sizes) = (Vec::new(), Vec::new());
    while let Some(p) = pages.next_page().await.unwrap() {
        assert_eq!(
            p.columns.len(),
            output_fields(&info.schema).len(),
            "one column per field"
        );
        sizes.push(p.rows);
        pks.extend(p.pks.into_iter().map(|pk| match pk {
            Pk::Int(n) => Value::from(n),
            Pk::Str(s) => Value::from(s),
        }));
    }
    client.release_collection(db, coll).await.unwrap();
    (pks, sizes)
}

fn assert_pages(pks: &[Value], sizes: &[usize], page: usize, want: &[Value]) {
    assert!(want.len() > 2 * page, "the test wants several pages");
    assert_eq!(pks, want, "every row once, in primary-key order");
    let (last, full) = sizes.split_last().unwrap();
    assert!(full.iter().all(|&n| n == page), "pages {sizes:?}");
    assert!(*last >= 1 && *last <= page, "pages {sizes:?}");
}

/// The query iterator protocol on Milvus Lite: a VARCHAR key, nullable fields, a BM25 output
/// left out, dynamic fields; the primary keys compared with pymilvus 3's dump.
#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn portable_pages_read_every_lite_row_once_in_pk_order() {
    let db = unique("db");
    seed_lite(&db, "docs");
    let dump = lite_py(&[
        "dump",
        "--uri",
        &uri("LITE"),
        "--db",
        &db,
        "--collection",
        "docs",
    ]);
    let want: Vec<Value> = dump
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["pk"].clone())
        .collect();
    let (pks, sizes) = read_pages("LITE", &db, "docs", 7).await;
    assert_pages(&pks, &sizes, 7, &want);
}

/// The same on Milvus 2.3.5 (INT64 key, deleted rows, dynamic fields), compared with
/// pymilvus 2.3.8's dump.
#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn portable_pages_read_every_235_row_once_in_pk_order() {
    let m = server("M235_LOCAL");
    let db = unique("db");
    seed(&m, &db, "rich", "rich");
    let want: Vec<Value> = dump(&m, &db, "rich")
        .iter()
        .map(|r| r["pk"].clone())
        .collect();
    let (pks, sizes) = read_pages("M235_LOCAL", &db, "rich", 97).await;
    assert_pages(&pks, &sizes, 97, &want);
}

/// A binlog backup of Milvus 2.3.5 cannot go into Milvus Lite (no Import): refused by name,
/// nothing created there.
#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn binlog_restore_into_lite_is_refused_before_anything_changes() {
    let m = server("M235_LOCAL");
    let db = unique("db");
    seed(&m, &db, "small", "small");
    let lite = without_storage("LITE");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[("lite", &lite)]);
    let name = unique("b");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &name,
        "--filter",
        &format!("{db}.small"),
    ]);
    let out = tool.fails(&["-q", "--cluster", "lite", "restore", "-n", &name]);
    assert!(out.contains("has no bulk import"), "{out}");
    assert!(out.contains("milvus_lite-3.2.2"), "{out}");
    assert!(out.contains("nothing was changed"), "{out}");
    let listed = lite_py(&["list", "--uri", &uri("LITE")]);
    assert!(
        !listed["databases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == &Value::String(db.clone())),
        "the restore created database {db} on Lite: {listed}"
    );
}

/// Database properties: read from Milvus Lite by `DescribeDatabase`, created again on a fresh
/// Lite server with them (pymilvus 3 reads the same back); Milvus 2.3.5, which has no
/// `DescribeDatabase`, answers "unknown" instead of failing a backup.
#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn database_properties_are_read_and_created_again() {
    let db = unique("db");
    lite_py(&[
        "createdb",
        "--uri",
        &uri("LITE"),
        "--db",
        &db,
        "--prop",
        "database.max.collections=7",
        "--prop",
        "mbt.note=kept",
    ]);
    let source = connect("LITE").await;
    let info = source
        .describe_database(&db)
        .await
        .unwrap()
        .expect("Lite has DescribeDatabase");
    let mut props = info.properties.clone();
    props.sort();
    assert_eq!(
        props,
        [
            ("database.max.collections".to_string(), "7".to_string()),
            ("mbt.note".to_string(), "kept".to_string())
        ]
    );
    let target = connect("LITE_TARGET").await;
    target
        .create_database_with(&db, &info.properties)
        .await
        .unwrap();
    let want = lite_py(&["describedb", "--uri", &uri("LITE"), "--db", &db]);
    let got = lite_py(&["describedb", "--uri", &uri("LITE_TARGET"), "--db", &db]);
    assert_eq!(got, want);

    let m235 = connect("M235_LOCAL").await;
    assert_eq!(m235.describe_database("default").await.unwrap(), None);
}
