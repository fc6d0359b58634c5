//! A benchmark, not a timed test: how long one frame takes with 10,000 collections and 1,000
//! backups, on each screen, at 120x40 (a `TestBackend`, so the terminal's own time is left out).
//! Run: `cargo test --release --bin milvus-backup-tui frame_time -- --ignored --nocapture`.

use super::action::Action;
use super::fixtures;
use super::state::{CollectionsData, DbNode, Screen};
use super::update::update;
use super::view::view;
use milvus_backup_tui::catalog::BackupEntry;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Instant;

const COLLECTIONS: usize = 10_000;
const BACKUPS: usize = 1_000;
const FRAMES: u32 = 100;

fn big_model() -> super::state::Model {
    let mut m = fixtures::model();
    let template = fixtures::collections().dbs[0].collections[0].clone();
    let dbs = (0..10)
        .map(|d| DbNode {
            name: format!("db{d}"),
            collections: (0..COLLECTIONS / 10)
                .map(|c| {
                    let mut n = template.clone();
                    n.name = format!("collection_{d}_{c:04}");
                    n.id = (d * COLLECTIONS + c) as i64;
                    n
                })
                .collect(),
        })
        .collect();
    let _ = update(&mut m, Action::CollectionsLoaded(CollectionsData { dbs }));
    let backups: Vec<BackupEntry> = (0..BACKUPS)
        .map(|i| {
            let name = format!("nightly_{i:04}");
            let mut info = fixtures::backup_info(&name, "v2.3.5");
            info.backup_timestamp += i as u64 * 60_000;
            BackupEntry {
                name,
                info: Some(info),
                problem: None,
            }
        })
        .collect();
    let _ = update(
        &mut m,
        Action::BackupsLoaded(backups, fixtures::LISTED_AT_MS),
    );
    m
}

#[test]
#[ignore = "a benchmark: run it by name with --ignored --nocapture"]
fn frame_time() {
    let mut m = big_model();
    // Somewhere in the middle of each list.
    m.collections.cursor = COLLECTIONS / 2;
    m.backups.cursor = BACKUPS / 2;
    let mut t = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    for screen in [Screen::Collections, Screen::Backups, Screen::Jobs] {
        m.screen = screen;
        t.draw(|f| view(&m, f)).expect("draw");
        let start = Instant::now();
        for _ in 0..FRAMES {
            t.draw(|f| view(&m, f)).expect("draw");
        }
        let per = start.elapsed() / FRAMES;
        println!(
            "frame_time {screen:?}: {:.2} ms per frame ({COLLECTIONS} collections, {BACKUPS} backups, 120x40)",
            per.as_secs_f64() * 1000.0
        );
    }
}
