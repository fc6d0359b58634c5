//! The restore wizard's part of `update`. Returns whether the wizard stays open.

use super::action::Action;
use super::command::Command;
use super::state::{NamingMode, PlanView, Wizard, WizardStep};

const OPTION_COUNT: usize = 3;

pub fn update_wizard(w: &mut Wizard, action: Action) -> (bool, Vec<Command>) {
    if w.confirm.is_some() {
        let cmds = confirm(w, action);
        return (cmds.is_empty(), cmds);
    }
    if w.leaving {
        return match action {
            Action::Confirm(true) | Action::Quit => (false, vec![]),
            _ => {
                w.leaving = false;
                (true, vec![])
            }
        };
    }
    match action {
        // q leaves from any step, asking first when something was chosen.
        Action::Quit if w.changed() => w.leaving = true,
        Action::Quit => return (false, vec![]),
        Action::Back => match w.step.prev() {
            None if w.changed() => w.leaving = true,
            None => return (false, vec![]),
            Some(prev) => {
                w.step = prev;
                w.plan = PlanView::NotAsked;
            }
        },
        Action::Enter => return enter(w),
        Action::Key('r') if w.step == WizardStep::Plan => return (true, replan(w)),
        // "drop existing", toggled from the plan page, which plans again with it.
        Action::Key('d') if w.step == WizardStep::Plan => {
            w.drop_existing = !w.drop_existing;
            return (true, replan(w));
        }
        Action::Up | Action::Down | Action::Home | Action::End => move_in_page(w, &action),
        // Tab goes from one field (line) of the page to the next.
        Action::FocusNext => move_in_page(w, &Action::Down),
        Action::FocusPrev => move_in_page(w, &Action::Up),
        Action::Toggle => toggle(w),
        Action::Key('a') if w.step == WizardStep::Collections => {
            let all = w.collections.iter().all(|(_, on)| *on);
            for (_, on) in &mut w.collections {
                *on = !all;
            }
        }
        Action::Edit(req) => {
            if let Some(input) = w.naming_input_mut() {
                input.handle(req);
            }
        }
        _ => {}
    }
    (true, vec![])
}

/// The typed confirmation of a destructive restore: Enter starts it once the target's name is
/// typed, Esc takes the question back.
fn confirm(w: &mut Wizard, action: Action) -> Vec<Command> {
    match action {
        Action::Edit(req) => {
            if let Some(i) = &mut w.confirm {
                i.handle(req);
            }
        }
        Action::Back => w.confirm = None,
        Action::Enter if w.confirmed() => {
            if let Ok(spec) = w.spec() {
                w.confirm = None;
                return vec![Command::StartRestore(spec)];
            }
        }
        _ => {}
    }
    vec![]
}

fn replan(w: &mut Wizard) -> Vec<Command> {
    match w.spec() {
        Ok(spec) => {
            w.doomed.clear();
            w.plan = PlanView::Loading;
            w.plan_scroll = 0;
            vec![Command::PlanRestore(spec)]
        }
        Err(_) => vec![],
    }
}

fn enter(w: &mut Wizard) -> (bool, Vec<Command>) {
    if w.step == WizardStep::Plan {
        // Refused while the plan lists existing targets (the page says why).
        return match (&w.plan, w.spec()) {
            // Dropping collections wants the target's name typed first.
            (PlanView::Ready(p), Ok(_)) if p.conflicts.is_empty() && w.destroys() => {
                w.confirm = Some(tui_input::Input::default());
                (true, vec![])
            }
            (PlanView::Ready(p), Ok(spec)) if p.conflicts.is_empty() => {
                (false, vec![Command::StartRestore(spec)])
            }
            _ => (true, vec![]),
        };
    }
    if w.page_problem().is_some() {
        return (true, vec![]);
    }
    if let Some(next) = w.step.next() {
        w.step = next;
        if next == WizardStep::Plan {
            return (true, replan(w));
        }
    }
    (true, vec![])
}

fn move_in_page(w: &mut Wizard, action: &Action) {
    match w.step {
        WizardStep::Collections => {
            super::update::screens_move(&mut w.cursor, w.collections.len(), action);
        }
        WizardStep::Naming => {
            let i = NamingMode::ALL
                .iter()
                .position(|m| *m == w.naming)
                .unwrap_or(0);
            let mut j = i;
            super::update::screens_move(&mut j, NamingMode::ALL.len(), action);
            w.naming = NamingMode::ALL[j];
        }
        WizardStep::Target => {
            super::update::screens_move(&mut w.cluster, w.clusters.len(), action);
        }
        WizardStep::Options => {
            super::update::screens_move(&mut w.option_cursor, OPTION_COUNT, action);
        }
        WizardStep::Plan => {
            w.plan_scroll = match action {
                Action::Up => w.plan_scroll.saturating_sub(1),
                Action::Down => w.plan_scroll.saturating_add(1),
                Action::End => u16::MAX,
                _ => 0,
            };
        }
    }
}

fn toggle(w: &mut Wizard) {
    match w.step {
        WizardStep::Collections => {
            if let Some((_, on)) = w.collections.get_mut(w.cursor) {
                *on = !*on;
            }
        }
        WizardStep::Options => match w.option_cursor {
            0 => w.create_indexes = !w.create_indexes,
            1 => w.load = !w.load,
            _ => w.drop_existing = !w.drop_existing,
        },
        _ => {}
    }
}
