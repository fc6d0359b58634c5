//! Backups: the list above, the one under the cursor below.

use super::layout::{clamp_scroll, pane, title_cursor};
use crate::tui::fmt::{bytes, time_ms};
use crate::tui::state::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    list(m, f, top);
    details(m, f, bottom);
}

fn list(m: &Model, f: &mut Frame, area: Rect) {
    let b = &m.backups;
    let mut title = format!("Backups in {}", m.session.backup_storage);
    if b.filtering {
        let prefix = title.chars().count() + " /".len();
        f.set_cursor_position(title_cursor(area, prefix, &b.filter));
    }
    if b.filtering || !b.filter.value().is_empty() {
        title = format!("{title} /{}", b.filter.value());
    }
    let Some(entries) = &b.entries else {
        let msg = if b.loading {
            "loading..."
        } else {
            "not loaded (r refreshes)"
        };
        f.render_widget(
            Paragraph::new(msg).block(pane(&title, !m.details_focused())),
            area,
        );
        return;
    };
    let visible = b.visible();
    if visible.is_empty() {
        f.render_widget(
            Paragraph::new("No backup here yet. Select collections on screen 1 and press b.")
                .wrap(Wrap { trim: true })
                .block(pane(&title, !m.details_focused())),
            area,
        );
        return;
    }
    let rows: Vec<Row> = visible
        .iter()
        .map(|&i| {
            let e = &entries[i];
            let state_style = match e.state() {
                "complete" => m.theme.ok(),
                _ => m.theme.error(),
            };
            match &e.info {
                Some(info) => Row::new(vec![
                    Line::from(e.name.clone()),
                    Line::from(time_ms(info.backup_timestamp)),
                    Line::from(info.milvus_version.clone()),
                    Line::from(info.collection_backups.len().to_string()),
                    Line::from(info.total_rows().to_string()),
                    Line::from(bytes(info.size.max(0) as u64)),
                    Line::from(Span::styled(e.state(), state_style)),
                ]),
                None => Row::new(vec![
                    Line::from(e.name.clone()),
                    Line::from("-"),
                    Line::from("-"),
                    Line::from("-"),
                    Line::from("-"),
                    Line::from("-"),
                    Line::from(Span::styled(e.state(), state_style)),
                ]),
            }
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(7),
            Constraint::Length(9),
            Constraint::Length(10),
        ],
    )
    .header(
        Row::new(vec![
            "name",
            "time (UTC)",
            "milvus",
            "coll",
            "rows",
            "size",
            "state",
        ])
        .style(m.theme.dim()),
    )
    .row_highlight_style(m.theme.selected())
    .block(pane(&title, !m.details_focused()));
    let mut state = TableState::default().with_selected(Some(b.cursor));
    f.render_stateful_widget(table, area, &mut state);
}

fn details(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let Some(e) = m.backups.current() else {
        f.render_widget(
            Paragraph::new("").block(pane("Details", m.details_focused())),
            area,
        );
        return;
    };
    let mut lines = Vec::new();
    match (&e.info, &e.problem) {
        (Some(info), _) => {
            lines.push(Line::from(format!(
                "{}: Milvus {}, {} collection(s), {} rows, {}",
                e.name,
                info.milvus_version,
                info.collection_backups.len(),
                info.total_rows(),
                bytes(info.size.max(0) as u64)
            )));
            for c in &info.collection_backups {
                lines.push(Line::from(vec![
                    Span::styled(c.qualified_name(), t.title()),
                    Span::raw(format!(
                        "  {} rows, {} partition(s), {} index(es){}",
                        c.total_rows(),
                        c.partition_backups.len(),
                        c.index_infos.len(),
                        if c.aliases.is_empty() {
                            String::new()
                        } else {
                            format!(", aliases {}", c.aliases.join(","))
                        }
                    )),
                ]));
                for p in &c.partition_backups {
                    let rows: i64 = p.segment_backups.iter().map(|s| s.num_of_rows).sum();
                    lines.push(Line::from(format!(
                        "    {}: {} segment(s), {rows} rows",
                        p.partition_name,
                        p.segment_backups.len()
                    )));
                }
            }
        }
        (None, Some(problem)) => {
            lines.push(Line::from(Span::styled(
                format!("{}: metadata unreadable", e.name),
                t.error(),
            )));
            lines.push(Line::from(problem.clone()));
        }
        (None, None) => {
            lines.push(Line::from(Span::styled(
                format!("{}: incomplete", e.name),
                t.error(),
            )));
            lines.push(Line::from(
                "It has no metadata: an earlier run was interrupted. d deletes it.",
            ));
        }
    }
    let scroll = clamp_scroll(m.details_scroll, lines.len(), area.height);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(pane("Details", m.details_focused())),
        area,
    );
}
