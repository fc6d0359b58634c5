//! Milvus 2.3.5 on S3 -> a backup in another bucket -> restored (staged into Milvus's bucket,
//! then imported), compared row by row; the staging files are gone afterwards.

mod common;
use common::*;

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_s3_roundtrip() {
    let m = server("M235_S3");
    let tool = Tool::new(&m, BackupAt::S3Bucket, &[]);
    let db = unique("db");
    let rich = seed(&m, &db, "rich", "rich");
    seed(&m, &db, "vb", "varchar_binary");
    let backup = unique("b");
    tool.ok(&[
        "-q",
        "create",
        "-n",
        &backup,
        "--filter",
        &format!("{db}.*"),
    ]);
    let list = tool.json(&["list", "--json"]);
    assert!(list.to_string().contains(&backup), "{list}");

    let plan = tool.ok(&["restore", "-n", &backup, "-s", "_r", "--dry-run"]);
    assert!(
        plan.contains("copied from"),
        "a backup in another bucket must be staged: {plan}"
    );
    tool.ok(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    let rich_dst = dump(&m, &db, "rich_r");
    assert_same_rows(&dump(&m, &db, "rich"), &rich_dst, "rich over S3");
    assert_absent(&rich_dst, "pk", &rich["deleted_pks"], "rich over S3");
    assert_same_rows(
        &dump(&m, &db, "vb"),
        &dump(&m, &db, "vb_r"),
        "varchar_binary over S3",
    );

    let s3_dir = std::path::PathBuf::from(std::env::var("MBT_S3_DATA_DIR").unwrap());
    let staging = s3_dir
        .join(std::env::var("MBT_M235_S3_BUCKET").unwrap())
        .join(std::env::var("MBT_M235_S3_ROOTPATH").unwrap())
        .join("mbt_staging");
    let leftovers: Vec<_> = walk(&staging);
    assert!(
        leftovers.is_empty(),
        "staging files left behind: {leftovers:?}"
    );
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}
