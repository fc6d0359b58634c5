//! Header, tabs, error banner and footer.

use crate::tui::state::{Connection, Dialog, Model, Screen, WizardStep};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn header(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let (state, style) = match &m.connection {
        Connection::Connecting => ("connecting...".to_string(), t.warn()),
        Connection::Connected { version } => (format!("connected, Milvus {version}"), t.ok()),
        Connection::Failed { .. } => ("NOT CONNECTED".to_string(), t.error()),
    };
    let line = Line::from(vec![
        Span::styled("milvus-backup-tui", t.title()),
        Span::raw(format!("  {} {}  ", m.session.cluster, m.session.address)),
        Span::styled(state, style),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

pub fn tabs(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let mut spans = Vec::new();
    for (i, s) in Screen::ALL.iter().enumerate() {
        let mut label = format!(" {} {} ", i + 1, s.title());
        if *s == Screen::Jobs && m.jobs.running() > 0 {
            label = format!(" {} Jobs ({} running) ", i + 1, m.jobs.running());
        }
        let style = if *s == m.screen {
            t.selected()
        } else {
            t.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The most lines of message the banner takes; a longer message ends with a hint to open it
/// whole (`e`).
const BANNER_MESSAGE_LINES: u16 = 5;

fn banner_message(m: &Model) -> Option<Paragraph<'_>> {
    let b = m.banner.as_ref()?;
    Some(Paragraph::new(b.message.as_str()).wrap(Wrap { trim: false }))
}

/// The banner's height at this terminal width: its message (at most
/// [`BANNER_MESSAGE_LINES`]) and a line of keys.
pub fn banner_height(m: &Model, width: u16) -> u16 {
    let Some(p) = banner_message(m) else {
        return 0;
    };
    let lines = p.line_count(width.max(1)) as u16;
    lines.clamp(1, BANNER_MESSAGE_LINES) + 1
}

pub fn banner(m: &Model, f: &mut Frame, area: Rect) {
    let (Some(p), Some(b)) = (banner_message(m), m.banner.as_ref()) else {
        return;
    };
    let cut = p.line_count(area.width.max(1)) as u16 + 1 > area.height;
    let [message, keys] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    f.render_widget(p.style(m.theme.banner()), message);
    let mut hint = Vec::new();
    if cut {
        hint.push("... [e] whole message");
    }
    if b.retry.is_some() {
        hint.push("[r] retry");
    }
    hint.push("[Esc] dismiss");
    f.render_widget(
        Paragraph::new(hint.join("  ")).style(m.theme.banner()),
        keys,
    );
}

/// The keys that work here, or the latest notice.
pub fn footer(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    if let Some(n) = &m.notice {
        f.render_widget(Paragraph::new(Span::styled(n.clone(), t.warn())), area);
        return;
    }
    let keys: &[(&str, &str)] = match &m.dialog {
        Some(Dialog::Help) => &[("Esc", "close")],
        Some(Dialog::Message { .. }) => &[("Up/Down", "scroll"), ("Esc", "close")],
        Some(Dialog::BackUp(_)) => &[("Enter", "start"), ("Esc", "cancel")],
        Some(Dialog::Restore(w)) if w.leaving => &[("y", "leave the wizard"), ("n/Esc", "stay")],
        Some(Dialog::Restore(w)) => match w.step {
            WizardStep::Collections => &[
                ("Space", "choose"),
                ("a", "all/none"),
                ("Enter", "next"),
                ("Esc", "back"),
            ],
            WizardStep::Naming => &[("Up/Down", "mode"), ("Enter", "next"), ("Esc", "back")],
            WizardStep::Target => &[("Up/Down", "cluster"), ("Enter", "next"), ("Esc", "back")],
            WizardStep::Options => &[("Space", "toggle"), ("Enter", "plan"), ("Esc", "back")],
            WizardStep::Plan if w.confirm.is_some() => &[
                ("type", "the target's name"),
                ("Enter", "DROP AND RESTORE"),
                ("Esc", "not now"),
            ],
            WizardStep::Plan if w.conflicts().is_some() => &[
                ("d", "drop existing & re-plan"),
                ("r", "re-plan"),
                ("Esc", "back"),
            ],
            WizardStep::Plan => &[
                ("Enter", "RESTORE"),
                ("d", "toggle drop existing"),
                ("r", "re-plan"),
                ("Esc", "back"),
            ],
        },
        Some(_) => &[("y", "yes"), ("n/Esc", "no")],
        None if m.details_focused() => &[
            ("Up/Down", "scroll"),
            ("PgUp/PgDn", "page"),
            ("Tab/Esc", "back to the list"),
            ("?", "help"),
            ("q", "quit"),
        ],
        None => match m.screen {
            Screen::Collections if m.collections.filtering => {
                &[("Enter", "keep filter"), ("Esc", "clear filter")]
            }
            Screen::Backups if m.backups.filtering => {
                &[("Enter", "keep filter"), ("Esc", "clear filter")]
            }
            Screen::Collections => &[
                ("Space", "select"),
                ("b", "back up"),
                ("Enter", "open"),
                ("s", "schema"),
                ("/", "filter"),
                ("Tab", "details"),
                ("?", "help"),
                ("q", "quit"),
            ],
            Screen::Backups => &[
                ("Enter", "restore"),
                ("d", "delete"),
                ("v", "verify"),
                ("o", "order"),
                ("r", "refresh"),
                ("c", "compat"),
                ("/", "filter"),
                ("Tab", "details"),
                ("?", "help"),
                ("q", "quit"),
            ],
            Screen::Jobs => &[
                ("Up/Down", "job"),
                ("c", "cancel"),
                ("Tab", "details"),
                ("[ ]", "screens"),
                ("?", "help"),
                ("q", "quit"),
            ],
            Screen::Compat => &[
                ("arrows", "move"),
                ("f", "focus pair"),
                ("Tab", "pair"),
                ("?", "help"),
                ("q", "quit"),
            ],
            Screen::Log => &[
                ("l", "level"),
                ("Up/Down", "scroll"),
                ("End", "follow"),
                ("q", "quit"),
            ],
        },
    };
    // What does not fit goes, from the end, but `?` (which lists every key) stays.
    let width = |keys: &[(&str, &str)]| -> usize {
        keys.iter()
            .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
            .sum()
    };
    let mut keys = keys.to_vec();
    while width(&keys) > area.width as usize && keys.len() > 1 {
        let drop = keys
            .iter()
            .rposition(|(k, _)| *k != "?")
            .unwrap_or(keys.len() - 1);
        keys.remove(drop);
    }
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(format!(" {k}"), t.key()));
        spans.push(Span::raw(format!(" {what} ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
