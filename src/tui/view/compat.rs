//! Compatibility: the matrix of source × target versions and the pair under the cursor.

use super::layout::{clamp_scroll, pane};
use crate::tui::state::Model;
use milvus_backup_tui::compat::Verdict;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const CELL_W: usize = 11;

fn short(v: Verdict) -> &'static str {
    match v {
        Verdict::Supported => "supported",
        Verdict::Untested => "untested",
        Verdict::Refused => "REFUSED",
        Verdict::Unknown => "unknown",
    }
}

fn verdict_style(m: &Model, v: Verdict) -> Style {
    match v {
        Verdict::Supported => m.theme.ok(),
        Verdict::Untested | Verdict::Unknown => m.theme.warn(),
        Verdict::Refused => m.theme.error(),
    }
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let c = &m.compat;
    let versions = c.matrix.versions();
    let grid_h = versions.len() as u16 + 4;
    let [grid, detail] =
        Layout::vertical([Constraint::Length(grid_h), Constraint::Min(3)]).areas(area);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<12}", "from \\ to"), m.theme.dim()),
        Span::styled(
            versions
                .iter()
                .map(|v| format!("{v:^CELL_W$}"))
                .collect::<String>(),
            m.theme.title(),
        ),
    ])];
    for (r, from) in versions.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{from:<12}"), m.theme.title())];
        for col in 0..versions.len() {
            let Some(cell) = c.cell_at(r, col) else {
                continue;
            };
            let focus = c.focus == Some((r, col));
            let text = if focus {
                format!("*{}*", short(cell.verdict))
            } else {
                short(cell.verdict).to_string()
            };
            let mut style = verdict_style(m, cell.verdict);
            if (r, col) == (c.row, c.col) {
                style = style.patch(m.theme.selected());
            }
            spans.push(Span::styled(format!("{text:^CELL_W$}"), style));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(Span::styled(
        "* the pair in focus: the selected backup's version -> this cluster's",
        m.theme.dim(),
    )));
    f.render_widget(
        Paragraph::new(lines).block(pane(
            "Compatibility: backup from (rows) -> restore into (columns)",
            !m.details_focused(),
        )),
        grid,
    );
    let mut text = Vec::new();
    if let Some(cell) = c.current() {
        text.push(Line::from(vec![
            Span::raw(format!("{} -> {}: ", cell.from, cell.to)),
            Span::styled(short(cell.verdict), verdict_style(m, cell.verdict)),
        ]));
        text.push(Line::from(cell.reason.clone()));
        text.push(Line::from(format!(
            "proven by: {}",
            cell.proven_by
                .as_deref()
                .unwrap_or("no test of this project")
        )));
    }
    text.push(Line::from(""));
    text.push(Line::from(Span::styled(
        c.matrix.note().to_string(),
        m.theme.dim(),
    )));
    let scroll = clamp_scroll(m.details_scroll, text.len(), detail.height);
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .scroll((scroll, 0))
            .block(pane("Pair", m.details_focused())),
        detail,
    );
}
