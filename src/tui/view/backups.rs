//! Backups: the list above, the one under the cursor below.

use super::layout::{clamp_scroll, pane, title_cursor, window};
use crate::tui::fmt::{age, bytes, time_ms};
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
    let mut title = format!(
        "Backups in {} ({}, o: order)",
        m.session.backup_storage,
        b.sort.label()
    );
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
        let msg = if entries.is_empty() {
            "No backup here yet. Select collections on screen 1 and press b.".to_string()
        } else {
            format!(
                "No backup name contains \"{}\" ({} backup(s) in all); / edits the filter, Esc in it clears it.",
                b.filter.value().trim(),
                entries.len()
            )
        };
        f.render_widget(
            Paragraph::new(msg)
                .wrap(Wrap { trim: true })
                .block(pane(&title, !m.details_focused())),
            area,
        );
        return;
    }
    // The full time only where there is room (the details pane shows it too).
    let wide = area.width >= 100;
    let shown = window(visible.len(), b.cursor, area.height);
    let selected = b.cursor.checked_sub(shown.start);
    let rows: Vec<Row> = visible[shown]
        .iter()
        .map(|&i| {
            let e = &entries[i];
            let state_style = match e.state() {
                "complete" => m.theme.ok(),
                _ => m.theme.error(),
            };
            let mut cells = match &e.info {
                Some(info) => vec![
                    Line::from(e.name.clone()),
                    Line::from(age(b.listed_at_ms, info.backup_timestamp)),
                    Line::from(time_ms(info.backup_timestamp)),
                    Line::from(info.milvus_version.clone()),
                    Line::from(info.collection_backups.len().to_string()),
                    Line::from(info.total_rows().to_string()),
                    Line::from(bytes(info.size.max(0) as u64)),
                    Line::from(Span::styled(e.state(), state_style)),
                ],
                None => {
                    let mut c = vec![Line::from(e.name.clone())];
                    c.extend((0..6).map(|_| Line::from("-")));
                    c.push(Line::from(Span::styled(e.state(), state_style)));
                    c
                }
            };
            if !wide {
                cells.remove(2);
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(4),
        Constraint::Length(16),
        Constraint::Length(10),
        Constraint::Length(4),
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(10),
    ];
    let mut header = vec![
        "name",
        "age",
        "time (UTC)",
        "milvus",
        "coll",
        "rows",
        "size",
        "state",
    ];
    if !wide {
        widths.remove(2);
        header.remove(2);
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(m.theme.dim()))
        .row_highlight_style(m.theme.selected())
        .block(pane(&title, !m.details_focused()));
    let mut state = TableState::default().with_selected(selected);
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
