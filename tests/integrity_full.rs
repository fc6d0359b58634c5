//! The backup storage full, for real: a 64 KiB tmpfs mounted over the backup directory (the
//! sandbox runs tests as root in a private mount namespace). A clear error, no complete-looking
//! backup; once there is room, `--resume` finishes it.

mod common;
mod integrity_common;
use common::*;
use std::process::Command;

fn mount(args: &[&str]) {
    let st = Command::new("mount").args(args).status().expect("mount");
    assert!(
        st.success(),
        "mount {args:?} failed: this test needs the sandbox (root in a private mount namespace)"
    );
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn integrity_backup_storage_full() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("db");
    seed(&m, &db, "rich", "rich");
    let root = tool.backup_root.display().to_string();
    std::fs::create_dir_all(&tool.backup_root).unwrap();
    mount(&["-t", "tmpfs", "-o", "size=64k", "tmpfs", &root]);
    struct Unmount(String);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(root.clone());

    let name = unique("b");
    let filter = format!("{db}.rich");
    let err = tool.fails(&["-q", "create", "-n", &name, "--filter", &filter]);
    assert!(
        err.contains(&format!("storage {root}")) && err.contains("No space left on device"),
        "a clear error naming the storage and the cause: {err}"
    );
    assert!(
        !tool
            .backup_root
            .join(&name)
            .join("meta/backup_meta.json")
            .exists()
    );
    let list = tool.json(&["list", "--json"]);
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name.as_str())
        .cloned()
        .unwrap_or_default();
    assert_ne!(entry["state"], "complete", "{list}");
    assert!(
        !tool.backup_root.join(".locks").exists(),
        "the lock is released on failure"
    );

    // Room again (the same tmpfs, grown): --resume finishes it.
    mount(&["-o", "remount,size=16m", &root]);
    tool.ok(&["-q", "create", "-n", &name, "--filter", &filter, "--resume"]);
    let v = tool.ok(&["verify", "-n", &name]);
    assert!(v.contains("verified (size and CRC-32C)"), "{v}");
    tool.ok(&["-q", "restore", "-n", &name, "-s", "_r"]);
    assert_same_rows(&dump(&m, &db, "rich"), &dump(&m, &db, "rich_r"), "rich");
}
