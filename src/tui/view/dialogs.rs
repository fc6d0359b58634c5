//! The small dialogs: back up, confirmations.

use super::layout::{block, centered, field_cursor};
use crate::tui::state::{Dialog, Model};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// The line of the back-up dialog that holds the name field.
const NAME_LINE: usize = 2;

pub fn draw(m: &Model, d: &Dialog, f: &mut Frame) {
    let t = m.theme;
    let (title, lines): (&str, Vec<Line>) = match d {
        Dialog::BackUp(b) => {
            let what = if b.from_selection {
                format!(
                    "Back up the {} selected collection(s): {}",
                    b.collections.len(),
                    b.collections.join(", ")
                )
            } else {
                format!(
                    "Back up {} (under the cursor: nothing is selected)",
                    b.collections.join(", ")
                )
            };
            let mut lines = vec![Line::from(what)];
            lines.push(Line::from(""));
            lines.push(Line::from(vec![
                Span::raw("name: "),
                Span::styled(b.input.value().to_string(), t.title()),
            ]));
            lines.push(match &b.error {
                Some(e) => Line::from(Span::styled(e.clone(), t.error())),
                None if m.backups.entries.is_some() => Line::from(Span::styled(
                    "the name is valid and not in use",
                    t.ok(),
                )),
                None => Line::from(Span::styled(
                    "the name is valid (backups not listed yet: a name in use is refused at the start)",
                    t.ok(),
                )),
            });
            lines.push(Line::from(""));
            lines.push(Line::from("Enter starts the backup, Esc cancels."));
            ("Back up", lines)
        }
        Dialog::ConfirmDelete { name } => (
            "Delete",
            vec![
                Line::from(format!("Delete backup {name} and all its files?")),
                Line::from("This cannot be undone."),
                Line::from(""),
                Line::from(Span::styled("y delete   n keep", t.key())),
            ],
        ),
        Dialog::ConfirmCancel { label, .. } => (
            "Cancel job",
            vec![
                Line::from(format!("Cancel {label}?")),
                Line::from("A cancelled restore removes its staging files."),
                Line::from(""),
                Line::from(Span::styled("y cancel it   n let it run", t.key())),
            ],
        ),
        Dialog::ConfirmQuit { running } => (
            "Quit",
            vec![
                Line::from(format!("{running} job(s) still running.")),
                Line::from("Quit and cancel them?"),
                Line::from(""),
                Line::from(Span::styled("y quit   n stay", t.key())),
            ],
        ),
        Dialog::Message { text, scroll } => return message(m, text, *scroll, f),
        Dialog::Help | Dialog::Restore(_) => return,
    };
    let area = centered(f.area(), 64, lines.len() as u16 + 4);
    let inner = block(title).inner(area);
    if let Dialog::BackUp(b) = d
        && let Some(p) = field_cursor(&lines, NAME_LINE, "name: ".len(), &b.input, inner)
    {
        f.set_cursor_position(p);
    }
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title)),
        area,
    );
}

/// A whole message, wrapped to the screen and scrolled (Up/Down) when it is longer still.
fn message(m: &Model, text: &str, scroll: u16, f: &mut Frame) {
    let area = f.area();
    let width = area.width.saturating_sub(4).clamp(20, 100);
    let body = Paragraph::new(text).wrap(Wrap { trim: false });
    let lines = body.line_count(width.saturating_sub(2)) as u16;
    let area = centered(
        area,
        width,
        lines.saturating_add(2).min(area.height.saturating_sub(2)),
    );
    let scroll = scroll.min(lines.saturating_sub(area.height.saturating_sub(2)));
    f.render_widget(Clear, area);
    f.render_widget(
        body.style(m.theme.error())
            .scroll((scroll, 0))
            .block(block("Message")),
        area,
    );
}
