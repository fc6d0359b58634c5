//! What keys do on each screen, when no dialog is open.

use super::{open_wizard, refocus_compat};
use crate::tui::action::Action;
use crate::tui::command::Command;
use crate::tui::state::{Connection, Dialog, JobStatus, Model, Pane, Screen, TreeRow};
use tui_input::InputRequest;

/// Moves a cursor over `len` lines.
pub fn move_cursor(cursor: &mut usize, len: usize, action: &Action) -> bool {
    if len == 0 {
        *cursor = 0;
        return matches!(
            action,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Home
                | Action::End
        );
    }
    let last = len - 1;
    *cursor = match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (*cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(10),
        Action::PageDown => (*cursor + 10).min(last),
        Action::Home => 0,
        Action::End => last,
        _ => return false,
    };
    true
}

/// The `/` filter of the Collections and Backups lists, while it is being typed.
pub fn filter_action(m: &mut Model, action: &Action) -> Option<Vec<Command>> {
    let (input, filtering) = match m.screen {
        Screen::Collections => (&mut m.collections.filter, &mut m.collections.filtering),
        Screen::Backups => (&mut m.backups.filter, &mut m.backups.filtering),
        _ => return None,
    };
    if !*filtering {
        return None;
    }
    match action {
        Action::Edit(req) => {
            input.handle(*req);
        }
        Action::Enter => *filtering = false,
        Action::Back => {
            input.handle(InputRequest::DeleteLine);
            *filtering = false;
        }
        // The filter keeps the keyboard until Enter or Esc.
        Action::FocusNext | Action::FocusPrev => {}
        _ => return None,
    }
    m.collections.clamp_cursor();
    m.backups.clamp_cursor();
    Some(vec![])
}

/// Tab and the keys of a focused details pane: arrows scroll it, Esc gives the list the focus.
/// `None` when the action is not about panes.
pub fn pane_action(m: &mut Model, action: &Action) -> Option<Vec<Command>> {
    match action {
        Action::FocusNext | Action::FocusPrev => {
            if m.screen.has_details() {
                m.focus = match m.focus {
                    Pane::List => Pane::Details,
                    Pane::Details => Pane::List,
                };
            }
            return Some(vec![]);
        }
        _ if !m.details_focused() => return None,
        Action::Back => m.focus = Pane::List,
        Action::Up => m.details_scroll = m.details_scroll.saturating_sub(1),
        Action::Down => m.details_scroll = m.details_scroll.saturating_add(1),
        Action::PageUp => m.details_scroll = m.details_scroll.saturating_sub(10),
        Action::PageDown => m.details_scroll = m.details_scroll.saturating_add(10),
        Action::Home => m.details_scroll = 0,
        Action::End => m.details_scroll = u16::MAX,
        _ => return None,
    }
    Some(vec![])
}

pub fn screen_action(m: &mut Model, action: Action) -> Vec<Command> {
    // The list moves: what the details pane shows changes, from its top.
    if matches!(
        action,
        Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Home | Action::End
    ) {
        m.details_scroll = 0;
    }
    match m.screen {
        Screen::Collections => collections(m, action),
        Screen::Backups => backups(m, action),
        Screen::Jobs => jobs(m, action),
        Screen::Compat => compat(m, action),
        Screen::Log => log(m, action),
    }
}

fn collections(m: &mut Model, action: Action) -> Vec<Command> {
    let rows = m.collections.rows();
    if move_cursor(&mut m.collections.cursor, rows.len(), &action) {
        return vec![];
    }
    let current = rows.get(m.collections.cursor).copied();
    let Some(data) = &m.collections.data else {
        return match action {
            Action::Key('r') => reload_collections(m),
            _ => vec![],
        };
    };
    match (action, current) {
        (Action::Enter | Action::Right, Some(TreeRow::Collection(d, c))) => {
            let q = format!("{}.{}", data.dbs[d].name, data.dbs[d].collections[c].name);
            if !m.collections.expanded.remove(&q) {
                m.collections.expanded.insert(q);
            }
        }
        (Action::Left, Some(TreeRow::Collection(d, c))) => {
            let q = format!("{}.{}", data.dbs[d].name, data.dbs[d].collections[c].name);
            m.collections.expanded.remove(&q);
        }
        (Action::Left, Some(TreeRow::Partition(d, c, _))) => {
            if let Some(i) = rows.iter().position(|r| *r == TreeRow::Collection(d, c)) {
                m.collections.cursor = i;
            }
        }
        (Action::Toggle, Some(TreeRow::Collection(d, c) | TreeRow::Partition(d, c, _))) => {
            let q = format!("{}.{}", data.dbs[d].name, data.dbs[d].collections[c].name);
            if !m.collections.selected.remove(&q) {
                m.collections.selected.insert(q);
            }
        }
        (Action::Toggle, Some(TreeRow::Db(d))) => {
            let names: Vec<String> = rows
                .iter()
                .filter_map(|r| match r {
                    TreeRow::Collection(rd, c) if *rd == d => Some(format!(
                        "{}.{}",
                        data.dbs[d].name, data.dbs[d].collections[*c].name
                    )),
                    _ => None,
                })
                .collect();
            let all = names.iter().all(|n| m.collections.selected.contains(n));
            for n in names {
                if all {
                    m.collections.selected.remove(&n);
                } else {
                    m.collections.selected.insert(n);
                }
            }
        }
        (Action::Key('s'), _) => m.collections.show_schema = !m.collections.show_schema,
        (Action::Key('/'), _) => m.collections.filtering = true,
        (Action::Key('r'), _) => return reload_collections(m),
        _ => {}
    }
    vec![]
}

fn reload_collections(m: &mut Model) -> Vec<Command> {
    match m.connection {
        Connection::Connected { .. } => {
            m.collections.loading = true;
            vec![Command::LoadCollections]
        }
        _ => {
            m.connection = Connection::Connecting;
            vec![Command::Connect]
        }
    }
}

fn backups(m: &mut Model, action: Action) -> Vec<Command> {
    let n = m.backups.visible().len();
    if move_cursor(&mut m.backups.cursor, n, &action) {
        refocus_compat(m);
        return vec![];
    }
    match action {
        Action::Enter | Action::Key('R') => open_wizard(m),
        Action::Key('d') => {
            if let Some(e) = m.backups.current() {
                m.dialog = Some(Dialog::ConfirmDelete {
                    name: e.name.clone(),
                });
            }
            vec![]
        }
        Action::Key('r') => {
            m.backups.loading = true;
            vec![Command::LoadBackups]
        }
        Action::Key('v') => match m.backups.current() {
            Some(e) if e.info.is_some() => vec![Command::StartVerify(e.name.clone())],
            Some(e) => {
                m.notice = Some(format!(
                    "backup {} is {}: there is no metadata to verify its files against",
                    e.name,
                    e.state()
                ));
                vec![]
            }
            None => vec![],
        },
        Action::Key('o') => {
            m.backups.cycle_sort();
            refocus_compat(m);
            vec![]
        }
        Action::Key('/') => {
            m.backups.filtering = true;
            vec![]
        }
        Action::Key('c') => {
            refocus_compat(m);
            m.show(Screen::Compat);
            vec![]
        }
        _ => vec![],
    }
}

fn jobs(m: &mut Model, action: Action) -> Vec<Command> {
    let n = m.jobs.jobs.len();
    if move_cursor(&mut m.jobs.cursor, n, &action) {
        return vec![];
    }
    if let Action::Key('c' | 'x') = action
        && let Some(j) = m.jobs.current()
        && j.status == JobStatus::Running
    {
        m.dialog = Some(Dialog::ConfirmCancel {
            id: j.id,
            label: j.kind.to_string(),
        });
    }
    vec![]
}

fn compat(m: &mut Model, action: Action) -> Vec<Command> {
    let n = m.compat.matrix.versions().len();
    let c = &mut m.compat;
    match action {
        Action::Up => c.row = c.row.saturating_sub(1),
        Action::Down => c.row = (c.row + 1).min(n.saturating_sub(1)),
        Action::Left => c.col = c.col.saturating_sub(1),
        Action::Right => c.col = (c.col + 1).min(n.saturating_sub(1)),
        Action::Home => c.col = 0,
        Action::End => c.col = n.saturating_sub(1),
        Action::Key('f') => {
            if let Some((r, col)) = c.focus {
                c.row = r;
                c.col = col;
            }
        }
        _ => {}
    }
    vec![]
}

fn log(m: &mut Model, action: Action) -> Vec<Command> {
    let n = m.log.visible().len();
    let l = &mut m.log;
    match action {
        Action::Up => l.scroll = (l.scroll + 1).min(n.saturating_sub(1)),
        Action::Down => l.scroll = l.scroll.saturating_sub(1),
        Action::PageUp => l.scroll = (l.scroll + 10).min(n.saturating_sub(1)),
        Action::PageDown => l.scroll = l.scroll.saturating_sub(10),
        Action::Home => l.scroll = n.saturating_sub(1),
        Action::End => l.scroll = 0,
        Action::Key('l') => l.next_level(),
        _ => {}
    }
    vec![]
}
