//! Collections: the tree on the left, the collection under the cursor on the right.

use super::layout::{clamp_scroll, cut, pane, title_cursor, window};
use crate::tui::fmt::bytes;
use crate::tui::state::{Connection, Model, StorageState, TreeRow};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    tree(m, f, left);
    details(m, f, right);
}

fn tree(m: &Model, f: &mut Frame, area: Rect) {
    let c = &m.collections;
    // Says what `b` takes: the selection, or the collection under the cursor.
    let mut title = match c.selected.len() {
        0 => "Collections (b: the one under the cursor)".to_string(),
        n => format!("Collections ({n} selected, b takes them)"),
    };
    if c.filtering {
        let prefix = title.chars().count() + " /".len();
        f.set_cursor_position(title_cursor(area, prefix, &c.filter));
    }
    if c.filtering || !c.filter.value().is_empty() {
        title = format!("{title} /{}", c.filter.value());
    }
    let Some(data) = &c.data else {
        let msg = match (&m.connection, c.loading) {
            (_, true) | (Connection::Connecting, _) => "loading...".to_string(),
            (Connection::Failed { .. }, _) => {
                "Not connected: see the message above (r retries).".to_string()
            }
            _ => "nothing loaded yet (r refreshes)".to_string(),
        };
        f.render_widget(
            Paragraph::new(msg)
                .wrap(Wrap { trim: true })
                .block(pane(&title, !m.details_focused())),
            area,
        );
        return;
    };
    // The load column only when there is room for it (the details pane shows it too).
    let wide = area.width >= 60;
    let row = |cells: [Cell<'static>; 4]| {
        let mut cells = Vec::from(cells);
        if !wide {
            cells.pop();
        }
        Row::new(cells)
    };
    let all = c.rows();
    let shown = window(all.len(), c.cursor, area.height);
    let selected = c.cursor.checked_sub(shown.start);
    let rows: Vec<Row> = all[shown]
        .iter()
        .map(|&r| match r {
            TreeRow::Db(d) => {
                let db = &data.dbs[d];
                row([
                    Cell::from(Span::styled(db.name.clone(), m.theme.title())),
                    Cell::from(format!("{} coll.", db.collections.len())),
                    Cell::from(""),
                    Cell::from(""),
                ])
            }
            TreeRow::Collection(d, i) => {
                let db = &data.dbs[d];
                let coll = &db.collections[i];
                let q = format!("{}.{}", db.name, coll.name);
                let mark = if c.selected.contains(&q) {
                    "[x]"
                } else {
                    "[ ]"
                };
                let fold = if c.expanded.contains(&q) { "-" } else { "+" };
                let name = if c.incomplete.contains(&q) {
                    Cell::from(Line::from(vec![
                        Span::raw(format!(" {mark} {fold} {} ", coll.name)),
                        Span::styled("INCOMPLETE", m.theme.warn()),
                    ]))
                } else {
                    Cell::from(format!(" {mark} {fold} {}", coll.name))
                };
                row([
                    name,
                    Cell::from(rows_text(coll.rows)),
                    Cell::from(size_text(&coll.storage, None)),
                    Cell::from(cut(&coll.load_state, 10)),
                ])
            }
            TreeRow::Partition(d, i, p) => {
                let coll = &data.dbs[d].collections[i];
                let part = &coll.partitions[p];
                row([
                    Cell::from(format!("         {}", part.name)),
                    Cell::from(rows_text(part.rows)),
                    Cell::from(size_text(&coll.storage, Some(part.id))),
                    Cell::from(format!("{} seg.", part.segments)),
                ])
            }
        })
        .collect();
    let empty = rows.is_empty();
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(9),
    ];
    let mut header = vec!["database / collection", "rows", "size"];
    if wide {
        widths.push(Constraint::Length(10));
        header.push("load");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(m.theme.dim()))
        .row_highlight_style(m.theme.selected())
        .block(pane(&title, !m.details_focused()));
    let mut state = TableState::default().with_selected(selected.filter(|_| !empty));
    f.render_stateful_widget(table, area, &mut state);
}

fn rows_text(rows: i64) -> String {
    if rows < 0 {
        "?".into()
    } else {
        rows.to_string()
    }
}

/// The size on storage as the tree shows it: of the collection, or of one of its partitions;
/// `…` while it is being read, `-` when the storage could not be read.
pub fn size_text(s: &StorageState, partition: Option<i64>) -> String {
    match s {
        StorageState::Unknown => "\u{2026}".into(),
        StorageState::Unreadable(_) => "-".into(),
        StorageState::Known(k) => bytes(partition.map_or(k.total, |p| k.partition(p))),
    }
}

fn details(m: &Model, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let Some((db, c)) = m.collections.current_collection() else {
        let text = vec![
            Line::from("Move to a collection to see it here."),
            Line::from(""),
            Line::from("Space selects collections,"),
            Line::from("b backs up the selection."),
        ];
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(pane("Details", m.details_focused())),
            area,
        );
        return;
    };
    let label = |k: &str| Span::styled(format!("{k:<11}"), t.dim());
    let mut lines = vec![
        Line::from(vec![label("collection"), Span::raw(c.name.clone())]),
        Line::from(vec![label("database"), Span::raw(db.name.clone())]),
        Line::from(vec![
            label("rows"),
            Span::raw(rows_text(c.rows)),
            Span::styled(" (may include deleted)", t.dim()),
        ]),
        Line::from(vec![label("segments"), Span::raw(c.segments.to_string())]),
        Line::from(vec![
            label("on storage"),
            match &c.storage {
                StorageState::Known(k) => {
                    Span::raw(format!("{} in {} file(s)", bytes(k.total), k.files))
                }
                StorageState::Unknown => Span::styled("\u{2026} (reading)", t.dim()),
                StorageState::Unreadable(_) => Span::styled("-", t.warn()),
            },
        ]),
        Line::from(vec![
            label("partitions"),
            Span::raw(c.partitions.len().to_string()),
        ]),
        Line::from(vec![label("load state"), Span::raw(c.load_state.clone())]),
        Line::from(vec![
            label("aliases"),
            Span::raw(if c.aliases.is_empty() {
                "-".to_string()
            } else {
                c.aliases.join(", ")
            }),
        ]),
    ];
    if m.collections
        .incomplete
        .contains(&format!("{}.{}", db.name, c.name))
    {
        lines.insert(
            0,
            Line::from(Span::styled(
                "INCOMPLETE: a restore of this session stopped before all its data was in; drop it, or restore again with drop-existing",
                t.warn(),
            )),
        );
    }
    if c.indexes.is_empty() {
        lines.push(Line::from(vec![label("index"), Span::raw("none")]));
    }
    for (i, ix) in c.indexes.iter().enumerate() {
        lines.push(Line::from(vec![
            label(if i == 0 { "index" } else { "" }),
            Span::raw(ix.clone()),
        ]));
    }
    if let StorageState::Unreadable(why) = &c.storage {
        lines.push(Line::from(Span::styled(
            format!("storage unreadable: {why}"),
            t.warn(),
        )));
    }
    lines.push(Line::from(""));
    if m.collections.show_schema {
        lines.push(Line::from(Span::styled("schema", t.title())));
        lines.extend(c.fields.iter().map(|l| Line::from(format!(" {l}"))));
    } else {
        lines.push(Line::from(Span::styled("s shows the schema", t.dim())));
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
