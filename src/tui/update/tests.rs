//! `update` without a terminal: an action in, the new state and the commands out.

use super::update;
use crate::tui::action::Action;
use crate::tui::command::{Command, NamingChoice, RestoreSpec};
use crate::tui::fixtures;
use crate::tui::state::{
    Connection, Dialog, JobStatus, NamingMode, Pane, PlanView, Retry, Screen, TreeRow, WizardStep,
};
use milvus_backup_tui::jobs::{JobFailure, JobId, JobKind, JobOutput};
use milvus_backup_tui::progress::Phase;
use std::time::Duration;
use tui_input::InputRequest;

fn typed(m: &mut crate::tui::state::Model, text: &str) {
    for c in text.chars() {
        update(m, Action::Edit(InputRequest::InsertChar(c)));
    }
}

fn wizard(m: &crate::tui::state::Model) -> &crate::tui::state::Wizard {
    match &m.dialog {
        Some(Dialog::Restore(w)) => w,
        _ => panic!("no wizard open"),
    }
}

#[test]
fn connecting_loads_collections_and_focuses_the_compat_pair() {
    let mut m = crate::tui::state::Model::new(fixtures::session());
    let cmds = update(
        &mut m,
        Action::Connected {
            address: "h:1".into(),
            version: "v2.3.5".into(),
        },
    );
    assert_eq!(cmds, vec![Command::LoadCollections]);
    assert!(m.collections.loading);
    assert_eq!(m.server_version(), Some("v2.3.5"));
    update(
        &mut m,
        Action::BackupsLoaded(fixtures::backups(), fixtures::LISTED_AT_MS),
    );
    assert_eq!(m.compat.focus, Some((1, 1)), "2.3 -> 2.3");
}

#[test]
fn a_failed_connection_shows_a_banner_that_retries() {
    let mut m = crate::tui::state::Model::new(fixtures::session());
    update(
        &mut m,
        Action::ConnectFailed {
            address: "127.0.0.1:19530".into(),
            error: "refused".into(),
        },
    );
    assert!(matches!(m.connection, Connection::Failed { .. }));
    let b = m.banner.clone().expect("banner");
    assert!(b.message.contains("127.0.0.1:19530"));
    assert_eq!(b.retry, Some(Retry::Connect));
    assert_eq!(update(&mut m, Action::Key('r')), vec![Command::Connect]);
    assert!(m.banner.is_none());
    assert_eq!(m.connection, Connection::Connecting);
}

#[test]
fn without_a_config_the_banner_says_how_to_write_one() {
    let mut s = fixtures::session();
    s.config_found = false;
    let mut m = crate::tui::state::Model::new(s);
    update(
        &mut m,
        Action::ConnectFailed {
            address: "127.0.0.1:19530".into(),
            error: "refused".into(),
        },
    );
    let msg = m.banner.expect("banner").message;
    assert!(msg.contains("milvus-backup-tui.toml"), "{msg}");
    assert!(msg.contains("--config"), "{msg}");
}

#[test]
fn a_failed_call_keeps_the_app_up_with_a_retry() {
    let mut m = fixtures::model();
    update(
        &mut m,
        Action::CallFailed {
            what: "list backups".into(),
            error: "storage down".into(),
        },
    );
    assert_eq!(
        m.banner.as_ref().and_then(|b| b.retry),
        Some(Retry::Backups)
    );
    assert_eq!(update(&mut m, Action::Key('r')), vec![Command::LoadBackups]);
    update(
        &mut m,
        Action::CallFailed {
            what: "delete backup x".into(),
            error: "denied".into(),
        },
    );
    assert_eq!(update(&mut m, Action::Back), vec![]);
    assert!(m.banner.is_none());
}

#[test]
fn screens_cycle_with_brackets_and_digits() {
    let mut m = fixtures::model();
    update(&mut m, Action::NextScreen);
    assert_eq!(m.screen, Screen::Backups);
    update(&mut m, Action::PrevScreen);
    update(&mut m, Action::PrevScreen);
    assert_eq!(m.screen, Screen::Log);
    update(&mut m, Action::GoTo(Screen::Jobs));
    assert_eq!(m.screen, Screen::Jobs);
}

#[test]
fn tab_moves_between_the_list_and_a_scrollable_details_pane() {
    let mut m = fixtures::model();
    assert_eq!(m.focus, Pane::List);
    update(&mut m, Action::FocusNext);
    assert_eq!(
        m.screen,
        Screen::Collections,
        "Tab no longer changes screens"
    );
    assert!(m.details_focused());
    // Arrows scroll the details; the tree keeps its cursor.
    let cursor = m.collections.cursor;
    update(&mut m, Action::Down);
    update(&mut m, Action::Down);
    assert_eq!(m.details_scroll, 2);
    assert_eq!(m.collections.cursor, cursor);
    update(&mut m, Action::Up);
    assert_eq!(m.details_scroll, 1);
    update(&mut m, Action::PageUp);
    assert_eq!(m.details_scroll, 0);
    // Keys of the screen still work on the item under the cursor.
    update(&mut m, Action::Key('s'));
    assert!(m.collections.show_schema);
    // Shift-Tab (or Esc) gives the list the keyboard back; moving in it scrolls to the top.
    update(&mut m, Action::FocusPrev);
    assert_eq!(m.focus, Pane::List);
    update(&mut m, Action::FocusNext);
    update(&mut m, Action::PageDown);
    update(&mut m, Action::Back);
    assert_eq!(m.focus, Pane::List);
    update(&mut m, Action::Down);
    assert_eq!(m.collections.cursor, cursor + 1);
    assert_eq!(m.details_scroll, 0);
    // Another screen starts on its list; the Log has a single pane.
    update(&mut m, Action::FocusNext);
    update(&mut m, Action::NextScreen);
    assert_eq!((m.screen, m.focus), (Screen::Backups, Pane::List));
    update(&mut m, Action::GoTo(Screen::Log));
    update(&mut m, Action::FocusNext);
    assert!(!m.details_focused());
    // While the filter is typed, Tab does nothing.
    update(&mut m, Action::GoTo(Screen::Collections));
    update(&mut m, Action::Key('/'));
    update(&mut m, Action::FocusNext);
    assert_eq!(m.focus, Pane::List);
    assert!(m.collections.filtering);
}

#[test]
fn tab_moves_between_the_fields_of_a_wizard_page() {
    let mut m = fixtures::model();
    m.dialog = Some(Dialog::Restore(Box::new(fixtures::wizard(
        WizardStep::Options,
    ))));
    update(&mut m, Action::FocusNext);
    update(&mut m, Action::FocusNext);
    assert_eq!(wizard(&m).option_cursor, 2);
    update(&mut m, Action::FocusPrev);
    assert_eq!(wizard(&m).option_cursor, 1);
    assert_eq!(m.focus, Pane::List, "the screen behind keeps its focus");
}

#[test]
fn the_tree_moves_unfolds_and_selects() {
    let mut m = fixtures::model();
    assert_eq!(m.collections.current_row(), Some(TreeRow::Db(0)));
    update(&mut m, Action::Down);
    assert_eq!(m.collections.current_row(), Some(TreeRow::Collection(0, 0)));
    update(&mut m, Action::Enter);
    assert!(m.collections.expanded.contains("default.books"));
    update(&mut m, Action::Down);
    assert_eq!(
        m.collections.current_row(),
        Some(TreeRow::Partition(0, 0, 0))
    );
    update(&mut m, Action::Left);
    assert_eq!(m.collections.current_row(), Some(TreeRow::Collection(0, 0)));
    update(&mut m, Action::Left);
    assert!(m.collections.expanded.is_empty());
    update(&mut m, Action::Toggle);
    assert!(m.collections.selected.contains("default.books"));
    update(&mut m, Action::Toggle);
    assert!(m.collections.selected.is_empty());
    update(&mut m, Action::End);
    assert_eq!(m.collections.current_row(), Some(TreeRow::Collection(1, 0)));
    update(&mut m, Action::Down);
    assert_eq!(m.collections.current_row(), Some(TreeRow::Collection(1, 0)));
}

#[test]
fn space_on_a_database_selects_all_its_collections_then_none() {
    let mut m = fixtures::model();
    update(&mut m, Action::Toggle);
    assert_eq!(
        m.collections.selected_existing(),
        vec!["default.books", "default.movies"]
    );
    update(&mut m, Action::Toggle);
    assert!(m.collections.selected.is_empty());
}

#[test]
fn the_filter_narrows_the_tree_and_esc_clears_it() {
    let mut m = fixtures::model();
    update(&mut m, Action::Key('/'));
    assert!(m.collections.filtering);
    typed(&mut m, "ord");
    assert_eq!(
        m.collections.rows(),
        vec![TreeRow::Db(1), TreeRow::Collection(1, 0)]
    );
    update(&mut m, Action::Enter);
    assert!(!m.collections.filtering);
    assert_eq!(m.collections.filter.value(), "ord");
    update(&mut m, Action::Key('/'));
    update(&mut m, Action::Back);
    assert_eq!(m.collections.filter.value(), "");
    assert_eq!(m.collections.rows().len(), 5);
}

#[test]
fn back_up_validates_the_name_as_typed_and_starts_a_job() {
    let mut m = fixtures::model();
    m.collections.selected.insert("default.books".into());
    m.collections.selected.insert("shop.orders".into());
    update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "backup_1".into(),
        },
    );
    let Some(Dialog::BackUp(d)) = &m.dialog else {
        panic!("no dialog")
    };
    assert_eq!(d.input.value(), "backup_1");
    assert!(d.error.is_none());
    typed(&mut m, "-x");
    let Some(Dialog::BackUp(d)) = &m.dialog else {
        panic!("no dialog")
    };
    assert!(d.error.is_some(), "'-' is not allowed");
    assert_eq!(update(&mut m, Action::Enter), vec![], "invalid: no start");
    update(&mut m, Action::Edit(InputRequest::DeletePrevChar));
    update(&mut m, Action::Edit(InputRequest::DeletePrevChar));
    let cmds = update(&mut m, Action::Enter);
    assert_eq!(
        cmds,
        vec![Command::StartBackup {
            name: "backup_1".into(),
            collections: vec!["default.books".into(), "shop.orders".into()],
        }]
    );
    assert!(m.dialog.is_none());
    assert_eq!(
        m.collections.selected.len(),
        2,
        "the selection stays until the backup succeeds"
    );
}

#[test]
fn back_up_without_selection_takes_the_collection_under_the_cursor() {
    let mut m = fixtures::model();
    update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "b".into(),
        },
    );
    assert!(m.dialog.is_none(), "on a database row: nothing to back up");
    assert!(m.notice.is_some());
    update(&mut m, Action::Down);
    update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "b".into(),
        },
    );
    let Some(Dialog::BackUp(d)) = &m.dialog else {
        panic!("no dialog")
    };
    assert_eq!(d.collections, vec!["default.books"]);
    update(&mut m, Action::Back);
    assert!(m.dialog.is_none());
}

#[test]
fn delete_asks_first() {
    let mut m = fixtures::model();
    m.screen = Screen::Backups;
    update(&mut m, Action::Key('d'));
    assert!(matches!(m.dialog, Some(Dialog::ConfirmDelete { .. })));
    assert_eq!(update(&mut m, Action::Confirm(false)), vec![]);
    assert!(m.dialog.is_none());
    update(&mut m, Action::Key('d'));
    assert_eq!(
        update(&mut m, Action::Confirm(true)),
        vec![Command::DeleteBackup("nightly_0101".into())]
    );
    let cmds = update(
        &mut m,
        Action::BackupDeleted {
            name: "nightly_0101".into(),
            files: 9,
        },
    );
    assert_eq!(cmds, vec![Command::LoadBackups]);
    assert!(m.notice.as_deref().unwrap_or("").contains("deleted"));
}

#[test]
fn an_incomplete_backup_cannot_be_restored() {
    let mut m = fixtures::model();
    m.screen = Screen::Backups;
    update(&mut m, Action::End);
    update(&mut m, Action::Enter);
    assert!(m.dialog.is_none());
    assert!(m.notice.as_deref().unwrap_or("").contains("incomplete"));
}

#[test]
fn the_wizard_walks_to_a_plan_and_changes_nothing_before_confirm() {
    let mut m = fixtures::model();
    m.screen = Screen::Backups;
    assert_eq!(update(&mut m, Action::Enter), vec![]);
    assert_eq!(wizard(&m).step, WizardStep::Collections);
    // Unchoose movies.
    update(&mut m, Action::Down);
    update(&mut m, Action::Toggle);
    assert_eq!(update(&mut m, Action::Enter), vec![]);
    assert_eq!(wizard(&m).step, WizardStep::Naming);
    assert_eq!(wizard(&m).naming, NamingMode::Suffix);
    typed(&mut m, "2");
    assert_eq!(update(&mut m, Action::Enter), vec![]);
    assert_eq!(wizard(&m).step, WizardStep::Target);
    update(&mut m, Action::Down);
    assert_eq!(update(&mut m, Action::Enter), vec![]);
    assert_eq!(wizard(&m).step, WizardStep::Options);
    update(&mut m, Action::Down);
    update(&mut m, Action::Toggle);
    let cmds = update(&mut m, Action::Enter);
    let spec = RestoreSpec {
        backup: "nightly_0101".into(),
        collections: vec!["default.books".into()],
        naming: NamingChoice::Suffix("_restored2".into()),
        cluster: Some("prod24".into()),
        drop_existing: false,
        create_indexes: true,
        load: true,
    };
    assert_eq!(cmds, vec![Command::PlanRestore(spec.clone())]);
    assert!(matches!(wizard(&m).plan, PlanView::Loading));
    // Enter while the plan is loading does nothing.
    assert_eq!(update(&mut m, Action::Enter), vec![]);
    update(
        &mut m,
        Action::PlanReady(Box::new(fixtures::plan()), vec![]),
    );
    let cmds = update(&mut m, Action::Enter);
    assert_eq!(cmds, vec![Command::StartRestore(spec)]);
    assert!(m.dialog.is_none());
    assert_eq!(m.screen, Screen::Jobs);
}

#[test]
fn a_bad_suffix_stops_the_wizard_with_the_reason() {
    let mut m = fixtures::model();
    m.screen = Screen::Backups;
    update(&mut m, Action::Enter);
    update(&mut m, Action::Enter);
    typed(&mut m, " x");
    assert!(wizard(&m).page_problem().is_some());
    update(&mut m, Action::Enter);
    assert_eq!(wizard(&m).step, WizardStep::Naming);
}

#[test]
fn naming_into_another_database_becomes_rules() {
    let mut m = fixtures::model();
    m.screen = Screen::Backups;
    update(&mut m, Action::Enter);
    update(&mut m, Action::Enter);
    update(&mut m, Action::End);
    assert_eq!(wizard(&m).naming, NamingMode::TargetDb);
    typed(&mut m, "copy");
    assert_eq!(
        wizard(&m).naming_choice(),
        Ok(NamingChoice::Rules("default.*:copy.*".into()))
    );
}

#[test]
fn a_failed_plan_is_shown_and_esc_goes_back() {
    let mut m = fixtures::model();
    m.screen = Screen::Backups;
    update(&mut m, Action::Enter);
    for _ in 0..4 {
        update(&mut m, Action::Enter);
    }
    assert_eq!(wizard(&m).step, WizardStep::Plan);
    update(&mut m, Action::PlanFailed("conflict".into()));
    assert_eq!(
        update(&mut m, Action::Enter),
        vec![],
        "no restore on failure"
    );
    assert!(matches!(
        update(&mut m, Action::Key('r')).as_slice(),
        [Command::PlanRestore(_)]
    ));
    update(&mut m, Action::Back);
    assert_eq!(wizard(&m).step, WizardStep::Options);
    for _ in 0..4 {
        update(&mut m, Action::Back);
    }
    assert!(
        m.dialog.is_none(),
        "Esc on the first page closes the wizard"
    );
}

#[test]
fn job_progress_and_completion_update_the_jobs_screen() {
    let mut m = fixtures::model();
    update(
        &mut m,
        Action::JobStarted(fixtures::started(
            1,
            JobKind::Backup { name: "b".into() },
            "1 collection(s)",
        )),
    );
    assert_eq!(m.screen, Screen::Jobs);
    assert_eq!(m.jobs.running(), 1);
    update(
        &mut m,
        Action::JobProgress {
            id: JobId(1),
            progress: Box::new(fixtures::progress(Phase::Copying)),
            elapsed: Duration::from_secs(10),
        },
    );
    let j = &m.jobs.jobs[0];
    assert_eq!(j.progress.files.done, 40);
    assert!(j.rate() > 0.0);
    assert!(j.eta().is_some());
    let cmds = update(
        &mut m,
        Action::JobFinished {
            id: JobId(1),
            result: Box::new(Ok(JobOutput::Backup(
                milvus_backup_tui::backup::CreateSummary {
                    name: "b".into(),
                    collections: 2,
                    segments: 4,
                    files: 10,
                    bytes: 2048,
                    rows: 4200,
                    reused_files: 0,
                    server_side_files: 0,
                    warnings: vec![],
                },
            ))),
        },
    );
    assert_eq!(cmds, vec![Command::LoadBackups]);
    let j = &m.jobs.jobs[0];
    assert_eq!(j.status, JobStatus::Succeeded);
    assert!(j.outcome[0].contains("4200 rows"));
    assert_eq!(j.eta(), None);
}

#[test]
fn a_failed_job_keeps_its_error_in_full() {
    let mut m = fixtures::model_with_jobs();
    let cmds = update(
        &mut m,
        Action::JobFinished {
            id: JobId(2),
            result: Box::new(Err(JobFailure {
                error: "Milvus Flush failed: timeout".into(),
                hint: Some("check the server".into()),
                cancelled: false,
                report: None,
            })),
        },
    );
    assert_eq!(cmds, vec![Command::LoadBackups]);
    let j = &m.jobs.jobs[1];
    assert_eq!(j.status, JobStatus::Failed);
    assert_eq!(
        j.outcome,
        vec![
            "error: Milvus Flush failed: timeout".to_string(),
            "hint: check the server".to_string()
        ]
    );
}

#[test]
fn cancel_asks_then_cancels() {
    let mut m = fixtures::model_with_jobs();
    update(&mut m, Action::Key('c'));
    assert!(matches!(m.dialog, Some(Dialog::ConfirmCancel { .. })));
    assert_eq!(
        update(&mut m, Action::Confirm(true)),
        vec![Command::CancelJob(JobId(2))]
    );
    assert_eq!(m.jobs.jobs[1].status, JobStatus::Cancelling);
    // A finished job cannot be cancelled.
    m.jobs.cursor = 0;
    update(&mut m, Action::Key('c'));
    assert!(m.dialog.is_none());
}

#[test]
fn quit_is_immediate_without_jobs() {
    let mut m = fixtures::model();
    assert_eq!(update(&mut m, Action::Quit), vec![Command::Exit]);
    assert!(m.should_exit);
}

#[test]
fn quit_with_running_jobs_asks_cancels_and_waits_for_them() {
    let mut m = fixtures::model_with_jobs();
    assert_eq!(update(&mut m, Action::Quit), vec![]);
    assert!(matches!(m.dialog, Some(Dialog::ConfirmQuit { running: 1 })));
    assert_eq!(update(&mut m, Action::Confirm(false)), vec![]);
    assert!(!m.quitting);
    update(&mut m, Action::Quit);
    assert_eq!(
        update(&mut m, Action::Confirm(true)),
        vec![Command::CancelAllJobs]
    );
    assert!(m.quitting && !m.should_exit);
    let cmds = update(
        &mut m,
        Action::JobFinished {
            id: JobId(2),
            result: Box::new(Err(JobFailure {
                error: "cancelled".into(),
                hint: None,
                cancelled: true,
                report: None,
            })),
        },
    );
    assert_eq!(cmds, vec![Command::Exit]);
    assert!(m.should_exit);
    assert_eq!(m.jobs.jobs[1].status, JobStatus::Cancelled);
}

#[test]
fn ctrl_c_cancels_jobs_without_asking() {
    let mut m = fixtures::model_with_jobs();
    assert_eq!(
        update(&mut m, Action::Interrupt),
        vec![Command::CancelAllJobs]
    );
    assert!(m.quitting);
    let mut m = fixtures::model();
    assert_eq!(update(&mut m, Action::Interrupt), vec![Command::Exit]);
}

#[test]
fn help_opens_and_closes() {
    let mut m = fixtures::model();
    update(&mut m, Action::Help);
    assert!(matches!(m.dialog, Some(Dialog::Help)));
    update(&mut m, Action::Down);
    assert!(matches!(m.dialog, Some(Dialog::Help)));
    update(&mut m, Action::Back);
    assert!(m.dialog.is_none());
}

#[test]
fn the_compat_grid_moves_freely_and_f_returns_to_the_focus() {
    let mut m = fixtures::model();
    m.screen = Screen::Compat;
    assert_eq!((m.compat.row, m.compat.col), (1, 1));
    update(&mut m, Action::Left);
    update(&mut m, Action::Left);
    update(&mut m, Action::Down);
    assert_eq!((m.compat.row, m.compat.col), (2, 0));
    assert_eq!(
        m.compat.current().map(|c| c.verdict),
        Some(milvus_backup_tui::compat::Verdict::Refused)
    );
    update(&mut m, Action::Key('f'));
    assert_eq!((m.compat.row, m.compat.col), (1, 1));
    // Moving over the backups moves the focus pair.
    m.screen = Screen::Backups;
    update(&mut m, Action::Down);
    assert_eq!(m.compat.focus, Some((0, 1)), "2.2 backup -> 2.3 cluster");
}

#[test]
fn the_log_keeps_lines_and_filters_by_level() {
    let mut m = fixtures::model();
    m.screen = Screen::Log;
    update(&mut m, Action::Log(fixtures::log_lines()));
    assert_eq!(m.log.visible().len(), 4);
    update(&mut m, Action::Key('l'));
    assert_eq!(m.log.min_level, tracing::Level::DEBUG);
    update(&mut m, Action::Key('l'));
    assert_eq!(m.log.visible().len(), 1, "errors only");
    update(&mut m, Action::Key('l'));
    assert_eq!(m.log.visible().len(), 2, "warnings and errors");
}

#[test]
fn a_finished_restore_reloads_the_collections() {
    let mut m = fixtures::model_with_jobs();
    update(
        &mut m,
        Action::JobStarted(fixtures::started(
            3,
            JobKind::Restore {
                name: "x".into(),
                target: "t".into(),
            },
            "all collections, same names",
        )),
    );
    let cmds = update(
        &mut m,
        Action::JobFinished {
            id: JobId(3),
            result: Box::new(Ok(JobOutput::Restore(Default::default()))),
        },
    );
    assert_eq!(cmds, vec![Command::LoadCollections]);
}

#[test]
fn sizes_on_storage_load_after_the_tree_and_arrive_one_by_one() {
    use crate::tui::state::StorageState;
    use milvus_backup_tui::inventory::StorageSize;
    let mut m = crate::tui::state::Model::new(fixtures::session());
    let mut data = fixtures::collections();
    for db in &mut data.dbs {
        for c in &mut db.collections {
            c.storage = StorageState::Unknown;
        }
    }
    let cmds = update(&mut m, Action::CollectionsLoaded(data));
    assert_eq!(
        cmds,
        vec![Command::LoadStorageSizes(vec![
            ("default.books".into(), 1),
            ("default.movies".into(), 2),
            ("shop.orders".into(), 3),
        ])]
    );
    assert!(!m.collections.loading, "the tree shows before the sizes");
    let storage = |m: &crate::tui::state::Model, d: usize, c: usize| {
        m.collections.data.as_ref().unwrap().dbs[d].collections[c]
            .storage
            .clone()
    };
    assert_eq!(storage(&m, 0, 1), StorageState::Unknown);
    let size = StorageSize {
        total: 1234,
        files: 3,
        ..Default::default()
    };
    update(
        &mut m,
        Action::StorageSize {
            collection: "default.movies".into(),
            id: 2,
            size: Ok(size.clone()),
        },
    );
    assert_eq!(storage(&m, 0, 1), StorageState::Known(size));
    assert_eq!(storage(&m, 0, 0), StorageState::Unknown);
    // A collection dropped and re-created since (another id) keeps waiting for its own size.
    update(
        &mut m,
        Action::StorageSize {
            collection: "default.books".into(),
            id: 99,
            size: Ok(StorageSize::default()),
        },
    );
    assert_eq!(storage(&m, 0, 0), StorageState::Unknown);
    update(
        &mut m,
        Action::StorageSize {
            collection: "shop.orders".into(),
            id: 3,
            size: Err("permission denied".into()),
        },
    );
    assert_eq!(
        storage(&m, 1, 0),
        StorageState::Unreadable("permission denied".into())
    );
    assert!(m.banner.is_none(), "an unreadable storage is no banner");
    // An empty cluster asks for nothing.
    let mut m = crate::tui::state::Model::new(fixtures::session());
    assert!(update(&mut m, Action::CollectionsLoaded(Default::default())).is_empty());
}

#[test]
fn a_plan_with_conflicts_is_listed_refuses_confirm_and_d_replans_with_drop_existing() {
    let mut m = fixtures::model();
    m.screen = Screen::Backups;
    update(&mut m, Action::Enter);
    for _ in 0..3 {
        update(&mut m, Action::Enter);
    }
    let cmds = update(&mut m, Action::Enter);
    let Some(Command::PlanRestore(spec)) = cmds.first().cloned() else {
        panic!("{cmds:?}")
    };
    assert!(!spec.drop_existing);
    update(
        &mut m,
        Action::PlanReady(Box::new(fixtures::plan_with_conflicts()), vec![]),
    );
    assert_eq!(
        wizard(&m).conflicts().map(<[String]>::to_vec),
        Some(vec!["default.books_restored".to_string()])
    );
    let problem = wizard(&m).page_problem().expect("the page says why");
    assert!(
        problem.contains("1 target collection(s) exist"),
        "{problem}"
    );
    // Confirm is refused while conflicts remain: the wizard stays, nothing starts.
    assert_eq!(update(&mut m, Action::Enter), vec![]);
    assert!(m.dialog.is_some());
    assert_eq!(m.jobs.jobs.len(), 0);
    // d turns "drop existing" on and plans again; the new plan (no conflict) can start.
    let cmds = update(&mut m, Action::Key('d'));
    let dropping = RestoreSpec {
        drop_existing: true,
        ..spec.clone()
    };
    assert_eq!(cmds, vec![Command::PlanRestore(dropping.clone())]);
    assert!(wizard(&m).drop_existing);
    assert!(matches!(wizard(&m).plan, PlanView::Loading));
    assert!(wizard(&m).page_problem().is_none());
    let mut replanned = fixtures::plan();
    replanned.collections[0].exists = true;
    update(&mut m, Action::PlanReady(Box::new(replanned), vec![]));
    assert!(wizard(&m).conflicts().is_none());
    // d again turns it off (and plans again).
    assert_eq!(
        update(&mut m, Action::Key('d')),
        vec![Command::PlanRestore(spec)]
    );
    update(
        &mut m,
        Action::PlanReady(Box::new(fixtures::plan()), vec![]),
    );
    assert_eq!(
        update(&mut m, Action::Key('d')),
        vec![Command::PlanRestore(dropping.clone())]
    );
    update(
        &mut m,
        Action::PlanReady(Box::new(fixtures::plan()), vec![]),
    );
    assert_eq!(
        update(&mut m, Action::Enter),
        vec![Command::StartRestore(dropping)]
    );
}

#[test]
fn e_opens_the_whole_banner_message_which_scrolls_and_closes() {
    let mut m = fixtures::model();
    assert_eq!(
        update(&mut m, Action::Key('e')),
        vec![],
        "no banner: nothing"
    );
    assert!(m.dialog.is_none());
    update(
        &mut m,
        Action::CallFailed {
            what: "list backups".into(),
            error: fixtures::long_storage_error(),
        },
    );
    update(&mut m, Action::Key('e'));
    let Some(Dialog::Message { text, scroll: 0 }) = &m.dialog else {
        panic!("the message dialog is open")
    };
    assert!(
        text.ends_with("at debug level."),
        "the whole message: {text}"
    );
    update(&mut m, Action::Down);
    update(&mut m, Action::Down);
    update(&mut m, Action::Up);
    assert!(matches!(m.dialog, Some(Dialog::Message { scroll: 1, .. })));
    update(&mut m, Action::Back);
    assert!(m.dialog.is_none());
    assert!(m.banner.is_some(), "closing the message keeps the banner");
}

fn backup_dialog(m: &crate::tui::state::Model) -> &crate::tui::state::BackupDialog {
    match &m.dialog {
        Some(Dialog::BackUp(d)) => d,
        _ => panic!("no back-up dialog"),
    }
}

#[test]
fn back_up_refuses_the_name_of_an_existing_backup_as_typed() {
    let mut m = fixtures::model();
    m.collections.selected.insert("default.books".into());
    update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "nightly_010".into(),
        },
    );
    assert!(backup_dialog(&m).error.is_none());
    typed(&mut m, "1");
    let e = backup_dialog(&m).error.clone().expect("an existing name");
    assert!(e.contains("nightly_0101 exists already"), "{e}");
    assert_eq!(update(&mut m, Action::Enter), vec![], "no start");
    update(&mut m, Action::Edit(InputRequest::DeleteLine));
    typed(&mut m, "interrupted");
    let e = backup_dialog(&m).error.clone().expect("an incomplete one");
    assert!(e.contains("incomplete backup named interrupted"), "{e}");
    update(&mut m, Action::Edit(InputRequest::DeleteLine));
    typed(&mut m, "fresh");
    assert!(backup_dialog(&m).error.is_none());
    // The list changes under the open dialog: the name is checked again.
    let mut entries = fixtures::backups();
    entries.push(milvus_backup_tui::catalog::BackupEntry {
        name: "fresh".into(),
        info: Some(fixtures::backup_info("fresh", "v2.3.5")),
        problem: None,
    });
    update(
        &mut m,
        Action::BackupsLoaded(entries, fixtures::LISTED_AT_MS),
    );
    assert!(backup_dialog(&m).error.is_some());
}

#[test]
fn back_up_says_whether_it_takes_the_selection_or_the_cursor() {
    let mut m = fixtures::model();
    update(&mut m, Action::Down);
    update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "b".into(),
        },
    );
    assert!(!backup_dialog(&m).from_selection);
    update(&mut m, Action::Back);
    m.collections.selected.insert("shop.orders".into());
    update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "b".into(),
        },
    );
    assert!(backup_dialog(&m).from_selection);
    assert_eq!(backup_dialog(&m).collections, vec!["shop.orders"]);
}

fn start_backup(m: &mut crate::tui::state::Model, id: u64, name: &str) {
    update(
        m,
        Action::OpenBackupDialog {
            default_name: name.into(),
        },
    );
    assert!(!update(m, Action::Enter).is_empty(), "started");
    update(
        m,
        Action::JobStarted(fixtures::started(
            id,
            JobKind::Backup { name: name.into() },
            "2 collection(s)",
        )),
    );
}

#[test]
fn a_failed_backup_keeps_the_selection_a_successful_one_clears_it() {
    let mut m = fixtures::model();
    m.collections.selected.insert("default.books".into());
    m.collections.selected.insert("shop.orders".into());
    start_backup(&mut m, 7, "first");
    let failure = JobFailure {
        error: "storage full".into(),
        hint: None,
        cancelled: false,
        report: None,
    };
    update(
        &mut m,
        Action::JobFinished {
            id: JobId(7),
            result: Box::new(Err(failure)),
        },
    );
    assert_eq!(m.collections.selected.len(), 2, "kept after the failure");
    start_backup(&mut m, 8, "second");
    let summary = milvus_backup_tui::backup::CreateSummary {
        name: "second".into(),
        collections: 2,
        segments: 2,
        files: 8,
        bytes: 1000,
        rows: 4200,
        reused_files: 0,
        server_side_files: 0,
        warnings: vec![],
    };
    update(
        &mut m,
        Action::JobFinished {
            id: JobId(8),
            result: Box::new(Ok(JobOutput::Backup(summary))),
        },
    );
    assert!(m.collections.selected.is_empty(), "cleared after success");
}

#[test]
fn a_reload_keeps_the_cursor_on_the_same_collection() {
    let mut m = fixtures::model();
    // default, books, movies, shop, orders: on "orders".
    for _ in 0..4 {
        update(&mut m, Action::Down);
    }
    let on = |m: &crate::tui::state::Model| {
        m.collections
            .current_collection()
            .map(|(d, c)| format!("{}.{}", d.name, c.name))
    };
    assert_eq!(on(&m).as_deref(), Some("shop.orders"));
    // A restore created two collections before it: the row number changes, the item not.
    let mut data = fixtures::collections();
    let mut extra = data.dbs[0].collections[0].clone();
    extra.name = "books_r".into();
    data.dbs[0].collections.insert(1, extra.clone());
    extra.name = "art".into();
    data.dbs[0].collections.insert(0, extra);
    update(&mut m, Action::CollectionsLoaded(data));
    assert_eq!(on(&m).as_deref(), Some("shop.orders"));
    // Gone: the cursor goes to its database.
    let mut data = fixtures::collections();
    data.dbs[1].collections.clear();
    update(&mut m, Action::CollectionsLoaded(data));
    assert_eq!(m.collections.current_row(), Some(TreeRow::Db(1)), "on shop");
}

#[test]
fn a_reload_keeps_the_cursor_on_the_same_backup() {
    let mut m = fixtures::model();
    update(&mut m, Action::GoTo(Screen::Backups));
    update(&mut m, Action::Down);
    assert_eq!(m.backups.current().map(|b| b.name.as_str()), Some("old_22"));
    let mut entries = fixtures::backups();
    entries.insert(
        0,
        milvus_backup_tui::catalog::BackupEntry {
            name: "newer".into(),
            info: Some(fixtures::backup_info("newer", "v2.3.5")),
            problem: None,
        },
    );
    update(
        &mut m,
        Action::BackupsLoaded(entries, fixtures::LISTED_AT_MS),
    );
    assert_eq!(m.backups.current().map(|b| b.name.as_str()), Some("old_22"));
}

fn restore_report(
    outcome: milvus_backup_tui::restore::CollectionOutcome,
) -> milvus_backup_tui::restore::RestoreReport {
    milvus_backup_tui::restore::RestoreReport {
        collections: vec![milvus_backup_tui::restore::CollectionReport {
            source: "default.books".into(),
            target: "default.books_r".into(),
            outcome,
            rows_expected: 3000,
            rows_imported: 0,
            rows_deleted: 0,
            warnings: vec![],
        }],
        ..Default::default()
    }
}

#[test]
fn a_cancelled_restore_reloads_marks_incomplete_and_says_how_to_clean_up() {
    use milvus_backup_tui::restore::CollectionOutcome;
    let mut m = fixtures::model_with_jobs();
    let kind = JobKind::Restore {
        name: "x".into(),
        target: "t".into(),
    };
    update(
        &mut m,
        Action::JobStarted(fixtures::started(3, kind.clone(), "")),
    );
    let failure = JobFailure {
        error: "cancelled".into(),
        hint: None,
        cancelled: true,
        report: Some(restore_report(CollectionOutcome::Created)),
    };
    let cmds = update(
        &mut m,
        Action::JobFinished {
            id: JobId(3),
            result: Box::new(Err(failure)),
        },
    );
    assert_eq!(
        cmds,
        vec![Command::LoadCollections],
        "refreshed after a cancel"
    );
    assert!(m.collections.incomplete.contains("default.books_r"));
    let j = m.jobs.get_mut(JobId(3)).expect("job");
    assert_eq!(j.status, JobStatus::Cancelled);
    assert_eq!(j.outcome[0], "cancelled");
    assert!(
        !j.outcome.iter().any(|l| l == "error: cancelled"),
        "said once: {:?}",
        j.outcome
    );
    assert!(
        j.outcome.iter().any(|l| l.starts_with("to clean up:")),
        "{:?}",
        j.outcome
    );
    // Restored again: no longer incomplete.
    update(&mut m, Action::JobStarted(fixtures::started(4, kind, "")));
    update(
        &mut m,
        Action::JobFinished {
            id: JobId(4),
            result: Box::new(Ok(JobOutput::Restore(restore_report(
                CollectionOutcome::Restored,
            )))),
        },
    );
    assert!(m.collections.incomplete.is_empty());
}

#[test]
fn a_job_shows_its_phase_only_while_it_runs() {
    let mut j = fixtures::job(
        1,
        JobKind::Backup { name: "b".into() },
        JobStatus::Running,
        &[],
    );
    j.progress.phase = Phase::ListingFiles;
    assert_eq!(j.phase_text(), "listing files");
    j.status = JobStatus::Succeeded;
    assert_eq!(j.phase_text(), "-", "never 'done' next to 'listing files'");
    j.status = JobStatus::Cancelled;
    assert_eq!(j.phase_text(), "in listing files");
    j.progress.phase = Phase::Failed;
    assert_eq!(j.phase_text(), "-", "never 'cancelled' next to 'failed'");
    j.detail = "2 collection(s)".into();
    assert_eq!(
        j.title(),
        "backup b (2 collection(s)), started 00:00:00 UTC"
    );
}

fn destructive_wizard(m: &mut crate::tui::state::Model) {
    let mut w = fixtures::wizard(WizardStep::Plan);
    w.drop_existing = true;
    let mut p = fixtures::plan();
    p.collections[0].exists = true;
    w.plan = PlanView::Ready(Box::new(p));
    m.dialog = Some(Dialog::Restore(Box::new(w)));
}

#[test]
fn a_destructive_restore_starts_only_once_the_target_name_is_typed() {
    let mut m = fixtures::model();
    destructive_wizard(&mut m);
    assert_eq!(update(&mut m, Action::Enter), vec![], "asks first");
    assert!(wizard(&m).confirm.is_some());
    assert_eq!(wizard(&m).confirm_name(), "127.0.0.1:19530");
    typed(&mut m, "127.0.0.1:1953");
    assert_eq!(update(&mut m, Action::Enter), vec![], "not the name yet");
    // Esc takes the question back; the wizard stays.
    update(&mut m, Action::Back);
    assert!(wizard(&m).confirm.is_none());
    update(&mut m, Action::Enter);
    typed(&mut m, "127.0.0.1:19530");
    let cmds = update(&mut m, Action::Enter);
    assert!(
        matches!(cmds.as_slice(), [Command::StartRestore(s)] if s.drop_existing),
        "{cmds:?}"
    );
    assert!(m.dialog.is_none());
}

#[test]
fn a_restore_that_drops_nothing_starts_on_enter() {
    let mut m = fixtures::model();
    let mut w = fixtures::wizard(WizardStep::Plan);
    w.drop_existing = true;
    m.dialog = Some(Dialog::Restore(Box::new(w)));
    let cmds = update(&mut m, Action::Enter);
    assert!(
        matches!(cmds.as_slice(), [Command::StartRestore(_)]),
        "{cmds:?}"
    );
}

#[test]
fn backups_come_newest_first_and_o_cycles_the_order_keeping_the_cursor() {
    let mut m = fixtures::model();
    let mut entries = fixtures::backups();
    // old_22 is the newest, and the smallest.
    if let Some(info) = &mut entries[1].info {
        info.backup_timestamp += 60_000;
        info.size = 10;
    }
    update(
        &mut m,
        Action::BackupsLoaded(entries, fixtures::LISTED_AT_MS),
    );
    update(&mut m, Action::GoTo(Screen::Backups));
    let names = |m: &crate::tui::state::Model| -> Vec<String> {
        let entries = m.backups.entries.as_deref().unwrap_or_default();
        m.backups
            .visible()
            .into_iter()
            .map(|i| entries[i].name.clone())
            .collect()
    };
    assert_eq!(names(&m), ["old_22", "nightly_0101", "interrupted"]);
    // The cursor was on nightly_0101 before the reload: it still is, one row lower.
    assert_eq!(m.backups.cursor, 1);
    assert_eq!(
        m.backups.current().map(|b| b.name.as_str()),
        Some("nightly_0101")
    );
    update(&mut m, Action::Key('o'));
    assert_eq!(
        names(&m),
        ["interrupted", "nightly_0101", "old_22"],
        "by name"
    );
    assert_eq!(
        m.backups.current().map(|b| b.name.as_str()),
        Some("nightly_0101"),
        "the cursor stays on its backup"
    );
    update(&mut m, Action::Key('o'));
    assert_eq!(
        names(&m),
        ["nightly_0101", "old_22", "interrupted"],
        "largest first"
    );
    update(&mut m, Action::Key('o'));
    assert_eq!(
        names(&m),
        ["old_22", "nightly_0101", "interrupted"],
        "by state"
    );
    update(&mut m, Action::Key('o'));
    assert_eq!(m.backups.sort, crate::tui::state::BackupSort::Newest);
}

#[test]
fn q_leaves_the_wizard_from_any_step_asking_when_something_was_chosen() {
    let mut m = fixtures::model();
    update(&mut m, Action::GoTo(Screen::Backups));
    update(&mut m, Action::Enter);
    assert!(matches!(m.dialog, Some(Dialog::Restore(_))));
    update(&mut m, Action::Quit);
    assert!(m.dialog.is_none(), "nothing chosen: q leaves at once");
    update(&mut m, Action::Enter);
    update(&mut m, Action::Enter); // to the naming page
    update(&mut m, Action::Quit);
    assert!(wizard(&m).leaving, "a step further: asks first");
    update(&mut m, Action::Confirm(false));
    assert!(!wizard(&m).leaving);
    assert_eq!(wizard(&m).step, WizardStep::Naming, "n stays where it was");
    update(&mut m, Action::Quit);
    assert_eq!(update(&mut m, Action::Confirm(true)), vec![]);
    assert!(m.dialog.is_none(), "y leaves, nothing started");
}

#[test]
fn load_states_are_polled_while_collections_load() {
    let mut m = fixtures::model();
    let mut data = fixtures::collections();
    data.dbs[0].collections[1].load_state = "loading".into();
    let cmds = update(&mut m, Action::CollectionsLoaded(data.clone()));
    let poll = Command::PollLoadStates(vec![("default".into(), "movies".into())]);
    assert!(cmds.contains(&poll), "{cmds:?}");
    // One poll at a time: a reload meanwhile does not start another.
    let cmds = update(&mut m, Action::CollectionsLoaded(data));
    assert!(!cmds.contains(&poll), "{cmds:?}");
    let still = vec![("default".into(), "movies".into(), "loading".into())];
    assert_eq!(update(&mut m, Action::LoadStates(still)), vec![poll]);
    let done = vec![("default".into(), "movies".into(), "loaded".into())];
    assert_eq!(update(&mut m, Action::LoadStates(done)), vec![]);
    let movies = &m.collections.data.as_ref().expect("data").dbs[0].collections[1];
    assert_eq!(movies.load_state, "loaded");
}

#[test]
fn v_verifies_a_complete_backup_as_a_job_and_damage_fails_it() {
    let mut m = fixtures::model();
    update(&mut m, Action::GoTo(Screen::Backups));
    assert_eq!(
        update(&mut m, Action::Key('v')),
        vec![Command::StartVerify("nightly_0101".into())]
    );
    update(&mut m, Action::End); // the incomplete one
    assert_eq!(update(&mut m, Action::Key('v')), vec![]);
    assert!(
        m.notice
            .as_deref()
            .is_some_and(|n| n.contains("incomplete"))
    );
    let kind = JobKind::Verify {
        name: "nightly_0101".into(),
    };
    update(
        &mut m,
        Action::JobStarted(fixtures::started(5, kind.clone(), "")),
    );
    update(&mut m, Action::JobStarted(fixtures::started(6, kind, "")));
    let mut report = milvus_backup_tui::verify::VerifyReport {
        name: "nightly_0101".into(),
        files: 96,
        bytes: 1 << 20,
        ..Default::default()
    };
    update(
        &mut m,
        Action::JobFinished {
            id: JobId(5),
            result: Box::new(Ok(JobOutput::Verify(report.clone()))),
        },
    );
    report
        .problems
        .push(milvus_backup_tui::verify::FileProblem {
            key: "nightly_0101/binlogs/insert_log/1/2/3/4/100/5".into(),
            problem: milvus_backup_tui::verify::Problem::Missing,
        });
    update(
        &mut m,
        Action::JobFinished {
            id: JobId(6),
            result: Box::new(Ok(JobOutput::Verify(report))),
        },
    );
    let ok = m.jobs.get_mut(JobId(5)).expect("job 5");
    assert_eq!(ok.status, JobStatus::Succeeded);
    assert!(ok.outcome[0].contains("verified"), "{:?}", ok.outcome);
    let bad = m.jobs.get_mut(JobId(6)).expect("job 6");
    assert_eq!(bad.status, JobStatus::Failed, "damaged files fail the job");
    assert!(
        bad.outcome[0].contains("FAILS verification: 1 of 96"),
        "{:?}",
        bad.outcome
    );
    assert!(bad.outcome[1].ends_with("/5: missing"), "{:?}", bad.outcome);
}
