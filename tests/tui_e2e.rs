//! The terminal UI end to end: the real binary in a pseudo-terminal, its screen read back
//! through a terminal emulator (vt100), keys typed as a user would.
//!
//! `tui_unreachable_milvus_*` needs no server. `tui_e2e_backup_and_restore` drives Milvus 2.3.5
//! of the sandbox (scripts/test.sh): select two collections, back them up, restore them with a
//! suffix through the wizard, quit; then compare the restored rows with the source row by row.

mod common;
use common::*;

use common::tui::*;
use std::time::Duration;

#[test]
fn tui_unreachable_milvus_shows_the_error_and_quits_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    // Port 1: nothing listens there, the connection is refused at once.
    std::fs::write(
        &config,
        format!(
            "[milvus]\naddress = \"127.0.0.1:1\"\n\n[backup.storage]\nprovider = \"fs\"\nroot = \"{}\"\n",
            dir.path().join("backups").display()
        ),
    )
    .expect("config");
    let mut tui = Tui::start(&config, &dir.path().join("tui.log"), &[]);
    let screen = tui.wait_for("[r] retry", Duration::from_secs(40));
    assert!(screen.contains("127.0.0.1:1"), "{screen}");
    assert!(screen.contains("NOT CONNECTED"), "{screen}");
    // The app stays up: the other screens still work.
    tui.keys("2");
    tui.wait_for("No backup here yet", Duration::from_secs(10));
    tui.keys("?");
    tui.wait_for("Keys (Esc closes)", Duration::from_secs(5));
    tui.keys("\x1b");
    tui.keys("q");
    assert!(tui.wait_exit(Duration::from_secs(10)), "exit status 0");
    assert!(tui.terminal_restored(), "terminal left in the UI's mode");
}

#[test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
fn tui_e2e_backup_and_restore() {
    let m = server("M235_LOCAL");
    let tool = Tool::new(&m, BackupAt::LocalDir, &[]);
    let db = unique("tuidb");
    let tok = unique("tui");
    let (a, b) = (format!("{tok}_a"), format!("{tok}_b"));
    seed(&m, &db, &a, "rich");
    seed(&m, &db, &b, "varchar_binary");
    let backup = unique("tuibk");

    let mut tui = Tui::start(&tool.config, &tool.dir.path().join("tui.log"), &[]);
    tui.wait_for("connected, Milvus", Duration::from_secs(60));
    tui.wait_for("database / collection", Duration::from_secs(60));
    // Filter the tree down to the two collections, select their database (both), back up.
    tui.keys("/");
    tui.keys(&tok);
    tui.keys("\r");
    tui.wait_for(&a, Duration::from_secs(10));
    tui.keys("g");
    tui.keys(" ");
    tui.wait_for("(2 selected)", Duration::from_secs(5));
    tui.keys("b");
    tui.wait_for("the name is valid", Duration::from_secs(5));
    tui.keys("\x15"); // Ctrl-U clears the offered name
    tui.keys(&backup);
    tui.wait_for("the name is valid", Duration::from_secs(5));
    tui.keys("\r");
    tui.wait_for(
        &format!("backup {backup} created: 2 collection(s)"),
        Duration::from_secs(300),
    );

    // Restore it with a suffix through the wizard.
    tui.keys("2");
    tui.wait_for(&backup, Duration::from_secs(30));
    tui.keys("\r");
    tui.wait_for("Which collections to restore", Duration::from_secs(5));
    tui.keys("\r");
    tui.wait_for(
        "How the restored collections are named",
        Duration::from_secs(5),
    );
    tui.keys("\x15");
    tui.keys("_tui");
    tui.wait_for(&format!("{db}.{a}_tui"), Duration::from_secs(5));
    tui.keys("\r");
    tui.wait_for("Restore into", Duration::from_secs(5));
    tui.keys("\r");
    tui.wait_for("Options:", Duration::from_secs(5));
    tui.keys("\r");
    tui.wait_for("Enter starts the restore", Duration::from_secs(60));
    tui.wait_for("Nothing has been changed yet", Duration::from_secs(5));
    tui.keys("\r");
    let screen = tui.wait_for("imported and verified", Duration::from_secs(600));
    assert!(!screen.contains("FAILED"), "{screen}");
    tui.wait_for(&format!("{b}_tui: restored"), Duration::from_secs(30));
    tui.keys("q");
    assert!(tui.wait_exit(Duration::from_secs(30)), "exit status 0");
    assert!(tui.terminal_restored());

    for c in [&a, &b] {
        let source = dump(&m, &db, c);
        let restored = dump(&m, &db, &format!("{c}_tui"));
        assert_same_rows(&source, &restored, &format!("{db}.{c} restored by the TUI"));
    }
}
