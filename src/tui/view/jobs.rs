//! Jobs: every job of the session above, the one under the cursor below.

use super::layout::{clamp_scroll, pane};
use crate::tui::fmt::{bytes, duration, ratio};
use crate::tui::state::{JobStatus, JobView, Model};
use milvus_backup_tui::progress::Count;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let list_h = (m.jobs.jobs.len() as u16 + 3).clamp(4, area.height / 3);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(5)]).areas(area);
    list(m, f, top);
    match m.jobs.current() {
        Some(j) => details(m, j, f, bottom),
        None => f.render_widget(
            Paragraph::new("No job yet: back up from screen 1, restore from screen 2.")
                .wrap(Wrap { trim: true })
                .block(pane("Job", m.details_focused())),
            bottom,
        ),
    }
}

fn status_style(m: &Model, s: &JobStatus) -> Style {
    match s {
        JobStatus::Running | JobStatus::Cancelling => m.theme.warn(),
        JobStatus::Succeeded => m.theme.ok(),
        JobStatus::Failed | JobStatus::Cancelled => m.theme.error(),
    }
}

fn list(m: &Model, f: &mut Frame, area: Rect) {
    let rows: Vec<Row> = m
        .jobs
        .jobs
        .iter()
        .map(|j| {
            Row::new(vec![
                Line::from(j.id.to_string()),
                Line::from(j.what()),
                Line::from(Span::styled(j.status.label(), status_style(m, &j.status))),
                Line::from(j.phase_text()),
                Line::from(j.started.format("%H:%M:%S").to_string()),
                Line::from(duration(j.elapsed)),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(4),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(6),
        ],
    )
    .header(Row::new(vec!["id", "job", "status", "phase", "started", "time"]).style(m.theme.dim()))
    .row_highlight_style(m.theme.selected())
    .block(pane("Jobs", !m.details_focused()));
    let mut state =
        TableState::default().with_selected((!m.jobs.jobs.is_empty()).then_some(m.jobs.cursor));
    f.render_stateful_widget(table, area, &mut state);
}

fn details(m: &Model, j: &JobView, f: &mut Frame, area: Rect) {
    let t = m.theme;
    let title = format!("{} {}", j.id, j.title());
    let outer = pane(&title, m.details_focused());
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let p = &j.progress;
    let active = j.status.is_active();
    // Bars only for what this job counts, and only until it succeeded (its outcome then says
    // what it did); a stopped job keeps them to show how far it got.
    let counts: Vec<(&str, Count, bool)> = [
        ("collections", p.collections, false),
        ("segments", p.segments, false),
        ("files", p.files, false),
        ("bytes", p.bytes, true),
    ]
    .into_iter()
    .filter(|(_, c, _)| c.total > 0 && j.status != JobStatus::Succeeded)
    .collect();
    let [status, gauges, info, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(counts.len() as u16),
        Constraint::Length(if active { 2 } else { 0 }),
        Constraint::Min(0),
    ])
    .areas(inner);
    let mut head = vec![Span::styled(
        j.status.label().to_string(),
        status_style(m, &j.status),
    )];
    if active {
        head.push(Span::raw(format!(
            "  phase: {}{}",
            j.phase_text(),
            p.current
                .as_ref()
                .map(|c| format!("  ({c})"))
                .unwrap_or_default()
        )));
    } else {
        head.push(Span::raw(format!("  after {}", duration(j.elapsed))));
    }
    f.render_widget(Paragraph::new(Line::from(head)), status);
    let gauge_rows = Layout::vertical(vec![Constraint::Length(1); counts.len()]).split(gauges);
    for (i, (name, c, is_bytes)) in counts.iter().enumerate() {
        gauge(m, f, gauge_rows[i], name, *c, *is_bytes);
    }
    if active {
        let eta = j.eta().map(duration).unwrap_or_else(|| "-".into());
        f.render_widget(
            Paragraph::new(vec![
                Line::from(format!(
                    "rate {}/s   elapsed {}   ETA {eta}",
                    bytes(j.rate() as u64),
                    duration(j.elapsed)
                )),
                Line::from(vec![
                    Span::styled("last: ", t.dim()),
                    Span::raw(p.message.clone().unwrap_or_else(|| "-".into())),
                ]),
            ]),
            info,
        );
    }
    if j.outcome.is_empty() {
        per_collection(m, j, f, rest);
    } else {
        let style = if j.status == JobStatus::Succeeded {
            t.ok()
        } else {
            t.error()
        };
        let lines: Vec<Line> = j
            .outcome
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    Line::from(Span::styled(l.clone(), style))
                } else {
                    Line::from(l.clone())
                }
            })
            .collect();
        let scroll = clamp_scroll(m.details_scroll, lines.len(), rest.height + 2);
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0)),
            rest,
        );
    }
}

/// A bar per collection: its segments (import groups for a restore) and bytes.
fn per_collection(m: &Model, j: &JobView, f: &mut Frame, area: Rect) {
    let rows = &j.progress.per_collection;
    if rows.is_empty() || area.height == 0 {
        return;
    }
    let name_width = (area.width as usize / 3).clamp(10, 40);
    let skip = clamp_scroll(m.details_scroll, rows.len(), area.height + 2) as usize;
    let lines: Vec<Line> = rows
        .iter()
        .skip(skip)
        .take(area.height as usize)
        .map(|c| {
            let mut name: String = c.name.chars().take(name_width).collect();
            if c.name.chars().count() > name_width {
                name.pop();
                name.push('~');
            }
            let text = format!(
                "{name:<name_width$} {:>4}/{:<4} ",
                c.segments.done, c.segments.total
            );
            let r = if c.bytes.total > 0 {
                ratio(c.bytes.done, c.bytes.total)
            } else {
                ratio(c.segments.done, c.segments.total)
            };
            let width = (area.width as usize).saturating_sub(text.len() + 7).max(4);
            let filled = (r * width as f64).round() as usize;
            Line::from(vec![
                Span::raw(text),
                Span::raw("["),
                Span::styled("#".repeat(filled), m.theme.ok()),
                Span::styled("-".repeat(width - filled), m.theme.dim()),
                Span::raw(format!("] {:>3.0}%", r * 100.0)),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}

fn gauge(m: &Model, f: &mut Frame, area: Rect, name: &str, c: Count, is_bytes: bool) {
    let text = if is_bytes {
        format!("{:<11} {:>9} / {:<9} ", name, bytes(c.done), bytes(c.total))
    } else {
        format!("{:<11} {:>9} / {:<9} ", name, c.done, c.total)
    };
    let r = ratio(c.done, c.total);
    // The bar is drawn in ASCII so that it reads the same without colour.
    let width = (area.width as usize).saturating_sub(text.len() + 7).max(4);
    let filled = (r * width as f64).round() as usize;
    let line = Line::from(vec![
        Span::raw(text),
        Span::raw("["),
        Span::styled("#".repeat(filled), m.theme.ok()),
        Span::styled("-".repeat(width - filled), m.theme.dim()),
        Span::raw(format!("] {:>3.0}%", r * 100.0)),
    ]);
    f.render_widget(Paragraph::new(line), area);
}
