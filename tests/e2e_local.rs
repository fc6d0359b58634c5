//! Milvus 2.3.5 with local storage -> a local backup directory -> restored under new names, and
//! everything around it: list/get, refusal of existing targets, --drop-existing, --dry-run,
//! renames into another database, filters, delete.

mod common;
use common::*;

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_local_roundtrip() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    let rich = seed(&m, &db, "rich", "rich");
    let vb = seed(&m, &db, "vb", "varchar_binary");
    let pk = seed(&m, &db, "pkey", "partition_key");
    // A collection outside the filter, which must stay out of the backup.
    let other_db = unique("other");
    seed(&m, &other_db, "small", "small");

    let backup = unique("b");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.*"),
    ]);

    // list / get describe what was saved.
    let list = tool.json(&["list", "--json"]);
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == backup.as_str())
        .expect("backup listed");
    assert_eq!(entry["state"], "complete");
    assert_eq!(entry["collections"], 3);
    let info = tool.json(&["get", "-n", &backup, "--json"]);
    assert_eq!(
        info["milvus_version"]
            .as_str()
            .unwrap()
            .trim_start_matches('v')
            .get(..5),
        Some("2.3.5")
    );
    let colls = info["collection_backups"].as_array().unwrap();
    let names: Vec<&str> = colls
        .iter()
        .map(|c| c["collection_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "only the filtered database: {names:?}");
    for c in colls {
        assert_eq!(c["db_name"], db.as_str());
    }
    let rich_meta = colls
        .iter()
        .find(|c| c["collection_name"] == "rich")
        .unwrap();
    assert_eq!(rich_meta["shards_num"], 2);
    assert!(
        rich_meta["schema"]["enable_dynamic_field"]
            .as_bool()
            .unwrap_or(false)
    );
    assert!(
        !rich_meta["index_infos"].as_array().unwrap().is_empty(),
        "index definitions saved"
    );
    assert!(
        !rich_meta["aliases"]
            .as_array()
            .map(Vec::is_empty)
            .unwrap_or(true),
        "aliases saved"
    );
    assert_eq!(rich_meta["partition_backups"].as_array().unwrap().len(), 3);
    let human = tool.ok(&["get", "-n", &backup]);
    assert!(human.contains(&format!("{db}.rich")), "{human}");
    // Files sit where the shared layout puts them, with metadata written.
    assert!(
        tool.backup_root
            .join(&backup)
            .join("meta/backup_meta.json")
            .is_file()
    );
    assert!(
        tool.backup_root
            .join(&backup)
            .join("binlogs/insert_log")
            .is_dir()
    );

    // Restore everything under a suffix and compare row by row.
    tool.ok(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    let rich_src = dump(&m, &db, "rich");
    let rich_dst = dump(&m, &db, "rich_r");
    assert_same_rows(&rich_src, &rich_dst, "rich");
    assert_absent(&rich_dst, "pk", &rich["deleted_pks"], "rich");
    assert_eq!(
        rich_dst.len() as u64,
        rich["rows_expected"].as_u64().unwrap()
    );
    // The collection around the rows: shards, partitions, index, alias (suffixed), dynamic field.
    let src_desc = py(&[
        "describe",
        "--addr",
        &m.addr,
        "--db",
        &db,
        "--collection",
        "rich",
    ]);
    let dst_desc = py(&[
        "describe",
        "--addr",
        &m.addr,
        "--db",
        &db,
        "--collection",
        "rich_r",
    ]);
    for key in ["shards", "partitions"] {
        assert_eq!(src_desc[key], dst_desc[key], "rich: {key}");
    }
    assert_eq!(
        src_desc["schema"]["enable_dynamic_field"],
        dst_desc["schema"]["enable_dynamic_field"]
    );
    assert_eq!(
        src_desc["indexes"].as_array().map(Vec::len),
        dst_desc["indexes"].as_array().map(Vec::len),
        "rich: indexes recreated"
    );
    assert_eq!(
        src_desc["indexes"][0]["params"],
        dst_desc["indexes"][0]["params"]
    );
    let alias = src_desc["aliases"][0]
        .as_str()
        .expect("the seed made an alias");
    assert_eq!(
        dst_desc["aliases"],
        serde_json::json!([format!("{alias}_r")]),
        "alias restored with the suffix"
    );
    let vb_dst = dump(&m, &db, "vb_r");
    assert_same_rows(&dump(&m, &db, "vb"), &vb_dst, "varchar_binary");
    assert_absent(&vb_dst, "pk", &vb["deleted_pks"], "varchar_binary");
    let pk_dst = dump(&m, &db, "pkey_r");
    assert_same_rows(&dump(&m, &db, "pkey"), &pk_dst, "partition_key");
    assert_eq!(pk_dst.len() as u64, pk["rows_expected"].as_u64().unwrap());

    // The same restore again is refused and changes nothing.
    let err = tool.fails(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    assert!(
        err.contains("already exist") && err.contains(&format!("{db}.rich_r")),
        "{err}"
    );
    assert_same_rows(
        &rich_src,
        &dump(&m, &db, "rich_r"),
        "rich after a refused restore",
    );

    // --dry-run prints the plan and creates nothing.
    let db2 = unique("db2");
    let plan = tool.ok(&[
        "restore",
        "-n",
        &backup,
        "-r",
        &format!("{db}.*:{db2}.*"),
        "--dry-run",
    ]);
    assert!(
        plan.contains("dry run") && plan.contains(&format!("{db2}.rich")),
        "{plan}"
    );
    let dbs = py(&["list", "--addr", &m.addr]);
    assert!(
        !dbs["databases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == db2.as_str()),
        "dry run created {db2}: {dbs}"
    );

    // Rename into another database, one collection only.
    tool.ok(&[
        "-q",
        "restore",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.vb"),
        "-r",
        &format!("{db}.vb:{db2}.vb2"),
        "--load",
    ]);
    let loaded = py(&[
        "describe",
        "--addr",
        &m.addr,
        "--db",
        &db2,
        "--collection",
        "vb2",
    ]);
    assert!(
        matches!(loaded["load_state"].as_str(), Some("Loaded" | "Loading")),
        "--load: {loaded}"
    );
    assert_same_rows(
        &dump(&m, &db, "vb"),
        &dump(&m, &db2, "vb2"),
        "renamed into another database",
    );
    let listing = py(&["list", "--addr", &m.addr, "--db", &db2]);
    assert_eq!(
        listing["collections"][&db2],
        serde_json::json!(["vb2"]),
        "only the filtered collection, renamed"
    );

    // --drop-existing replaces an existing target.
    py(&[
        "drop",
        "--addr",
        &m.addr,
        "--db",
        &db,
        "--collection",
        "rich_r",
    ]);
    seed(&m, &db, "rich_r", "small");
    tool.ok(&[
        "-q",
        "restore",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.rich"),
        "-s",
        "_r",
        "--drop-existing",
    ]);
    assert_same_rows(
        &rich_src,
        &dump(&m, &db, "rich_r"),
        "rich after --drop-existing",
    );
    // Again, now that the target has an alias: it is moved over to the new collection.
    tool.ok(&[
        "-q",
        "restore",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.rich"),
        "-s",
        "_r",
        "--drop-existing",
    ]);
    assert_same_rows(
        &rich_src,
        &dump(&m, &db, "rich_r"),
        "rich after a second --drop-existing",
    );
    let desc = py(&[
        "describe",
        "--addr",
        &m.addr,
        "--db",
        &db,
        "--collection",
        "rich_r",
    ]);
    assert_eq!(
        desc["aliases"],
        serde_json::json!([format!("{alias}_r")]),
        "alias kept over --drop-existing"
    );

    // delete removes the backup; list no longer shows it.
    tool.ok(&["delete", "-n", &backup, "--yes"]);
    let list = tool.json(&["list", "--json"]);
    assert!(!list.to_string().contains(&backup), "{list}");
    assert!(!tool.backup_root.join(&backup).exists());
    assert!(
        tool.fails(&["get", "-n", &backup])
            .contains("no such backup")
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_wrong_milvus_root_is_detected() {
    let m = server("M235_LOCAL");
    let db = unique("db");
    seed(&m, &db, "small", "small");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let empty = tool.dir.path().join("not-milvus");
    std::fs::create_dir_all(&empty).unwrap();
    let root = format!("milvus.storage.root=\"{}\"", empty.display());
    let out = tool.fails(&["--set", &root, "check"]);
    assert!(out.contains("holds no insert_log/"), "{out}");
    let name = unique("b");
    let out = tool.fails(&[
        "--set",
        &root,
        "-q",
        "create",
        "-n",
        &name,
        "--filter",
        &format!("{db}.small"),
    ]);
    assert!(out.contains("insert_log"), "{out}");
    assert!(
        !tool
            .backup_root
            .join(&name)
            .join("meta/backup_meta.json")
            .exists()
    );
    // The right root passes.
    let out = tool.ok(&["check"]);
    assert!(out.contains("all checks passed"), "{out}");
}
