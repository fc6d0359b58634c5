//! `update(&mut Model, Action) -> Vec<Command>`: the only place the model changes.

use super::action::{Action, JobStartedInfo};
use super::command::Command;
use super::job_outcome::outcome_lines;
use super::state::{
    BackupDialog, Banner, Connection, Dialog, JobStatus, JobView, Model, Retry, Screen,
    StorageState, Wizard,
};
use super::wizard_update::update_wizard;
use milvus_backup_tui::names::validate_backup_name;
use milvus_backup_tui::progress::Progress;
use std::time::Duration;

mod screens;

pub(super) use screens::move_cursor as screens_move;

/// Applies `action` to the model and returns what the executor must do.
pub fn update(m: &mut Model, action: Action) -> Vec<Command> {
    match action {
        Action::Connected { address, version } => {
            m.session.address = address;
            m.connection = Connection::Connected { version };
            if m.banner
                .as_ref()
                .is_some_and(|b| b.retry == Some(Retry::Connect))
            {
                m.banner = None;
            }
            refocus_compat(m);
            m.collections.loading = true;
            vec![Command::LoadCollections]
        }
        Action::ConnectFailed { address, error } => {
            m.session.address = address.clone();
            m.connection = Connection::Failed {
                error: error.clone(),
            };
            m.collections.loading = false;
            let mut message = if error.contains(&address) {
                error.clone()
            } else {
                format!("cannot connect to Milvus at {address}: {error}")
            };
            if !m.session.config_found {
                message.push_str(
                    "\nNo configuration file was found, so the default address was tried. Write \
                     ./milvus-backup-tui.toml or ~/.config/milvus-backup-tui/config.toml with \
                     [milvus] address = \"host:19530\" (see config.example.toml), or start with \
                     --config FILE.",
                );
            }
            m.banner = Some(Banner {
                message,
                retry: Some(Retry::Connect),
            });
            vec![]
        }
        Action::CollectionsLoaded(data) => {
            m.collections.replace_data(data);
            m.collections.loading = false;
            let ids = m.collections.ids();
            let mut cmds = vec![];
            if !ids.is_empty() {
                cmds.push(Command::LoadStorageSizes(ids));
            }
            cmds.extend(poll_load_states(m));
            cmds
        }
        Action::LoadStates(states) => {
            m.collections.polling_load = false;
            m.collections.set_load_states(&states);
            poll_load_states(m)
        }
        Action::StorageSize {
            collection,
            id,
            size,
        } => {
            let state = match size {
                Ok(s) => StorageState::Known(s),
                Err(e) => StorageState::Unreadable(e),
            };
            m.collections.set_storage(&collection, id, state);
            vec![]
        }
        Action::BackupsLoaded(entries, listed_at) => {
            m.backups.replace_entries(entries, listed_at);
            m.backups.loading = false;
            recheck_backup_name(m);
            refocus_compat(m);
            vec![]
        }
        Action::BackupDeleted { name, files } => {
            m.notice = Some(format!("backup {name} deleted ({files} files)"));
            m.backups.loading = true;
            vec![Command::LoadBackups]
        }
        Action::CallFailed { what, error } => {
            let retry = match what.as_str() {
                "list collections" => {
                    m.collections.loading = false;
                    Some(Retry::Collections)
                }
                "list backups" => {
                    m.backups.loading = false;
                    Some(Retry::Backups)
                }
                _ => None,
            };
            m.banner = Some(Banner {
                message: format!("{what} failed: {error}"),
                retry,
            });
            vec![]
        }
        Action::PlanReady(plan, doomed) => {
            if let Some(Dialog::Restore(w)) = &mut m.dialog {
                w.plan = super::state::PlanView::Ready(plan);
                w.doomed = doomed;
            }
            vec![]
        }
        Action::PlanFailed(error) => {
            if let Some(Dialog::Restore(w)) = &mut m.dialog {
                w.plan = super::state::PlanView::Failed(error);
            }
            vec![]
        }
        Action::JobStarted(info) => {
            job_started(m, info);
            vec![]
        }
        Action::JobProgress {
            id,
            progress,
            elapsed,
        } => {
            if let Some(j) = m.jobs.get_mut(id) {
                j.progress = *progress;
                j.elapsed = elapsed;
            }
            vec![]
        }
        Action::JobFinished { id, result } => job_finished(m, id, *result),
        Action::Log(lines) => {
            m.log.push(lines);
            vec![]
        }
        Action::Interrupt => quit_now(m),
        other => user_action(m, other),
    }
}

/// While collections are loading, their load state is read again every few seconds (one poll
/// at a time) until none is.
fn poll_load_states(m: &mut Model) -> Vec<Command> {
    let loading = m.collections.loading_collections();
    if loading.is_empty() || m.collections.polling_load {
        return vec![];
    }
    m.collections.polling_load = true;
    vec![Command::PollLoadStates(loading)]
}

/// Keys and commands from the user, read according to what is in front.
fn user_action(m: &mut Model, action: Action) -> Vec<Command> {
    m.notice = None;
    if m.dialog.is_some() {
        return dialog_action(m, action);
    }
    if let Some(cmds) = screens::filter_action(m, &action) {
        return cmds;
    }
    match action {
        Action::Help => {
            m.dialog = Some(Dialog::Help);
            vec![]
        }
        Action::Quit => {
            let running = m.jobs.running();
            if running > 0 {
                m.dialog = Some(Dialog::ConfirmQuit { running });
                vec![]
            } else {
                m.should_exit = true;
                vec![Command::Exit]
            }
        }
        Action::NextScreen => {
            m.show(m.screen.step(1));
            vec![]
        }
        Action::PrevScreen => {
            m.show(m.screen.step(-1));
            vec![]
        }
        Action::GoTo(s) => {
            m.show(s);
            vec![]
        }
        Action::Key('r') if m.banner.as_ref().is_some_and(|b| b.retry.is_some()) => {
            let retry = m.banner.take().and_then(|b| b.retry);
            match retry {
                Some(Retry::Connect) => {
                    m.connection = Connection::Connecting;
                    vec![Command::Connect]
                }
                Some(Retry::Collections) => {
                    m.collections.loading = true;
                    vec![Command::LoadCollections]
                }
                Some(Retry::Backups) => {
                    m.backups.loading = true;
                    vec![Command::LoadBackups]
                }
                None => vec![],
            }
        }
        Action::Key('e') if m.banner.is_some() => {
            let text = m
                .banner
                .as_ref()
                .map(|b| b.message.clone())
                .unwrap_or_default();
            m.dialog = Some(Dialog::Message { text, scroll: 0 });
            vec![]
        }
        Action::Back if m.banner.is_some() => {
            m.banner = None;
            vec![]
        }
        Action::OpenBackupDialog { default_name } => open_backup_dialog(m, default_name),
        other => match screens::pane_action(m, &other) {
            Some(cmds) => cmds,
            None => screens::screen_action(m, other),
        },
    }
}

fn open_backup_dialog(m: &mut Model, default_name: String) -> Vec<Command> {
    let mut collections = m.collections.selected_existing();
    let from_selection = !collections.is_empty();
    if collections.is_empty()
        && let Some((db, c)) = m.collections.current_collection()
    {
        collections.push(format!("{}.{}", db.name, c.name));
    }
    if collections.is_empty() {
        m.notice = Some("select collections with Space first".into());
        return vec![];
    }
    let error = backup_name_problem(m, &default_name);
    m.dialog = Some(Dialog::BackUp(BackupDialog {
        input: tui_input::Input::new(default_name),
        collections,
        from_selection,
        error,
    }));
    vec![]
}

/// What is wrong with a new backup's name: not a valid name, or the name of a backup in the
/// list (complete or not). A name the list does not hold yet is checked when the job starts.
fn backup_name_problem(m: &Model, name: &str) -> Option<String> {
    if let Err(e) = validate_backup_name(name) {
        return Some(e.to_string());
    }
    let entry = m
        .backups
        .entries
        .as_deref()?
        .iter()
        .find(|e| e.name == name)?;
    Some(match entry.info {
        Some(_) => format!("a backup named {name} exists already: choose another name"),
        None => format!(
            "an {} backup named {name} exists already: choose another name, or delete it on screen 2",
            entry.state()
        ),
    })
}

/// Checks the back-up dialog's name again (the list of backups changed).
fn recheck_backup_name(m: &mut Model) {
    let problem = match &m.dialog {
        Some(Dialog::BackUp(d)) => backup_name_problem(m, d.input.value().trim()),
        _ => return,
    };
    if let Some(Dialog::BackUp(d)) = &mut m.dialog {
        d.error = problem;
    }
}

fn close_dialog(m: &mut Model) -> Vec<Command> {
    m.dialog = None;
    vec![]
}

fn dialog_action(m: &mut Model, action: Action) -> Vec<Command> {
    let Some(dialog) = m.dialog.take() else {
        return vec![];
    };
    let (keep, cmds) = match dialog {
        Dialog::Help => match action {
            Action::Back | Action::Help | Action::Enter | Action::Quit => (None, vec![]),
            _ => (Some(Dialog::Help), vec![]),
        },
        Dialog::BackUp(mut d) => match action {
            Action::Back => (None, vec![]),
            Action::Edit(req) => {
                d.input.handle(req);
                d.error = backup_name_problem(m, d.input.value().trim());
                (Some(Dialog::BackUp(d)), vec![])
            }
            Action::Enter if d.error.is_none() => {
                let cmd = Command::StartBackup {
                    name: d.input.value().trim().to_string(),
                    collections: d.collections.clone(),
                };
                // The selection stays until the backup succeeds: a failed one can be retried.
                m.collections
                    .backing_up
                    .insert(d.input.value().trim().to_string(), d.collections);
                (None, vec![cmd])
            }
            _ => (Some(Dialog::BackUp(d)), vec![]),
        },
        Dialog::ConfirmDelete { name } => match action {
            Action::Confirm(true) => (None, vec![Command::DeleteBackup(name)]),
            Action::Confirm(false) | Action::Back => (None, vec![]),
            _ => (Some(Dialog::ConfirmDelete { name }), vec![]),
        },
        Dialog::ConfirmCancel { id, label } => match action {
            Action::Confirm(true) => {
                if let Some(j) = m.jobs.get_mut(id)
                    && j.status == JobStatus::Running
                {
                    j.status = JobStatus::Cancelling;
                }
                (None, vec![Command::CancelJob(id)])
            }
            Action::Confirm(false) | Action::Back => (None, vec![]),
            _ => (Some(Dialog::ConfirmCancel { id, label }), vec![]),
        },
        Dialog::ConfirmQuit { running } => match action {
            Action::Confirm(true) | Action::Quit => (None, quit_now(m)),
            Action::Confirm(false) | Action::Back => (None, vec![]),
            _ => (Some(Dialog::ConfirmQuit { running }), vec![]),
        },
        Dialog::Message { text, scroll } => {
            let scroll = match action {
                Action::Back | Action::Enter | Action::Quit | Action::Key('e') => {
                    return close_dialog(m);
                }
                Action::Up => scroll.saturating_sub(1),
                Action::Down => scroll.saturating_add(1),
                Action::PageUp => scroll.saturating_sub(10),
                Action::PageDown => scroll.saturating_add(10),
                Action::Home => 0,
                _ => scroll,
            };
            (Some(Dialog::Message { text, scroll }), vec![])
        }
        Dialog::Restore(mut w) => {
            let (open, cmds) = update_wizard(&mut w, action);
            if let Some(Command::StartRestore(_)) = cmds.first() {
                m.show(Screen::Jobs);
            }
            (open.then_some(Dialog::Restore(w)), cmds)
        }
    };
    if m.dialog.is_none() {
        m.dialog = keep;
    }
    cmds
}

/// Quit: cancel running jobs and leave once they have ended.
fn quit_now(m: &mut Model) -> Vec<Command> {
    m.quitting = true;
    if m.jobs.running() == 0 {
        m.should_exit = true;
        return vec![Command::Exit];
    }
    for j in &mut m.jobs.jobs {
        if j.status == JobStatus::Running {
            j.status = JobStatus::Cancelling;
        }
    }
    m.notice = Some("cancelling the running jobs before quitting...".into());
    vec![Command::CancelAllJobs]
}

fn job_started(m: &mut Model, info: JobStartedInfo) {
    m.jobs.jobs.push(JobView {
        id: info.id,
        kind: info.kind,
        status: JobStatus::Running,
        progress: Progress::default(),
        elapsed: Duration::ZERO,
        outcome: vec![],
        started: info.started,
        detail: info.detail,
    });
    m.jobs.cursor = m.jobs.jobs.len() - 1;
    m.show(Screen::Jobs);
}

fn job_finished(
    m: &mut Model,
    id: milvus_backup_tui::jobs::JobId,
    result: milvus_backup_tui::jobs::JobResult,
) -> Vec<Command> {
    let mut cmds = vec![];
    if let Some(j) = m.jobs.get_mut(id) {
        j.status = match &result {
            // The check ran, and found damaged files.
            Ok(milvus_backup_tui::jobs::JobOutput::Verify(r)) if !r.is_ok() => JobStatus::Failed,
            Ok(_) => JobStatus::Succeeded,
            Err(f) if f.cancelled => JobStatus::Cancelled,
            Err(_) => JobStatus::Failed,
        };
        j.outcome = outcome_lines(&result);
        match (&j.kind, &result) {
            (milvus_backup_tui::jobs::JobKind::Backup { name }, result) => {
                let taken = m.collections.backing_up.remove(name).unwrap_or_default();
                if result.is_ok() {
                    for q in taken {
                        m.collections.selected.remove(&q);
                    }
                }
                m.backups.loading = true;
                cmds.push(Command::LoadBackups);
            }
            (milvus_backup_tui::jobs::JobKind::Restore { .. }, result) => {
                let report = match result {
                    Ok(milvus_backup_tui::jobs::JobOutput::Restore(r)) => Some(r),
                    Err(f) => f.report.as_ref(),
                    Ok(_) => None,
                };
                if let Some(r) = report {
                    m.collections.note_restore(r);
                }
                // Done, failed or cancelled: the tree shows what the target holds now.
                if matches!(m.connection, Connection::Connected { .. }) {
                    m.collections.loading = true;
                    cmds.push(Command::LoadCollections);
                }
            }
            (milvus_backup_tui::jobs::JobKind::Verify { .. }, _) => {}
        }
    }
    if m.quitting && m.jobs.running() == 0 {
        m.should_exit = true;
        return vec![Command::Exit];
    }
    cmds
}

/// Points the compatibility grid at the selected backup's version → the cluster's.
pub(super) fn refocus_compat(m: &mut Model) {
    let from = m
        .backups
        .current()
        .and_then(|e| e.info.as_ref())
        .map(|i| i.milvus_version.clone());
    let to = m.server_version().map(str::to_string);
    m.compat.focus_pair(from.as_deref(), to.as_deref());
}

/// Opens the restore wizard on a backup.
pub(super) fn open_wizard(m: &mut Model) -> Vec<Command> {
    let Some(entry) = m.backups.current() else {
        return vec![];
    };
    let Some(info) = &entry.info else {
        m.notice = Some(format!(
            "backup {} is {}: it cannot be restored",
            entry.name,
            entry.state()
        ));
        return vec![];
    };
    let collections = info
        .collection_backups
        .iter()
        .map(|c| c.qualified_name())
        .collect();
    let w = Wizard::new(
        entry.name.clone(),
        info.milvus_version.clone(),
        collections,
        m.session.clusters.clone(),
    );
    m.dialog = Some(Dialog::Restore(Box::new(w)));
    vec![]
}

#[cfg(test)]
mod tests;
