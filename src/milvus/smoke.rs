//! Smoke tests of every RPC against real servers, ignored by default: `scripts/test.sh` runs
//! them in the sandbox (the `MBT_*` variables of scripts/sandbox/start.sh). By hand, against
//! any server:
//!
//! ```text
//! MILVUS_SMOKE_ADDRESS=127.0.0.1:19530 MILVUS_SMOKE_DIR=/tmp/some-dir \
//!   cargo test --lib milvus::smoke -- --ignored --nocapture
//! ```
//!
//! The directory must be one the server can read (same machine): the import test writes a
//! row-based JSON file there. Optional: `MILVUS_SMOKE_USER`, `MILVUS_SMOKE_PASSWORD`,
//! `MILVUS_SMOKE_TLS` (`server`), `MILVUS_SMOKE_CA`, `MILVUS_SMOKE_SERVER_NAME`,
//! `MILVUS_SMOKE_AUTH_ADDRESS` (a server with authentication on),
//! `MILVUS_SMOKE_BAD_ADDRESSES`.

use super::proto::common::{ConsistencyLevel, KeyValuePair};
use super::proto::schema::{CollectionSchema, DataType, FieldSchema};
use super::{IndexInfo, LoadState, MilvusClient};
use crate::Error;
use crate::config::{MilvusConfig, TlsMode};
use crate::secret::Secret;
use std::time::{Duration, Instant};

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

/// The first of `keys` that is set.
fn first(keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| env(k))
}

fn config() -> MilvusConfig {
    MilvusConfig {
        address: first(&["MILVUS_SMOKE_ADDRESS", "MBT_M235_LOCAL_ADDR"])
            .expect("set MILVUS_SMOKE_ADDRESS, or run scripts/test.sh"),
        user: env("MILVUS_SMOKE_USER"),
        password: env("MILVUS_SMOKE_PASSWORD").map(Secret::new),
        tls_mode: match env("MILVUS_SMOKE_TLS").as_deref() {
            Some("server") => TlsMode::Server,
            _ => TlsMode::Disabled,
        },
        ca_cert: env("MILVUS_SMOKE_CA").map(Into::into),
        server_name: env("MILVUS_SMOKE_SERVER_NAME"),
        ..Default::default()
    }
}

fn kv(k: &str, v: &str) -> KeyValuePair {
    KeyValuePair {
        key: k.into(),
        value: v.into(),
    }
}

fn schema(name: &str) -> CollectionSchema {
    CollectionSchema {
        name: name.into(),
        description: "smoke test".into(),
        fields: vec![
            FieldSchema {
                name: "id".into(),
                is_primary_key: true,
                data_type: DataType::Int64 as i32,
                ..Default::default()
            },
            FieldSchema {
                name: "title".into(),
                data_type: DataType::VarChar as i32,
                type_params: vec![kv("max_length", "64")],
                ..Default::default()
            },
            FieldSchema {
                name: "vec".into(),
                data_type: DataType::FloatVector as i32,
                type_params: vec![kv("dim", "4")],
                ..Default::default()
            },
        ],
        enable_dynamic_field: true,
        ..Default::default()
    }
}

/// Test-only Insert (not part of the project's protocol subset): just enough of
/// `milvus.InsertRequest` / `schema.FieldData` to put growing rows into a collection, so that
/// `flush` has something to seal. Field numbers as in the public definitions.
mod insert {
    use super::super::proto::common::{MsgBase, Status};
    use super::super::proto::schema::{DataType, LongArray};

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct InsertRequest {
        #[prost(message, optional, tag = "1")]
        pub base: Option<MsgBase>,
        #[prost(string, tag = "2")]
        pub db_name: String,
        #[prost(string, tag = "3")]
        pub collection_name: String,
        #[prost(string, tag = "4")]
        pub partition_name: String,
        #[prost(message, repeated, tag = "5")]
        pub fields_data: Vec<FieldData>,
        #[prost(uint32, tag = "7")]
        pub num_rows: u32,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct FieldData {
        #[prost(enumeration = "DataType", tag = "1")]
        pub r#type: i32,
        #[prost(string, tag = "2")]
        pub field_name: String,
        #[prost(message, optional, tag = "3")]
        pub scalars: Option<ScalarField>,
        #[prost(message, optional, tag = "4")]
        pub vectors: Option<VectorField>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ScalarField {
        #[prost(message, optional, tag = "3")]
        pub long_data: Option<LongArray>,
        #[prost(message, optional, tag = "6")]
        pub string_data: Option<StringArray>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct StringArray {
        #[prost(string, repeated, tag = "1")]
        pub data: Vec<String>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct FloatArray {
        #[prost(float, repeated, tag = "1")]
        pub data: Vec<f32>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct VectorField {
        #[prost(int64, tag = "1")]
        pub dim: i64,
        #[prost(message, optional, tag = "2")]
        pub float_vector: Option<FloatArray>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MutationResult {
        #[prost(message, optional, tag = "1")]
        pub status: Option<Status>,
        #[prost(int64, tag = "6")]
        pub insert_cnt: i64,
    }

    /// Inserts rows `ids` (title "t{id}", vec [id, 1, 2, 3]) into `db.coll`.
    pub async fn rows(
        c: &super::MilvusClient,
        db: &str,
        coll: &str,
        ids: std::ops::Range<i64>,
    ) -> i64 {
        let mut grpc = tonic::client::Grpc::new(c.channel());
        grpc.ready().await.unwrap();
        let n = ids.clone().count();
        let req = InsertRequest {
            base: None,
            db_name: db.into(),
            collection_name: coll.into(),
            partition_name: String::new(),
            fields_data: vec![
                FieldData {
                    r#type: DataType::Int64 as i32,
                    field_name: "id".into(),
                    scalars: Some(ScalarField {
                        long_data: Some(LongArray {
                            data: ids.clone().collect(),
                        }),
                        string_data: None,
                    }),
                    vectors: None,
                },
                FieldData {
                    r#type: DataType::VarChar as i32,
                    field_name: "title".into(),
                    scalars: Some(ScalarField {
                        long_data: None,
                        string_data: Some(StringArray {
                            data: ids.clone().map(|i| format!("t{i}")).collect(),
                        }),
                    }),
                    vectors: None,
                },
                FieldData {
                    r#type: DataType::FloatVector as i32,
                    field_name: "vec".into(),
                    scalars: None,
                    vectors: Some(VectorField {
                        dim: 4,
                        float_vector: Some(FloatArray {
                            data: ids.flat_map(|i| [i as f32, 1.0, 2.0, 3.0]).collect(),
                        }),
                    }),
                },
            ],
            num_rows: n as u32,
        };
        let r = c.req(req, Some(db), std::time::Duration::from_secs(30));
        let path = tonic::codegen::http::uri::PathAndQuery::from_static(
            "/milvus.proto.milvus.MilvusService/Insert",
        );
        let resp: MutationResult = grpc
            .unary(r, path, tonic_prost::ProstCodec::default())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(super::super::status::failure(resp.status.as_ref()), None);
        resp.insert_cnt
    }
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn smoke() {
    let cfg = config();
    let c = MilvusClient::connect(&cfg).await.expect("connect");
    println!("connected to {} ({})", c.address(), c.server_version());
    assert!(c.server_version().starts_with('v'));

    let dbs = c.list_databases().await.unwrap();
    println!("databases: {dbs:?}");
    assert!(dbs.iter().any(|d| d == "default"));
    let db = "smoke_db";
    if !dbs.iter().any(|d| d == db) {
        c.create_database(db).await.unwrap();
    }
    assert!(c.list_databases().await.unwrap().iter().any(|d| d == db));
    let e = c.create_database(db).await.unwrap_err();
    println!("expected error: {e}");

    let name = "smoke_books";
    if c.has_collection(db, name).await.unwrap() {
        c.drop_collection(db, name).await.unwrap();
    }
    assert!(!c.has_collection(db, name).await.unwrap());
    c.create_collection(
        db,
        name,
        &schema(name),
        2,
        ConsistencyLevel::Bounded as i32,
        &[("collection.ttl.seconds".into(), "0".into())],
        0,
    )
    .await
    .unwrap();
    assert!(c.has_collection(db, name).await.unwrap());
    assert!(
        c.list_collections(db)
            .await
            .unwrap()
            .contains(&name.to_string())
    );
    assert!(
        !c.list_collections("default")
            .await
            .unwrap()
            .contains(&name.to_string())
    );

    let info = c.describe_collection(db, name).await.unwrap();
    println!("{info:#?}");
    assert_eq!(info.name, name);
    assert_eq!(info.db, db);
    assert_eq!(info.shards_num, 2);
    assert_eq!(info.consistency_level, ConsistencyLevel::Bounded as i32);
    assert!(info.schema.enable_dynamic_field);
    let names: Vec<_> = info.schema.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["id", "title", "vec"]);
    assert!(info.schema.fields.iter().all(|f| f.field_id >= 100));
    assert!(info.created_timestamp > 0 && info.id > 0);

    // Describing a missing collection is an error naming it.
    let e = c
        .describe_collection(db, "no_such_collection")
        .await
        .unwrap_err();
    println!("expected error: {e}");
    assert!(
        matches!(&e, Error::Milvus { op: "DescribeCollection", target, .. }
        if target == "collection smoke_db.no_such_collection")
    );

    c.create_partition(db, name, "p1").await.unwrap();
    let parts = c.list_partitions(db, name).await.unwrap();
    println!("partitions: {parts:?}");
    let part_names: Vec<_> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(part_names, ["_default", "p1"]);

    c.create_alias(db, name, "smoke_alias").await.unwrap();
    // 2.3.5 answers a describe by alias with the alias as collection_name, same id.
    let by_alias = c.describe_collection(db, "smoke_alias").await.unwrap();
    println!(
        "described by alias: name {} id {}",
        by_alias.name, by_alias.id
    );
    assert_eq!(by_alias.id, info.id);
    assert_eq!(
        c.describe_collection(db, name).await.unwrap().aliases,
        ["smoke_alias"]
    );

    assert!(c.describe_indexes(db, name).await.unwrap().is_empty());
    let index = IndexInfo {
        field_name: "vec".into(),
        index_name: "vec_idx".into(),
        params: vec![
            ("index_type".into(), "IVF_FLAT".into()),
            ("metric_type".into(), "L2".into()),
            ("params".into(), r#"{"nlist":8}"#.into()),
        ],
    };
    c.create_index(db, name, &index).await.unwrap();
    let indexes = c.describe_indexes(db, name).await.unwrap();
    println!("indexes: {indexes:?}");
    assert_eq!(indexes.len(), 1);
    assert_eq!(indexes[0].field_name, "vec");
    assert_eq!(indexes[0].index_name, "vec_idx");
    assert!(
        indexes[0]
            .params
            .contains(&("index_type".into(), "IVF_FLAT".into()))
    );

    // Import a row-based JSON file into p1.
    let dir = first(&["MILVUS_SMOKE_DIR", "MBT_SCRATCH_DIR"]).expect("MILVUS_SMOKE_DIR");
    let file = std::path::Path::new(&dir).join("smoke_rows.json");
    let rows: Vec<String> = (0..300)
        .map(|i| {
            format!(
                r#"{{"id":{i},"title":"t{i}","vec":[{i}.0,1.0,2.0,3.0],"extra":{}}}"#,
                i % 7
            )
        })
        .collect();
    std::fs::write(&file, format!(r#"{{"rows":[{}]}}"#, rows.join(","))).unwrap();
    let tasks = c
        .import(db, name, "p1", vec![file.display().to_string()], &[])
        .await
        .unwrap();
    println!("import tasks: {tasks:?}");
    assert!(!tasks.is_empty());
    let started = Instant::now();
    let mut imported = 0;
    for t in &tasks {
        loop {
            let s = c.import_state(*t).await.unwrap();
            println!("task {t}: {} {s:?}", s.state_name());
            assert!(!s.failed, "import failed: {}", s.failed_reason);
            if s.finished {
                imported += s.row_count;
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "import too slow"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    assert_eq!(imported, 300);

    c.flush(db, &[name.to_string()]).await.unwrap();
    let segs = c.persistent_segments(db, name).await.unwrap();
    println!("segments: {segs:?}");
    assert_eq!(segs.iter().map(|s| s.num_rows).sum::<i64>(), 300);
    assert!(segs.iter().all(|s| s.is_flushed()));
    let p1 = parts.iter().find(|p| p.name == "p1").unwrap().id;
    assert!(
        segs.iter()
            .all(|s| s.partition_id == p1 && s.collection_id == info.id)
    );
    assert_eq!(c.row_count(db, name).await.unwrap(), 300);

    // Growing rows: a flush seals and persists them.
    let inserted = insert::rows(&c, db, name, 1000..1250).await;
    assert_eq!(inserted, 250);
    let started = Instant::now();
    c.flush(db, &[name.to_string()]).await.unwrap();
    println!("flush of 250 growing rows took {:?}", started.elapsed());
    let segs = c.persistent_segments(db, name).await.unwrap();
    println!("segments after insert+flush: {segs:?}");
    assert_eq!(segs.iter().map(|s| s.num_rows).sum::<i64>(), 550);
    assert!(segs.iter().all(|s| s.is_flushed()));
    assert_eq!(c.row_count(db, name).await.unwrap(), 550);

    // A flush of an empty collection must also come back.
    let empty = "smoke_empty";
    if c.has_collection(db, empty).await.unwrap() {
        c.drop_collection(db, empty).await.unwrap();
    }
    c.create_collection(db, empty, &schema(empty), 1, 0, &[], 0)
        .await
        .unwrap();
    c.flush(db, &[empty.to_string(), name.to_string()])
        .await
        .unwrap();
    assert!(c.persistent_segments(db, empty).await.unwrap().is_empty());
    assert_eq!(c.row_count(db, empty).await.unwrap(), 0);
    c.drop_collection(db, empty).await.unwrap();

    assert_eq!(c.load_state(db, name).await.unwrap(), LoadState::NotLoad);
    c.load_collection(db, name).await.unwrap();
    let started = Instant::now();
    loop {
        let s = c.load_state(db, name).await.unwrap();
        println!("load state: {s:?}");
        if s == LoadState::Loaded {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "load too slow"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    c.release_collection(db, name).await.unwrap();
    assert_eq!(c.load_state(db, name).await.unwrap(), LoadState::NotLoad);

    // Clones share the channel and work concurrently.
    let c2 = c.clone();
    let (a, b) = tokio::join!(c.list_collections(db), c2.list_collections(db));
    assert_eq!(a.unwrap(), b.unwrap());

    c.drop_collection(db, name).await.unwrap();
    assert!(!c.has_collection(db, name).await.unwrap());
    assert_eq!(c.load_state(db, name).await.unwrap(), LoadState::NotExist);
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn smoke_bad_servers_fail_in_time() {
    let list = env("MILVUS_SMOKE_BAD_ADDRESSES")
        .or_else(|| {
            let (hole, refused) = (env("MBT_BLACKHOLE_ADDR")?, env("MBT_REFUSED_ADDR")?);
            Some(format!("{hole},tls:{hole},{refused}"))
        })
        .expect("MILVUS_SMOKE_BAD_ADDRESSES");
    for spec in list.split(',') {
        // `tls:ADDRESS` tries TLS.
        let (tls, address) = match spec.strip_prefix("tls:") {
            Some(a) => (TlsMode::Server, a),
            None => (TlsMode::Disabled, spec),
        };
        let cfg = MilvusConfig {
            address: address.into(),
            tls_mode: tls,
            ..config()
        };
        let started = Instant::now();
        let e = MilvusClient::connect(&cfg).await.unwrap_err();
        println!("{spec}: {:?}: {e}", started.elapsed());
        assert!(started.elapsed() < Duration::from_secs(30));
        assert!(
            e.to_string()
                .contains(cfg.address.trim_start_matches("https://"))
        );
    }
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn smoke_wrong_password_is_refused() {
    let mut cfg = config();
    if let Some(a) = first(&["MILVUS_SMOKE_AUTH_ADDRESS", "MBT_M235_AUTH_ADDR"]) {
        cfg.address = a;
    }
    // The right password works (the sandbox's server has Milvus's default root password).
    if let (Some(user), Some(pw)) = (env("MBT_M235_AUTH_USER"), env("MBT_M235_AUTH_PASSWORD")) {
        let good = MilvusConfig {
            user: Some(user),
            password: Some(Secret::new(pw)),
            ..cfg.clone()
        };
        let c = MilvusClient::connect(&good)
            .await
            .expect("the right password connects");
        c.list_collections("default").await.expect("and may list");
    }
    cfg.user = Some("root".into());
    cfg.password = Some(Secret::new("wrong-password-xyz"));
    let e = match MilvusClient::connect(&cfg).await {
        Ok(c) => c.list_collections("default").await.unwrap_err(),
        Err(e) => e,
    };
    println!("expected error: {e} / hint: {:?}", e.hint());
    assert!(!e.to_string().contains("wrong-password-xyz"));
    assert!(!format!("{e:?}").contains("wrong-password-xyz"));
    assert!(e.hint().unwrap_or("").contains("password"));
}
