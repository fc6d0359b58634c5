//! Every screen and dialog drawn into a `TestBackend` at 80×24 and 120×40, compared with the
//! stored snapshots in `tests/snapshots/`. Models come from [`super::fixtures`].

use super::action::Action;
use super::fixtures;
use super::state::{BackupDialog, Dialog, Model, PlanView, Screen, WizardStep};
use super::update::update;
use super::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(name: &str, m: &Model) {
    for (w, h) in SIZES {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| view(m, f)).expect("draw");
        insta::with_settings!({
            snapshot_path => "../../tests/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("tui_{name}_{w}x{h}"), t.backend());
        });
    }
}

fn on(screen: Screen) -> Model {
    let mut m = fixtures::model();
    m.screen = screen;
    m
}

#[test]
fn collections_screen() {
    let mut m = on(Screen::Collections);
    m.collections.cursor = 1;
    let _ = update(&mut m, Action::Toggle);
    let _ = update(&mut m, Action::Enter);
    let _ = update(&mut m, Action::Down);
    let _ = update(&mut m, Action::Down);
    let _ = update(&mut m, Action::Down);
    let _ = update(&mut m, Action::Toggle);
    snap("collections", &m);
    let _ = update(&mut m, Action::Key('s'));
    snap("collections_schema", &m);
    // The last collection, whose storage could not be read: "-" and the reason.
    let _ = update(&mut m, Action::Key('s'));
    let _ = update(&mut m, Action::End);
    snap("collections_storage_unreadable", &m);
}

#[test]
fn details_panes_in_focus() {
    let mut m = on(Screen::Collections);
    m.collections.cursor = 1;
    let _ = update(&mut m, Action::Key('s'));
    let _ = update(&mut m, Action::FocusNext);
    let _ = update(&mut m, Action::Down);
    snap("collections_details_focused", &m);
    let mut m = fixtures::model_with_jobs();
    m.jobs.cursor = 0;
    let _ = update(&mut m, Action::FocusNext);
    snap("jobs_details_focused", &m);
}

#[test]
fn backup_dialog() {
    let mut m = on(Screen::Collections);
    m.collections.selected.insert("default.books".into());
    m.collections.selected.insert("default.movies".into());
    let _ = update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "backup_2026_01_01_00_00_00_0".into(),
        },
    );
    snap("backup_dialog", &m);
    if let Some(Dialog::BackUp(BackupDialog { input, .. })) = &mut m.dialog {
        *input = tui_input::Input::new("bad name!".into());
    }
    let _ = update(
        &mut m,
        Action::Edit(tui_input::InputRequest::InsertChar('x')),
    );
    snap("backup_dialog_invalid", &m);
    let _ = update(&mut m, Action::Edit(tui_input::InputRequest::DeleteLine));
    for c in "nightly_0101".chars() {
        let _ = update(&mut m, Action::Edit(tui_input::InputRequest::InsertChar(c)));
    }
    snap("backup_dialog_name_exists", &m);
    // Nothing selected: the collection under the cursor, and the dialog says so.
    let mut m = on(Screen::Collections);
    m.collections.cursor = 1;
    let _ = update(
        &mut m,
        Action::OpenBackupDialog {
            default_name: "backup_2026_01_01_00_00_00_0".into(),
        },
    );
    snap("backup_dialog_under_cursor", &m);
}

#[test]
fn collections_left_incomplete_by_a_restore() {
    let mut m = on(Screen::Collections);
    m.collections.incomplete.insert("default.movies".into());
    m.collections.cursor = 2;
    snap("collections_incomplete", &m);
}

#[test]
fn backups_screen_and_delete() {
    let mut m = on(Screen::Backups);
    snap("backups", &m);
    let _ = update(&mut m, Action::Key('d'));
    snap("backups_confirm_delete", &m);
    let mut m = on(Screen::Backups);
    m.backups.cursor = 2;
    snap("backups_incomplete", &m);
    let mut m = on(Screen::Backups);
    let _ = update(&mut m, Action::Key('/'));
    for c in "zzz".chars() {
        let _ = update(&mut m, Action::Edit(tui_input::InputRequest::InsertChar(c)));
    }
    snap("backups_filter_matches_nothing", &m);
}

#[test]
fn jobs_screen() {
    let mut m = fixtures::model_with_jobs();
    snap("jobs_running", &m);
    m.jobs.cursor = 0;
    snap("jobs_failed", &m);
    m.jobs.cursor = 1;
    let _ = update(&mut m, Action::Key('c'));
    snap("jobs_confirm_cancel", &m);
    let mut m = fixtures::model();
    m.screen = Screen::Jobs;
    snap("jobs_empty", &m);
}

#[test]
fn jobs_that_ended() {
    use milvus_backup_tui::jobs::JobKind;
    use milvus_backup_tui::progress::Phase;
    let mut m = fixtures::model_with_jobs();
    let mut cancelled = fixtures::job(
        3,
        JobKind::Restore {
            name: "nightly_0101".into(),
            target: "127.0.0.1:19530".into(),
        },
        super::state::JobStatus::Cancelled,
        &[
            "cancelled",
            "default.books -> default.books_r: created, data not imported",
            "default.movies -> default.movies_r: not started",
            "to clean up: the collections above that are not restored may hold part of their data (marked INCOMPLETE on screen 1); drop them, or restore again with drop existing (d on the plan page) to replace them",
        ],
    );
    cancelled.progress.phase = Phase::Importing;
    cancelled.progress.files = Default::default();
    cancelled.detail = "all collections, suffix _r".into();
    m.jobs.jobs.push(cancelled);
    let mut done = fixtures::job(
        4,
        JobKind::Backup {
            name: "nightly_0102".into(),
        },
        super::state::JobStatus::Succeeded,
        &[
            "backup nightly_0102 created: 2 collection(s), 6 segment(s), 4200 rows, 96 file(s), 30.0 MiB",
        ],
    );
    done.progress.phase = Phase::ListingFiles;
    done.detail = "2 collection(s)".into();
    m.jobs.jobs.push(done);
    m.jobs.cursor = 2;
    snap("jobs_cancelled", &m);
    m.jobs.cursor = 3;
    snap("jobs_done", &m);
}

#[test]
fn compat_screen_with_a_refused_pair() {
    let mut m = on(Screen::Compat);
    // The backup of 2.3 in focus against this 2.3 cluster; the cursor on 2.3 -> 2.2 (refused).
    m.compat.col = 0;
    snap("compat_refused", &m);
    assert_eq!(
        m.compat.current().map(|c| c.verdict),
        Some(milvus_backup_tui::compat::Verdict::Refused)
    );
}

#[test]
fn log_screen() {
    let mut m = on(Screen::Log);
    let _ = update(&mut m, Action::Log(fixtures::log_lines()));
    snap("log", &m);
}

#[test]
fn help_and_quit_dialogs() {
    let mut m = on(Screen::Collections);
    let _ = update(&mut m, Action::Help);
    snap("help", &m);
    let mut m = fixtures::model_with_jobs();
    let _ = update(&mut m, Action::Quit);
    snap("confirm_quit", &m);
}

#[test]
fn restore_wizard_pages() {
    for step in WizardStep::ALL {
        let mut m = on(Screen::Backups);
        m.dialog = Some(Dialog::Restore(Box::new(fixtures::wizard(step))));
        snap(&format!("wizard_{}", step.title().to_lowercase()), &m);
    }
    let mut m = on(Screen::Backups);
    let mut w = fixtures::wizard(WizardStep::Plan);
    w.plan = PlanView::Failed(
        "restore from Milvus v2.3.5 into v2.2.16 is not supported: 2.2 cannot import 2.3's binlogs"
            .into(),
    );
    m.dialog = Some(Dialog::Restore(Box::new(w)));
    snap("wizard_plan_failed", &m);
    let mut m = on(Screen::Backups);
    let mut w = fixtures::wizard(WizardStep::Plan);
    w.plan = PlanView::Ready(Box::new(fixtures::plan_with_conflicts()));
    m.dialog = Some(Dialog::Restore(Box::new(w)));
    snap("wizard_plan_conflict", &m);
    // Drop existing: what it destroys, then the typed confirmation.
    let mut m = on(Screen::Backups);
    let mut w = fixtures::wizard(WizardStep::Plan);
    let mut p = fixtures::plan();
    p.collections[0].exists = true;
    w.plan = PlanView::Ready(Box::new(p));
    w.drop_existing = true;
    w.doomed = vec![super::state::Doomed {
        target: "default.books_restored".into(),
        rows: Some(2950),
        bytes: Some(1_800_000),
    }];
    m.dialog = Some(Dialog::Restore(Box::new(w)));
    snap("wizard_plan_destructive", &m);
    let _ = update(&mut m, Action::Enter);
    for c in "127.0".chars() {
        let _ = update(&mut m, Action::Edit(tui_input::InputRequest::InsertChar(c)));
    }
    snap("wizard_plan_confirm", &m);
    let mut m = on(Screen::Backups);
    m.dialog = Some(Dialog::Restore(Box::new(fixtures::wizard(
        WizardStep::Target,
    ))));
    let _ = update(&mut m, Action::Quit);
    snap("wizard_leave", &m);
}

#[test]
fn unreachable_server_without_a_config() {
    let mut session = fixtures::session();
    session.config_found = false;
    session.config_origin = "built-in defaults".into();
    let mut m = Model::new(session);
    m.theme = super::theme::Theme { color: false };
    let _ = update(
        &mut m,
        Action::ConnectFailed {
            address: "127.0.0.1:19530".into(),
            error: "cannot connect to Milvus at 127.0.0.1:19530: connection refused".into(),
        },
    );
    let _ = update(&mut m, Action::BackupsLoaded(vec![], 0));
    snap("unreachable", &m);
}

/// A message longer than the banner holds: cut with a hint, and whole in a dialog (`e`).
#[test]
fn long_error_banner_and_its_whole_message() {
    let mut m = fixtures::model();
    let _ = update(
        &mut m,
        Action::CallFailed {
            what: "list backups".into(),
            error: fixtures::long_storage_error(),
        },
    );
    snap("banner_long", &m);
    let _ = update(&mut m, Action::Key('e'));
    snap("banner_long_whole", &m);
}
