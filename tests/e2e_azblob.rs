//! Milvus 2.3.5 (local storage) -> a backup in Azure Blob Storage (Azurite, Microsoft's
//! emulator) -> listed, verified, restored with a suffix, compared row by row. Bad Azure
//! settings fail with an error that names the key and never shows the account key.

mod common;
use common::*;

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("{key} is not set: run with scripts/test.sh"))
}

/// The `[backup.storage]` table for Azurite, with `account_key` as given.
fn azure_table(container: &str, account_key: &str) -> String {
    format!(
        "[backup.storage]\nprovider = \"azblob\"\ncontainer = \"{container}\"\nroot = \"{}\"\nendpoint = \"{}\"\naccount_name = \"{}\"\naccount_key = \"{account_key}\"\n",
        unique("bk"),
        env("MBT_AZURITE_ENDPOINT"),
        env("MBT_AZURITE_ACCOUNT"),
    )
}

/// A tool whose backups go to Azurite instead of the local directory.
fn azure_tool(m: &Server, table: &str) -> Tool {
    let t = Tool::new(m, BackupAt::LocalDir, &[]);
    let text = std::fs::read_to_string(&t.config).unwrap();
    let local = format!(
        "[backup.storage]\nprovider = \"fs\"\nroot = \"{}\"\n",
        t.backup_root.display()
    );
    assert!(text.contains(&local), "{text}");
    std::fs::write(&t.config, text.replacen(&local, table, 1)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&t.config, std::fs::Permissions::from_mode(0o600)).unwrap();
    t
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_azblob_roundtrip() {
    let m = server("M235_LOCAL");
    let key = env("MBT_AZURITE_KEY");
    let tool = azure_tool(&m, &azure_table(&env("MBT_AZURITE_CONTAINER"), &key));
    let db = unique("db");
    let rich = seed(&m, &db, "rich", "rich");
    seed(&m, &db, "vb", "varchar_binary");
    let backup = unique("b");
    let out = tool.ok(&["create", "-n", &backup, "--filter", &format!("{db}.*")]);
    assert!(out.contains("azblob://"), "{out}");
    let list = tool.json(&["list", "--json"]);
    assert!(list.to_string().contains(&backup), "{list}");
    tool.ok(&["verify", "-n", &backup]);

    tool.ok(&["-q", "restore", "-n", &backup, "-s", "_r"]);
    let rich_dst = dump(&m, &db, "rich_r");
    assert_same_rows(&dump(&m, &db, "rich"), &rich_dst, "rich over Azure Blob");
    assert_absent(
        &rich_dst,
        "pk",
        &rich["deleted_pks"],
        "rich over Azure Blob",
    );
    assert_same_rows(
        &dump(&m, &db, "vb"),
        &dump(&m, &db, "vb_r"),
        "varchar_binary over Azure Blob",
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn e2e_azblob_bad_settings_are_named_and_the_key_never_shown() {
    let m = server("M235_LOCAL");
    // A wrong key (valid base64): the server refuses; the key is not in the output.
    let wrong = "d3Jvbmcta2V5LW5vdC10aGUtcmVhbC1vbmU=";
    let tool = azure_tool(&m, &azure_table(&env("MBT_AZURITE_CONTAINER"), wrong));
    let out = tool.fails(&["list"]);
    assert!(!out.contains(wrong), "{out}");
    let log = std::fs::read_to_string(tool.dir.path().join("tool.log")).unwrap_or_default();
    assert!(!log.contains(wrong), "the key is in the log");

    // No container: the error names the key.
    let table = azure_table("", &env("MBT_AZURITE_KEY"));
    let tool = azure_tool(&m, &table);
    let out = tool.fails(&["list"]);
    assert!(out.contains("backup.storage.container"), "{out}");
    assert!(!out.contains(&env("MBT_AZURITE_KEY")), "{out}");
}
