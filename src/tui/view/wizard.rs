//! The restore wizard, drawn over the screens.

use super::layout::{block, clamp_scroll, field_cursor};
use crate::tui::fmt::bytes;
use crate::tui::state::{Doomed, Model, NamingMode, PlanView, Wizard, WizardStep};
use milvus_backup_tui::compat::Verdict;
use milvus_backup_tui::restore::RestorePlan;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub fn draw(m: &Model, w: &Wizard, f: &mut Frame) {
    let full = f.area();
    // Everything but the footer, which keeps showing the keys of the page.
    let area = Rect {
        height: full.height.saturating_sub(1),
        ..full
    };
    f.render_widget(Clear, area);
    let title = format!("Restore backup {} (Milvus {})", w.backup, w.backup_version);
    let outer = block(&title);
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    let [steps, body, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(inner);
    let t = m.theme;
    let mut spans = vec![];
    for (i, s) in WizardStep::ALL.iter().enumerate() {
        let style = if *s == w.step { t.selected() } else { t.dim() };
        spans.push(Span::styled(format!("{}.{}", i + 1, s.title()), style));
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), steps);
    let lines = match w.step {
        WizardStep::Collections => collections(m, w),
        WizardStep::Naming => naming(m, w),
        WizardStep::Target => target(m, w),
        WizardStep::Options => options(m, w),
        WizardStep::Plan => plan(m, w),
    };
    let scroll = if w.step == WizardStep::Plan {
        clamp_scroll(w.plan_scroll, lines.len(), body.height + 2)
    } else {
        0
    };
    if w.step == WizardStep::Naming
        && let Some((label, input)) = naming_field(w)
        && let Some(p) = field_cursor(&lines, naming_field_line(), label.len(), input, body)
    {
        f.set_cursor_position(p);
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        body,
    );
    if let Some(input) = &w.confirm {
        let prompt = format!(
            "type {} and Enter to drop and restore (Esc: no): ",
            w.confirm_name()
        );
        let col = (prompt.chars().count() + input.visual_cursor())
            .min(status.width.saturating_sub(1) as usize) as u16;
        f.set_cursor_position((status.x + col, status.y));
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(prompt, t.error()),
                Span::styled(input.value().to_string(), t.title()),
            ])),
            status,
        );
        return;
    }
    let line = match w.page_problem() {
        _ if w.leaving => Line::from(Span::styled(
            "Leave the wizard? Your choices are lost (nothing was changed): y leave, n stay",
            t.error(),
        )),
        Some(p) => Line::from(Span::styled(p, t.error())),
        None if w.step == WizardStep::Plan => {
            Line::from(Span::styled("Nothing has been changed yet.", t.dim()))
        }
        None => Line::from(Span::styled("Enter goes on, Esc goes back.", t.dim())),
    };
    f.render_widget(Paragraph::new(line), status);
}

/// What one existing collection holds, as far as it was read.
fn doomed_text(d: Option<&Doomed>) -> String {
    let rows = d
        .and_then(|d| d.rows)
        .map_or_else(|| "? rows".to_string(), |r| format!("{r} rows"));
    let size = d
        .and_then(|d| d.bytes)
        .map_or_else(|| "size unknown".to_string(), bytes);
    format!("{rows}, {size}")
}

/// The line that says, in total, what drop-existing destroys.
fn destroyed_summary(w: &Wizard, p: &RestorePlan) -> String {
    let n = p.collections.iter().filter(|c| c.exists).count();
    let rows: i64 = w.doomed.iter().filter_map(|d| d.rows).sum();
    let size: u64 = w.doomed.iter().filter_map(|d| d.bytes).sum();
    let unknown = w.doomed.len() < n
        || w.doomed
            .iter()
            .any(|d| d.rows.is_none() || d.bytes.is_none());
    format!(
        "DROP EXISTING destroys {n} collection(s) on the target: {rows} rows, {}{}; Enter asks for the target's name",
        bytes(size),
        if unknown {
            " (some could not be read)"
        } else {
            ""
        }
    )
}

fn pick(m: &Model, on: bool, text: String) -> Line<'static> {
    if on {
        Line::from(Span::styled(format!("> {text}"), m.theme.selected()))
    } else {
        Line::from(format!("  {text}"))
    }
}

fn collections(m: &Model, w: &Wizard) -> Vec<Line<'static>> {
    let mut out = vec![Line::from("Which collections to restore:"), Line::from("")];
    for (i, (name, on)) in w.collections.iter().enumerate() {
        let mark = if *on { "[x]" } else { "[ ]" };
        out.push(pick(m, i == w.cursor, format!("{mark} {name}")));
    }
    out
}

fn naming(m: &Model, w: &Wizard) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::from("How the restored collections are named:"),
        Line::from(""),
    ];
    for mode in NamingMode::ALL {
        out.push(pick(m, mode == w.naming, mode.label().to_string()));
    }
    out.push(Line::from(""));
    if let Some((label, input)) = naming_field(w) {
        out.push(Line::from(vec![
            Span::raw(label),
            Span::styled(input.value().to_string(), m.theme.title()),
        ]));
    }
    out.push(Line::from(""));
    match w.naming_choice() {
        Ok(_) => {
            for c in w.chosen().iter().take(6) {
                let (db, coll) = c.split_once('.').unwrap_or(("default", c));
                let target = match w.naming {
                    NamingMode::Same => c.clone(),
                    NamingMode::Suffix => format!("{db}.{coll}{}", w.suffix.value().trim()),
                    NamingMode::TargetDb => format!("{}.{coll}", w.target_db.value().trim()),
                    NamingMode::Rules => {
                        match milvus_backup_tui::filter::Renames::parse(w.rules.value()) {
                            Ok(r) => {
                                let (d, n) = r.target(db, coll);
                                format!("{d}.{n}")
                            }
                            Err(_) => "?".into(),
                        }
                    }
                };
                out.push(Line::from(format!("  {c} -> {target}")));
            }
        }
        Err(e) => out.push(Line::from(Span::styled(e, m.theme.error()))),
    }
    out
}

/// The naming page's text field, with its label, when the chosen naming has one.
fn naming_field(w: &Wizard) -> Option<(String, &tui_input::Input)> {
    let input = w.naming_input()?;
    let what = match w.naming {
        NamingMode::Suffix => "suffix",
        NamingMode::Rules => "rules",
        _ => "database",
    };
    Some((format!("{what}: "), input))
}

/// The line of the naming page that holds the field: after the heading, a blank line, one line
/// per naming mode and a blank line (see [`naming`]).
fn naming_field_line() -> usize {
    2 + NamingMode::ALL.len() + 1
}

fn target(m: &Model, w: &Wizard) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::from("Restore into (clusters from the configuration, [clusters.NAME]):"),
        Line::from(""),
    ];
    for (i, c) in w.clusters.iter().enumerate() {
        out.push(pick(m, i == w.cluster, c.label()));
    }
    out
}

fn options(m: &Model, w: &Wizard) -> Vec<Line<'static>> {
    let mark = |b: bool| if b { "[x]" } else { "[ ]" };
    vec![
        Line::from("Options:"),
        Line::from(""),
        pick(
            m,
            w.option_cursor == 0,
            format!(
                "{} create the indexes the backup recorded",
                mark(w.create_indexes)
            ),
        ),
        pick(
            m,
            w.option_cursor == 1,
            format!("{} load the collections afterwards", mark(w.load)),
        ),
        pick(
            m,
            w.option_cursor == 2,
            format!(
                "{} drop existing target collections (DESTROYS their data)",
                mark(w.drop_existing)
            ),
        ),
        Line::from(""),
        Line::from(format!("target: {}", w.target_label())),
    ]
}

fn plan(m: &Model, w: &Wizard) -> Vec<Line<'static>> {
    let t = m.theme;
    match &w.plan {
        PlanView::NotAsked | PlanView::Loading => {
            vec![Line::from("Working out the plan (nothing is changed)...")]
        }
        PlanView::Failed(e) => vec![
            Line::from(Span::styled("The restore cannot go ahead:", t.error())),
            Line::from(e.clone()),
            Line::from(""),
            Line::from("Nothing was changed. Esc goes back to fix the choices; r plans again."),
        ],
        PlanView::Ready(p) => plan_lines(m, w, p),
    }
}

fn plan_lines(m: &Model, w: &Wizard, p: &RestorePlan) -> Vec<Line<'static>> {
    let t = m.theme;
    let vstyle = match p.compat.verdict {
        Verdict::Supported => t.ok(),
        Verdict::Refused => t.error(),
        _ => t.warn(),
    };
    let mut out = vec![
        Line::from(vec![
            Span::raw(format!(
                "Milvus {} -> {} at {}: ",
                p.backup.milvus_version, p.target_version, p.target_address
            )),
            Span::styled(format!("{:?}", p.compat.verdict).to_lowercase(), vstyle),
        ]),
        Line::from(Span::styled(p.compat.reason.clone(), t.dim())),
        Line::from(if p.staging {
            format!(
                "Files are copied from {} into {} for the import, then removed.",
                p.backup_storage, p.target_storage
            )
        } else {
            format!("Milvus imports straight from {}.", p.backup_storage)
        }),
        Line::from(format!(
            "Drop existing target collections: {} (d toggles it and plans again).",
            if w.drop_existing { "YES" } else { "no" }
        )),
        Line::from(""),
    ];
    for c in &p.collections {
        let mut notes = Vec::new();
        if !c.db_exists && c.target_db != "default" {
            notes.push(format!("create database {}", c.target_db));
        }
        let conflict = p.conflicts.contains(&c.target());
        if conflict {
            notes.push("EXISTS: conflict".to_string());
        } else if c.exists {
            let now = w.doomed.iter().find(|d| d.target == c.target());
            notes.push(format!("DROPS the existing one ({})", doomed_text(now)));
        }
        if w.create_indexes && !c.source.index_infos.is_empty() {
            notes.push(format!("{} index(es)", c.source.index_infos.len()));
        }
        if !c.aliases.is_empty() {
            notes.push(format!("aliases {}", c.aliases.join(",")));
        }
        if w.load {
            notes.push("load".into());
        }
        out.push(Line::from(vec![
            if conflict {
                Span::styled(format!("exists {}", c.target()), t.error())
            } else if c.exists {
                Span::styled(format!("replace {}", c.target()), t.error())
            } else {
                Span::styled(format!("create {}", c.target()), t.title())
            },
            Span::raw(format!(" from {}", c.source.qualified_name())),
        ]));
        out.push(Line::from(format!(
            "  {} rows, {} partition(s), {} {} file(s) {}, {} import(s){}",
            c.rows,
            c.source.partition_backups.len(),
            if p.staging { "copy" } else { "import" },
            c.files,
            bytes(c.bytes),
            c.groups,
            if notes.is_empty() {
                String::new()
            } else {
                format!("; {}", notes.join("; "))
            }
        )));
    }
    out.push(Line::from(format!(
        "total: {} rows, {}; conflicts: {}",
        p.total_rows(),
        bytes(p.total_bytes()),
        if p.conflicts.is_empty() {
            "none".to_string()
        } else {
            p.conflicts.len().to_string()
        }
    )));
    for c in &p.conflicts {
        out.push(Line::from(Span::styled(
            format!("  conflict: {c} already exists on the target"),
            t.error(),
        )));
    }
    if w.destroys() {
        out.push(Line::from(Span::styled(destroyed_summary(w, p), t.error())));
    }
    for warning in &p.warnings {
        out.push(Line::from(Span::styled(
            format!("warning: {warning}"),
            t.warn(),
        )));
    }
    out.push(Line::from(""));
    if p.conflicts.is_empty() {
        out.push(Line::from(Span::styled(
            "Enter starts the restore; Esc goes back.",
            t.key(),
        )));
    } else {
        out.push(Line::from(Span::styled(
            "The restore cannot start while targets exist. d: drop existing (DESTROYS their data) and plan again; Esc: go back and choose other names.",
            t.key(),
        )));
    }
    out
}
