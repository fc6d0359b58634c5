//! Collections: the tree on the left, the collection under the cursor on the right.

use super::layout::{block, cut};
use crate::tui::state::{Connection, Model, TreeRow};
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
    let mut title = format!("Collections ({} selected)", c.selected.len());
    if c.filtering || !c.filter.value().is_empty() {
        title = format!("{title} /{}", c.filter.value());
        if c.filtering {
            title.push('_');
        }
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
                .block(block(&title)),
            area,
        );
        return;
    };
    let rows: Vec<Row> = c
        .rows()
        .into_iter()
        .map(|r| match r {
            TreeRow::Db(d) => {
                let db = &data.dbs[d];
                Row::new(vec![
                    Cell::from(Span::styled(db.name.clone(), m.theme.title())),
                    Cell::from(format!("{} coll.", db.collections.len())),
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
                Row::new(vec![
                    Cell::from(format!(" {mark} {fold} {}", coll.name)),
                    Cell::from(rows_text(coll.rows)),
                    Cell::from(cut(&coll.load_state, 10)),
                ])
            }
            TreeRow::Partition(d, i, p) => {
                let part = &data.dbs[d].collections[i].partitions[p];
                Row::new(vec![
                    Cell::from(format!("         {}", part.name)),
                    Cell::from(rows_text(part.rows)),
                    Cell::from(format!("{} seg.", part.segments)),
                ])
            }
        })
        .collect();
    let empty = rows.is_empty();
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(10),
        ],
    )
    .header(Row::new(vec!["database / collection", "rows", "load"]).style(m.theme.dim()))
    .row_highlight_style(m.theme.selected())
    .block(block(&title));
    let mut state = TableState::default().with_selected((!empty).then_some(c.cursor));
    f.render_stateful_widget(table, area, &mut state);
}

fn rows_text(rows: i64) -> String {
    if rows < 0 {
        "?".into()
    } else {
        rows.to_string()
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
                .block(block("Details")),
            area,
        );
        return;
    };
    let label = |k: &str| Span::styled(format!("{k:<11}"), t.dim());
    let mut lines = vec![
        Line::from(vec![label("collection"), Span::raw(c.name.clone())]),
        Line::from(vec![label("database"), Span::raw(db.name.clone())]),
        Line::from(vec![label("rows"), Span::raw(rows_text(c.rows))]),
        Line::from(vec![label("segments"), Span::raw(c.segments.to_string())]),
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
    if c.indexes.is_empty() {
        lines.push(Line::from(vec![label("index"), Span::raw("none")]));
    }
    for (i, ix) in c.indexes.iter().enumerate() {
        lines.push(Line::from(vec![
            label(if i == 0 { "index" } else { "" }),
            Span::raw(ix.clone()),
        ]));
    }
    lines.push(Line::from(""));
    if m.collections.show_schema {
        lines.push(Line::from(Span::styled("schema", t.title())));
        lines.extend(c.fields.iter().map(|l| Line::from(format!(" {l}"))));
    } else {
        lines.push(Line::from(Span::styled("s shows the schema", t.dim())));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block("Details")),
        area,
    );
}
