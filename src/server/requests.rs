//! milvus-backup's create, restore and verify bodies turned into the engine's options, with the
//! CLI's parsers (names, filters, renames), so the rules and messages are the same.

use super::body::Body;
use super::reply::ApiError;
use milvus_backup_tui::filter::{Filter, Naming};
use milvus_backup_tui::names::{default_backup_name, validate_backup_name};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Options of milvus-backup's create this tool does not implement.
const CREATE_UNSUPPORTED: &[&str] = &[
    "strategy",
    "format",
    "rbac",
    "backup_root_path",
    "meta_only",
    "metaOnly",
];

/// Options of milvus-backup's restore this tool does not implement.
const RESTORE_UNSUPPORTED: &[&str] = &[
    "bucket_name",
    "path",
    "metaOnly",
    "useAutoIndex",
    "dropExistIndex",
    "skipCreateCollection",
    "rbac",
    "maxShardNum",
    "useV2Restore",
    "truncateBinlogByTs",
    "db_collections_after_rename",
    "restorePlan",
    "ezkMapping",
];

#[derive(Debug)]
pub struct CreateBody {
    pub name: String,
    pub filter: Filter,
    pub is_async: bool,
}

#[derive(Debug)]
pub struct RestoreBody {
    pub name: String,
    pub filter: Filter,
    pub naming: Naming,
    pub drop_existing: bool,
    pub create_indexes: bool,
    pub load: bool,
    pub skip_verify: bool,
    pub is_async: bool,
}

#[derive(Debug)]
pub struct VerifyBody {
    pub name: String,
    pub quick: bool,
}

/// `backup_name`, required and valid.
fn backup_name(body: &Body) -> Result<String, ApiError> {
    let name = body.string("backup_name")?;
    if name.is_empty() {
        return Err(ApiError::bad_request(
            "field `backup_name` is missing or empty: name the backup",
        ));
    }
    validate_backup_name(&name).map_err(|e| ApiError::field("backup_name", &e))?;
    Ok(name)
}

pub fn create(body: &Body) -> Result<CreateBody, ApiError> {
    body.refuse_unsupported(CREATE_UNSUPPORTED)?;
    // An empty name gets the CLI's default (milvus-backup panics on it).
    let name = match body.string("backup_name")? {
        n if n.is_empty() => default_backup_name(chrono::Utc::now()),
        n => {
            validate_backup_name(&n).map_err(|e| ApiError::field("backup_name", &e))?;
            n
        }
    };
    let mut patterns = Vec::new();
    #[derive(Deserialize)]
    struct Colls {
        #[serde(default)]
        colls: Vec<String>,
    }
    if let Some(f) = body.get::<BTreeMap<String, Colls>>("filter")? {
        for (db, c) in f {
            push_db(&mut patterns, &db, &c.colls);
        }
    }
    patterns.extend(db_collections(body)?);
    patterns.extend(
        body.get::<Vec<String>>("collection_names")?
            .unwrap_or_default(),
    );
    Ok(CreateBody {
        name,
        filter: filter_of(&patterns)?,
        is_async: body.flag("async")?,
    })
}

pub fn restore(body: &Body) -> Result<RestoreBody, ApiError> {
    body.refuse_unsupported(RESTORE_UNSUPPORTED)?;
    let name = backup_name(body)?;
    let mut patterns = db_collections(body)?;
    patterns.extend(
        body.get::<Vec<String>>("collection_names")?
            .unwrap_or_default(),
    );
    let suffix = body
        .get::<String>("collection_suffix")?
        .filter(|s| !s.is_empty());
    let renames = body
        .get::<BTreeMap<String, String>>("collection_renames")?
        .unwrap_or_default();
    let rules = (!renames.is_empty()).then(|| {
        renames
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect::<Vec<_>>()
            .join(",")
    });
    let naming = Naming::from_options(rules.as_deref(), suffix.as_deref()).map_err(|e| {
        let field = if rules.is_some() && suffix.is_none() {
            "collection_renames"
        } else if rules.is_none() {
            "collection_suffix"
        } else {
            "collection_renames/collection_suffix"
        };
        ApiError::field(field, &e)
    })?;
    Ok(RestoreBody {
        name,
        filter: filter_of(&patterns)?,
        naming,
        drop_existing: body.flag("dropExistCollection")?,
        create_indexes: body.flag("restoreIndex")?,
        load: body.flag("load")?,
        skip_verify: body.flag("skip_verify")?,
        is_async: body.flag("async")?,
    })
}

pub fn verify(body: &Body) -> Result<VerifyBody, ApiError> {
    Ok(VerifyBody {
        name: backup_name(body)?,
        quick: body.flag("quick")?,
    })
}

/// `db.coll` for each collection of `db`, or `db.*` when none is named.
fn push_db(patterns: &mut Vec<String>, db: &str, colls: &[String]) {
    if colls.is_empty() {
        patterns.push(format!("{db}.*"));
    }
    for c in colls {
        patterns.push(format!("{db}.{c}"));
    }
}

/// `db_collections`: `{"db": ["coll", ...]}`, as an object or as a string holding one.
fn db_collections(body: &Body) -> Result<Vec<String>, ApiError> {
    let bad = |e: String| ApiError::bad_request(format!("field `db_collections`: {e}"));
    let value = match body.get::<Value>("db_collections")? {
        None => return Ok(vec![]),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(vec![]),
        Some(Value::String(s)) => serde_json::from_str(&s).map_err(|e| bad(e.to_string()))?,
        Some(v) => v,
    };
    let map: BTreeMap<String, Vec<String>> = serde_json::from_value(value)
        .map_err(|e| bad(format!("{e}; expected {{\"db\": [\"collection\", ...]}}")))?;
    let mut out = Vec::new();
    for (db, colls) in map {
        push_db(&mut out, &db, &colls);
    }
    Ok(out)
}

fn filter_of(patterns: &[String]) -> Result<Filter, ApiError> {
    if patterns.is_empty() {
        return Ok(Filter::all());
    }
    Filter::parse(&patterns.join(",")).map_err(|e| ApiError::field("collections", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(s: &str) -> Body {
        Body::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn milvus_backups_documented_create_body_is_accepted() {
        let c = create(&body(
            r#"{"async": true, "backup_name": "test_backup",
                "collection_names": ["test_collection1","test_collection2"]}"#,
        ))
        .unwrap();
        assert_eq!(c.name, "test_backup");
        assert!(c.is_async);
        assert!(c.filter.matches("default", "test_collection1"));
        assert!(!c.filter.matches("default", "other"));
    }

    #[test]
    fn create_filter_and_db_collections_forms() {
        let c = create(&body(
            r#"{"backup_name":"b","filter":{"db1":{"colls":["a"]},"db2":{"colls":[]}},
                "db_collections":"{\"db3\":[\"x\"]}"}"#,
        ))
        .unwrap();
        assert!(c.filter.matches("db1", "a"));
        assert!(!c.filter.matches("db1", "b"));
        assert!(c.filter.matches("db2", "anything"));
        assert!(c.filter.matches("db3", "x"));
    }

    #[test]
    fn an_empty_create_name_gets_the_default_and_a_bad_one_is_refused() {
        assert!(create(&body("{}")).unwrap().name.starts_with("backup_"));
        let e = create(&body(r#"{"backup_name":"bad name"}"#)).unwrap_err();
        assert!(e.msg.starts_with("field `backup_name`"), "{}", e.msg);
    }

    #[test]
    fn milvus_backups_documented_restore_body_is_accepted() {
        let r = restore(&body(
            r#"{"async": true, "collection_names": ["test_collection1"],
                "collection_suffix": "_bak", "backup_name":"test_backup"}"#,
        ))
        .unwrap();
        assert_eq!(r.naming, Naming::Suffix("_bak".into()));
        assert!(!r.create_indexes);
        assert!(r.filter.matches("default", "test_collection1"));
    }

    #[test]
    fn restore_renames_and_bad_input() {
        let r = restore(&body(
            r#"{"backup_name":"b","collection_renames":{"db1.a":"db2.b"},"dropExistCollection":true}"#,
        ))
        .unwrap();
        assert_eq!(r.naming.target("db1", "a"), ("db2".into(), "b".into()));
        assert!(r.drop_existing);
        let e = restore(&body(r#"{"backup_name":""}"#)).unwrap_err();
        assert!(e.msg.contains("backup_name"));
        let e = restore(&body(r#"{"backup_name":"b","collection_suffix":"-x"}"#)).unwrap_err();
        assert!(e.msg.starts_with("field `collection_suffix`"), "{}", e.msg);
        let e = restore(&body(r#"{"backup_name":"b","rbac":true}"#)).unwrap_err();
        assert_eq!(e.code, super::super::reply::NOT_SUPPORT);
    }
}
