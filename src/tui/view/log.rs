//! Log: the recent lines of the engine's log, newest at the bottom.

use super::layout::block;
use crate::tui::state::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tracing::Level;

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let visible = m.log.visible();
    let height = area.height.saturating_sub(2) as usize;
    let end = visible.len().saturating_sub(m.log.scroll);
    let start = end.saturating_sub(height);
    let lines: Vec<Line> = visible[start..end]
        .iter()
        .map(|l| {
            let style = match l.level {
                Level::ERROR => t.error(),
                Level::WARN => t.warn(),
                _ => t.dim(),
            };
            Line::from(vec![
                Span::raw(format!("{} ", l.time)),
                Span::styled(format!("{:<5} ", l.level), style),
                Span::raw(l.message.clone()),
            ])
        })
        .collect();
    let title = format!(
        "Log: {} and more severe ({} of {} lines{}), also in the log file",
        m.log.min_level,
        visible.len(),
        m.log.lines.len(),
        if m.log.scroll > 0 { ", scrolled" } else { "" }
    );
    let body = if lines.is_empty() {
        Paragraph::new("Nothing logged at this level yet.")
    } else {
        Paragraph::new(lines)
    };
    f.render_widget(body.block(block(&title)), area);
}
