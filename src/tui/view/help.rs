//! `?`: every key.

use super::layout::{block, centered};
use crate::tui::state::Model;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// The key map, also printed in docs/tui.md.
pub const KEYS: [(&str, &str); 22] = [
    ("1..5", "Collections, Backups, Jobs, Compatibility, Log"),
    ("] / [", "next / previous screen"),
    (
        "Tab, S-Tab",
        "next / previous pane (list, details), wizard field",
    ),
    ("Up/Down, k/j", "move; scroll the details pane in focus"),
    ("Left/Right, h/l", "fold/unfold, move in the grid"),
    ("PgUp/PgDn, g/G", "page, first/last"),
    ("Enter", "open / next step / confirm"),
    ("Esc", "back, close, dismiss the banner (e: read it whole)"),
    ("/", "filter the list (Collections, Backups)"),
    ("?", "this help"),
    ("q", "quit (asks first if jobs run)"),
    ("Ctrl-C", "quit now, cancelling jobs"),
    ("Collections", ""),
    ("  Space", "select a collection (on a database: all)"),
    ("  b", "back up the selection"),
    ("  s", "show the schema"),
    ("  r", "refresh (or retry after an error)"),
    ("Backups", "Enter opens the restore wizard"),
    (
        "  d r c o v",
        "delete / refresh / compat / order / verify it",
    ),
    ("Jobs", "c cancels the job (asks first)"),
    ("Compatibility", "arrows move, f back to the pair in focus"),
    ("Log", "l cycles the level"),
];

pub fn draw(m: &Model, f: &mut Frame) {
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:<18}"), m.theme.key()),
                Span::raw(*what),
            ])
        })
        .collect();
    let area = centered(f.area(), 72, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(block("Keys (Esc closes)")),
        area,
    );
}
